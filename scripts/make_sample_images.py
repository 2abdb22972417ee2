"""Draw the illustrations of the fictional sample reports, deterministically.

Run from the repository root::

    .venv/bin/python scripts/make_sample_images.py

Every image is drawn from code (no randomness, no clock, no system fonts: only Pillow's own
built-in font), so running the script again gives byte-identical files for a given Pillow
version. The images are content: they are committed next to the reports that use them, in
``experiences/images/<slug>/`` (and in the small test book under ``tests/fixtures/book-small/``).
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "experiences" / "images"
SMALL_IMAGES = ROOT / "tests" / "fixtures" / "book-small" / "experiences" / "images"

W, H = 1200, 800
INK = (38, 50, 64)
MUTED = (120, 132, 146)
PAPER = (250, 248, 244)
TEAL = (32, 128, 141)
TEAL_LIGHT = (190, 226, 230)
CORAL = (222, 110, 84)
CORAL_LIGHT = (248, 214, 204)
SAND = (236, 226, 206)
GREY = (214, 218, 222)


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's bundled font: the same on every machine, unlike system fonts."""
    return ImageFont.load_default(size=size)


def canvas(background=PAPER, size=(W, H)) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", size, background)
    return image, ImageDraw.Draw(image)


def title(draw: ImageDraw.ImageDraw, text: str, subtitle: str | None = None) -> None:
    draw.text((60, 40), text, fill=INK, font=font(40))
    if subtitle:
        draw.text((60, 92), subtitle, fill=MUTED, font=font(24))


def centred(draw: ImageDraw.ImageDraw, xy, text: str, size: int, fill=INK) -> None:
    draw.text(xy, text, fill=fill, font=font(size), anchor="mm")


def save(image: Image.Image, path: Path, **options) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, **options)
    kib = path.stat().st_size / 1024
    assert kib < 300, f"{path} is {kib:.0f} KiB; keep sample images under 300 KB"
    print(f"{path.relative_to(ROOT)}  {image.size[0]}x{image.size[1]}  {kib:.0f} KiB")


# -- experiences/images/r-and-d-on-the-fly-madrid/ct-gantry.png ---------------------------------
def ct_gantry() -> None:
    image, d = canvas()
    title(d, "One scanner, two zones", "Schematic of the converted CT room (not to scale)")
    # Zones: the 'dirty' side with the patient entrance, the 'clean' control room.
    d.rectangle((60, 150, 760, 740), fill=CORAL_LIGHT, outline=CORAL, width=4)
    d.rectangle((800, 150, 1140, 740), fill=TEAL_LIGHT, outline=TEAL, width=4)
    centred(d, (410, 185), "SCAN ROOM  (COVID-19 zone)", 24, CORAL)
    centred(d, (970, 185), "CONTROL ROOM  (clean)", 24, TEAL)
    # Gantry: a ring seen from the front, with the table passing through it.
    cx, cy = 330, 450
    d.ellipse((cx - 190, cy - 190, cx + 190, cy + 190), fill=(236, 238, 240), outline=INK, width=6)
    d.ellipse((cx - 95, cy - 95, cx + 95, cy + 95), fill=CORAL_LIGHT, outline=INK, width=5)
    d.rounded_rectangle(
        (cx - 40, cy + 20, 720, cy + 60), radius=12, fill=GREY, outline=INK, width=4
    )
    d.rectangle((600, cy + 60, 640, 690), fill=GREY, outline=INK, width=4)
    # Lead glass window between the zones.
    d.rectangle((770, 330, 790, 520), fill=(170, 200, 220), outline=INK, width=3)
    centred(d, (780, 312), "window", 18, MUTED)
    # Console in the clean room.
    d.rounded_rectangle(
        (860, 360, 1080, 470), radius=10, fill=(255, 255, 255), outline=INK, width=4
    )
    d.rectangle((890, 380, 1050, 440), fill=(60, 70, 80))
    centred(d, (970, 500), "console", 20, MUTED)
    # Doors and the one-way route.
    d.rectangle((60, 640, 72, 730), fill=INK)
    d.text((90, 700), "patient entrance", fill=INK, font=font(20))
    d.rectangle((1128, 640, 1140, 730), fill=INK)
    d.text((930, 700), "staff entrance", fill=INK, font=font(20))
    for x in range(110, 560, 60):
        d.polygon([(x, 660), (x + 30, 672), (x, 684)], fill=CORAL)
    save(image, IMAGES / "r-and-d-on-the-fly-madrid" / "ct-gantry.png", optimize=True)


# -- experiences/images/mobile-radiography-icu-oslo/portable-unit.jpg ---------------------------
def portable_unit() -> None:
    image, d = canvas(background=(232, 238, 242))
    title(d, "Mobile radiography in the ICU", "Stylised drawing: one unit stays inside the unit")
    # Floor.
    d.rectangle((0, 660, W, H), fill=(200, 208, 214))
    # Bed with a patient silhouette.
    d.rounded_rectangle(
        (560, 470, 1100, 540), radius=20, fill=(255, 255, 255), outline=INK, width=4
    )
    d.rectangle((580, 540, 600, 660), fill=INK)
    d.rectangle((1060, 540, 1080, 660), fill=INK)
    d.ellipse((600, 400, 690, 480), fill=SAND, outline=INK, width=3)
    d.rounded_rectangle((680, 430, 1060, 490), radius=25, fill=TEAL_LIGHT, outline=INK, width=3)
    # Ventilator.
    d.rounded_rectangle((1110, 330, 1180, 650), radius=10, fill=GREY, outline=INK, width=3)
    d.rectangle((1120, 350, 1170, 400), fill=(60, 70, 80))
    # Mobile X-ray unit: base, column, arm, tube head.
    d.rounded_rectangle((120, 560, 400, 640), radius=16, fill=(245, 245, 245), outline=INK, width=4)
    for wx in (150, 370):
        d.ellipse((wx - 22, 630, wx + 22, 674), fill=INK)
    d.rectangle((230, 200, 262, 560), fill=(245, 245, 245), outline=INK, width=4)
    d.rectangle((246, 230, 640, 256), fill=(245, 245, 245), outline=INK, width=4)
    d.rounded_rectangle((600, 256, 690, 330), radius=10, fill=CORAL, outline=INK, width=4)
    d.polygon([(615, 330), (675, 330), (700, 400), (590, 400)], fill=(250, 230, 200), outline=INK)
    # Plastic cover drawn as a translucent wash.
    wash = Image.new("RGBA", image.size, (0, 0, 0, 0))
    wd = ImageDraw.Draw(wash)
    wd.rounded_rectangle(
        (105, 190, 420, 650),
        radius=30,
        fill=(120, 180, 220, 60),
        outline=(80, 140, 190, 160),
        width=3,
    )
    image = Image.alpha_composite(image.convert("RGBA"), wash).convert("RGB")
    d = ImageDraw.Draw(image)
    d.text((110, 690), "plastic cover, wiped after every exposure", fill=INK, font=font(22))
    save(
        image,
        IMAGES / "mobile-radiography-icu-oslo" / "portable-unit.jpg",
        quality=85,
        optimize=True,
    )


# -- experiences/images/cleaning-between-scans-tokyo/floor-plan.png -----------------------------
def floor_plan() -> None:
    image, d = canvas()
    title(d, "Reorganised imaging department", "Floor plan after April: separate routes")
    x0, y0 = 60, 150
    # Outer wall.
    d.rectangle((x0, y0, 1140, 740), outline=INK, width=6)
    rooms = [
        ((80, 170, 380, 420), "CT 1\n(fever route)", CORAL_LIGHT),
        ((400, 170, 660, 420), "CT 2", TEAL_LIGHT),
        ((680, 170, 900, 420), "X-ray 1", TEAL_LIGHT),
        ((920, 170, 1120, 420), "MRI", TEAL_LIGHT),
        ((80, 560, 300, 720), "Donning /\ndoffing", SAND),
        ((680, 560, 1120, 720), "Waiting area\n(chairs 2 m apart)", TEAL_LIGHT),
    ]
    for box, label, fill in rooms:
        d.rectangle(box, fill=fill, outline=INK, width=4)
        cx, cy = (box[0] + box[2]) // 2, (box[1] + box[3]) // 2
        d.multiline_text((cx, cy), label, fill=INK, font=font(26), anchor="mm", align="center")
    # Corridors: the fever route in coral, the ordinary route in teal.
    d.line((340, 740, 340, 420), fill=CORAL, width=10)
    d.line((80, 490, 660, 490), fill=TEAL, width=10)
    d.line((660, 490, 1120, 490), fill=TEAL, width=10)
    for y in range(700, 440, -60):
        d.polygon([(328, y), (352, y), (340, y - 24)], fill=CORAL)
    # Legend.
    d.rectangle((420, 600, 450, 616), fill=CORAL)
    d.text((462, 596), "fever route", fill=INK, font=font(20))
    d.rectangle((420, 650, 450, 666), fill=TEAL)
    d.text((462, 646), "ordinary route", fill=INK, font=font(20))
    save(image, IMAGES / "cleaning-between-scans-tokyo" / "floor-plan.png", optimize=True)


# -- experiences/images/mammography-backlog-sao-paulo/weekly-screening.png ----------------------
WEEKLY = [
    # (label, screening mammograms per week) - invented figures for the sample report
    ("Jan", 410),
    ("Feb", 425),
    ("Mar", 230),
    ("Apr", 20),
    ("May", 45),
    ("Jun", 150),
    ("Jul", 260),
    ("Aug", 340),
    ("Sep", 420),
    ("Oct", 505),
    ("Nov", 520),
]


def weekly_screening() -> None:
    image, d = canvas()
    title(
        d,
        "Screening mammograms per week, 2020",
        "Average of each month; invented figures for a fictional report",
    )
    left, right, top, bottom = 130, 1140, 160, 700
    peak = 600
    for value in range(0, peak + 1, 100):
        y = bottom - (bottom - top) * value / peak
        d.line((left, y, right, y), fill=GREY, width=2)
        d.text((left - 16, y), str(value), fill=MUTED, font=font(20), anchor="rm")
    slot = (right - left) / len(WEEKLY)
    for i, (label, value) in enumerate(WEEKLY):
        x = left + i * slot + slot * 0.18
        y = bottom - (bottom - top) * value / peak
        colour = CORAL if value < 200 else TEAL
        d.rectangle((x, y, x + slot * 0.64, bottom), fill=colour)
        d.text((x + slot * 0.32, bottom + 24), label, fill=INK, font=font(22), anchor="mm")
    d.line((left, bottom, right, bottom), fill=INK, width=3)
    d.text((right, top - 10), "coral: below 200 per week", fill=CORAL, font=font(20), anchor="rb")
    save(image, IMAGES / "mammography-backlog-sao-paulo" / "weekly-screening.png", optimize=True)


# -- experiences/images/one-x-ray-room-cairo/chest-radiograph.png -------------------------------
def chest_radiograph() -> None:
    size = (1000, 800)
    image = Image.new("L", size, 12)
    d = ImageDraw.Draw(image)
    cx = size[0] // 2
    # Soft tissue outline of the thorax.
    d.ellipse((cx - 380, 60, cx + 380, 900), fill=70)
    # Lungs: two darker lobes, with a soft haze in the lower zones.
    d.ellipse((cx - 320, 130, cx - 40, 720), fill=30)
    d.ellipse((cx + 40, 130, cx + 320, 720), fill=30)
    for i in range(14):
        shade = 30 + i * 4
        d.ellipse((cx - 300 + i * 4, 480 + i * 10, cx - 80 - i * 4, 700), fill=shade)
        d.ellipse((cx + 80 + i * 4, 470 + i * 10, cx + 300 - i * 4, 700), fill=shade)
    # Mediastinum and heart shadow.
    d.rounded_rectangle((cx - 55, 90, cx + 55, 520), radius=40, fill=150)
    d.ellipse((cx - 120, 430, cx + 170, 700), fill=150)
    # Ribs as arcs.
    for k in range(9):
        y = 170 + k * 58
        d.arc((cx - 360, y - 60, cx - 10, y + 120), 190, 320, fill=120, width=9)
        d.arc((cx + 10, y - 60, cx + 360, y + 120), 220, 350, fill=120, width=9)
    # Clavicles and spine.
    d.line((cx - 320, 150, cx - 40, 190), fill=170, width=16)
    d.line((cx + 40, 190, cx + 320, 150), fill=170, width=16)
    for y in range(80, 760, 34):
        d.rounded_rectangle((cx - 22, y, cx + 22, y + 26), radius=6, fill=175)
    # Diaphragm domes.
    d.chord((cx - 330, 640, cx - 20, 820), 180, 360, fill=80)
    d.chord((cx + 20, 660, cx + 330, 840), 180, 360, fill=80)
    # Side marker, as radiographers place it.
    d.rectangle((60, 60, 120, 120), outline=220, width=4)
    d.text((90, 90), "R", fill=230, font=font(40), anchor="mm")
    d.text(
        (size[0] - 30, size[1] - 30),
        "illustration, not a patient image",
        fill=140,
        font=font(18),
        anchor="rb",
    )
    save(image, IMAGES / "one-x-ray-room-cairo" / "chest-radiograph.png", optimize=True)


# -- experiences/images/isotopes-by-air-auckland/isotope-supply.svg -----------------------------
SVG = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="600" height="260" viewBox="0 0 600 260">
  <title>Generator deliveries per month, 2020 (invented figures)</title>
  <rect width="600" height="260" fill="#faf8f4"/>
  <g font-family="sans-serif" font-size="14" fill="#263240">
    <text x="20" y="28" font-size="18">
      Technetium generators delivered per month (of 4 ordered)
    </text>
    <line x1="40" y1="220" x2="580" y2="220" stroke="#263240" stroke-width="2"/>
{bars}
  </g>
</svg>
"""
DELIVERIES = [
    ("J", 4),
    ("F", 4),
    ("M", 3),
    ("A", 1),
    ("M", 2),
    ("J", 2),
    ("J", 3),
    ("A", 2),
    ("S", 3),
    ("O", 4),
    ("N", 4),
]


def isotope_supply_svg() -> None:
    bars = []
    for i, (month, count) in enumerate(DELIVERIES):
        x = 55 + i * 47
        height = count * 40
        colour = "#208089" if count >= 3 else "#de6e54"
        bars.append(
            f'    <rect x="{x}" y="{220 - height}" width="30" height="{height}" fill="{colour}"/>\n'
            f'    <text x="{x + 15}" y="240" text-anchor="middle">{month}</text>\n'
            f'    <text x="{x + 15}" y="{212 - height}" text-anchor="middle">{count}</text>'
        )
    path = IMAGES / "isotopes-by-air-auckland" / "isotope-supply.svg"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SVG.replace("{bars}", "\n".join(bars)), encoding="utf-8", newline="\n")
    print(f"{path.relative_to(ROOT)}  SVG  {path.stat().st_size / 1024:.0f} KiB")


# -- tests/fixtures/book-small/experiences/images/shade-for-the-scanner-sevilla/awning.png ------
def small_book_awning() -> None:
    image, d = canvas(size=(600, 400))
    d.rectangle((0, 0, 600, 400), fill=(253, 236, 200))
    d.ellipse((470, 30, 560, 120), fill=(245, 180, 60))
    for i in range(8):
        angle = i * math.pi / 4
        x, y = 515 + 70 * math.cos(angle), 75 + 70 * math.sin(angle)
        d.line(
            (515 + 52 * math.cos(angle), 75 + 52 * math.sin(angle), x, y),
            fill=(245, 180, 60),
            width=5,
        )
    # Mobile ultrasound cart under an awning.
    d.polygon([(80, 150), (420, 150), (380, 200), (120, 200)], fill=TEAL, outline=INK)
    d.line((130, 200, 130, 340), fill=INK, width=5)
    d.line((370, 200, 370, 340), fill=INK, width=5)
    d.rounded_rectangle((200, 240, 300, 320), radius=8, fill=(245, 245, 245), outline=INK, width=3)
    d.rectangle((215, 252, 285, 292), fill=(60, 70, 80))
    d.line((250, 320, 250, 340), fill=INK, width=4)
    d.rectangle((0, 340, 600, 400), fill=(222, 200, 160))
    d.text((20, 360), "shade first, then scan", fill=INK, font=font(22))
    save(image, SMALL_IMAGES / "shade-for-the-scanner-sevilla" / "awning.png", optimize=True)


def main() -> None:
    ct_gantry()
    portable_unit()
    floor_plan()
    weekly_screening()
    chest_radiograph()
    isotope_supply_svg()
    small_book_awning()


if __name__ == "__main__":
    main()
