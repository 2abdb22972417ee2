"""Images: one pipeline from the editor's file to what each edition needs.

Two steps, each done once per original and kept while the original's bytes stay the same:

1. **The master** (``publish_image``, run by the render stage into ``_build/src``): the image turned
   upright (EXIF orientation applied), without EXIF, XMP, IPTC, comments or text chunks (GPS
   position, camera serial numbers and timestamps are gone; the ICC colour profile is kept), and
   no larger than ``MASTER_LONG_EDGE`` pixels on its long edge, the most any edition shows. The
   editor's file is only read. SVG is copied as it is (validation checked it).
2. **The derivatives** (``Derivatives``, asked for by the Sphinx side as each edition is written),
   made from the master and cached under ``_build/images/``, named by the master's content and
   the target's recipe, so an edit to one report re-encodes nothing else and a second build
   encodes nothing at all:

   - ``web``: a few widths (``WEB_WIDTHS``) for ``srcset``, in WebP and in a fallback (JPEG for
     photographs, PNG for line art); the WebP set is offered only when it is smaller. The master
     itself is the large image the viewer opens.
   - ``epub``: long edge at most ``EPUB_LONG_EDGE``; photographs as JPEG (quality
     ``EPUB_JPEG_QUALITY``), line art and screenshots as PNG. WebP becomes JPEG or PNG: EPUB 3.3
     made WebP a core media type, but reading systems in use today do not all show it.
   - ``print``: at most 300 pixels per inch at the largest size the PDF prints an image (the text
     block, ``PRINT_BOX_MM``); JPEG or PNG as for the EPUB, so any PDF engine can embed it (Typst
     stores a WebP's pixels without JPEG's compression).

A photograph and line art are told apart by content, not by format: a JPEG or lossy WebP is a
photograph; a PNG or lossless WebP is line art when it uses transparency or at most 256 colours,
or when PNG keeps it within ``LINE_ART_PNG_RATIO`` times the size of a JPEG of it (screenshots,
diagrams); a photograph saved as PNG is many times larger than as JPEG and becomes a JPEG.
"""

from __future__ import annotations

import hashlib
import io
import json
import multiprocessing
import os
import re
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from PIL import Image, ImageCms, JpegImagePlugin

from bookbuilder.check.images import (
    check_image_file,
    image_kind,
    pillow_error,
    quiet_pillow,
    upright,
)
from bookbuilder.layout import DERIVATIVES
from bookbuilder.pdfengine.limits import PRINT_BOX_MM

MASTER_LONG_EDGE = 2560  # the viewer's large image: the most any edition shows
MASTER_JPEG_QUALITY = 90
WEB_WIDTHS = (480, 960, 1600)
WEB_JPEG_QUALITY = 80
WEB_WEBP_QUALITY = 75
EPUB_LONG_EDGE = 1600
EPUB_JPEG_QUALITY = 82
PRINT_PPI = 300
PRINT_JPEG_QUALITY = 82
LINE_ART_PNG_RATIO = 3
# Bumped whenever the recipes change, so that no cached derivative of an older recipe is used.
PIPELINE_VERSION = 2  # 2: 16-bit grey and CMYK keep their colours, profiles must match
# What a master depends on besides its original: kept beside each master (render/pages.py).
MASTER_RECIPE = f"v{PIPELINE_VERSION} long-edge={MASTER_LONG_EDGE} jpeg={MASTER_JPEG_QUALITY}"

RASTER_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")

_PILLOW_FORMAT = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}
MIME = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp", "svg": "image/svg+xml"}
SUFFIX = {"png": ".png", "jpeg": ".jpg", "webp": ".webp", "svg": ".svg"}


# --------------------------------------------------------------------------------------------
# The master


class ImageError(ValueError):
    """An image that cannot be made into the editions' copies: which file (``path``) and why.
    ``make check`` refuses such files first, naming the report; this is the build's own word
    should one reach it all the same, never a traceback."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(path, why)  # both in args: the error crosses process pools
        self.path, self.why = path, why

    def __str__(self) -> str:
        return f"{self.path}: {self.why}"


def _image_failure(src: Path, err: Exception) -> ImageError:
    """``err``, raised while ``src`` was decoded or encoded, as an :class:`ImageError`; the
    file system's own errors (a full disk, a folder that cannot be written) go on as they
    are: Pillow's complaints about an image are ``OSError`` without an ``errno``."""
    if isinstance(err, OSError) and err.errno is not None:
        raise err
    return ImageError(src, f"cannot be read as an image ({pillow_error(err, src)})")


def publish_image(src: Path, dest: Path, long_edge: int | None = MASTER_LONG_EDGE) -> None:
    """Write the master of ``src`` at ``dest``: upright, without private metadata, at most
    ``long_edge`` pixels long (None: as large as the original), in the original's format.

    An image that needs no shrinking keeps its quality as far as a re-encoding allows (a JPEG its
    quantisation tables and chroma subsampling; a lossless WebP stays lossless); a larger one is
    resized with Lanczos and saved at high quality. The same source gives the same bytes on
    every run. ``src`` is only read. Raises :class:`ImageError` for a file that
    ``check_image_file`` refuses (validation refuses those earlier, with file and line) or that
    Pillow cannot decode or encode.
    """
    kind = image_kind(src)
    if kind is None:
        raise ImageError(src, "is not a PNG, JPEG, WebP or SVG image")
    # Validation refused bad images already; this second look keeps a scripted SVG, a DICOM
    # file or a decompression bomb out of the editions should validation ever be bypassed.
    if problems := check_image_file(src):
        raise ImageError(src, problems[0])
    if kind == "svg":
        data = src.read_bytes()
    else:
        try:
            with quiet_pillow():
                data = _master_bytes(src, kind, long_edge)
        except Exception as err:  # Pillow raises many kinds on damaged files
            raise _image_failure(src, err) from err
    dest.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(dest, data)


def _read_as_jpeg(image: Image.Image) -> JpegImagePlugin.JpegImageFile:
    """An image whose bytes begin as a JPEG's, as Pillow's JPEG reader opened it."""
    if not isinstance(image, JpegImagePlugin.JpegImageFile):
        raise TypeError(f"read as {image.format}, not as a JPEG")
    return image


def _master_bytes(src: Path, kind: str, long_edge: int | None) -> bytes:
    with Image.open(src) as original:
        # A quarter turn leaves the long edge as it is: known before decoding.
        shrink = long_edge is not None and max(original.size) > long_edge
        if kind == "jpeg" and long_edge is not None and shrink:  # decode at a reduced scale
            original.draft(original.mode, _fit(original.size, long_edge))  # that leaves enough
        original.load()
        icc = original.info.get("icc_profile")
        transparency = original.info.get("transparency")
        params: dict[str, object] = {}
        if kind == "jpeg" and not shrink:
            jpeg = _read_as_jpeg(original)
            params["qtables"] = jpeg.quantization
            sampling = JpegImagePlugin.get_sampling(jpeg)
            if sampling != -1:
                params["subsampling"] = sampling
        elif kind == "jpeg":
            params["quality"] = MASTER_JPEG_QUALITY
        if kind == "jpeg" and original.info.get("progressive"):
            params["progressive"] = True
        if kind == "webp":
            lossless = webp_is_lossless(src)
            params.update(lossless=lossless, quality=100 if lossless else 90, method=4)
        turned = upright(original)
    clean = _resized(turned, _fit(turned.size, long_edge)) if shrink and long_edge else turned
    clean.info = {}  # nothing from the original's metadata travels by default
    if icc:
        params["icc_profile"] = icc
    if kind == "png" and transparency is not None and not shrink:
        params["transparency"] = transparency
    buffer = io.BytesIO()
    clean.save(buffer, format=_PILLOW_FORMAT[kind], **params)
    return buffer.getvalue()


def webp_is_lossless(path: Path) -> bool:
    """True when the WebP's (first) image bitstream is lossless (a ``VP8L`` chunk)."""
    data = path.read_bytes()
    pos = 12
    while pos + 8 <= len(data):
        fourcc = data[pos : pos + 4]
        length = int.from_bytes(data[pos + 4 : pos + 8], "little")
        if fourcc == b"VP8L":
            return True
        if fourcc == b"VP8 ":
            return False
        pos += 8 + length + (length & 1)
    return False


# --------------------------------------------------------------------------------------------
# Derivatives


@dataclass(frozen=True)
class Derived:
    """One derived file: where it is, its size in pixels and its media type."""

    path: Path
    width: int
    height: int
    mime: str


@dataclass(frozen=True)
class WebImage:
    """What the web edition shows for one image: ``fallback`` (JPEG or PNG, widest last) for the
    ``<img>``, ``modern`` (WebP, the same widths) for a ``<source>`` when smaller, and ``large``
    (the master) for the viewer."""

    fallback: tuple[Derived, ...]
    modern: tuple[Derived, ...]
    large: Derived

    @property
    def width(self) -> int:
        return self.fallback[-1].width

    @property
    def height(self) -> int:
        return self.fallback[-1].height


def print_box_pixels() -> tuple[int, int]:
    """The largest print derivative: the text block at ``PRINT_PPI``."""
    width, height = PRINT_BOX_MM
    return round(width / 25.4 * PRINT_PPI), round(height / 25.4 * PRINT_PPI)


class Derivatives:
    """Derived copies of masters, made once and kept in ``cache_dir`` (``_build/images``).

    A derivative's name holds the master's name and a key made of the master's bytes and the
    recipe, so a changed image or recipe gives new files and an unchanged one finds its own.
    Each set of files is described by a small JSON file written last: a build interrupted half
    way leaves no set that looks complete."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir

    def web(self, master: Path) -> WebImage:
        recipe = {"widths": WEB_WIDTHS, "jpeg": WEB_JPEG_QUALITY, "webp": WEB_WEBP_QUALITY}
        found = self._cached(master, "web", recipe, self._make_web)
        fallback, modern = found["fallback"], found["modern"]
        return WebImage(tuple(fallback), tuple(modern), _master_size(master))

    def epub(self, master: Path) -> Derived:
        recipe = {"long_edge": EPUB_LONG_EDGE, "jpeg": EPUB_JPEG_QUALITY}
        return self._cached(master, "epub", recipe, self._make_epub)["file"][0]

    def printed(self, master: Path) -> Derived:
        recipe = {"box": print_box_pixels(), "jpeg": PRINT_JPEG_QUALITY}
        return self._cached(master, "print", recipe, self._make_print)["file"][0]

    def file(self, recipe: str, master: Path) -> Derived:
        """The one file of an edition whose recipe (editions.py) is ``epub`` or ``print``."""
        return {"epub": self.epub, "print": self.printed}[recipe](master)

    # -- the cache ---------------------------------------------------------------------------

    def _cached(self, master: Path, target: str, recipe: dict, make) -> dict[str, list[Derived]]:
        digest = hashlib.sha256(master.read_bytes()).hexdigest()
        spec = json.dumps([PIPELINE_VERSION, target, recipe, digest], sort_keys=True)
        key = hashlib.sha256(spec.encode()).hexdigest()[:16]
        folder = self.cache_dir / key[:2]
        stem = f"{master.stem}-{key}"
        record = folder / f"{stem}.json"
        try:
            data = json.loads(record.read_text("utf-8"))
            found = {
                group: [Derived(folder / d["name"], d["width"], d["height"], d["mime"]) for d in ds]
                for group, ds in data.items()
            }
            if all(d.path.is_file() for ds in found.values() for d in ds):
                return found
        except (OSError, ValueError, KeyError, TypeError):
            pass  # not made yet, or damaged: made again
        folder.mkdir(parents=True, exist_ok=True)
        try:
            with quiet_pillow(), _open_master(master) as image:
                made = make(image, folder, stem)
        except Exception as err:  # Pillow raises many kinds on damaged files
            raise _image_failure(master, err) from err
        data = {
            group: [{**asdict(d), "path": None, "name": d.path.name} for d in ds]
            for group, ds in made.items()
        }
        _write_atomically(record, json.dumps(data, sort_keys=True).encode())
        return made

    # -- the recipes --------------------------------------------------------------------------

    def _make_web(self, image: Image.Image, folder: Path, stem: str) -> dict[str, list[Derived]]:
        photo = is_photograph(image)
        widths = sorted({w for w in WEB_WIDTHS if w < image.width} | {min(image.width, 1600)})
        fallback, modern = [], []
        for width in widths:
            size = (width, max(1, round(image.height * width / image.width)))
            variant = _resized(image, size)
            kind = "jpeg" if photo else "png"
            fallback.append(
                _save(variant, folder / f"{stem}-{width}{SUFFIX[kind]}", kind, WEB_JPEG_QUALITY)
            )
            modern.append(
                _save(variant, folder / f"{stem}-{width}.webp", "webp", WEB_WEBP_QUALITY, photo)
            )
        if sum(_bytes(d) for d in modern) >= sum(_bytes(d) for d in fallback):
            modern = []  # WebP is offered only where it is smaller
        return {"fallback": fallback, "modern": modern}

    def _make_epub(self, image: Image.Image, folder: Path, stem: str) -> dict[str, list[Derived]]:
        size = _fit(image.size, EPUB_LONG_EDGE)
        return {"file": [_save_as_photo_or_line_art(image, size, folder, stem, EPUB_JPEG_QUALITY)]}

    def _make_print(self, image: Image.Image, folder: Path, stem: str) -> dict[str, list[Derived]]:
        width, height = print_box_pixels()
        scale = min(1.0, width / image.width, height / image.height)
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        return {"file": [_save_as_photo_or_line_art(image, size, folder, stem, PRINT_JPEG_QUALITY)]}


_DERIVED_NAME = re.compile(r"(.+)-[0-9a-f]{16}(?:-\d+)?")


def original_name(path: Path, cache: Path) -> str:
    """The file name an image was given by its editor: a master's own, a derivative's (in
    ``cache``) without the key and width its name carries (``shifts-0123456789abcdef-480.png``
    → ``shifts``: its extension may be another, a WebP's copy being a JPEG)."""
    m = _DERIVED_NAME.fullmatch(path.stem)
    return m.group(1) if m and path.is_relative_to(cache) else path.name


def cache_folder(srcdir: Path) -> Path:
    """Where the derivatives of the masters in ``srcdir`` (``_build/src``) are kept."""
    return srcdir.parent / DERIVATIVES


def derive_all(srcdir: Path, targets: Sequence[str], workers: int | None = None) -> None:
    """Make, ahead of the editions' builds, every derivative they will ask for: the work is
    shared among the machine's cores (Sphinx writes pages one at a time), and the editions then
    find each file in the cache. ``targets``: some of ``editions.IMAGE_RECIPES``."""
    masters = sorted(
        p
        for p in srcdir.rglob("*")
        if p.suffix.lower() in RASTER_SUFFIXES and p.is_file() and not p.name.startswith(".")
    )
    jobs = [(master, target) for master in masters for target in targets]
    workers = min(workers or os.cpu_count() or 1, len(jobs))
    if workers <= 1:
        for job in jobs:
            _derive(job, cache_folder(srcdir))
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        list(pool.map(_derive, jobs, [cache_folder(srcdir)] * len(jobs)))


def _derive(job: tuple[Path, str], cache: Path) -> None:
    master, target = job
    made = Derivatives(cache)
    if target == "web":
        made.web(master)
    else:
        made.file(target, master)


def is_photograph(image: Image.Image) -> bool:
    """A photograph (saved as JPEG) or line art and screenshots (saved losslessly)?"""
    kind = image.info.get("bookbuilder_kind")
    if kind == "jpeg" or (kind == "webp" and not image.info.get("bookbuilder_lossless")):
        return True
    if _uses_transparency(image):
        return False
    if image.mode in ("1", "P") or image.getcolors(256) is not None:
        return False
    sample = _resized(image, _fit(image.size, 480))
    png, jpeg = io.BytesIO(), io.BytesIO()
    sample.save(png, format="PNG")
    _flattened(sample).save(jpeg, format="JPEG", quality=EPUB_JPEG_QUALITY)
    return png.tell() > LINE_ART_PNG_RATIO * jpeg.tell()


class _open_master:
    """The master, decoded, with what the recipes need to know about it in ``info``."""

    def __init__(self, master: Path) -> None:
        self.master = master

    def __enter__(self) -> Image.Image:
        kind = image_kind(self.master)
        with Image.open(self.master) as opened:
            opened.load()
            icc = opened.info.get("icc_profile")
            image = opened.copy()
        if image.mode == "P" or (image.mode in ("L", "RGB") and "transparency" in opened.info):
            image = image.convert("RGBA")
        elif image.mode.startswith("I") or image.mode == "F":
            image = _eight_bit_grey(image)  # a 16-bit grey PNG (an exported scan, say)
        elif image.mode == "CMYK":
            image = _cmyk_to_rgb(image, icc)
        elif image.mode not in ("1", "L", "LA", "RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.mode else "RGB")
        image.info = {
            "bookbuilder_kind": kind,
            "bookbuilder_lossless": kind == "webp" and webp_is_lossless(self.master),
            "icc_profile": _matching_profile(icc, image.mode),
        }
        return image

    def __exit__(self, *exc: object) -> None:
        pass


def _eight_bit_grey(image: Image.Image) -> Image.Image:
    """A 16-bit (or wider) grey image as 8-bit grey, its whole range kept: a plain conversion
    clips every value above 255 to white. JPEG and WebP have no 16-bit grey; browsers show a
    16-bit PNG the same way (its top 8 bits)."""
    wide = image.convert("I") if image.mode != "F" else image
    top = 65535 if image.mode.startswith("I;16") or _band_range(wide)[1] <= 65535 else 2**31 - 1
    return wide.point(lambda value: value * (255 / top)).convert("L")


def _cmyk_to_rgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """A CMYK JPEG (from a print workflow) in RGB, through its colour profile when it has a
    usable one: browsers and e-readers show RGB, and a CMYK profile means nothing to RGB."""
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if source.profile.xcolor_space.strip() == "CMYK":
                srgb = ImageCms.createProfile("sRGB")
                converted = ImageCms.profileToProfile(image, source, srgb, outputMode="RGB")
                if converted is not None:  # None only for a conversion in place
                    return converted
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # a damaged profile: converted as if it had none
    return image.convert("RGB")


def _matching_profile(icc: bytes | None, mode: str) -> bytes | None:
    """The original's colour profile for its copies, when Little CMS can read it and it
    describes the copy's colours (RGB for colour, grey for grey): a damaged profile, or a CMYK
    one on an RGB copy, is dropped rather than passed on to browsers, e-readers and the PDF."""
    if not icc:
        return None
    try:
        space = ImageCms.ImageCmsProfile(io.BytesIO(icc)).profile.xcolor_space.strip()
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None
    wanted = "GRAY" if mode in ("1", "L", "LA") else "RGB"
    return icc if space == wanted else None


def _master_size(master: Path) -> Derived:
    kind = image_kind(master) or "png"
    with Image.open(master) as image:
        width, height = image.size
    return Derived(master, width, height, MIME[kind])


def _save_as_photo_or_line_art(
    image: Image.Image, size: tuple[int, int], folder: Path, stem: str, quality: int
) -> Derived:
    kind = "jpeg" if is_photograph(image) else "png"
    variant = _resized(image, size) if size != image.size else image
    return _save(variant, folder / f"{stem}{SUFFIX[kind]}", kind, quality)


def _save(image: Image.Image, path: Path, kind: str, quality: int, lossy: bool = True) -> Derived:
    """Save ``image`` as ``kind`` with only its colour profile; the same bytes every run."""
    params: dict[str, object] = {}
    icc = image.info.get("icc_profile")
    if icc:
        params["icc_profile"] = icc
    if kind == "jpeg":
        image = _flattened(image)
        params.update(quality=quality, progressive=True, optimize=True)
    elif kind == "webp":
        params.update(method=4, quality=quality if lossy else 70, lossless=not lossy)
    buffer = io.BytesIO()
    clean = image.copy()
    clean.info = {}
    clean.save(buffer, format=_PILLOW_FORMAT[kind], **params)
    _write_atomically(path, buffer.getvalue())
    return Derived(path, image.width, image.height, MIME[kind])


def _flattened(image: Image.Image) -> Image.Image:
    """JPEG has no transparency: put the image on white."""
    if image.mode in ("RGB", "L"):
        return image
    if "A" in image.mode:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        flat = Image.alpha_composite(background, rgba).convert("RGB")
        flat.info = image.info
        return flat
    converted = image.convert("RGB")
    converted.info = image.info
    return converted


def _uses_transparency(image: Image.Image) -> bool:
    if "A" not in image.mode:
        return False
    low, _high = _band_range(image.getchannel("A"))
    return low < 255


def _band_range(band: Image.Image) -> tuple[float, float]:
    """The lowest and highest value of a one-band image (Pillow gives a pair per band for an
    image of several)."""
    low, high = band.getextrema()
    if isinstance(low, tuple) or isinstance(high, tuple):
        raise ValueError(f"one band expected, found the mode {band.mode}")
    return low, high


def _resized(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    if size == image.size:
        return image
    # reducing_gap: a fast integer reduction first, then Lanczos over the last factor of 3
    resized = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    resized.info = image.info
    return resized


def _fit(size: tuple[int, int], long_edge: int) -> tuple[int, int]:
    width, height = size
    scale = min(1.0, long_edge / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _bytes(derived: Derived) -> int:
    return derived.path.stat().st_size


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
