"""Image files: types judged by their bytes, limits, SVG safety, and the metadata-free copies."""

from __future__ import annotations

import hashlib
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

from bookbuilder.check.images import check_image_file, check_svg, image_kind
from bookbuilder.render.images import publish_image

SAFE_SVG = b"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="10" height="10">
  <defs><linearGradient id="g"><stop offset="0"/></linearGradient><circle id="c" r="2"/></defs>
  <style>circle { fill: url(#g); }</style>
  <use href="#c"/><use xlink:href="#c" style="fill: url('#g')"/>
  <a href="#c"><text>ok</text></a>
</svg>
"""


def png_header_only(width: int, height: int) -> bytes:
    """A PNG with a real IHDR for a huge image, and no pixel data: cheap to make."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def save(path: Path, image: Image.Image, fmt: str, **params: object) -> Path:
    image.save(path, format=fmt, **params)
    return path


# ---------------------------------------------------------------------------------------------
# image_kind and check_image_file


@pytest.mark.parametrize(
    ("name", "fmt", "kind"),
    [("a.png", "PNG", "png"), ("a.jpg", "JPEG", "jpeg"), ("a.webp", "WEBP", "webp")],
)
def test_raster_kinds_are_judged_by_bytes(tmp_path: Path, name: str, fmt: str, kind: str) -> None:
    path = save(tmp_path / name, Image.new("RGB", (4, 3), "red"), fmt)
    assert image_kind(path) == kind
    assert check_image_file(path) == []
    renamed = tmp_path / "no-extension"
    renamed.write_bytes(path.read_bytes())
    assert image_kind(renamed) == kind


def test_uppercase_and_jpeg_extensions_are_fine(tmp_path: Path) -> None:
    jpg = save(tmp_path / "A.JPEG", Image.new("RGB", (4, 3)), "JPEG")
    assert check_image_file(jpg) == []


def test_safe_svg_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "d.svg"
    path.write_bytes(SAFE_SVG)
    assert image_kind(path) == "svg"
    assert check_image_file(path) == []


def test_png_named_jpg_is_refused(tmp_path: Path) -> None:
    # Decision: a mismatch is refused, because EPUB readers and web servers announce the
    # image's type from its extension.
    path = save(tmp_path / "photo.jpg", Image.new("RGB", (4, 3)), "PNG")
    assert check_image_file(path) == [
        "the file's contents are PNG but its name ends in '.jpg'; rename it to end in .png"
    ]


def test_text_named_png_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    path.write_text("not an image at all\n")
    assert image_kind(path) is None
    assert check_image_file(path) == [
        "the file is not an image this book can use (judged by its contents, not its name); "
        "images must be PNG, JPEG, WebP or SVG files"
    ]


def test_gif_is_named_in_the_message(tmp_path: Path) -> None:
    path = save(tmp_path / "anim.png", Image.new("P", (4, 3)), "GIF")
    assert check_image_file(path)[0].startswith("the file is GIF (judged by its contents")


def test_dicom_is_refused_whatever_its_name(tmp_path: Path) -> None:
    path = tmp_path / "chest.png"
    # A crafted polyglot: PNG magic in the DICOM preamble must not fool the check.
    path.write_bytes(b"\x89PNG\r\n\x1a\n".ljust(128, b"\0") + b"DICM" + b"\x02\x00\x00\x00" * 8)
    messages = check_image_file(path)
    assert len(messages) == 1
    assert "DICOM" in messages[0]
    assert messages[0].endswith("export an anonymised PNG or JPEG")


def test_file_over_10_mib_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.png"
    with path.open("wb") as f:
        f.write(png_header_only(10, 10))
        f.truncate(11 * 1024 * 1024)
    assert check_image_file(path) == ["the file is 11.0 MiB; images may be at most 10 MiB"]


def test_60_megapixel_png_is_refused(tmp_path: Path) -> None:
    path = save(tmp_path / "big.png", Image.new("1", (8000, 7500)), "PNG")
    assert path.stat().st_size < 50_000
    assert check_image_file(path) == [
        "the image is 8000×7500 pixels (60.0 megapixels); images may be at most 50 megapixels"
    ]


def test_50_megapixels_exactly_is_allowed(tmp_path: Path) -> None:
    path = tmp_path / "edge.png"
    path.write_bytes(png_header_only(10_000, 5_000))
    messages = check_image_file(path)
    # Header-only: within the limit, so it goes on to be read, and fails as damaged data.
    assert len(messages) == 1 and "megapixels" not in messages[0]


def test_decompression_bomb_header_is_refused_as_too_many_pixels(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(png_header_only(30_000, 30_000))  # 900 MP: Pillow's own bomb error
    assert check_image_file(path) == [
        "the image has far more than 50 megapixels; images may be at most 50 megapixels"
    ]


def test_damaged_png_is_refused(tmp_path: Path) -> None:
    good = save(tmp_path / "g.png", Image.new("RGB", (50, 50), "blue"), "PNG").read_bytes()
    path = tmp_path / "bad.png"
    path.write_bytes(good[:40] + b"\0" * 20 + good[60:])
    messages = check_image_file(path)
    assert len(messages) == 1
    assert messages[0].startswith("the file cannot be read as PNG (")


# ---------------------------------------------------------------------------------------------
# SVG

SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'


@pytest.mark.parametrize(
    ("inner", "found"),
    [
        ("<script>alert(1)</script>", "a <script> element"),
        ('<svg:script xmlns:svg="http://www.w3.org/2000/svg"/>', "a <script> element"),
        ('<g onload="alert(1)"/>', 'an event attribute onload="alert(1)" on <g>'),
        ('<g ONCLICK="x()"/>', "an event attribute ONCLICK"),
        ("<foreignObject><p>x</p></foreignObject>", "a <foreignObject> element"),
        ('<image href="https://tracker.example/p.png"/>', "a reference href="),
        ('<image xlink:href="file:///etc/passwd"/>', 'a reference href="file:///etc/passwd"'),
        ('<image href="data:image/png;base64,AAAA"/>', "a reference href="),
        ('<a xlink:href="javascript:alert(1)"><text>x</text></a>', "a reference href="),
        ('<rect style="fill: url(https://x.example/a.svg#g)"/>', "url(https://x.example"),
        ("<style>@import url(https://x.example/s.css);</style>", "@import in a <style>"),
        ('<rect fill="url(http://x.example/#g)"/>', "url(http://x.example/#g) in fill"),
        (
            '<a><animate attributeName="href" to="javascript:alert(1)"/></a>',
            "an animation of href",
        ),
        ('<set attributeName="onmouseover" to="alert(1)"/>', "an animation of onmouseover"),
        # CSS escapes are read as a browser reads them (issue 11)
        (r'<style>@\69mport "https://x.example/s.css";</style>', "@import in a <style>"),
        (r"<style>@\000069 mport url(x.css);</style>", "@import in a <style>"),
        (r'<rect style="fill: u\72l(https://x.example/a.svg#g)"/>', "url(https://x.example"),
        (r'<rect fill="\75 rl(http://x.example/#g)"/>', "url(http://x.example/#g) in fill"),
        ("<style>rect { fill: u/**/rl(x.svg) }</style>", "url(x.svg)"),
        ('<style>g { background: image-set("x.png" 1x) }</style>', "image-set( in a <style>"),
    ],
)
def test_unsafe_svg_is_refused(inner: str, found: str) -> None:
    messages = check_svg(f"{SVG_OPEN}{inner}</svg>".encode())
    assert len(messages) == 1
    assert messages[0].startswith("the SVG file contains ")
    assert found in messages[0]
    assert messages[0].endswith("(only '#id' references)")


def test_svg_with_doctype_entity_bomb_is_refused_without_expanding() -> None:
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE svg [\n<!ENTITY a "aaaaaaaaaa">\n'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">\n' for i in range(9))
        + "]>\n"
        + SVG_OPEN
        + "<text>&j;</text></svg>"
    ).encode()
    assert check_svg(bomb) == [
        "the SVG file contains a DOCTYPE declaration (it can define entities); SVG images may "
        "not contain scripts, event handlers, embedded documents or references outside the "
        "image (only '#id' references)"
    ]


def test_svg_external_stylesheet_and_wrong_root() -> None:
    messages = check_svg(b'<?xml-stylesheet href="https://x/s.css"?><html><body/></html>')
    assert "the root element <html>" in messages[0]
    assert "<?xml-stylesheet?>" in messages[0]


def test_malformed_svg(tmp_path: Path) -> None:
    path = tmp_path / "d.svg"
    path.write_bytes(SVG_OPEN.encode() + b"<g>")
    [message] = check_image_file(path)
    assert message.startswith("the SVG file is not well-formed XML (")


# ---------------------------------------------------------------------------------------------
# publish_image

GPS_IFD = 0x8825
EXIF_IFD = 0x8769
ORIENTATION = 0x0112
BODY_SERIAL = 0xA431
DATETIME_ORIGINAL = 0x9003
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
    b'syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    b'exif:GPSLatitude="45,41.5N"/></rdf:RDF></x:xmpmeta>'
)


def private_exif(orientation: int = 6) -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "Acme Cameras"
    exif[0x0110] = "Model SECRET-9"
    exif.get_ifd(EXIF_IFD)[BODY_SERIAL] = "SN-0047-1147"
    exif.get_ifd(EXIF_IFD)[DATETIME_ORIGINAL] = "2020:03:12 02:13:14"
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (45.0, 41.0, 30.0)
    gps[3] = "E"
    gps[4] = (9.0, 40.0, 12.0)
    return exif


def marked_photo() -> Image.Image:
    """8×4, red in the top-left corner, so a rotation can be seen."""
    image = Image.new("RGB", (8, 4), "white")
    for x in range(2):
        for y in range(2):
            image.putpixel((x, y), (255, 0, 0))
    return image


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def srgb_icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def assert_no_private_metadata(data: bytes) -> None:
    for secret in (b"SN-0047-1147", b"SECRET-9", b"Acme", b"2020:03:12", b"GPSLatitude", b"Exif"):
        assert secret not in data


def test_publish_jpeg_strips_exif_xmp_and_rotates(tmp_path: Path) -> None:
    src = tmp_path / "photo.jpg"
    icc = srgb_icc()
    marked_photo().save(
        src, "JPEG", quality=95, exif=private_exif(6), xmp=XMP, icc_profile=icc, comment=b"Acme"
    )
    before = sha256(src)
    assert b"SN-0047-1147" in src.read_bytes()
    dest = tmp_path / "out" / "photo.jpg"

    publish_image(src, dest)

    assert sha256(src) == before  # the editor's original is never modified
    data = dest.read_bytes()
    assert_no_private_metadata(data)
    assert b"http://ns.adobe.com/xap/1.0/" not in data
    with Image.open(dest) as out:
        assert out.format == "JPEG"
        assert out.size == (4, 8)  # orientation 6: turned a quarter clockwise
        assert len(out.getexif()) == 0
        assert "xmp" not in out.info
        assert "comment" not in out.info
        assert out.info.get("icc_profile") == icc  # colour profile kept
        red = out.convert("RGB").getpixel((3, 0))  # top-left went to top-right
        assert red[0] > 200 and red[1] < 80
    again = tmp_path / "again.jpg"
    publish_image(src, again)
    assert again.read_bytes() == data  # deterministic


def test_publish_png_strips_text_and_exif_keeps_transparency(tmp_path: Path) -> None:
    src = tmp_path / "scan.png"
    info = PngInfo()
    info.add_text("Author", "Acme")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    image = Image.new("P", (8, 4), 1)
    image.putpalette([0, 0, 0, 255, 255, 255] + [0] * 762)
    image.save(src, "PNG", pnginfo=info, exif=private_exif(1), transparency=0)
    before = sha256(src)
    dest = tmp_path / "scan-out.png"

    publish_image(src, dest)

    assert sha256(src) == before
    data = dest.read_bytes()
    assert_no_private_metadata(data)
    for chunk in (b"tEXt", b"iTXt", b"zTXt", b"eXIf", b"tIME"):
        assert chunk not in data
    with Image.open(dest) as out:
        assert out.size == (8, 4)
        assert out.info.get("transparency") == 0
    publish_image(src, tmp_path / "again.png")
    assert (tmp_path / "again.png").read_bytes() == data


@pytest.mark.parametrize("lossless", [True, False])
def test_publish_webp_stays_webp_without_metadata(tmp_path: Path, lossless: bool) -> None:
    src = tmp_path / "pic.webp"
    marked_photo().save(
        src, "WEBP", lossless=lossless, exif=private_exif(6).tobytes(), xmp=XMP, quality=90
    )
    before = sha256(src)
    dest = tmp_path / "pic-out.webp"

    publish_image(src, dest)

    assert sha256(src) == before
    data = dest.read_bytes()
    assert_no_private_metadata(data)
    assert b"XMP " not in data and b"EXIF" not in data
    assert (b"VP8L" in data) is lossless
    with Image.open(dest) as out:
        assert out.format == "WEBP"
        assert out.size == (4, 8)
    publish_image(src, tmp_path / "again.webp")
    assert (tmp_path / "again.webp").read_bytes() == data


def test_publish_svg_copies_bytes(tmp_path: Path) -> None:
    src = tmp_path / "d.svg"
    src.write_bytes(SAFE_SVG)
    dest = tmp_path / "sub" / "d.svg"
    publish_image(src, dest)
    assert dest.read_bytes() == SAFE_SVG


def test_publish_refuses_non_images(tmp_path: Path) -> None:
    src = tmp_path / "x.png"
    src.write_text("hello")
    with pytest.raises(ValueError, match="not a PNG, JPEG, WebP or SVG image"):
        publish_image(src, tmp_path / "y.png")


def test_publish_shrinks_to_the_largest_size_an_edition_shows(tmp_path: Path) -> None:
    src = tmp_path / "big.jpg"
    Image.new("RGB", (3000, 2000), (90, 120, 150)).save(src, quality=90, exif=private_exif(6))
    publish_image(src, tmp_path / "master.jpg")
    with Image.open(tmp_path / "master.jpg") as master:
        assert master.size == (1707, 2560)  # upright, long edge 2560
    publish_image(src, tmp_path / "full.jpg", long_edge=None)  # `make import`: the editor's copy
    with Image.open(tmp_path / "full.jpg") as full:
        assert full.size == (2000, 3000)


def test_the_print_copy_is_jpeg_for_a_photograph_saved_as_png(tmp_path: Path) -> None:
    """The PDF's copy (render/images.py's print derivative): a phone photograph saved as PNG
    becomes a JPEG within the print box; a screenshot stays PNG."""
    from PIL import Image

    from bookbuilder.render.images import Derivatives, print_box_pixels

    noise = Image.effect_noise((2400, 1800), 60).convert("RGB")
    photo = tmp_path / "photo.png"
    Image.merge("RGB", [noise.getchannel(0).rotate(r) for r in (0, 90, 180)]).save(photo)
    screenshot = tmp_path / "screen.png"
    Image.new("RGB", (2400, 1800), (250, 250, 250)).save(screenshot)
    made = Derivatives(tmp_path / "cache")
    printed = made.printed(photo)
    assert printed.mime == "image/jpeg"
    assert printed.width <= print_box_pixels()[0] and printed.height <= print_box_pixels()[1]
    assert made.printed(screenshot).mime == "image/png"
