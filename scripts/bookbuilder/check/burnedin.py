"""Patient data burned into an image's pixels: read the text of every image, find identifiers.

A clinical image carries the patient's identity in its pixels (``DOE^JANE  DOB 12/03/1956  MRN
00482913`` in a corner), where no metadata stripping reaches. Before an accepted report is
published, every raster image it shows is read by an OCR engine (RapidOCR: PaddleOCR's models
run by ONNX Runtime, shipped inside the ``rapidocr-onnxruntime`` wheel, so nothing is downloaded;
the choice and its measurements are in ``docs/privacy.md``), and the lines read are judged by
the rules below.

What counts as an identifier (an error, code ``image.burned-in``):

- a DICOM name ``FAMILY^GIVEN``; a capitalised name pair after Patient, Name, Pt;
- a date after DOB, Born, Birth date, Study date, Date, Exam;
- a number after MRN, ID, Acc, Accession, Hospital No, NHS, SSN…, and the national formats the
  text lint knows (:mod:`bookbuilder.check.privacy`);
- an age with a sex (``67Y F``, ``F/45Y``, ``45 yo male``);
- in a *clinical* image only (grey on a dark ground: a radiograph, a CT slice, a photograph of a
  monitor showing one): any full date, any run of 6 or more digits, ``SMITH, JOHN`` in capitals,
  an unknown word in capitals of 9 or more letters (a ``FAMILY^GIVEN`` whose caret was not
  read), an age (``54Y``), and an institution's name (Hospital, Clinic, Infirmary, Klinikum,
  Ospedale…). A colour chart with dates on its axis is not a patient's record.

Text in a clinical image that is neither an identifier nor one of the annotations scanners write
(side markers L/R, AP, PA, SUPINE, PORTABLE, window/level, kV/mAs, slice and image numbers,
scale bars, times) is a warning (``image.text``): the editor looks at it.

Each image is read once: what was read is remembered by the SHA-256 of the file's bytes with the
engine's version and the reading's settings (:data:`READING`), in ``_build/cache/``; the rules
run on the remembered lines every time (microseconds). A confirmed image (the report's
``confirmed-images``, by file name and fingerprint) is not read at all until its bytes change.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import pickle
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any

from bookbuilder.check import privacy
from bookbuilder.codes import Code
from bookbuilder.jobs import jobs

CACHE_FILE = "burned-in.pickle"
# The text detector sees the image scaled down to this many pixels on its longer side (never
# up); the lines it finds are then recognised in the image at up to 2,000 pixels. Detection is
# most of a reading's cost, and grows with the pixels: the engine's default (the shorter side
# scaled *up* to 736) made a 48 x 32 placeholder cost as much as a 1,104 x 736 picture, and a
# 12 MP photograph a 1,500 x 2,000 one. docs/privacy.md has the measurements.
DETECT_SIDE = 960
# An image whose every band stays within this many levels (of 255) holds no legible text (a
# plain placeholder, a flat colour): it is not given to the engine at all.
FLAT_LEVELS = 4
# The longer side the engine reads an image at (it scales larger ones down to it).
_READ_SIDE = 2000
# Images up to this many pixels are looked at for flatness before any worker starts (decoding
# one costs milliseconds); larger ones are looked at by the worker that reads them.
_GLANCE_PIXELS = 1_000_000
# The settings of a reading: a change here reads every image again.
READING = (
    f"rapidocr-1 max-side-{_READ_SIDE} no-angle-classifier detect-max-{DETECT_SIDE} "
    f"flat-{FLAT_LEVELS} jpeg-draft"
)
# A fingerprint is the first 12 hex digits of the file's SHA-256 (48 bits: no editor's two
# images collide by chance), short enough to copy into the front matter.
FINGERPRINT_DIGITS = 12
RASTER_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
# A grey image: mean saturation (0-255, HSV) of a small copy below this. Radiographs, CT, MR
# and ultrasound are grey; photographs of a monitor showing them are nearly so (tint, glare).
_CLINICAL_SATURATION = 40.0
# ... and at least a quarter of it dark (below 64 of 255): the ground around the body.
_DARK = 64
_CLINICAL_DARK_SHARE = 0.25


Box = tuple[int, int, int, int]  # left, top, right, bottom, in the image's pixels


@dataclass(frozen=True)
class Line:
    """One line of text the engine read, with its box and confidence (0-1)."""

    text: str
    box: Box
    score: float


@dataclass(frozen=True)
class Reading:
    """What one image holds: its lines of text, and what its colours are like (``grey``: the
    mean saturation, 0-255; ``dark``: the share of pixels below 64 of 255)."""

    lines: tuple[Line, ...]
    grey: float
    dark: float

    @property
    def clinical(self) -> bool:
        """Grey, on a dark ground: radiographs, CT, MR, ultrasound, and photographs of a
        monitor showing them. Charts and floor plans are drawn on white, photographs are in
        colour."""
        return self.grey < _CLINICAL_SATURATION and self.dark >= _CLINICAL_DARK_SHARE


@dataclass(frozen=True)
class Finding:
    """Text in an image that the editor must see: an identifier, or unexplained text."""

    line: Line
    identifier: bool
    what: str  # "a date of birth", "a patient's name", "text"


# -- the engine -----------------------------------------------------------------------------------


@cache
def engine_version() -> str:
    """The engine and its runtime, by version: another version may read otherwise."""
    engine, runtime = _version("rapidocr_onnxruntime"), _version("onnxruntime")
    return f"rapidocr-onnxruntime {engine}, onnxruntime {runtime}"


def _version(package: str) -> str:
    """A package's installed version from its ``.dist-info`` folder's name, without importing
    it (the engine loads OpenCV and ONNX Runtime) and without importlib.metadata's scan of
    every installed package (0.18 s, on every check)."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        return "(not installed)"
    folder = Path(spec.origin).parents[1]
    names = sorted(p.name for p in folder.glob(f"{package}-*.dist-info"))
    return names[-1].removesuffix(".dist-info").split("-", 1)[1] if names else "(unknown)"


@cache
def _engine() -> Any:
    # One thread per process: images are shared out between processes instead (the machine's
    # cores are used either way, and one image per process has no threads to wait for).
    from rapidocr_onnxruntime import RapidOCR
    from rapidocr_onnxruntime.ch_ppocr_det.utils import DetPreProcess

    engine = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1, use_cls=False)
    detector = engine.text_det
    # The engine picks its detection size itself (its "max" setting enlarges the limit to
    # 960, 1,500 or 2,000 with the image): ours is one limit, the longer side scaled down to it.
    shrink = DetPreProcess(DETECT_SIDE, "max", detector.mean, detector.std)
    detector.get_preprocess = lambda _longer_side: shrink
    return engine


def read_image(data: bytes) -> Reading:
    """Read the text of an image file's bytes (PNG, JPEG, WebP), upright as it is shown."""
    return _read_decoded(*_decode(data))


def _read_decoded(image: Any, scale_x: float, scale_y: float) -> Reading:
    """The reading of an image as :func:`_decode` gives it."""
    small = image.copy()
    small.thumbnail((96, 96))
    grey, dark = _colours(small)
    # The small copy's colours lie within the image's: if it is not flat, neither is the image.
    if _flat(small) and _flat(image):
        return Reading((), grey, dark)  # no text: the engine is not even started
    import numpy as np

    result, _elapsed = _engine()(np.asarray(image)[:, :, ::-1])  # the engine wants BGR
    lines = []
    for points, text, score in result or ():
        xs, ys = [p[0] * scale_x for p in points], [p[1] * scale_y for p in points]
        box = (int(min(xs)), int(min(ys)), int(max(xs) + 0.5), int(max(ys) + 0.5))
        lines.append(Line(str(text), box, round(float(score), 3)))
    return Reading(tuple(lines), grey, dark)


def _decode(data: bytes) -> tuple[Any, float, float]:
    """An image file's bytes as an upright RGB Pillow image, and the factors from its pixels to
    the file's. A JPEG of more than :data:`_READ_SIDE` pixels is decoded at a half, a quarter
    or an eighth of its size where that still leaves the engine its 2,000 (JPEG's own scaled
    decoding: a third of the time of a full decode, and no resizing after)."""
    import io

    from PIL import Image

    from bookbuilder.check.images import quiet_pillow, upright

    with quiet_pillow(), Image.open(io.BytesIO(data)) as opened:
        width, height = opened.size
        longer = max(width, height)
        if longer > _READ_SIDE:  # a no-op for other formats than JPEG
            at_least = (-(-width * _READ_SIDE // longer), -(-height * _READ_SIDE // longer))
            opened.draft("RGB", at_least)
        decoded = opened.size
        image = upright(opened).convert("RGB")
    scale_x, scale_y = width / decoded[0], height / decoded[1]
    if image.size != decoded:  # turned by a quarter (EXIF orientation 5-8)
        scale_x, scale_y = scale_y, scale_x
    return image, scale_x, scale_y


def _flat(image: Any) -> bool:
    """One colour, give or take :data:`FLAT_LEVELS` in every band: nothing to read."""
    return all(high - low <= FLAT_LEVELS for low, high in image.getextrema())


def _small_and_flat(data: bytes) -> tuple[Any, float, float] | None:
    """A small image (up to :data:`_GLANCE_PIXELS`) that is flat, as :func:`_decode` gives it
    (read from there: decoded once); None for anything else, a file Pillow cannot open
    included (the worker says why)."""
    import io

    from PIL import Image

    from bookbuilder.check.images import quiet_pillow

    try:
        with quiet_pillow(), Image.open(io.BytesIO(data)) as opened:
            if opened.width * opened.height > _GLANCE_PIXELS:
                return None
        decoded = _decode(data)
        return decoded if _flat(decoded[0]) else None
    except Exception:  # a damaged file: read (and said) by the worker
        return None


def _colours(small: Any) -> tuple[float, float]:
    """The mean saturation and the share of dark pixels (see :class:`Reading`) of a small
    copy of the image."""
    saturation = small.convert("HSV").getchannel("S").histogram()
    mean = sum(i * n for i, n in enumerate(saturation)) / max(1, sum(saturation))
    brightness = small.convert("L").histogram()
    dark = sum(brightness[:_DARK]) / max(1, sum(brightness))
    return round(mean, 2), round(dark, 3)


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:FINGERPRINT_DIGITS]


# -- the rules ------------------------------------------------------------------------------------

_MONTH = r"(?:JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)[A-Z]*\.?"
_NUMERIC_DATE = (
    r"(?<![\d/-])(?<!\d\.)(?:(?:19|20)\d\d[./-]\d{1,2}[./-]\d{1,2}"
    r"|\d{1,2}[./-]\d{1,2}[./-](?:19|20)?\d\d"
    r"|(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(?![\d/.-]*\d)"
)
_WORD_DATE = (
    rf"\d{{1,2}}[ .-]?{_MONTH}[ .,-]?\s?(?:19|20)?\d\d|{_MONTH}\s?\d{{1,2}},?\s?(?:19|20)\d\d"
)
DATE = re.compile(rf"{_NUMERIC_DATE}|(?<!\w)(?:{_WORD_DATE})(?!\d)", re.IGNORECASE)
_DATE_LABEL = re.compile(
    r"\b(?:D\.?\s?[O0]\.?\s?B|Born|Birth(?:\s?date)?|Date\s?of\s?birth|Study\s?date|Date|Exam"
    r"|Geb(?:urtsdatum)?|Nato|N[ée]e?|Data)\b",
    re.IGNORECASE,
)
_NUMBER_LABEL = re.compile(
    r"\b(?:MRN|MR\s?#|MR\s?No|I\.?D|Pat\.?\s?ID|Patient\s?ID|Hosp(?:ital)?\.?\s?(?:No|#|Number)"
    r"|Acc(?:ession)?\s?(?:No|#|Number)?|Acc#|NHS(?:\s?No)?|SSN|Case\s?(?:No|#)|PID|Chart)"
    r"\s*[.:#=]?\s*(?P<value>[A-Z]{0,3}[-/]?\d[\d -]{2,})",
    re.IGNORECASE,
)
_DIGIT_RUN = re.compile(r"(?<![\d,])(?<!\d\.)\d(?:[ -]?\d){5,}(?![\d.,]?\d)")
# The caret is small: the engine reads it as ~ or ' at times.
DICOM_NAME = re.compile(r"\b[A-Z][A-Za-z'-]+\s?[\^~]\s?[A-Z][A-Za-z'-]*")
# The engine often leaves out spaces ("Pt:MullerAhmed"): a label with a colon and one
# capitalised word is a name; without a colon, two words.
_NAME_LABEL = re.compile(
    r"\b(?i:Patient(?:'s)?(?:\s?Name)?|Name|Pt|Pat)"
    r"(?:\s*[.:]\s*(?P<one>[A-Z][A-Za-z'-]+)|\s+(?P<two>[A-Z][A-Za-z'-]+,?\s?[A-Z][A-Za-z'-]+))"
)
_CAPITALS_NAME = re.compile(r"\b[A-Z]{2,}[A-Z'-]*,\s?[A-Z]{2,}[A-Z'-]*\b")
# A word in capitals of 9 or more letters that scanners do not write: a FAMILY^GIVEN name
# whose caret was not read ("OKAFORGRACE", "DUBOISAJANE").
_LONG_CAPITALS = re.compile(r"(?<![A-Za-z])[A-Z]{9,}(?![A-Za-z])")
_AGE = re.compile(r"(?<![\w.])\d{1,3}\s?(?:Y|YR|YRS|YO|Y/O)(?![\w/])", re.IGNORECASE)
AGE_SEX = re.compile(
    r"(?<![\w.])(?:\d{1,3}\s?(?:Y|YR|YRS|YO|Y/O|YEARS?|M|W|D)\s?[/,]?\s?(?:M|F|MALE|FEMALE)"
    r"|(?:M|F)\s?[/,]\s?\d{1,3}\s?(?:Y|YR|YRS|YO|Y/O|YEARS?))(?!\w)",
    re.IGNORECASE,
)
# No word boundary after the word: the engine leaves out spaces ("OSPEDALEPAPAGIOVANNI").
INSTITUTION = re.compile(
    r"\b(?:hospital|h[oô]pital|ospedale|klinikum|klinik|clinic(?!al)|cl[íi]nica"
    r"|infirmary|medical\s?cent(?:er|re)|health\s?(?:system|trust|centre|center)|university"
    r"|universit[äa]t|universit[àa]|krankenhaus|policlinico|spital|hospice|sanatorium"
    r"|radiology\s?(?:associates|group|institute)|imaging\s?cent(?:er|re))",
    re.IGNORECASE,
)

# The annotations scanners and viewers write, which identify no one: a line made only of these
# (and numbers with units, times, ratios) passes.
_HARMLESS_WORDS = frozenset(
    [
        "l",
        "r",
        "rt",
        "lt",
        "ap",
        "pa",
        "lat",
        "lateral",
        "supine",
        "prone",
        "erect",
        "upright",
        "portable",
        "standing",
        "sitting",
        "decubitus",
        "oblique",
        "axial",
        "coronal",
        "sagittal",
        "chest",
        "head",
        "abdomen",
        "pelvis",
        "stnd",
        "std",
        "sharp",
        "soft",
        "bone",
        "lung",
        "c",
        "c+",
        "c-",
        "w",
        "l",
        "ww",
        "wl",
        "wc",
        "wlw",
        "ww/wl",
        "im",
        "img",
        "image",
        "se",
        "ser",
        "series",
        "slice",
        "sl",
        "thk",
        "thickness",
        "zoom",
        "mag",
        "dfov",
        "fov",
        "tilt",
        "kv",
        "kvp",
        "ma",
        "mas",
        "ms",
        "s",
        "sec",
        "mm",
        "cm",
        "hu",
        "%",
        "ex",
        "no",
        "cr",
        "dr",
        "dx",
        "ct",
        "mr",
        "mri",
        "us",
        "pet",
        "spect",
        "nm",
        "xa",
        "mg",
        "inspiration",
        "expiration",
        "insp",
        "exp",
        "pre",
        "post",
        "contrast",
        "arterial",
        "venous",
        "delayed",
        "plain",
        "scout",
        "mip",
        "mpr",
        "vr",
        "3d",
        "2d",
        "t1",
        "t2",
        "flair",
        "dwi",
        "adc",
        "stir",
        "swi",
        "gre",
        "tr",
        "te",
        "ti",
        "fa",
        "nex",
        "ax",
        "cor",
        "sag",
        "frame",
        "t",
        "localizer",
        "topogram",
        "scanogram",
        "transverse",
        "abdominal",
        "anterior",
        "posterior",
        "scale",
        "tm",
    ]
)
_HARMLESS_TOKEN = re.compile(
    r"[-+]?\d+(?:[.,]\d+)?(?:%|mm|cm|kv|kvp|ma|mas|ms|s|hu|x|°)?"
    r"|\d{1,2}:\d{2}(?::\d{2})?|\d+/\d+|[-+]?\d+(?:[.,]\d+)?[x×]\d+",
    re.IGNORECASE,
)


def judge(reading: Reading) -> list[Finding]:
    """What an editor must see in an image: identifiers, then (clinical images) other text."""
    findings = []
    for line in reading.lines:
        what = identifier_in(line.text, reading.clinical)
        if what is not None:
            findings.append(Finding(line, True, what))
        elif reading.clinical and not _harmless(line.text):
            findings.append(Finding(line, False, "text"))
    return findings


def identifier_in(text: str, clinical: bool) -> str | None:
    """What identifier ``text`` (one line read from an image) holds, or None."""
    checks: list[tuple[Callable[[str], bool], str]] = [
        (lambda t: bool(DICOM_NAME.search(t)), "a patient's name (DICOM FAMILY^GIVEN)"),
        (lambda t: bool(_NAME_LABEL.search(t)), "a patient's name"),
        (_labelled_date, "a date of birth or of the study"),
        (_labelled_number, "a record, accession or ID number"),
        (lambda t: any(privacy._national_ids(t)), "a national ID number"),
        (lambda t: bool(AGE_SEX.search(t)), "an age with a sex"),
    ]
    if clinical:
        checks += [
            (lambda t: bool(DATE.search(t)), "a date"),
            (lambda t: bool(_DIGIT_RUN.search(t)), "a long number (a record or ID number?)"),
            (lambda t: bool(_CAPITALS_NAME.search(t)), "a name (FAMILY, GIVEN)"),
            (lambda t: bool(INSTITUTION.search(t)), "an institution's name"),
            (lambda t: bool(_AGE.search(t)), "an age"),
            (_long_capitals, "a name (FAMILY^GIVEN, the caret not read?)"),
        ]
    for test, what in checks:
        if test(text):
            return what
    return None


def _long_capitals(text: str) -> bool:
    return any(m.group().lower() not in _HARMLESS_WORDS for m in _LONG_CAPITALS.finditer(text))


def _labelled_date(text: str) -> bool:
    label = _DATE_LABEL.search(text)
    return label is not None and DATE.search(text, label.end()) is not None


def _labelled_number(text: str) -> bool:
    m = _NUMBER_LABEL.search(text)
    return m is not None and sum(c.isdigit() for c in m.group("value")) >= 4


# Where the engine left out a space: between letters and digits ("Zoom132%", "W694L-258").
_JOINED = re.compile(r"(?<=[A-Za-z])(?=[-+]?\d)|(?<=\d)(?=[A-Za-z])")


def _harmless(text: str) -> bool:
    spaced = _JOINED.sub(" ", text.strip())
    tokens = [t.strip(".,") for t in re.split(r"[\s:=;]+", spaced) if t.strip(".,")]
    alnum = sum(c.isalnum() for c in text)
    if alnum < 2 and text.strip().upper() not in ("L", "R"):
        return True  # a speck read as a letter
    return all(t.lower() in _HARMLESS_WORDS or _HARMLESS_TOKEN.fullmatch(t) for t in tokens)


# -- memory and the pass over a book ---------------------------------------------------------------


def _key(digest: str) -> str:
    return f"{digest} {engine_version()} {READING}"


class ReadingMemory:
    """Readings by the file's SHA-256, engine version and settings; :meth:`save` keeps this
    run's. ``cache_dir`` None: nothing remembered (every image is read)."""

    def __init__(self, cache_dir: Path | None) -> None:
        self.path = cache_dir / CACHE_FILE if cache_dir is not None else None
        self.known: dict[str, Reading] = {}
        if self.path is not None:
            try:
                with self.path.open("rb") as stream:
                    data = pickle.load(stream)
                if isinstance(data, dict):
                    self.known = data
            except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
                self.known = {}
            except (TypeError, ValueError, KeyError, IndexError):
                self.known = {}
        self.used: dict[str, Reading] = {}
        self.read_now = False  # an image was read in this run: save

    def get(self, digest: str) -> Reading | None:
        reading = self.known.get(_key(digest))
        # A reading pickled by an older shape of the class lacks fields: read the image again.
        if not isinstance(reading, Reading) or not all(
            hasattr(reading, f.name) for f in fields(Reading)
        ):
            return None
        self.used[_key(digest)] = reading
        return reading

    def put(self, digest: str, reading: Reading) -> None:
        self.used[_key(digest)] = reading
        self.read_now = True

    def save(self) -> None:
        if self.path is None or (not self.read_now and self.used.keys() == self.known.keys()):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_suffix(".partial")
            with partial.open("wb") as stream:
                pickle.dump(self.used, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(partial, self.path)
        except OSError:
            pass  # a read-only or full disk: the next run reads again


def _read_file(path: Path) -> tuple[str, Reading | str]:
    """An image's digest and reading, or the reason it could not be read (in a worker)."""
    data = path.read_bytes()
    return _read_data(hashlib.sha256(data).hexdigest(), data)


def _read_data(
    digest: str, data: bytes, decoded: tuple[Any, float, float] | None = None
) -> tuple[str, Reading | str]:
    """``decoded``: the image already decoded (:func:`_small_and_flat`)."""
    try:
        return digest, read_image(data) if decoded is None else _read_decoded(*decoded)
    except ImportError as error:  # OpenCV without its system libraries (a bare server)
        return digest, f"the OCR engine cannot start: {error}; install libgl1 and libglib2.0-0"
    except Exception as error:  # Pillow or the engine on a damaged file: said, never a traceback
        return digest, f"{type(error).__name__}: {error}"


def read_all(
    paths: Sequence[Path], memory: ReadingMemory, progress: Callable[[int, int], None] | None = None
) -> dict[Path, Reading | str]:
    """Every image's reading, from ``memory`` or read now (on all cores), with ``progress``
    told (done, total) after each image read. A small flat image is read here at once (no
    engine needed); the workers start only when there is text to look for."""
    results: dict[Path, Reading | str] = {}
    flat: list[tuple[Path, tuple[str, Reading | str]]] = []  # read at once: no image kept
    todo: list[Path] = []
    for path in dict.fromkeys(paths):
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        remembered = memory.get(digest)
        if remembered is not None:
            results[path] = remembered
        elif (decoded := _small_and_flat(data)) is not None:
            flat.append((path, _read_data(digest, data, decoded)))
        else:
            todo.append(path)
    total = len(flat) + len(todo)
    read = zip(todo, _read_many(todo), strict=True)
    for count, (path, (digest, reading)) in enumerate(itertools.chain(flat, read), 1):
        results[path] = reading
        if isinstance(reading, Reading):
            memory.put(digest, reading)
        if progress is not None:
            progress(count, total)
    return results


def _read_many(paths: list[Path]) -> Iterable[tuple[str, Reading | str]]:
    # JOBS (every core by default; JOBS=1 on a shared machine: one), at most 4: each takes ~1 GB
    workers = min(jobs(), 4, len(paths))
    if workers < 2:
        yield from map(_read_file, paths)
        return
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    context = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    if context.get_start_method() == "fork":
        # The engine's start-up (imports, models: ~0.5 s of processor) paid once, here, and
        # inherited by every worker: one thread per session, so nothing is lost in the fork.
        with contextlib.suppress(Exception):  # a worker says why the engine cannot start
            _engine()
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        yield from pool.map(_read_file, paths)


def progress_line(stream: Any = None) -> Callable[[int, int], None]:
    """A progress line on the terminal (stderr), rewritten in place; one line per tenth when
    the output is a file or a pipe (CI logs)."""
    stream = stream or sys.stderr
    tty = stream.isatty()

    def show(done: int, total: int) -> None:
        text = f"reading the text in images: {done}/{total}"
        if tty:
            stream.write("\r" + text + ("\n" if done == total else ""))
        elif done == total or done % max(1, total // 10) == 0:
            stream.write(text + "\n")
        stream.flush()

    return show


def confirmed(front_matter: Mapping[str, Any]) -> dict[str, str]:
    """The report's ``confirmed-images`` (file name -> fingerprint), as written."""
    loc = front_matter.get(CONFIRMED_KEY)
    value = getattr(loc, "value", None)
    if not isinstance(value, Mapping):
        return {}
    return {
        str(name): str(getattr(v, "value", v)).strip().lower()
        for name, v in value.items()
        if getattr(v, "value", v) is not None
    }


CONFIRMED_KEY = "confirmed-images"


# -- the problems an editor sees ------------------------------------------------------------------

_REPLACE_OR_CONFIRM = (
    "a published image must not show a patient's identity: replace the image (`make redact` "
    "writes a copy with the text blacked out), or, if an editor has looked and it identifies "
    "no one, confirm it in the front matter"
)


def check_reports(
    reports: Sequence[tuple[str, Mapping[str, Any], Sequence[Any]]],
    cache_dir: Path | None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, list[Any]]:
    """Problems of text burned into the images of ``reports`` (relpath, front matter, the
    body's :class:`~bookbuilder.model.ImageRef`), by relpath: each raster image read once."""
    memory = ReadingMemory(cache_dir)
    todo: list[tuple[str, Any, str | None]] = []  # relpath, image, fingerprint confirmed
    problems: dict[str, list[Any]] = {}
    for relpath, front_matter, images in reports:
        said = confirmed(front_matter)
        problems[relpath] = _stale_confirmations(relpath, front_matter, said, images)
        for ref in {ref.path: ref for ref in images}.values():
            if ref.path.suffix.lower() in RASTER_SUFFIXES:
                todo.append((relpath, ref, said.get(ref.path.name)))
    to_read = [ref.path for _, ref, ok in todo if ok != fingerprint(ref.path.read_bytes())]
    readings = read_all(to_read, memory, progress)
    memory.save()
    for relpath, ref, _ in todo:
        if ref.path in readings:
            problems[relpath] += image_problems(relpath, ref, readings[ref.path])
    return problems


def image_problems(relpath: str, ref: Any, reading: Reading | str) -> list[Any]:
    """The problems of one image (:class:`~bookbuilder.model.ImageRef`) from its reading."""
    from bookbuilder.model import Problem, Severity

    name = ref.path.name
    if isinstance(reading, str):
        return [
            Problem(
                relpath,
                ref.line,
                f"the text in image '{name}' could not be read ({reading}); every image is read "
                "for burned-in patient data before it is published: save it again as PNG or JPEG",
                None,
                Severity.ERROR,
                code=Code.IMAGE_UNREAD,
            )
        ]
    findings = judge(reading)
    if not findings:
        return []
    confirm = f'{CONFIRMED_KEY}: {{{name}: "{fingerprint(ref.path.read_bytes())}"}}'
    out = []
    for finding in (f for f in findings if f.identifier):
        message = (
            f"image '{name}' shows {_where(finding)}, which looks like {finding.what}; "
            f"{_REPLACE_OR_CONFIRM}: {confirm}"
        )
        out.append(
            Problem(relpath, ref.line, message, None, Severity.ERROR, code=Code.IMAGE_BURNED_IN)
        )
    if others := [f for f in findings if not f.identifier]:
        shown = "; ".join(_where(f) for f in others[:_SHOWN])
        more = f" and {len(others) - _SHOWN} more lines" if len(others) > _SHOWN else ""
        message = (
            f"image '{name}' is a clinical image with text: {shown}{more}; make sure it "
            f"identifies no patient, and confirm it: {confirm}"
        )
        out.append(
            Problem(relpath, ref.line, message, None, Severity.WARNING, code=Code.IMAGE_TEXT)
        )
    return out


_SHOWN = 5  # lines of other text named in one warning


def _where(finding: Finding) -> str:
    x0, y0, x1, y1 = finding.line.box
    return f"'{finding.line.text}' at x {x0}-{x1}, y {y0}-{y1}"


def _stale_confirmations(
    relpath: str, front_matter: Mapping[str, Any], said: Mapping[str, str], images: Sequence[Any]
) -> list[Any]:
    """A confirmation for a file the report does not show, or for other bytes than the file's:
    said, so that an editor never believes an image confirmed that is read again."""
    from bookbuilder.model import Problem, Severity

    shown = {ref.path.name: ref.path for ref in images}
    line = getattr(front_matter.get(CONFIRMED_KEY), "line", 1)
    out = []
    for name, value in said.items():
        path = shown.get(name)
        if path is None:
            found = f"{CONFIRMED_KEY} names '{name}', which the report does not show"
            allowed = "the file names of images the body shows: " + (", ".join(shown) or "none")
        elif path.suffix.lower() in RASTER_SUFFIXES and fingerprint(path.read_bytes()) != value:
            found = (
                f"{CONFIRMED_KEY} confirms '{name}' with fingerprint {value}, but the file "
                f"has changed since (its fingerprint is now {fingerprint(path.read_bytes())})"
            )
            allowed = "the image is read again; confirm the new file once you have looked at it"
        else:
            continue
        message = f"{found}; {allowed}"
        out.append(
            Problem(
                relpath, line, message, CONFIRMED_KEY, Severity.WARNING, code=Code.IMAGE_CONFIRMED
            )
        )
    return out
