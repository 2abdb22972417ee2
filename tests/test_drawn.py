"""Pictures the builder draws (cover, icons, link preview) and the offline listing's digests are
remembered between builds, and never given back once what they were made from has changed;
the charts that changed are drawn in another process, and are the same charts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bookbuilder.render import drawn as drawn_module
from bookbuilder.render import pages
from bookbuilder.render.browse import FacetValue
from bookbuilder.render.charts import charts
from bookbuilder.render.drawn import drawn
from bookbuilder.sphinx.offline import offline_listing
from conftest import FIXTURES, copy_book


def test_a_picture_is_drawn_again_only_when_its_inputs_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    draws: list[str] = []

    def draw(title: str):
        def make() -> bytes:
            draws.append(title)
            return f"PNG of {title}".encode()

        return make

    assert drawn(tmp_path, "cover.png", ("Heat", 2024), draw("Heat")) == b"PNG of Heat"
    assert drawn(tmp_path, "cover.png", ("Heat", 2024), draw("Heat")) == b"PNG of Heat"
    assert draws == ["Heat"]
    assert drawn(tmp_path, "cover.png", ("Cold", 2024), draw("Cold")) == b"PNG of Cold"
    assert draws == ["Heat", "Cold"]
    assert len(list(tmp_path.glob("*-cover.png"))) == 1  # the stale one is gone
    next(tmp_path.glob("*-cover.png")).unlink()
    assert drawn(tmp_path, "cover.png", ("Cold", 2024), draw("Cold")) == b"PNG of Cold"
    assert draws == ["Heat", "Cold", "Cold"]
    # a font installed since (Noto, say) draws the cover anew
    monkeypatch.setattr(drawn_module, "cover_fonts", lambda: [("/fonts/NotoSerif.ttf", 1, 2)])
    assert drawn(tmp_path, "cover.png", ("Cold", 2024), draw("Cold")) == b"PNG of Cold"
    assert draws == ["Heat", "Cold", "Cold", "Cold"]
    assert not list(tmp_path.glob("*.partial"))


def test_the_listing_from_remembered_digests_is_the_fresh_listing(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "reports").mkdir(parents=True)
    page = site / "reports" / "a.html"
    page.write_text("<p>first</p>")
    (site / "b.css").write_text("p {}")
    known: dict[str, list] = {}
    first = offline_listing(site, "downloads", known)
    assert first == offline_listing(site, "downloads")
    assert set(known) == {"reports/a.html", "b.css"}
    # the same size, the same modification time: the file's other state tells it apart
    stat = page.stat()
    page.write_text("<p>again</p>")
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    second = offline_listing(site, "downloads", known)
    assert second == offline_listing(site, "downloads")
    assert second["version"] != first["version"]
    (site / "b.css").unlink()
    third = offline_listing(site, "downloads", known)
    assert third == offline_listing(site, "downloads")
    assert set(known) == {"reports/a.html"}


def _facet_values() -> dict[str, list[FacetValue]]:
    return {
        "region": [FacetValue("Europe", "Europe", 3), FacetValue("Asia", "Asia", 2)],
        "topic": [FacetValue("night", "Night shifts", 4)],
    }


@pytest.mark.parametrize("processes", [True, False])
def test_charts_drawn_aside_are_the_charts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, processes: bool
) -> None:
    if not processes:  # a machine where no process can be had: drawn in this one

        def refused(*args: object, **kwargs: object) -> None:
            raise OSError("no processes here")

        monkeypatch.setattr(pages, "ProcessPoolExecutor", refused)
    expected = charts(_facet_values(), 5)
    aside = pages._ChartsAside(pages._Writer(tmp_path), _facet_values(), 5)
    assert aside.charts() == expected
    assert aside.pool is None  # the process is gone
    # kept: the next build draws nothing
    monkeypatch.setattr(pages, "bar_chart_svg", None)
    again = pages._ChartsAside(pages._Writer(tmp_path), _facet_values(), 5)
    assert again.charts() == expected
    assert not list(tmp_path.rglob("*.partial"))


def test_the_chart_process_ends_when_the_pages_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page that cannot be written stops the render stage; the chart process ends with it."""
    from datetime import date

    from bookbuilder import pipeline

    book_root = copy_book(FIXTURES / "book-small", tmp_path / "book")
    prepared = pipeline.prepare(book_root, date(2024, 6, 1))
    assert prepared.book is not None
    asides: list[pages._ChartsAside] = []
    made = pages._ChartsAside.__init__

    def recording(self: pages._ChartsAside, *args: object) -> None:
        made(self, *args)
        asides.append(self)

    def failing(*args: object) -> None:
        assert asides and asides[0].pool is not None  # drawing, in its process
        raise ValueError("a page that cannot be written")

    monkeypatch.setattr(pages._ChartsAside, "__init__", recording)
    monkeypatch.setattr(pages, "_write_chapters", failing)
    with pytest.raises(ValueError, match="cannot be written"):
        pipeline.render_sources(prepared.book, book_root / "_build" / "src")
    assert asides[0].pool is None


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_charts_written_later_make_the_same_sources(tmp_path: Path) -> None:
    """A build's render stage returns while the charts are still drawn (Sphinx starts meanwhile
    and waits for them before it reads): its page and fingerprint do not wait, and once they are
    written the sources are the render stage's that waited, byte for byte."""
    from datetime import date

    from bookbuilder import pipeline

    rendered = {}
    for name, later in (("waited", False), ("later", True)):
        root = copy_book(FIXTURES / "book-small", tmp_path / name)
        prepared = pipeline.prepare(root, date(2024, 6, 1))
        assert prepared.book is not None
        rendered[name] = pipeline.render_sources(
            prepared.book, root / "_build" / "src", charts_later=later
        )
    waited, later = rendered["waited"], rendered["later"]
    assert waited.drawing is None
    assert later.drawing is not None  # nothing drawn yet in its folder: drawn aside
    assert later.fingerprint == waited.fingerprint
    later.charts_drawn()
    later.charts_drawn()  # once written, again changes nothing
    assert _files(later.srcdir) == _files(waited.srcdir)
