"""``make redact``: copies of the images with their burned-in text blacked out, for the editor.

Every raster image under ``experiences/images/<slug>/`` (drafts' too: an editor redacts before
accepting) is read as ``make check`` reads it (the same remembered readings,
:mod:`bookbuilder.check.burnedin`); for each image in which the check finds an identifier or
unexplained text, a copy is written to ``_build/redacted/<slug>/<file>`` with a black box over
every such line (a few pixels wider than the line the engine found). The original is never
changed: the editor looks at the copy, and copies it over the original (or not) themselves.
The copy is upright, without metadata, in the original's format (a JPEG at quality 95).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from bookbuilder.check.burnedin import RASTER_SUFFIXES, Finding, ReadingMemory, judge, read_all
from bookbuilder.check.burnedin import progress_line as _progress
from bookbuilder.check.images import quiet_pillow, upright

REDACTED_DIR = Path("_build") / "redacted"
# Pixels added around each box: the engine's box hugs the letters; anti-aliased edges and
# accents stand a little outside it.
MARGIN = 3


def redact_book(root: Path, cache_dir: Path | None) -> list[str]:
    """Write the redacted copies; the lines that tell the editor what was written."""
    images = sorted(
        p
        for p in (root / "experiences" / "images").glob("*/*")
        if p.is_file() and not p.is_symlink() and p.suffix.lower() in RASTER_SUFFIXES
    )
    memory = ReadingMemory(cache_dir)
    readings = read_all(images, memory, _progress())
    memory.save()
    said = []
    for path in images:
        reading = readings[path]
        if isinstance(reading, str):
            said.append(f"{path.relative_to(root)}: not read ({reading})")
            continue
        findings = judge(reading)
        if not findings:
            continue
        target = root / REDACTED_DIR / path.parent.name / path.name
        redact_file(path, findings, target)
        texts = ", ".join(f"'{f.line.text}'" for f in findings)
        said.append(f"{target.relative_to(root)}: {len(findings)} box(es) blacked out: {texts}")
    if not said:
        return ["No image shows text to black out."]
    return [
        *said,
        "",
        f"The originals are unchanged. Look at each copy in {REDACTED_DIR}/; to use one, copy it "
        "over the original in experiences/images/<slug>/ and run make check again.",
    ]


def redact_file(source: Path, findings: list[Finding], target: Path) -> None:
    """``source`` (upright) with a black box over each finding's line, written to ``target``."""
    with quiet_pillow(), Image.open(source) as opened:
        image = upright(opened)
        image.load()
    fmt = opened.format if opened.format in ("PNG", "JPEG", "WEBP") else "PNG"
    if image.mode not in ("RGB", "L", "RGBA", "LA"):
        image = image.convert("RGB")
    draw = ImageDraw.Draw(image)
    black = 0 if image.mode in ("L", "LA") else (0,) * len(image.getbands())
    for finding in findings:
        x0, y0, x1, y1 = finding.line.box
        draw.rectangle((x0 - MARGIN, y0 - MARGIN, x1 + MARGIN, y1 + MARGIN), fill=black)
    target.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "JPEG":
        image.convert("RGB" if image.mode in ("RGBA", "LA") else image.mode).save(
            target, "JPEG", quality=95
        )
    else:
        image.save(target, fmt)
