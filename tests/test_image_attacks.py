"""Damaged, unusual and hostile image files: each refused by ``make check`` with the report and
the image named, or made into every edition's copies; never a traceback (issue 22, items 5 and
10). The files are made here with Pillow; the books are the small fixture book with one report
showing them.
"""

from __future__ import annotations

import io
import os
import pickle
import re
import struct
import subprocess
import tempfile
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageCms

from bookbuilder.check.images import (
    MAX_SVG_SIDE,
    check_image_file,
    svg_intrinsic_size,
)
from bookbuilder.render.images import Derivatives, ImageError, original_name, publish_image
from bookbuilder.sphinx.images import svg_size
from conftest import (
    FIXTURES,
    SMALL,
    copy_book,
    require,
    require_pdf,
    run_book,
    small_book_with,
)

SLUG = "shade-for-the-scanner-sevilla"


def noise(width: int = 400, height: int = 300, seed: int = 1) -> Image.Image:
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 255, (height, width, 3), dtype=np.uint8))


def encoded(image: Image.Image, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def png_with_damaged_stream() -> bytes:
    """A PNG whose compressed pixels are garbled but whose chunk checksum is right again: only
    decoding finds it (Pillow's verify() does not)."""
    data = bytearray(encoded(noise(), "PNG"))
    start = data.index(b"IDAT")
    length = struct.unpack(">I", data[start - 4 : start])[0]
    for i in range(start + 104, start + 4 + length - 10, 7):
        data[i] ^= 0x55
    crc = zlib.crc32(bytes(data[start : start + 4 + length]))
    data[start + 4 + length : start + 8 + length] = struct.pack(">I", crc)
    return bytes(data)


def half(data: bytes) -> bytes:
    return data[: len(data) // 2]


def animated(fmt: str) -> bytes:
    frames = [noise(seed=1), noise(seed=2)]
    return encoded(frames[0], fmt, save_all=True, append_images=frames[1:])


def jpeg_with_scans(extra: int) -> bytes:
    """A progressive JPEG with its last scan repeated: each scan is decoded over the whole
    image (2,000 made a 123 KB file take two minutes)."""
    data = encoded(Image.new("RGB", (64, 48), (120, 130, 140)), "JPEG", progressive=True)
    last, end = data.rindex(b"\xff\xda"), data.rindex(b"\xff\xd9")
    return data[:end] + data[last:end] * extra + data[end:]


def png_with_chunk_bomb(kind: bytes) -> bytes:
    """A small PNG with a colour profile (iCCP) or text (zTXt) chunk that inflates to 20 MB."""
    data = bytes([0x70, 0, 0]) + zlib.compress(bytes(20_000_000), 9)
    chunk = struct.pack(">I", len(data)) + kind + data
    chunk += struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    png = encoded(Image.new("RGB", (10, 10)), "PNG")
    return png[:33] + chunk + png[33:]  # after the header chunk


# name, bytes, the start of the one message make check gives
REFUSED: list[tuple[str, bytes, str]] = [
    ("cut.jpg", half(encoded(noise(), "JPEG")), "the file cannot be read as JPEG (OSError: "),
    ("stream.png", png_with_damaged_stream(), "the file cannot be read as PNG ("),
    ("cut.png", half(encoded(noise(), "PNG")), "the file cannot be read as PNG ("),
    ("cut.webp", half(encoded(noise(), "WEBP")), "the file cannot be read as WebP ("),
    ("cut.gif", half(encoded(noise(), "GIF")), "the file is GIF"),
    ("empty.png", b"", "the file is not an image this book can use"),
    ("empty.jpg", b"", "the file is not an image this book can use"),
    ("magic-only.jpg", b"\xff\xd8\xff", "the file cannot be read as JPEG (UnidentifiedImage"),
    ("photo.jpg", encoded(noise(), "PNG"), "the file's contents are PNG but its name ends in"),
    ("moving.png", animated("PNG"), "the image is animated (2 frames)"),
    ("scans.jpg", jpeg_with_scans(2000), "the JPEG has 2010 scans"),
    ("profile-bomb.png", png_with_chunk_bomb(b"iCCP"), "the file cannot be read as PNG (ValueE"),
    ("text-bomb.png", png_with_chunk_bomb(b"zTXt"), "the file cannot be read as PNG (ValueE"),
    ("moving.webp", animated("WEBP"), "the image is animated (2 frames)"),
]


@pytest.mark.parametrize(("name", "data", "start"), REFUSED, ids=[r[0] for r in REFUSED])
def test_damaged_and_animated_files_are_refused(
    tmp_path: Path, name: str, data: bytes, start: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    messages = check_image_file(path)
    assert len(messages) == 1 and messages[0].startswith(start), messages
    assert str(tmp_path) not in messages[0]  # the machine's folders stay out of messages
    with pytest.raises(ImageError) as caught:  # never Pillow's own exception
        publish_image(path, tmp_path / "out" / name)
    assert caught.value.path == path


def exif_orientation(value: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = value
    return exif.tobytes()


def exif_orientation_as_text() -> bytes:
    """An EXIF block whose orientation is the text "six" (type ASCII), not a number."""
    entry = struct.pack(">HHI4s", 0x0112, 2, 4, b"six\0")
    return b"Exif\0\0MM\0*" + struct.pack(">IH", 8, 1) + entry + struct.pack(">I", 0)


def cmyk_profile() -> bytes | None:
    """A CMYK colour profile, where the system has one (Ghostscript's, colord's)."""
    for candidate in (
        "/usr/share/color/icc/ghostscript/default_cmyk.icc",
        "/usr/share/color/icc/colord/FOGRA39L_coated.icc",
    ):
        if Path(candidate).is_file():
            return Path(candidate).read_bytes()
    return None


def srgb() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def multi_picture_jpeg() -> bytes:
    """A JPEG with a second picture after its own (MPO: a camera's second view, a phone's
    depth or gain map)."""
    return encoded(noise(), "MPO", save_all=True, append_images=[Image.new("RGB", (40, 30))])


def test_a_multi_picture_jpeg_is_published_as_its_first_picture(tmp_path: Path) -> None:
    original = tmp_path / "phone.jpg"
    original.write_bytes(multi_picture_jpeg())
    assert check_image_file(original) == []
    publish_image(original, tmp_path / "src" / "phone.jpg")
    with Image.open(tmp_path / "src" / "phone.jpg") as master:
        assert master.format == "JPEG" and master.size == (400, 300)
        assert getattr(master, "n_frames", 1) == 1


def variations() -> list[tuple[str, bytes]]:
    red = Image.new("RGB", (300, 200), (200, 30, 30))
    grey16 = Image.fromarray(np.tile(np.linspace(0, 65535, 300, dtype=np.uint16), (200, 1)))
    palette = noise().convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    made = [
        ("grey16.png", encoded(grey16, "PNG")),
        ("cmyk.jpg", encoded(red.convert("CMYK"), "JPEG")),
        ("cmyk-rgb-profile.jpg", encoded(red.convert("CMYK"), "JPEG", icc_profile=srgb())),
        ("cmyk-bad-profile.jpg", encoded(red.convert("CMYK"), "JPEG", icc_profile=b"x" * 200)),
        ("rgb-bad-profile.png", encoded(red, "PNG", icc_profile=b"not a profile")),
        ("palette-transparent.png", encoded(palette, "PNG", transparency=3)),
        ("grey-transparent.png", encoded(noise().convert("L"), "PNG", transparency=7)),
        ("grey-alpha.png", encoded(noise().convert("LA"), "PNG")),
        ("bilevel.png", encoded(noise().convert("1"), "PNG")),
        ("one-pixel.png", encoded(Image.new("RGB", (1, 1)), "PNG")),
        ("ribbon.png", encoded(Image.new("RGB", (20000, 1), "white"), "PNG")),
        ("orientation-9.jpg", encoded(noise(), "JPEG", exif=exif_orientation(9))),
        ("orientation-text.jpg", encoded(noise(), "JPEG", exif=exif_orientation_as_text())),
        ("exif-garbage.jpg", encoded(noise(), "JPEG", exif=b"Exif\x00\x00MM\x00*" + b"\xff" * 40)),
        ("progressive.jpg", encoded(noise(), "JPEG", progressive=True)),
        ("fifty-scans.jpg", jpeg_with_scans(40)),
        ("two-pictures.jpg", multi_picture_jpeg()),
        ("lossless.webp", encoded(noise().convert("RGBA"), "WEBP", lossless=True)),
    ]
    if profile := cmyk_profile():
        made.append(("cmyk-profile.jpg", encoded(red.convert("CMYK"), "JPEG", icc_profile=profile)))
    return made


VARIATIONS = variations()


@pytest.mark.parametrize(("name", "data"), VARIATIONS, ids=[v[0] for v in VARIATIONS])
def test_unusual_files_are_accepted_and_made_into_every_copy(
    tmp_path: Path, name: str, data: bytes
) -> None:
    original = tmp_path / name
    original.write_bytes(data)
    assert check_image_file(original) == []
    master = tmp_path / "src" / name
    publish_image(original, master)
    made = Derivatives(tmp_path / "images")
    copies = [*made.web(master).fallback, made.epub(master), made.printed(master)]
    for copy in copies:
        with Image.open(copy.path) as image:
            image.load()
            assert image.mode in ("1", "L", "LA", "RGB", "RGBA"), (copy.path, image.mode)
            profile = image.info.get("icc_profile")
            if profile:  # only a profile of the copy's own colours travels
                space = ImageCms.ImageCmsProfile(io.BytesIO(profile)).profile.xcolor_space
                assert space.strip() == ("GRAY" if image.mode in ("L", "LA") else "RGB")


def test_a_16_bit_grey_image_keeps_its_shades(tmp_path: Path) -> None:
    """A plain conversion clips every value above 255: the whole ramp would be white."""
    original = tmp_path / "ramp.png"
    ramp = np.tile(np.linspace(0, 65535, 256, dtype=np.uint16), (50, 1))
    Image.fromarray(ramp).save(original)
    publish_image(original, tmp_path / "src" / "ramp.png")
    copy = Derivatives(tmp_path / "images").epub(tmp_path / "src" / "ramp.png")
    with Image.open(copy.path) as image:
        row = np.asarray(image.convert("L"))[25]
    assert row[0] < 5 and row[-1] > 250 and 100 < row[128] < 160


@pytest.mark.parametrize("profile", ["none", "cmyk"])
def test_a_cmyk_photograph_keeps_its_colours(tmp_path: Path, profile: str) -> None:
    icc = cmyk_profile() if profile == "cmyk" else None
    if profile == "cmyk":
        require(icc is not None, "needs a CMYK colour profile (Debian's libgs-common, .ci/run)")
    red = Image.new("RGB", (200, 100), (200, 30, 30))
    original = tmp_path / "red.jpg"
    original.write_bytes(
        encoded(red.convert("CMYK"), "JPEG", **({"icc_profile": icc} if icc else {}))
    )
    publish_image(original, tmp_path / "src" / "red.jpg")
    copy = Derivatives(tmp_path / "images").epub(tmp_path / "src" / "red.jpg")
    with Image.open(copy.path) as image:
        assert image.mode == "RGB" and "icc_profile" not in image.info
        r, g, b = image.getpixel((100, 50))
    assert r > 150 and g < 110 and b < 110  # still red, not inverted or grey


def test_a_damaged_master_is_an_image_error_and_crosses_process_pools(tmp_path: Path) -> None:
    master = tmp_path / "cut.jpg"
    master.write_bytes(half(encoded(noise(), "JPEG")))
    with pytest.raises(ImageError) as caught:
        Derivatives(tmp_path / "images").epub(master)
    error = pickle.loads(pickle.dumps(caught.value))
    assert error.path == master and "cannot be read as an image" in error.why


def test_a_derivatives_name_gives_back_the_editors_file_name(tmp_path: Path) -> None:
    original = tmp_path / "diagram" / "shifts.png"
    original.parent.mkdir()
    Image.new("RGB", (2000, 100), "white").save(original)
    made = Derivatives(tmp_path / "images")
    for copy in [*made.web(original).fallback, made.epub(original)]:
        assert original_name(copy.path, tmp_path / "images") == "shifts"
    assert original_name(original, tmp_path / "images") == "shifts.png"
    keyed = tmp_path / "report" / "photo-0123456789abcdef.png"  # an editor's own name
    assert original_name(keyed, tmp_path / "images") == "photo-0123456789abcdef.png"


# -- SVG sizes ---------------------------------------------------------------------------------


def svg(attributes: str) -> bytes:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" {attributes}>'
        '<rect width="10" height="10" fill="#369"/></svg>'
    ).encode()


@pytest.mark.parametrize(
    ("attributes", "found"),
    [
        ('width="1e999" height="1e999" viewBox="0 0 10 10"', "width='1e999' is not between"),
        ('width="1e308" height="10"', "width='1e308' is not between"),
        ('width="-5" height="10"', "width='-5' is not between"),
        ('width="0" height="10" viewBox="0 0 10 10"', "width='0' is not between"),
        ('width="10" height="NaN" viewBox="0 0 10 10"', "height='NaN' is not a length"),
        ('width="inf" height="10"', "width='inf' is not a length"),
        ('width="12 furlongs" height="10"', "width='12 furlongs' is not a length"),
        ('width="3m" height="10"', "width='3m' is not a length"),
        ('width="10000.5" height="10"', "width='10000.5' is not between"),
        ('width="300cm" height="10cm"', "width='300cm' is not between"),
        ('viewBox="0 0 1e999 10"', "viewBox='0 0 1e999 10' is not four numbers"),
        ('viewBox="0 0 -1 5"', "viewBox='0 0 -1 5' is not four numbers"),
        ('viewBox="0 0 10"', "viewBox='0 0 10' is not four numbers"),
        ('viewBox="0 0 nan 10"', "viewBox='0 0 nan 10' is not four numbers"),
    ],
)
def test_svg_sizes_out_of_bounds_are_refused(tmp_path: Path, attributes: str, found: str) -> None:
    path = tmp_path / "plan.svg"
    path.write_bytes(svg(attributes))
    messages = check_image_file(path)
    assert len(messages) == 1 and messages[0].startswith("the SVG's "), messages
    assert found in messages[0]
    assert svg_size(path) is None or max(svg_size(path)) <= MAX_SVG_SIDE


@pytest.mark.parametrize(
    ("attributes", "size"),
    [
        ('width="300pt" height="150pt"', (400, 200)),
        ('width="10cm" height="5cm"', (378, 189)),
        ('width="100%" height="100%" viewBox="0 0 640 480"', (640, 480)),
        ('viewBox="0 0 1e6 5e5"', (MAX_SVG_SIDE, MAX_SVG_SIDE // 2)),  # kept in shape
        ('viewBox="-5,-5,20,10"', (20, 10)),
        ('width="10000" height="0.001"', (10000, 1)),
    ],
)
def test_svg_sizes_within_bounds_are_accepted_and_stated(
    tmp_path: Path, attributes: str, size: tuple[int, int]
) -> None:
    path = tmp_path / "plan.svg"
    path.write_bytes(svg(attributes))
    assert check_image_file(path) == []
    assert svg_size(path) == size


LENGTHS = st.one_of(
    st.text(max_size=12),
    st.from_regex(r"-?[0-9.]{0,6}(e-?[0-9]{1,4})?(px|pt|cm|mm|in|%|em)?", fullmatch=True),
    st.sampled_from(["1e999", "-1e999", "NaN", "inf", "1e308", "0", "-0", "1e-400"]),
)


@given(width=LENGTHS, height=LENGTHS, box=st.lists(LENGTHS, max_size=5))
def test_an_svgs_stated_size_never_raises_and_stays_bounded(
    width: str, height: str, box: list[str]
) -> None:
    size = svg_intrinsic_size({"width": width, "height": height, "viewBox": " ".join(box)})
    assert size is None or (min(size) >= 1 and max(size) <= MAX_SVG_SIDE)


# -- in a book: make check and the build ---------------------------------------------------


def book_showing(root: Path, files: dict[str, bytes], directive: str = "image") -> Path:
    """The small fixture book, with one report showing ``files`` (its image folder's)."""
    copy_book(SMALL, root)
    folder = root / "experiences" / "images" / SLUG
    report = root / "experiences" / f"{SLUG}.md"
    body = [report.read_text("utf-8")]
    for i, (name, data) in enumerate(files.items()):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
        body.append(
            f"```{{{directive}}} images/{SLUG}/{name}\n:alt: Picture number {i} of the tent.\n```\n"
        )
    report.write_text("\n".join(body), "utf-8")
    return root


def test_every_damaged_image_is_named_in_one_check_and_nothing_is_built(tmp_path: Path) -> None:
    files = {name: data for name, data, _start in REFUSED if name != "photo.jpg"}
    files["plan.svg"] = svg('width="1e999" height="1e999" viewBox="0 0 10 10"')
    root = book_showing(tmp_path / "book", files)
    for command in (["check"], ["build", "html"]):
        result = run_book(root, *command)
        output = result.stdout + result.stderr
        assert result.returncode == 1, output
        assert "Traceback" not in output
        for name in files:
            assert f"experiences/{SLUG}.md:" in output
            assert f"image 'images/{SLUG}/{name}'" in output, name
    assert not (root / "_build" / "html").exists()


def test_the_check_cache_sees_an_image_damaged_in_place(tmp_path: Path) -> None:
    """The same size and modification time, other bytes: the result remembered for the good
    file must not be given for the damaged one (nor the other way round)."""
    good = encoded(noise(), "PNG")
    root = book_showing(tmp_path / "book", {"tent.png": good})
    path = root / "experiences" / "images" / SLUG / "tent.png"
    assert run_book(root, "check").returncode == 0
    stat = path.stat()
    damaged = bytearray(good)
    damaged[len(good) // 2 :] = bytes(len(good) - len(good) // 2)  # the same size
    path.write_bytes(bytes(damaged))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same time
    result = run_book(root, "check")
    assert result.returncode == 1 and "tent.png': the file cannot be read as PNG" in result.stdout
    path.write_bytes(good)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert run_book(root, "check").returncode == 0


def test_an_image_damaged_after_the_check_stops_the_build_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Should a damaged image get past make check (changed since, a bug), the build names the
    image and the report showing it, and builds nothing; no traceback."""
    from bookbuilder import cli
    from bookbuilder.check import body, burnedin

    root = book_showing(tmp_path / "book", {"tent.jpg": half(encoded(noise(), "JPEG"))})
    monkeypatch.setattr(body, "check_image_file", lambda path: [])  # the check looks away
    monkeypatch.setattr(burnedin, "check_reports", lambda *args: {})  # its OCR too
    assert cli.cmd_build(root, ["html"], verbose=False) == 1
    output = capsys.readouterr().out
    assert (
        f"experiences/images/{SLUG}/tent.jpg (shown by experiences/{SLUG}.md): the file cannot "
        "be read as JPEG (OSError: image file is truncated" in output
    )
    assert "Nothing was built." in output


# -- images with links, in every edition --------------------------------------------------------

TARGETS = {
    "figure": "https://example.org/figure",
    "image": "https://example.org/image",
    "svg": "https://example.org/svg",
    "inline": "https://example.org/inline",
    "uncaptioned": "https://example.org/uncaptioned",
}


@pytest.fixture(scope="module")
def linked_book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A report with a figure and an image with ``:target:`` (PNG, and an SVG in a subfolder
    whose alt text is its folder and name, shown with ``:loading: embed``), and an image inside
    a link's text; all three editions built."""
    require_pdf("pdftotext")
    root = copy_book(SMALL, tmp_path_factory.mktemp("linked"))
    folder = root / "experiences" / "images" / SLUG
    (folder / "diagram").mkdir()
    (folder / "diagram" / "shifts.svg").write_bytes(svg('width="200" height="100"'))
    noise(600, 400).save(folder / "tent.jpg")
    image = f"images/{SLUG}"
    report = root / "experiences" / f"{SLUG}.md"
    report.write_text(
        report.read_text("utf-8")
        + f"""
```{{figure}} {image}/tent.jpg
:alt: The tent seen from the car park, a link to its maker.
:target: {TARGETS["figure"]}

The tent, linked.
```

```{{image}} {image}/awning.png
:alt: The awning, a plain image with a link.
:target: {TARGETS["image"]}
```

```{{figure}} {image}/diagram/shifts.svg
:alt: diagram-shifts
:target: {TARGETS["svg"]}
:loading: embed

The shifts, drawn.
```

```{{figure}} {image}/awning.png
:alt: The awning again, a figure without a caption, with a link.
:target: {TARGETS["uncaptioned"]}
```

Before the storm [![The tent at night](images/{SLUG}/tent.jpg)]({TARGETS["inline"]}) came.
""",
        "utf-8",
    )
    result = run_book(root, "build", "all")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    return root, output


def test_linked_images_on_the_web_are_links_around_their_pictures(
    linked_book: tuple[Path, str],
) -> None:
    root, _output = linked_book
    page = (root / "_build" / "html" / "experiences" / f"{SLUG}.html").read_text("utf-8")
    for key in ("figure", "image", "uncaptioned"):
        opening = f'<a class="reference external image-reference" href="{TARGETS[key]}">'
        assert f'{opening}<picture class="book-picture">' in page, key
        after = page.split(opening, 1)[1]
        assert after.index("</picture></a>") < after.index("<a "), key  # closed, not nested
    svg_link = f'<a class="reference external image-reference" href="{TARGETS["svg"]}"><img '
    assert svg_link in page
    assert f'<a class="reference external" href="{TARGETS["inline"]}"><picture' in page
    assert page.count('class="book-zoom"') == 1  # the fixture's own figure; links do not zoom


def test_linked_images_in_the_epub_keep_their_links_and_the_conformance_claim(
    linked_book: tuple[Path, str],
) -> None:
    root, output = linked_book
    assert "Cannot embed" not in output and "text alternative is its file name" not in output
    with zipfile.ZipFile(root / "_build" / "epub" / "heatwave-2021.epub") as epub:
        page = epub.read(f"experiences/{SLUG}.xhtml").decode()
        opf = epub.read("content.opf").decode()
    for key in ("figure", "image", "svg", "uncaptioned"):
        assert re.search(rf'<a class="[^"]*image-reference" href="{TARGETS[key]}"><img ', page)
    assert "data:" not in page  # :loading: embed embeds nothing
    assert '<meta property="dcterms:conformsTo">' in opf


def test_linked_images_in_the_pdf_are_links_with_their_address_on_paper(
    linked_book: tuple[Path, str],
) -> None:
    import pikepdf

    root, _output = linked_book
    pdf_path = root / "_build" / "pdf" / "heatwave-2021.pdf"
    with pikepdf.open(pdf_path) as pdf:
        uris = {
            str(annot.A.URI)
            for page in pdf.pages
            for annot in page.get("/Annots", [])
            if "/A" in annot and "/URI" in annot.A
        }
    assert set(TARGETS.values()) <= uris
    text = subprocess.run(
        ["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for key in ("figure", "image", "svg", "uncaptioned"):
        assert TARGETS[key] in text, key  # in a footnote: readable on paper
    assert "The tent, linked." in text and "The shifts, drawn." in text


def test_a_translations_check_is_remembered_with_its_originals_images(tmp_path: Path) -> None:
    """A translation shows the original's images (images/<slug>/): a change to one of them
    must check the translation again, not give its remembered result."""
    from datetime import date

    from bookbuilder.check.cache import report_key
    from bookbuilder.check.load import load_reports

    root = copy_book(FIXTURES / "book-translations", tmp_path / "book")
    sources = {s.relpath: s for s in load_reports(root)[0]}
    translation = sources["experiences/notti-in-tc-bergamo.en.md"]
    before = report_key(translation, root, "en", date(2024, 1, 1))
    image = root / "experiences" / "images" / "notti-in-tc-bergamo" / "sala.png"
    image.write_bytes(half(image.read_bytes()))
    assert report_key(translation, root, "en", date(2024, 1, 1)) != before


@pytest.mark.parametrize("key", ["cover", "logo"])
def test_a_damaged_cover_or_logo_is_refused_by_the_check(tmp_path: Path, key: str) -> None:
    """The book's own images go into the editions like a report's: checked the same way."""
    root = small_book_with(tmp_path / "book", {key: "art/front.jpg"})
    (root / "art").mkdir()
    (root / "art" / "front.jpg").write_bytes(half(encoded(noise(), "JPEG")))
    result = run_book(root, "check")
    output = result.stdout + result.stderr
    assert result.returncode == 1 and "Traceback" not in output
    assert "conf.py" in output and "'art/front.jpg': the file cannot be read as JPEG" in output


# -- any damage: refused, or made into every copy ----------------------------------------------

SMALL_FILES = {
    "png": encoded(noise(64, 48), "PNG"),
    "palette.png": encoded(noise(64, 48).convert("P"), "PNG", transparency=2),
    "jpg": encoded(noise(64, 48), "JPEG"),
    "progressive.jpg": encoded(noise(64, 48), "JPEG", progressive=True),
    "webp": encoded(noise(64, 48), "WEBP"),
    "lossless.webp": encoded(noise(64, 48), "WEBP", lossless=True),
}


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    base=st.sampled_from(sorted(SMALL_FILES)),
    flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=6),
    keep=st.floats(0.0, 1.0),
)
def test_a_damaged_file_is_refused_or_made_into_every_copy(
    tmp_path: Path, base: str, flips: list[tuple[int, int]], keep: float
) -> None:
    """Bytes changed anywhere and the file cut anywhere: make check's word is kept by the build
    (accepted: every copy is made; refused: the build refuses it too, with an ImageError)."""
    data = bytearray(SMALL_FILES[base])
    for position, value in flips:
        data[position % len(data)] = value
    data = data[: max(1, round(len(data) * keep))] if keep < 1 else data
    name = "image." + base.rsplit(".", 1)[-1]
    folder = Path(tempfile.mkdtemp(dir=tmp_path))  # one per example: tmp_path is shared
    original = folder / name
    original.write_bytes(bytes(data))
    problems = check_image_file(original)
    master = folder / "src" / name
    if problems:
        with pytest.raises(ImageError):
            publish_image(original, master)
        return
    publish_image(original, master)
    made = Derivatives(folder / "images")
    made.web(master), made.epub(master), made.printed(master)
