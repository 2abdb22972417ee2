"""The benchmark: deterministic books of any size, built the way editors build them.

``make bench`` (``python scripts/benchmark.py``) writes books of 140, 1,000 and 5,000 reports
into ``_build/bench/<size>/`` and runs the editors' command line on each, one child process per
command, measuring its wall time and peak memory (``os.wait4``: the child and the processes it
waited for). For each size:

- ``check``; ``html``, ``epub``, ``pdf`` (up to ``--pdf-max``) and ``all`` from an empty
  ``_build/``; ``all`` leaves the PDF out above ``--pdf-max`` (it says so);
- incremental HTML: nothing changed; one report added; one report's text edited; with the
  number of HTML pages each rewrote;
- output sizes: the HTML folder, the EPUB, the PDF, and the mean report page;
- the clinical book (``--clinical``, 140 reports, 70 generated clinical images): ``check``
  reading every image's burned-in text, then again with the readings remembered;
- a phone's view (``scripts/phone_figures.py``): Lighthouse's mobile profile on the landing page,
  a report, a chapter and the browse page, served compressed as a static host serves them: its
  four scores, layout shift, paints, and the bytes a first visit transfers (images aside).

The figures go to ``_build/bench/results.json``; ``--jupyter-book`` also builds the same reports
with Jupyter Book 1 (installed into ``_build/bench/jb1-venv`` on first use) for a side-by-side
HTML figure. Report ``i`` is the same in every book (its own seeded generator), so the 1,000-report
book starts with the 140 reports of the small one. docs/performance.md says what the figures mean.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

import phone_figures
from bookbuilder.check import schema
from bookbuilder.editions import edition as edition_of
from bookbuilder.pdfengine import missing_fonts

DEFAULT_SIZES = (140, 1000, 5000)
BENCH_DIR = Path("_build") / "bench"
RESULTS = "results.json"

# Countries by UN M49 region, and a city each: varied enough for every chapter rule.
PLACES = {
    "Europe": [
        ("IT", "Bergamo"),
        ("ES", "Madrid"),
        ("FR", "Lyon"),
        ("DE", "Cologne"),
        ("GB", "Leeds"),
        ("NO", "Oslo"),
        ("GR", "Athens"),
        ("PL", "Warsaw"),
        ("NL", "Utrecht"),
        ("PT", "Porto"),
        ("SE", "Uppsala"),
        ("IE", "Galway"),
    ],
    "Americas": [
        ("US", "Chicago"),
        ("BR", "Sao Paulo"),
        ("CA", "Vancouver"),
        ("MX", "Puebla"),
        ("AR", "Rosario"),
        ("CL", "Valparaiso"),
        ("CO", "Medellin"),
    ],
    "Asia": [
        ("JP", "Tokyo"),
        ("KR", "Seoul"),
        ("IN", "Pune"),
        ("CN", "Shenzhen"),
        ("TR", "Istanbul"),
        ("SG", "Singapore"),
        ("PH", "Cebu"),
    ],
    "Africa": [("EG", "Cairo"), ("NG", "Ibadan"), ("KE", "Nairobi"), ("ZA", "Durban")],
    "Oceania": [("AU", "Perth"), ("NZ", "Auckland"), ("FJ", "Suva")],
}
REGION_WEIGHTS = {"Europe": 5, "Americas": 3, "Asia": 3, "Africa": 1, "Oceania": 1}
# the report format's roles but the group one (the bench's authors are people)
ROLES = tuple(role for role in schema.ROLES if role != "organisation")
MODALITIES = ("CT", "radiography", "MRI", "ultrasound", "mammography", "nuclear-medicine")
MODALITIES += ("PET", "interventional", "teleradiology", "fluoroscopy")
TOPICS = ("workflow", "ppe", "wellbeing", "teamwork", "night-shifts", "teaching", "research")
TOPICS += ("infection-control", "screening", "supply", "remote-reading", "icu")
FIRST = ("Giulia", "Ana", "Kari", "Hiroshi", "Amara", "Lucas", "Mei", "Olga", "Tomasz", "Sara")
FIRST += ("Kwame", "Ingrid", "Rafael", "Aylin", "Priya", "Noah", "Elena", "Jamal", "Chloe", "Min")
LAST = ("Bianchi", "Garcia", "Nordmo", "Tanaka", "Okafor", "Silva", "Chen", "Ivanova", "Nowak")
LAST += ("Lindqvist", "Mensah", "Haaland", "Costa", "Yilmaz", "Iyer", "Smith", "Rossi", "Kim")
LANGUAGES = ("it", "es", "fr", "de", "pt")
SUBJECTS = (
    "Night shifts in a converted CT suite",
    "One machine that never left the ICU",
    "Reading from the kitchen table",
    "A screening programme that had to start again",
    "Teaching residents through a visor",
    "Cleaning between every scan",
    "When the isotopes came by air",
    "Half the staff, all the patients",
    "Lung ultrasound at the bedside",
    "A research dataset built in a hurry",
    "The radiographers who stayed",
    "Triage by chest radiograph",
)
SENTENCES = (
    "We reorganised the department within a week, and nobody asked whether it was possible.",
    "The corridor to the scanner became a one-way street, with tape on the floor.",
    "Every patient was moved once instead of three times, which saved time and strength.",
    "Our team met every morning for five minutes, standing, to share what had changed.",
    "The protective suits made every gesture slower, so we planned each scan in advance.",
    "Colleagues from other departments learnt our vocabulary faster than we learnt theirs.",
    "We kept a notebook at the console where everyone wrote what worked and what did not.",
    "Reading images at home meant a quiet room, a good screen and a telephone always nearby.",
    "Some days the waiting room was empty, and that silence was the hardest part.",
    "Trainees took on more than their rotation asked of them, and they did it well.",
    "The supply of contrast media ran short twice, and the pharmacy found a way each time.",
    "We learnt to explain the procedure through a mask, with our eyes and our hands.",
    "Nobody had planned for this, but the old emergency plan was a useful place to start.",
    "When the second wave came we were tired, but we knew what to do.",
)
LIST_ITEMS = (
    "a named radiographer for each shift",
    "a shared calendar for the mobile units",
    "a checklist on the door of the scanner room",
    "ten minutes between patients for cleaning",
    "a telephone line for the wards",
    "a weekly message to the whole department",
)


def _rng(i: int) -> random.Random:
    return random.Random(f"bench-report-{i}")


def _place(rng: random.Random) -> tuple[str, str, str]:
    regions = list(REGION_WEIGHTS)
    region = rng.choices(regions, weights=[REGION_WEIGHTS[r] for r in regions])[0]
    country, city = rng.choice(PLACES[region])
    return region, country, city


def _png(rng: random.Random, width: int = 48, height: int = 32) -> bytes:
    """A small valid PNG in one colour, without Pillow (the book builder's own dependency)."""
    colour = bytes(rng.randrange(256) for _ in range(3))
    raw = b"".join(b"\x00" + colour * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def _paragraph(rng: random.Random) -> str:
    return " ".join(rng.sample(SENTENCES, rng.randint(3, 5)))


def report(i: int, photograph: str | None = None) -> tuple[str, str, bytes | None]:
    """Report number ``i``: its slug, its file's text, and its image (about one in eight).

    ``photograph``: the file name of a photograph the report shows as a figure (photo book)."""
    rng = _rng(i)
    _region, country, city = _place(rng)
    subject = rng.choice(SUBJECTS)
    word = max(subject.split(), key=len).lower()
    slug = f"{word}-{city.lower().replace(' ', '-')}-{i:05d}"
    authors = []
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        authors.append(
            f'  - name: "{name}"\n    role: {rng.choice(ROLES)}\n'
            f'    affiliation: "Department of Radiology, Example Hospital, {city}"'
        )
    submitted = date(2020, 9, 1) + timedelta(days=rng.randrange(80))
    front = [
        "---",
        f'title: "{subject}, {city} (report {i})"',
        "authors:",
        *authors,
        f"country: {country}",
        f"city: {city}",
        f"submitted: {submitted.isoformat()}",
        "consent: true",
    ]
    if rng.random() < 0.1:
        front.append(f"language: {rng.choice(LANGUAGES)}")
    front.append(f'summary: "{rng.choice(SENTENCES)}"')
    front.append(f"modalities: [{', '.join(rng.sample(MODALITIES, rng.randint(1, 3)))}]")
    front.append(f"topics: [{', '.join(rng.sample(TOPICS, rng.randint(1, 4)))}]")
    front.append("---")
    body = [_paragraph(rng), _paragraph(rng)]
    image = None
    if rng.random() < 0.125:
        image = _png(rng)
        body.append(
            f"![A plain coloured placeholder standing in for a photograph of the department in "
            f"{city}.](images/{slug}/photo.png)"
        )
    if photograph:  # no draw from rng: the report's text is the same as in the other books
        body.append(
            f"```{{figure}} images/{slug}/{photograph}\n"
            f":alt: A photograph of the department in {city}: the corridor to the scanner.\n\n"
            f"The corridor in {city}, photographed by the team.\n```"
        )
    body += ["## What changed", _paragraph(rng)]
    body.append("\n".join(f"- {item}" for item in rng.sample(LIST_ITEMS, 3)))
    if rng.random() < 0.3:
        body.append(f"```{{note}}\n{rng.choice(SENTENCES)}\n```")
    body += ["## What we would keep", _paragraph(rng)]
    if rng.random() < 0.3:
        body[-1] += " We wrote it down for the next time.[^keep]"
        body.append(f"[^keep]: {rng.choice(SENTENCES)}")
    if rng.random() < 0.3:
        body.append("Our guidance is on [the department's page](https://example.org/guidance).")
    body.append(_paragraph(rng))
    return slug, "\n".join(front) + "\n\n" + "\n\n".join(body) + "\n", image


CHAPTERS = {
    "preface": ("Preface", 10, None),
    "europe": ("Europe", 30, "  region: Europe"),
    "americas": ("The Americas", 40, "  region: Americas"),
    "asia": ("Asia", 50, "  region: Asia"),
    "around-the-world": ("Around the World", 90, "rest"),
    "acknowledgements": ("Acknowledgements", 100, None),
}
CONF = '''"""A generated benchmark book (bookbuilder.bench): every report is fictional."""

from bookbuilder.sphinx.settings import sphinx_settings

book = {{
    "title": "Benchmark Book of {size} Reports",
    "subtitle": "Generated by make bench",
    "editors": ["The Benchmark"],
    "publisher": "Book builder benchmark",
    "year": 2020,
    "edition": "Benchmark edition",
    "language": "en",
    "licence": "CC0-1.0",
    "description": "A generated book for measuring the book builder.",
    "basename": "bench-{size}",
}}

globals().update(sphinx_settings(book, __file__))
'''


def write_book(root: Path, size: int, photos: Path | None = None) -> None:
    """A book of ``size`` reports in ``root`` (its sources replaced; its _build kept).

    With ``photos`` (a folder to keep generated photographs in), every other report shows a
    12-megapixel photograph: the photo book."""
    for folder in ("chapters", "experiences"):
        shutil.rmtree(root / folder, ignore_errors=True)
    (root / "chapters").mkdir(parents=True)
    (root / "experiences").mkdir()
    (root / "conf.py").write_text(CONF.format(size=size), "utf-8")
    for chapter_id, (title, order, collect) in CHAPTERS.items():
        front = [f'title: "{title}"', f"order: {order}"]
        if collect == "rest":
            front += ["collect: rest"]
        elif collect:
            front += ["collect:", collect]
        if collect:
            front.append("sort: [country, title]")
        text = "---\n" + "\n".join(front) + "\n---\n\n" + _paragraph(_rng(-order)) + "\n"
        (root / "chapters" / f"{chapter_id}.md").write_text(text, "utf-8")
    for i in range(size):
        add_report(root, i, photos if i % 2 == 0 else None)


def add_report(root: Path, i: int, photos: Path | None = None) -> str:
    photo = photograph_file(photos, i) if photos is not None else None
    slug, text, image = report(i, photo.name if photo else None)
    (root / "experiences" / f"{slug}.md").write_text(text, "utf-8")
    folder = root / "experiences" / "images" / slug
    if image is not None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "photo.png").write_bytes(image)
    if photo is not None:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(photo, folder / photo.name)
    return slug


# -- photographs ----------------------------------------------------------------------------------

PHOTO_SIZE = (4000, 3000)  # 12 megapixels, as phones take them
PHOTO_NOISE = 3.0  # standard deviation of the sensor-like noise, in 8-bit levels


def photograph_file(folder: Path, i: int) -> Path:
    """Photograph number ``i`` (drawn once, then kept in ``folder``): a JPEG of 2-4 MB, and every
    fifth one a WebP, as contributors send them."""
    suffix = ".webp" if i % 5 == 4 else ".jpg"  # i is even in the photo book: 4, 14, 24, …
    path = folder / f"corridor-{i:05d}{suffix}"
    if not path.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        image = photograph(i)
        tmp = path.with_name(path.name + ".tmp")
        if suffix == ".webp":
            image.save(tmp, format="WEBP", quality=85)
        else:
            image.save(tmp, format="JPEG", quality=92)
        tmp.replace(path)
    return path


def photograph(i: int):
    """A smooth scene with soft shapes, plus sensor-like noise (luminance and colour): it
    compresses like a real photograph, 2-4 MB as a JPEG at quality 92. Deterministic."""
    import numpy as np
    from PIL import Image

    width, height = PHOTO_SIZE
    rng = np.random.default_rng(i)
    small_w, small_h = width // 10, height // 10  # the scene is smooth: drawn small, enlarged
    y = np.linspace(0, 1, small_h, dtype=np.float32)[:, None]
    x = np.linspace(0, 1, small_w, dtype=np.float32)[None, :]
    scene = np.empty((small_h, small_w, 3), np.float32)
    for channel in range(3):
        a, b, p, q = rng.uniform(1, 6, 4)
        scene[..., channel] = (
            120
            + 60 * np.sin(a * x * 3 + p) * np.cos(b * y * 3 + q)
            + 40 * np.sin((x * p + y * q) * 4)
        )
    for _ in range(8):
        cx, cy, r = rng.uniform(0, 1), rng.uniform(0, 1), rng.uniform(0.03, 0.2)
        d = ((x - cx) ** 2 * (width / height) ** 2 + (y - cy) ** 2) / r**2
        scene += rng.uniform(-70, 70, 3)[None, None, :] * np.exp(-d * d)[..., None]
    small = Image.fromarray(np.clip(scene, 0, 255).astype(np.uint8))
    full = np.asarray(small.resize(PHOTO_SIZE, Image.Resampling.BICUBIC), dtype=np.float32)
    full = full + rng.standard_normal((height, width, 1), dtype=np.float32) * PHOTO_NOISE
    full += rng.standard_normal((height, width, 3), dtype=np.float32) * (PHOTO_NOISE / 2)
    return Image.fromarray(np.clip(full, 0, 255).astype(np.uint8))


# -- measuring ----------------------------------------------------------------------------------


@dataclass
class Run:
    name: str
    seconds: float
    peak_mb: float
    ok: bool
    pages_written: int | None = None
    note: str = ""
    # processor time of the command and its children (LaTeX, the image workers): less
    # sensitive than wall time to other work on a shared machine
    cpu_seconds: float | None = None
    jobs: int | None = None  # JOBS given to the command (None: its default, every core)


@dataclass
class SizeResult:
    size: int
    runs: list[Run] = field(default_factory=list)
    outputs: dict[str, int] = field(default_factory=dict)
    phone: dict[str, dict] = field(default_factory=dict)  # page → Lighthouse's figures


def measure(name: str, argv: list[str], cwd: Path, log: Path, jobs: int | None = None) -> Run:
    """Run one child process; its wall time and peak resident memory (it and its children).
    ``jobs``: the command's ``JOBS`` setting (None: its default, every core)."""
    env = {**os.environ, **({"JOBS": str(jobs)} if jobs else {})}
    with log.open("ab") as sink:
        sink.write(f"\n$ {'' if jobs is None else f'JOBS={jobs} '}{' '.join(argv)}\n".encode())
        sink.flush()
        start = time.perf_counter()
        child = subprocess.Popen(argv, cwd=cwd, stdout=sink, stderr=subprocess.STDOUT, env=env)
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    cpu = usage.ru_utime + usage.ru_stime
    run = Run(name, round(seconds, 2), round(peak_mb, 1), child.returncode == 0)
    run.cpu_seconds = round(cpu, 2)
    run.jobs = jobs
    failed = "" if run.ok else "  FAILED"
    print(f"  {name:<24} {seconds:8.2f} s {cpu:8.2f} s CPU {peak_mb:8.0f} MB{failed}")
    return run


def _book(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "bookbuilder", "--root", str(root), *args]


def _html_stamps(root: Path) -> dict[str, int]:
    html = root / "_build" / "html"
    return {str(p): p.stat().st_mtime_ns for p in html.rglob("*.html")}


def with_jobs(name: str, jobs: int) -> str:
    """A run's name: the serial build's plain (``html``), the others' with their jobs."""
    return name if jobs == 1 else f"{name}, {jobs} jobs"


def _incremental(
    name: str, root: Path, log: Path, before: dict[str, int], jobs: int | None = None
) -> Run:
    run = measure(name, _book(root, "build", "html"), root, log, jobs)
    after = _html_stamps(root)
    run.pages_written = sum(1 for page, stamp in after.items() if before.get(page) != stamp)
    print(f"  {'':<24} {run.pages_written} HTML page(s) written")
    return run


def _du(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def bench_phone(root: Path, size: int) -> dict[str, dict]:
    """Lighthouse (mobile) on four pages of the built website: see ``phone_figures``."""
    pages = {
        "landing": "index.html",
        "report": f"experiences/{report(0)[0]}.html",
        "chapter": "chapters/europe.html",
        "browse": "browse.html",
    }
    print(f"  Lighthouse, mobile profile, served compressed ({size} reports):", flush=True)
    found = phone_figures.phone_figures(root / "_build" / "html", pages)
    for name, figures in found.items():
        print(phone_figures.describe(name, figures), flush=True)
    return found


def bench_size(
    size: int,
    base: Path,
    pdf_max: int,
    log: Path,
    lighthouse: bool = False,
    jobs: tuple[int, ...] = (1,),
) -> SizeResult:
    """Every command from cold once per number of ``jobs``, side by side in one run; the
    incremental builds and the preview with the most jobs."""
    root = base / str(size)
    print(f"{size} reports ({root})", flush=True)
    write_book(root, size)
    result = SizeResult(size)
    build = root / "_build"
    editions = ["html", "epub", *(["pdf"] if size <= pdf_max else [])]

    def clean() -> None:
        shutil.rmtree(build, ignore_errors=True)

    for count in jobs:  # from cold: nothing remembered in _build/cache
        clean()
        result.runs.append(
            measure(with_jobs("check", count), _book(root, "check"), root, log, count)
        )
    for edition, count in [(e, c) for e in editions for c in jobs]:
        clean()
        name = with_jobs(edition, count)
        result.runs.append(measure(name, _book(root, "build", edition), root, log, count))
        if edition == "html" and count == jobs[0]:
            pages = list((build / "html" / "experiences").glob("*.html"))
            result.outputs["html_bytes"] = _du(build / "html")
            result.outputs["html_pages"] = len(list((build / "html").rglob("*.html")))
            result.outputs["report_page_mean_bytes"] = round(
                sum(p.stat().st_size for p in pages) / max(len(pages), 1)
            )
        else:  # 0 when the build failed (the run says FAILED)
            output = edition_of(edition).output_path(build, f"bench-{size}")
            result.outputs[f"{edition}_bytes"] = _du(output) if output.is_file() else 0
    for count in jobs:
        clean()
        run = measure(with_jobs("all", count), _book(root, "build", *editions), root, log, count)
        if "pdf" not in editions:
            run.note = f"html and epub: the PDF is measured up to {pdf_max} reports"
        result.runs.append(run)
        names = {with_jobs(e, count) for e in editions}
        separate = sum(r.seconds for r in result.runs if r.name in names)
        print(f"  {'':<24} separate builds with {count} job(s): {separate:.2f} s in all")
    most = jobs[-1]
    if lighthouse:
        result.phone = bench_phone(root, size)

    # Incremental HTML, on the output of `all`.
    result.runs.append(_incremental("html, nothing changed", root, log, _html_stamps(root), most))
    added = add_report(root, size)
    result.runs.append(_incremental("html, 1 report added", root, log, _html_stamps(root), most))
    result.runs[-1].note = f"experiences/{added}.md"
    edited = root / "experiences" / f"{report(size // 2)[0]}.md"
    edited.write_text(edited.read_text("utf-8") + "\nOne more sentence, edited.\n", "utf-8")
    result.runs.append(_incremental("html, 1 report edited", root, log, _html_stamps(root), most))
    result.runs[-1].note = edited.relative_to(root).as_posix()
    result.runs.append(bench_preview(root, edited, log))
    return result


def bench_preview(root: Path, edited: Path, log: Path) -> Run:
    """`make serve` as an editor sees it: the seconds from saving a one-line edit to the
    server giving the page with it (the server's own first build is not counted)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    page = f"http://127.0.0.1:{port}/experiences/{edited.stem}.html"
    marker = f"Preview marker {time.time_ns()}"
    with log.open("ab") as sink:
        server = subprocess.Popen(
            _book(root, "serve", "--port", str(port)), stdout=sink, stderr=subprocess.STDOUT
        )
        try:
            if not _until(lambda: _fetch(page) is not None, 900):
                print("  preview, 1 report edited   FAILED (the server did not start)")
                return Run("preview, 1 report edited", 0.0, 0.0, False)
            time.sleep(1)  # the watcher is up once the first build has been served
            start = time.perf_counter()
            edited.write_text(edited.read_text("utf-8") + f"\n{marker}.\n", "utf-8")
            seen = _until(lambda: marker in (_fetch(page) or ""), 300)
            seconds = time.perf_counter() - start
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    run = Run("preview, 1 report edited", round(seconds, 2), 0.0, seen)
    run.note = "make serve: from saving the file to the page served with the edit"
    print(f"  {run.name:<24} {seconds:8.2f} s{'' if seen else '  FAILED'}")
    return run


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    # a page asked for while the rebuild rewrites it comes cut short: asked again
    except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError):
        return None


def _until(condition, limit: float) -> bool:
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


# -- the photo book -------------------------------------------------------------------------------


def bench_photos(size: int, base: Path, pdf: bool, log: Path) -> SizeResult:
    """The photo book: ``size`` reports, every other one with a 12-megapixel photograph."""
    root = base / f"photos-{size}"
    print(f"photo book: {size} reports, {(size + 1) // 2} photographs ({root})", flush=True)
    write_book(root, size, photos=base / "photos")
    result = SizeResult(size)
    build = root / "_build"
    shutil.rmtree(build, ignore_errors=True)
    editions = ["html", "epub", *(["pdf"] if pdf else [])]
    result.runs.append(measure("all", _book(root, "build", *editions), root, log))
    result.runs.append(measure("all, again", _book(root, "build", *editions), root, log))
    edited = root / "experiences" / f"{report(size // 2)[0]}.md"
    edited.write_text(edited.read_text("utf-8") + "\nOne more sentence, edited.\n", "utf-8")
    result.runs.append(measure("all, 1 report edited", _book(root, "build", *editions), root, log))
    originals = root / "experiences" / "images"
    result.outputs["photographs"] = sum(1 for p in originals.rglob("corridor-*"))
    result.outputs["originals_bytes"] = _du(originals)
    result.outputs["html_bytes"] = _du(build / "html")
    for edition in ("epub", "pdf"):
        output = edition_of(edition).output_path(build, f"bench-{size}")
        result.outputs[f"{edition}_bytes"] = _du(output) if output.is_file() else 0
    result.outputs.update(_epub_images(edition_of("epub").output_path(build, f"bench-{size}")))
    result.outputs.update(_phone_weights(build / "html"))
    for key, value in result.outputs.items():
        print(f"  {key:<32} {value:>12,}")
    return result


def bench_clinical(size: int, base: Path, log: Path) -> SizeResult:
    """The clinical book: ``size`` reports, every other one with a generated clinical image
    (tests/burnedin_images.py, seeds apart from the tuning set; half of them with a patient's
    identity burned in). ``check`` from an empty ``_build/`` reads every image's text
    (check/burnedin.py); ``check, again`` finds every reading remembered. Half the images
    carry an identifier, so both checks end in errors (exit status 1), as an editor's would."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from burnedin_images import sample

    root = base / f"clinical-{size}"
    print(f"clinical book: {size} reports, {(size + 1) // 2} clinical images ({root})", flush=True)
    write_book(root, size)
    for i in range(0, size, 2):
        slug = report(i)[0]
        image = sample(20_000 + i + i // 2 % 2).image  # odd seeds carry an identifier
        name = "scan.jpg" if image.mode == "RGB" else "scan.png"
        folder = root / "experiences" / "images" / slug
        folder.mkdir(parents=True, exist_ok=True)
        image.save(folder / name)
        md = root / "experiences" / f"{slug}.md"
        figure = f"\n![A clinical image of the case](images/{slug}/{name})\n"
        md.write_text(md.read_text("utf-8") + figure, "utf-8")
    shutil.rmtree(root / "_build", ignore_errors=True)
    result = SizeResult(size)
    for name in ("check, images read", "check, again"):
        run = measure(name, _book(root, "check"), root, log)
        run.ok = "Traceback" not in log.read_text("utf-8", "replace").rsplit("\n$ ", 1)[-1]
        run.note = "exit status 1 expected: half the images show a patient's identity"
        result.runs.append(run)
    result.outputs["clinical_images"] = (size + 1) // 2
    return result


def _epub_images(epub: Path) -> dict[str, int]:
    """The EPUB's raster images but its cover (drawn at the 1600 × 2400 that e-book shops ask
    for): how many, the longest edge, how many are over 1600 px."""
    import io
    import zipfile

    from PIL import Image

    if not epub.is_file():
        return {}
    edges = []
    with zipfile.ZipFile(epub) as z:
        for name in z.namelist():
            cover = name.rsplit("/", 1)[-1].startswith("cover")
            if name.lower().endswith((".jpg", ".jpeg", ".png", ".webp")) and not cover:
                with Image.open(io.BytesIO(z.read(name))) as image:
                    edges.append(max(image.size))
    return {
        "epub_images": len(edges),
        "epub_longest_edge_px": max(edges, default=0),
        "epub_images_over_1600px": sum(1 for e in edges if e > 1600),
    }


def _phone_weights(html: Path) -> dict[str, int]:
    """Per report page with a photograph: the bytes of its widest ``srcset`` candidate of at
    most 1000 px (the lighter of WebP and JPEG), and what the page transfers besides images
    (HTML, CSS, scripts, gzip-compressed as a web server sends them)."""
    import gzip
    import re

    candidate = re.compile(r'srcset="([^"]+)"')
    assets = re.compile(r'<(?:link rel="stylesheet"|script)[^>]* (?:href|src)="([^"?]+)')
    photo_bytes, text_bytes = [], []
    for page in sorted((html / "experiences").glob("*.html")):
        text = page.read_text("utf-8")
        if "corridor-" not in text:
            continue
        offered = []  # per srcset (WebP, JPEG): its widest candidate of at most 1000 px
        for srcset in candidate.findall(text):
            if "corridor-" not in srcset:
                continue
            small = [item.split() for item in srcset.split(",")]
            small = [(int(w[:-1]), url) for url, w in small if int(w[:-1]) <= 1000]
            if small:
                offered.append((page.parent / max(small)[1]).stat().st_size)
        best = min(offered, default=0)
        photo_bytes.append(best)
        total = len(gzip.compress(text.encode("utf-8")))
        for url in dict.fromkeys(assets.findall(text)):
            path = (page.parent / url).resolve()
            if path.is_file():
                total += len(gzip.compress(path.read_bytes()))
        text_bytes.append(total)
    if not photo_bytes:
        return {}
    return {
        "pages_with_photo": len(photo_bytes),
        "photo_candidate_1000px_max_bytes": max(photo_bytes),
        "photo_candidate_1000px_mean_bytes": round(sum(photo_bytes) / len(photo_bytes)),
        "page_besides_images_gzip_max_bytes": max(text_bytes),
    }


# -- Jupyter Book 1, for comparison -------------------------------------------------------------


def jupyter_book(base: Path) -> Path:
    """Jupyter Book 1 in its own venv under the bench folder (installed on first use)."""
    venv = base / "jb1-venv"
    jb = venv / "bin" / "jupyter-book"
    if not jb.exists():
        print("Installing Jupyter Book 1 into", venv, flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, "jupyter-book<2"], check=True)
    return jb


def write_jupyter_book(root: Path, size: int) -> Path:
    """The same reports and chapters as a Jupyter Book 1 project (its _toc.yml, _config.yml)."""
    jb_root = root / "jupyter-book"
    shutil.rmtree(jb_root, ignore_errors=True)
    shutil.copytree(root / "chapters", jb_root / "chapters")
    shutil.copytree(root / "experiences", jb_root / "experiences")
    (jb_root / "intro.md").write_text(f"# Benchmark Book of {size} Reports\n", "utf-8")
    from bookbuilder.pipeline import prepare

    prepared = prepare(root)
    assert prepared.book is not None
    toc = ["format: jb-book", "root: intro", "chapters:"]
    for chapter in prepared.book.chapters:
        toc.append(f"- file: chapters/{chapter.spec.id}")
        if chapter.reports:
            toc.append("  sections:")
            toc += [f"  - file: experiences/{r.slug}" for r in chapter.reports]
    (jb_root / "_toc.yml").write_text("\n".join(toc) + "\n", "utf-8")
    config = [
        f"title: Benchmark Book of {size} Reports",
        "execute:",
        "  execute_notebooks: 'off'",
        "parse:",
        "  myst_enable_extensions: [colon_fence]",
        "sphinx:",
        "  config:",
        "    suppress_warnings: ['myst.header']",
        "    myst_title_to_header: true",
    ]
    (jb_root / "_config.yml").write_text("\n".join(config) + "\n", "utf-8")
    return jb_root


def bench_jupyter_book(size: int, base: Path, log: Path) -> Run:
    jb = jupyter_book(base)
    jb_root = write_jupyter_book(base / str(size), size)
    return measure("jupyter-book 1 html", [str(jb), "build", "--quiet", str(jb_root)], jb_root, log)


# -- report -------------------------------------------------------------------------------------


def _per_report(results: list[SizeResult], name: str) -> dict[int, float]:
    return {
        r.size: run.seconds / r.size
        for r in results
        for run in r.runs
        if run.name == name and r.size
    }


def summary(results: list[SizeResult]) -> list[str]:
    lines = ["", "Seconds per report (linear scaling means equal figures):"]
    for name in ("check", "html", "epub", "pdf", "all"):
        per = _per_report(results, name)
        if per:
            cells = ", ".join(f"{size}: {1000 * s:.1f} ms" for size, s in per.items())
            lines.append(f"  {name:<6} {cells}")
    lines += ["", "Peak memory (the largest process), and per report:"]
    for name in ("html", "epub", "pdf", "all"):
        peaks = {r.size: run.peak_mb for r in results for run in r.runs if run.name == name}
        if peaks:
            cells = ", ".join(
                f"{size}: {mb:,.0f} MB ({1024 * mb / size:.0f} kB)" for size, mb in peaks.items()
            )
            lines.append(f"  {name:<6} {cells}")
    for r in results:
        runs = {run.name: run for run in r.runs}
        lines += _jobs_lines(r.size, runs)
        added = runs.get("html, 1 report added")
        # the full build with as many jobs as the incremental ones
        full = runs.get(with_jobs("html", (added.jobs or 1) if added else 1))
        if full and added:
            lines.append(
                f"  {r.size}: adding a report rebuilds the HTML in "
                f"{100 * added.seconds / full.seconds:.0f}% of a full build"
            )
        preview = runs.get("preview, 1 report edited")
        if full and preview and preview.ok:
            lines.append(
                f"  {r.size}: make serve shows a one-line edit in {preview.seconds:.2f} s, "
                f"{100 * preview.seconds / full.seconds:.0f}% of a full HTML build"
            )
        jb = runs.get("jupyter-book 1 html")
        for run in r.runs:
            if jb and run.name == with_jobs("html", run.jobs or 1):
                lines.append(
                    f"  {r.size}: {run.name} {jb.seconds / run.seconds:.1f}× faster than "
                    "Jupyter Book 1"
                )
    phone = [r for r in results if r.phone]
    if phone:
        lines += ["", "On a phone (Lighthouse, mobile profile, served compressed):"]
        for r in phone:
            lines.append(f" {r.size} reports:")
            lines += [phone_figures.describe(name, f) for name, f in r.phone.items()]
        visits = {
            r.size: r.phone["report"]["first_visit_bytes"]
            for r in phone
            if "first_visit_bytes" in r.phone.get("report", {})
        }
        if visits:
            cells = ", ".join(f"{size}: {b / 1024:.0f} kB" for size, b in visits.items())
            lines.append(f"  a first visit to a report page transfers (images aside) {cells}")
    return lines


def _jobs_lines(size: int, runs: dict[str, Run]) -> list[str]:
    """Each command with more jobs against the same command with one, in this run."""
    lines = []
    for name, run in runs.items():
        serial = runs.get(name.rsplit(", ", 1)[0]) if name.endswith(" jobs") else None
        if serial and serial.ok and run.ok:
            lines.append(
                f"  {size}: {name}: {run.seconds:.2f} s, {100 * run.seconds / serial.seconds:.0f}%"
                f" of {serial.name} with 1 job ({serial.seconds:.2f} s); peak {run.peak_mb:.0f} MB"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bookbuilder.bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, DEFAULT_SIZES)),
        help="comma-separated numbers of reports (default: %(default)s)",
    )
    parser.add_argument(
        "--pdf-max",
        type=int,
        default=5000,
        help="largest book to build a PDF of (default: %(default)s; a book of more than 400 "
        "reports is typeset in parts, sphinx/pdfparts.py)",
    )
    parser.add_argument(
        "--jupyter-book", action="store_true", help="also build the HTML with Jupyter Book 1"
    )
    parser.add_argument(
        "--jupyter-book-max", type=int, default=1000, help="largest book to build with it"
    )
    parser.add_argument(
        "--photos",
        type=int,
        default=140,
        help="reports in the photo book, every other one with a photograph (0: none; "
        "default: %(default)s)",
    )
    parser.add_argument(
        "--clinical",
        type=int,
        default=140,
        help="reports in the clinical book, every other one with a clinical image whose text "
        "is read (0: none; default: %(default)s)",
    )
    parser.add_argument(
        "--no-lighthouse",
        action="store_true",
        help="leave out Lighthouse's phone figures (they need make setup-lighthouse, chromium)",
    )
    parser.add_argument(
        "--jobs",
        default="1,2",
        help="JOBS settings to build with, side by side in one run (default: %(default)s)",
    )
    parser.add_argument("--out", type=Path, default=BENCH_DIR, help="(default: %(default)s)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.replace(" ", "").split(",") if s]
    jobs = tuple(sorted({int(j) for j in args.jobs.replace(" ", "").split(",") if j}))
    base = args.out.resolve()
    base.mkdir(parents=True, exist_ok=True)
    log = base / "bench.log"
    log.write_text("")
    if missing_fonts():
        args.pdf_max = 0
        print("The PDF's fonts are missing on this machine: the PDF is not measured.")
    lighthouse = not args.no_lighthouse
    if lighthouse and (why := phone_figures.missing()):
        lighthouse = False
        print(f"The phone figures are not measured: {why}.")
    load = os.getloadavg()
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    results = []
    for size in sizes:
        result = bench_size(size, base, args.pdf_max, log, lighthouse, jobs)
        if args.jupyter_book and size <= args.jupyter_book_max:
            result.runs.append(bench_jupyter_book(size, base, log))
        results.append(result)
    clinical_book = bench_clinical(args.clinical, base, log) if args.clinical else None
    photo_book = None
    if args.photos:
        photo_book = bench_photos(args.photos, base, args.pdf_max >= args.photos, log)
    for line in summary(results):
        print(line)
    data = {
        "started": started,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_before": [round(x, 2) for x in load],
            "load_after": [round(x, 2) for x in os.getloadavg()],
        },
        "sizes": [asdict(r) for r in results],
        "photo_book": asdict(photo_book) if photo_book else None,
        "clinical_book": asdict(clinical_book) if clinical_book else None,
    }
    (base / RESULTS).write_text(json.dumps(data, indent=1) + "\n", "utf-8")
    print(f"\nFigures: {base / RESULTS}; the commands' output: {log}")
    books = [*results, *([photo_book] if photo_book else [])]
    books += [clinical_book] if clinical_book else []
    return 0 if all(run.ok for r in books for run in r.runs) else 1


if __name__ == "__main__":
    sys.exit(main())
