"""Text burned into images: the rules on lines as read, and `make check` / `make redact` on a
real book whose figure shows a patient's identity (check/burnedin.py, editor/redact.py)."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from bookbuilder.check import burnedin
from bookbuilder.check.burnedin import Line, Reading, identifier_in, judge
from burnedin_images import HELD_OUT, TUNING, fonts, sample
from conftest import SMALL, copy_book, run_book

IDENTIFIERS = [
    ("DOE^JANE", "DICOM"),
    ("Patient: Rossi Maria", "name"),
    ("Name: Smith John", "name"),
    ("DOB: 12/03/1956", "date of birth"),
    ("D.O.B. 1956-03-12", "date of birth"),
    ("Born 03 MAR 1956", "date of birth"),
    ("Study date: 20200314", "date"),
    ("MRN 00482913", "record"),
    ("Acc# 7731234", "record"),
    ("Accession 20-44812", "record"),
    ("67Y F", "age"),
    ("F/45Y", "age"),
    ("123-45-6789", "national"),
    ("Pt:MullerAhmed", "name, the spaces not read"),
    ("D.O.B.19770809", "date of birth, the space not read"),
]
CLINICAL_ONLY = [
    ("12.03.2020", "date"),
    ("00482913", "number"),
    ("SMITH, GRACE", "name"),
    ("ST. MARY'S HOSPITAL", "institution"),
    ("Klinikum Nord", "institution"),
    ("OSPEDALEPAPAGIOVANNI", "institution, the spaces not read"),
    ("OKAFORGRACE", "name, the caret not read"),
    ("54Y", "age"),
]
CLINICAL = (5.0, 0.6)  # grey, mostly dark: a radiograph
CHART = (5.0, 0.02)  # grey, on white: a chart or floor plan
HARMLESS = [
    "L",
    "R",
    "AP",
    "PA",
    "SUPINE",
    "PORTABLE",
    "W 400 L 40",
    "WW: 1500 WL: -600",
    "120 kV 250 mAs",
    "Im: 23/120",
    "Se: 3",
    "10 cm",
    "Slice 5.0 mm",
    "14:32:05",
    "Zoom 150%",
    "DFOV 35.0cm",
    "Zoom132%",
    "W694L-258",
    "WW:1924WL:-30",
    "100kVp286mA",
    "INSPIRATION",
]


@pytest.mark.parametrize(("text", "kind"), IDENTIFIERS)
def test_identifiers_are_found_in_any_image(text: str, kind: str) -> None:
    assert identifier_in(text, clinical=False) is not None, kind
    assert identifier_in(text, clinical=True) is not None, kind


@pytest.mark.parametrize(("text", "kind"), CLINICAL_ONLY)
def test_bare_dates_numbers_and_institutions_only_in_clinical_images(text: str, kind: str) -> None:
    """A chart's axis has dates and a logo has a hospital's name: only a grey (clinical)
    image makes them a patient's."""
    assert identifier_in(text, clinical=True) is not None, kind
    assert identifier_in(text, clinical=False) is None, kind


@pytest.mark.parametrize("text", HARMLESS)
def test_scanner_annotations_pass(text: str) -> None:
    reading = Reading((Line(text, (0, 0, 10, 10), 0.9),), *CLINICAL)
    assert judge(reading) == []


def test_other_text_in_a_clinical_image_is_a_warning_not_an_error() -> None:
    reading = Reading((Line("Fig. 2 remember this", (1, 2, 3, 4), 0.9),), *CLINICAL)
    [finding] = judge(reading)
    assert not finding.identifier
    assert judge(Reading(reading.lines, *CHART)) == []


def test_generated_images_are_the_same_for_the_same_seed() -> None:
    assert sample(7).image.tobytes() == sample(7).image.tobytes()
    assert sample(7).identifiers and not sample(8).identifiers
    assert set(TUNING).isdisjoint(HELD_OUT)


# -- a real book ------------------------------------------------------------------------------


def radiograph(path: Path, lines: list[str]) -> None:
    """A dark grey picture with ``lines`` in white in its top left corner, as a scanner burns
    them."""
    image = Image.new("L", (640, 512), 20)
    draw = ImageDraw.Draw(image)
    draw.ellipse((120, 60, 520, 500), fill=120)
    font = ImageFont.truetype(str(fonts()[0]), 20)
    for i, text in enumerate(lines):
        draw.text((12, 12 + 28 * i), text, fill=235, font=font)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)


REPORT = "shade-for-the-scanner-sevilla"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    root = copy_book(SMALL, tmp_path / "book", remembered_readings=False)  # read here
    report = root / "experiences" / f"{REPORT}.md"
    text = report.read_text("utf-8")
    report.write_text(text + "\n![A chest radiograph](images/" + REPORT + "/chest.png)\n", "utf-8")
    radiograph(
        root / "experiences" / "images" / REPORT / "chest.png",
        ["DOE^JANE", "DOB 12/03/1956", "MRN 00482913", "PORTABLE"],
    )
    return root


def _confirm(root: Path, digest: str) -> None:
    report = root / "experiences" / f"{REPORT}.md"
    text = report.read_text("utf-8")
    confirmed = f'consent: true\nconfirmed-images:\n  chest.png: "{digest}"\n'
    report.write_text(text.replace("consent: true\n", confirmed, 1), "utf-8")


def test_check_names_report_image_text_and_box_then_a_confirmation_publishes(book: Path) -> None:
    result = run_book(book, "check")
    assert result.returncode == 1, result.stdout
    errors = [line for line in result.stdout.splitlines() if "[image.burned-in]" in line]
    assert len(errors) == 3, result.stdout
    joined = "\n".join(errors)
    assert f"experiences/{REPORT}.md:" in joined
    for read in ("DOE", "12/03/1956", "MRN 00482913"):  # as read: ^ may be ~, O may be 0
        assert read in joined
    assert "image 'chest.png'" in joined and " at x " in joined
    assert "PORTABLE" not in joined
    assert "reading the text in images: 2/2" in result.stderr  # the report shows two

    data = (book / "experiences" / "images" / REPORT / "chest.png").read_bytes()
    digest = hashlib.sha256(data).hexdigest()[:12]
    assert f'confirmed-images: {{chest.png: "{digest}"}}' in joined
    _confirm(book, digest)
    result = run_book(book, "check")
    assert result.returncode == 0, result.stdout
    assert "image.burned-in" not in result.stdout
    assert "reading the text" not in result.stderr  # one confirmed, one remembered


def test_a_confirmed_image_is_read_again_once_its_bytes_change(book: Path) -> None:
    path = book / "experiences" / "images" / REPORT / "chest.png"
    _confirm(book, hashlib.sha256(path.read_bytes()).hexdigest()[:12])
    radiograph(path, ["SMITH^JOHN", "PORTABLE"])
    result = run_book(book, "check")
    assert result.returncode == 1
    assert "SMITH" in result.stdout and "[image.burned-in]" in result.stdout
    assert "has changed since" in result.stdout and "[image.confirmed]" in result.stdout


def test_a_reading_is_remembered_by_the_image_bytes(book: Path, monkeypatch) -> None:
    cache = book / "_build" / "cache"
    path = book / "experiences" / "images" / REPORT / "chest.png"
    memory = burnedin.ReadingMemory(cache)
    first = burnedin.read_all([path], memory)
    memory.save()

    def never(data: bytes) -> Reading:
        raise AssertionError("read again")

    monkeypatch.setattr(burnedin, "read_image", never)
    again = burnedin.read_all([path], burnedin.ReadingMemory(cache))
    assert again == first


def test_a_confirmation_must_be_a_file_name_and_a_fingerprint(book: Path) -> None:
    _confirm(book, "not-a-print")
    result = run_book(book, "check")
    assert result.returncode == 1
    assert "confirmed-images.chest.png" in result.stdout
    assert "12-character fingerprint" in result.stdout


def test_redact_writes_a_blacked_out_copy_and_leaves_the_original(book: Path) -> None:
    original = book / "experiences" / "images" / REPORT / "chest.png"
    before = original.read_bytes()
    result = run_book(book, "redact")
    assert result.returncode == 0, result.stderr
    copy = book / "_build" / "redacted" / REPORT / "chest.png"
    assert copy.is_file(), result.stdout
    assert original.read_bytes() == before
    assert "MRN 00482913" in result.stdout and "originals are unchanged" in result.stdout
    with Image.open(copy) as im:
        assert im.getpixel((20, 20)) == 0  # inside the first line's box: black
        assert im.getpixel((320, 300)) == 120  # the body: untouched
    reading = burnedin.read_image(copy.read_bytes())
    assert not [f for f in judge(reading) if f.identifier], reading


def test_a_flat_image_is_not_given_to_the_engine(tmp_path: Path, monkeypatch) -> None:
    """One colour (a placeholder, as the benchmark's figures are) holds no text: it is judged
    without the engine, and so without starting a worker."""

    def no_engine() -> None:
        raise AssertionError("the engine was started for a flat image")

    monkeypatch.setattr(burnedin, "_engine", no_engine)
    path = tmp_path / "plain.png"
    Image.new("RGB", (48, 32), (200, 120, 40)).save(path)
    progress: list[tuple[int, int]] = []
    memory = burnedin.ReadingMemory(None)
    readings = burnedin.read_all([path], memory, lambda *done: progress.append(done))
    reading = readings[path]
    assert isinstance(reading, Reading) and reading.lines == ()
    assert progress == [(1, 1)]


@pytest.mark.parametrize(
    ("size", "fmt", "orientation"),
    [((2400, 1800), "PNG", 1), ((4400, 3300), "JPEG", 1), ((4400, 3300), "JPEG", 6)],
)
def test_a_large_image_is_detected_small_and_its_boxes_are_in_its_own_pixels(
    size: tuple[int, int], fmt: str, orientation: int
) -> None:
    """Detection sees the image scaled down to DETECT_SIDE, recognition the lines at up to
    2,000 pixels (a large JPEG decoded at half its size): the box of a line is still where
    the line is in the upright file, as `make redact` blacks it out."""
    image = Image.new("L", size, 15)
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.ellipse((width // 6, height // 9, width * 5 // 6, height * 17 // 18), fill=110)
    font = ImageFont.truetype(str(fonts()[0]), width // 55)
    at = (width * 5 // 8, height * 11 // 12)
    draw.text(at, "MRN 00482913", fill=240, font=font)
    left, top, right, bottom = draw.textbbox(at, "MRN 00482913", font=font)
    stored = image if orientation == 1 else image.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = orientation  # 6: turn a quarter clockwise to show it upright
    buffer = io.BytesIO()
    stored.save(buffer, fmt, exif=exif.tobytes())
    reading = burnedin.read_image(buffer.getvalue())
    [line] = [line for line in reading.lines if "00482913" in line.text]
    # The engine's box holds the line with a margin (it grows the detected region by half
    # its height or so): it must cover the text, and lie within a line's height of it.
    x0, y0, x1, y1 = line.box
    slack, margin = width // 200, bottom - top
    drawn = (left, top, right, bottom)
    assert x0 <= left + slack and y0 <= top + slack, (line.box, drawn)
    assert x1 >= right - slack and y1 >= bottom - slack, (line.box, drawn)
    assert x0 >= left - margin and y0 >= top - margin, (line.box, drawn)
    assert x1 <= right + margin and y1 <= bottom + margin, (line.box, drawn)
    assert [f.what for f in judge(reading) if f.identifier] == ["a record, accession or ID number"]
