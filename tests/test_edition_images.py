"""Every image format in every edition, each edition with its own copy (render/images.py).

One book is built with all three editions: the small fixture book plus a report with a WebP
photograph, a large JPEG taken sideways (EXIF orientation 6, with camera metadata), a PNG
screenshot and an SVG plan, all generated here. Then: the web's <picture> files exist and have
the sizes the HTML says; the EPUB's images are JPEG/PNG/SVG no longer than 1600 px; the PDF's
are at most 300 ppi (``pdfimages -list``); nothing carries metadata; a second build encodes
nothing; and the viewer opens and closes from the keyboard in Chromium, accessibly.
"""

from __future__ import annotations

import gzip
import hashlib
import html.parser
import re
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import pydata_sphinx_theme
import pytest
from PIL import Image

from conftest import (
    FIXTURES,
    ROOT,
    copy_book,
    require,
    require_module,
    require_pdf,
    require_tool,
    run_book,
)

SLUG = "shade-for-the-scanner-sevilla"
PAGE = f"experiences/{SLUG}.html"
ALT = {
    "courtyard.jpg": "A courtyard with shade sails, photographed with the phone held sideways.",
    "street.webp": "The street in front of the hospital at midday.",
    "rota.png": "A screenshot of the summer rota, one line per shift.",
    "plan.svg": "A plan of the site: the scanner building in the middle of the car park.",
}
CAPTIONS = {"courtyard.jpg": "The courtyard at noon.", "street.webp": "The street, in WebP."}
AXE = ROOT / "tools" / "ace" / "node_modules" / "axe-core" / "axe.min.js"


def photograph(width: int, height: int, seed: int) -> Image.Image:
    """A smooth scene with sensor-like noise: compresses like a real photograph."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    scene = np.stack(
        [
            128 + 90 * np.sin(x / width * 3.1),
            120 + 80 * np.cos(y / height * 2.3),
            100 + 60 * np.sin((x + y) / (width + height) * 5),
        ],
        axis=-1,
    )
    noisy = scene + rng.normal(0, 5, scene.shape)
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))


def screenshot() -> Image.Image:
    from PIL import ImageDraw

    image = Image.new("RGB", (1280, 800), "white")
    draw = ImageDraw.Draw(image)
    for i in range(18):
        draw.text((40, 30 + 40 * i), f"Shift {i}: two radiographers, one nurse", fill=(30, 30, 30))
    draw.rectangle((760, 80, 1220, 720), outline=(0, 90, 160), width=4)
    return image


def add_image_report(root: Path) -> None:
    folder = root / "experiences" / "images" / SLUG
    folder.mkdir(parents=True, exist_ok=True)
    exif = Image.Exif()
    exif[0x0112] = 6  # the phone was held sideways: turn a quarter clockwise to show it
    exif[0x010F] = "Acme Cameras"
    exif.get_ifd(0x8825)[1] = "N"  # a GPS position: must not reach any edition
    photograph(3200, 2400, 1).save(folder / "courtyard.jpg", quality=92, exif=exif)
    photograph(1200, 900, 2).save(folder / "street.webp", quality=85)
    screenshot().save(folder / "rota.png")
    (folder / "plan.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="300pt" height="150pt" '
        'viewBox="0 0 400 200"><rect width="400" height="200" fill="#cde"/>'
        '<circle cx="200" cy="100" r="60" fill="#246"/></svg>',
        "utf-8",
    )
    report = root / "experiences" / f"{SLUG}.md"
    body = [report.read_text("utf-8")]
    for name, alt in ALT.items():
        if name in CAPTIONS:
            body.append(
                f"```{{figure}} images/{SLUG}/{name}\n:alt: {alt}\n\n{CAPTIONS[name]}\n```\n"
            )
        else:
            body.append(f"![{alt}](images/{SLUG}/{name})\n")
    report.write_text("\n".join(body), "utf-8")


def digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_pdf("pdfimages")
    root = copy_book(FIXTURES / "book-small", tmp_path_factory.mktemp("images-book"))
    add_image_report(root)
    result = run_book(root, "build", "all")
    assert result.returncode == 0, result.stdout + result.stderr
    return root


# -- the web edition ----------------------------------------------------------------------------


class Tags(html.parser.HTMLParser):
    """Every start tag of a page, with its attributes, and the <a> each one stands in."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str], dict[str, str] | None]] = []
        self.link: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "a":
            self.link = values
        self.tags.append((tag, values, self.link))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self.link = None


def page_tags(root: Path, page: str = PAGE) -> list[tuple[str, dict[str, str], dict | None]]:
    parser = Tags()
    parser.feed((root / "_build" / "html" / page).read_text("utf-8"))
    return parser.tags


def content_images(root: Path) -> dict[str, tuple[dict[str, str], dict | None]]:
    """The report's own images, by their file name, from the alt texts."""
    by_alt = {alt: name for name, alt in ALT.items()}
    return {
        by_alt[attrs["alt"]]: (attrs, link)
        for tag, attrs, link in page_tags(root)
        if tag == "img" and attrs.get("alt") in by_alt
    }


def candidates(srcset: str) -> list[tuple[str, int]]:
    return [(url, int(w[:-1])) for url, w in (c.strip().split() for c in srcset.split(","))]


def test_every_img_has_its_size_and_every_candidate_is_that_wide(book: Path) -> None:
    html_dir = book / "_build" / "html"
    for page in ("index.html", PAGE, "at-a-glance.html"):
        for tag, attrs, _link in page_tags(book, page):
            if tag == "img":
                assert attrs.get("width") and attrs.get("height"), (page, attrs)
                assert attrs.get("decoding") == "async", (page, attrs)
    images = content_images(book)
    assert set(images) == set(ALT)
    base = html_dir / "experiences"
    for name, (attrs, _link) in images.items():
        if name.endswith(".svg"):
            assert (attrs["width"], attrs["height"]) == ("400", "200")
            continue
        ratio = int(attrs["width"]) / int(attrs["height"])
        found = candidates(attrs["srcset"]) if "srcset" in attrs else [(attrs["src"], 0)]
        for url, width in found:
            with Image.open(base / url) as image:
                assert width in (0, image.width), url
                assert abs(image.width / image.height - ratio) < 0.01, url
                assert len(image.getexif()) == 0 and "exif" not in image.info
        assert max(w for _u, w in found) <= 1600
    courtyard = images["courtyard.jpg"][0]
    assert int(courtyard["height"]) > int(courtyard["width"])  # turned upright
    widths = [w for _u, w in candidates(courtyard["srcset"])]
    assert widths == [480, 960, 1600]


def test_photographs_offer_webp_and_a_small_candidate(book: Path) -> None:
    tags = page_tags(book)
    sources = [a for tag, a, _l in tags if tag == "source"]
    assert sources and all(s["type"] == "image/webp" for s in sources)
    base = book / "_build" / "html" / "experiences"
    for source in sources:
        for url, width in candidates(source["srcset"]):
            with Image.open(base / url) as image:
                assert image.format == "WEBP" and image.width == width
    # a phone's candidate of a photograph: at most 1000 px wide and at most 300 kB
    for name in ("courtyard.jpg", "street.webp"):
        attrs = content_images(book)[name][0]
        small = [(u, w) for u, w in candidates(attrs["srcset"]) if w <= 1000]
        assert small and (base / small[-1][0]).stat().st_size <= 300_000


def test_only_the_first_image_loads_at_once_and_figures_link_to_the_large_image(
    book: Path,
) -> None:
    imgs = [a for tag, a, _l in page_tags(book) if tag == "img"]
    assert "loading" not in imgs[0]
    assert all(a.get("loading") == "lazy" for a in imgs[1:])
    base = book / "_build" / "html" / "experiences"
    for name in ("courtyard.jpg", "street.webp", "rota.png"):
        _attrs, link = content_images(book)[name]
        assert link is not None and "book-zoom" in link["class"], name
        with Image.open(base / link["href"]) as large:
            assert max(large.size) <= 2560
            assert (str(large.width), str(large.height)) == (
                link["data-width"],
                link["data-height"],
            )
            assert len(large.getexif()) == 0
    _attrs, link = content_images(book)["courtyard.jpg"]
    assert (link["data-width"], link["data-height"]) == ("1920", "2560")


# -- EPUB and PDF -------------------------------------------------------------------------------


def test_epub_images_are_jpeg_png_or_svg_within_1600_px(book: Path) -> None:
    require_module("ebooklib")
    from ebooklib import ITEM_IMAGE, epub

    path = book / "_build" / "epub" / "heatwave-2021.epub"
    package = epub.read_epub(str(path), {"ignore_ncx": True})
    types = {}
    # The cover too (ebooklib files it as ITEM_COVER, not ITEM_IMAGE): every picture counts.
    pictures = [i for i in package.get_items() if i.media_type.startswith("image/")]
    assert any(i.get_type() != ITEM_IMAGE for i in pictures)  # the cover is among them
    for item in pictures:
        assert item.media_type in ("image/jpeg", "image/png", "image/svg+xml"), item.file_name
        types[item.file_name.rsplit("/", 1)[-1]] = item.media_type
        if item.media_type != "image/svg+xml":
            with Image.open(_bytes(item.get_content())) as image:
                assert max(image.size) <= 1600, item.file_name
                assert len(image.getexif()) == 0

    def media_type(stem: str) -> str:
        return next(kind for name, kind in types.items() if stem in name)

    assert media_type("courtyard") == "image/jpeg"  # a photograph
    assert media_type("street") == "image/jpeg"  # a WebP photograph, converted
    assert media_type("rota") == "image/png"  # a screenshot stays sharp
    assert media_type("plan") == "image/svg+xml"
    with zipfile.ZipFile(path) as z:
        page = next(z.read(n).decode() for n in z.namelist() if n.endswith(f"{SLUG}.xhtml"))
    for alt in ALT.values():
        assert f'alt="{alt}"' in page
    for caption in CAPTIONS.values():
        assert caption in page


@pytest.mark.slow  # EPUBCheck and Ace
def test_the_epub_with_every_format_passes_epubcheck_and_ace(book: Path, tmp_path: Path) -> None:
    from bookbuilder.sphinx.epub import ace_command, chromium, run_ace, run_epubcheck

    require_tool("java")
    path = book / "_build" / "epub" / "heatwave-2021.epub"
    checked = run_epubcheck(path, tmp_path / "epubcheck.json")
    assert checked.counts == {"fatal": 0, "error": 0, "warning": 0}, "\n".join(checked.lines)
    require(ace_command() is not None and chromium() is not None, "needs DAISY Ace: make setup-ace")
    audited = run_ace(path, tmp_path / "ace")
    assert audited.ok, "\n".join(audited.lines)


def _bytes(data: bytes):
    import io

    return io.BytesIO(data)


def test_pdf_images_are_at_most_300_ppi(book: Path) -> None:
    pdf = book / "_build" / "pdf" / "heatwave-2021.pdf"
    listing = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    rows = [line.split() for line in listing.splitlines()[2:] if line.strip()]
    images = [r for r in rows if r[2] == "image"]
    assert len(images) >= 4  # the awning, the courtyard, the street, the rota
    for row in images:
        width, height, x_ppi, y_ppi = int(row[3]), int(row[4]), int(row[12]), int(row[13])
        assert x_ppi <= 301 and y_ppi <= 301, row
        assert max(width, height) <= 2907
    assert any(int(r[4]) > int(r[3]) for r in images)  # the courtyard, upright
    # photographs are JPEG-compressed, the WebP one too (Typst stores a WebP's pixels raw)
    street = next(r for r in images if (int(r[3]), int(r[4])) == (1200, 900))
    assert street[8] == "jpeg", street


def test_no_metadata_in_any_copy_and_the_originals_untouched(book: Path) -> None:
    originals = book / "experiences" / "images" / SLUG
    with Image.open(originals / "courtyard.jpg") as image:
        assert image.getexif()[0x010F] == "Acme Cameras"  # still the editor's file
    for folder in ("images", "html/_images", "src"):
        for path in (book / "_build" / folder).rglob("*"):
            if path.suffix.lower() in (".jpg", ".png", ".webp"):
                assert b"Acme Cameras" not in path.read_bytes(), path


def test_a_second_build_encodes_nothing(book: Path) -> None:
    cache = book / "_build" / "images"
    before = {p: p.stat().st_mtime_ns for p in cache.rglob("*")}
    report = book / "experiences" / f"{SLUG}.md"
    report.write_text(report.read_text("utf-8") + "\nOne more sentence.\n", "utf-8")
    result = run_book(book, "build", "html", "epub")
    assert result.returncode == 0, result.stdout + result.stderr
    after = {p: p.stat().st_mtime_ns for p in cache.rglob("*")}
    assert after == before


# -- light pages --------------------------------------------------------------------------------

THEME_STATIC = Path(pydata_sphinx_theme.__file__).parent / "theme/pydata_sphinx_theme/static"
OUR_MACROS = ROOT / "scripts/bookbuilder/templates/html/static/webpack-macros.html"


def test_our_theme_macros_are_the_themes_without_font_awesome() -> None:
    """A theme upgrade that changes its macros fails here: copy them again, less the script."""
    theirs = (THEME_STATIC / "webpack-macros.html").read_text("utf-8").splitlines()
    ours = OUR_MACROS.read_text("utf-8").splitlines()
    ours = ours[next(i for i, line in enumerate(ours) if line.endswith("#}")) + 1 :]
    assert ours == [
        line for line in theirs if "fontawesome" not in line and "custom icons" not in line
    ]


def test_no_font_awesome_and_every_icon_drawn(book: Path) -> None:
    html_dir = book / "_build" / "html"
    icons = (ROOT / "scripts/bookbuilder/static/icons.css").read_text("utf-8")
    for page in html_dir.rglob("*.html"):
        if "_static" in page.parts:
            continue  # the theme's own files, copied whole; no page loads them
        text = page.read_text("utf-8")
        assert "fontawesome" not in text, page
        for name in set(re.findall(r'class="[^"]*\bfa-solid fa-([a-z-]+)', text)):
            assert f".fa-{name} {{" in icons, f"{page}: fa-{name}: run scripts/make_icons.py"


def test_a_report_page_weighs_at_most_250_kb_besides_images(book: Path) -> None:
    """HTML, style sheets and scripts of a report page, compressed as a web server sends them."""
    page = book / "_build" / "html" / PAGE
    text = page.read_text("utf-8")
    total = len(gzip.compress(text.encode("utf-8")))
    assets = re.findall(r'<(?:link rel="stylesheet"|script)[^>]* (?:href|src)="([^"?]+)', text)
    assert any(a.endswith("zoom.js") for a in assets)
    for url in set(assets):
        total += len(gzip.compress((page.parent / url).read_bytes()))
    assert total <= 250_000


# -- the viewer, in Chromium --------------------------------------------------------------------


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']}))
            .violations.filter(v => v.impact === 'critical' || v.impact === 'serious')
            .map(v => v.id + ': ' + v.nodes.map(n => n.html.slice(0, 120)).join(' | '))"""
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_viewer_opens_and_closes_from_the_keyboard(browser, book: Path, width: int) -> None:
    require(AXE.is_file(), f"needs axe-core: run `make setup-ace` ({AXE} is missing)")
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto((book / "_build" / "html" / PAGE).as_uri())
    assert serious_violations(page) == []
    link = page.locator("a.book-zoom", has=page.get_by_alt_text(ALT["courtyard.jpg"]))
    link.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("dialog.book-viewer")
    dialog.wait_for(state="visible")
    large = dialog.locator("img")
    assert large.get_attribute("alt") == ALT["courtyard.jpg"]
    assert dialog.locator("figcaption").inner_text() == CAPTIONS["courtyard.jpg"]
    page.wait_for_function("document.querySelector('dialog.book-viewer img').complete")
    natural = large.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert natural == [1920, 2560]
    assert re.search(r"\.jpg$", large.get_attribute("src"))
    assert serious_violations(page) == []
    page.screenshot(path=str(_artifact(f"viewer-open-{width}.png")))
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.classList.contains('book-zoom')")
    assert page.evaluate("document.activeElement.querySelector('img').alt") == ALT["courtyard.jpg"]
    assert serious_violations(page) == []
    page.close()


def test_without_javascript_a_figure_is_a_link_to_the_large_image(browser, book: Path) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((book / "_build" / "html" / PAGE).as_uri())
    page.get_by_alt_text(ALT["street.webp"]).click()
    page.wait_for_url(re.compile(r"/_images/[^/]*street[^/]*\.webp$"))
    context.close()


def _artifact(name: str) -> Path:
    folder = ROOT / "tests" / "artifacts"
    folder.mkdir(exist_ok=True)
    return folder / name
