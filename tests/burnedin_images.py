"""Clinical-looking test images with text burned into the pixels, for the burned-in check.

``sample(seed)`` draws one image from a seed: a radiograph- or CT-like background, the text
overlays that scanners and PACS viewers burn in (corners, monospaced or sans fonts, 11 to 26
pixels, white, grey or inverted), with patient identifiers or without, and sometimes the whole
picture photographed off a monitor (a bezel, perspective, glare, blur, JPEG). The same seed
always draws the same image, so the accuracy figures can be reproduced.

Seeds 0-99 are the set the recognisers were tuned on (``TUNING``); seeds 10,000-10,199 are
the held-out set (``HELD_OUT``) that the README's figures and the benchmark come from.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

TUNING = range(0, 100)
HELD_OUT = range(10_000, 10_200)

_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/noto"))
_FONT_NAMES = (
    "DejaVuSansMono.ttf",
    "DejaVuSansMono-Bold.ttf",
    "DejaVuSans.ttf",
    "DejaVuSans-Bold.ttf",
    "DejaVuSansCondensed.ttf",
    "NotoSans-Regular.ttf",
    "NotoSans-Bold.ttf",
)

_FAMILIES = ("DOE", "SMITH", "ROSSI", "MULLER", "GARCIA", "NGUYEN", "OKAFOR", "KOWALSKI")
_FAMILIES += ("JOHANSSON", "BROWN", "MARTIN", "SILVA", "KIM", "HASSAN", "DUBOIS", "TANAKA")
_GIVEN = ("JANE", "JOHN", "MARIA", "AHMED", "LUCA", "ANNA", "PETER", "FATIMA", "YUKI", "OLGA")
_GIVEN += ("CARLOS", "GRACE", "HENRI", "INGRID", "SAMUEL")
_NAME_LABELS = ("Patient", "Name", "Pt", "PATIENT NAME")
_HOSPITALS = (
    "ST. MARY'S HOSPITAL",
    "GENERAL HOSPITAL",
    "CITY MEDICAL CENTER",
    "OSPEDALE PAPA GIOVANNI",
    "KLINIKUM NORD",
    "ROYAL INFIRMARY",
    "UNIVERSITY HOSPITAL",
    "Mercy Clinic",
    "Hopital Saint Louis",
)


@dataclass(frozen=True)
class Sample:
    image: Image.Image
    identifiers: tuple[str, ...]  # the identifying lines burned in (empty: none)
    other: tuple[str, ...]  # the harmless lines burned in

    @property
    def has_identifier(self) -> bool:
        return bool(self.identifiers)


def fonts() -> list[Path]:
    found = [d / n for n in _FONT_NAMES for d in _FONT_DIRS if (d / n).is_file()]
    if not found:
        raise RuntimeError("no DejaVu or Noto fonts: install fonts-dejavu-core or fonts-noto-core")
    return found


def _date(rng: random.Random) -> str:
    y, m, d = rng.randint(1930, 2021), rng.randint(1, 12), rng.randint(1, 28)
    month = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
    return rng.choice(
        (
            f"{d:02d}/{m:02d}/{y}",
            f"{m:02d}/{d:02d}/{y}",
            f"{y}-{m:02d}-{d:02d}",
            f"{d:02d}.{m:02d}.{y}",
            f"{y}{m:02d}{d:02d}",
            f"{d:02d}-{month[m - 1]}-{y}",
            f"{d} {month[m - 1].title()} {y}",
        )
    )


def _identifier(rng: random.Random) -> str:
    family, given = rng.choice(_FAMILIES), rng.choice(_GIVEN)
    digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(6, 10)))
    kind = rng.randrange(10)
    return (
        f"{family}^{given}",
        f"{rng.choice(_NAME_LABELS)}: {family.title()} {given.title()}",
        f"{rng.choice(('DOB', 'Born', 'D.O.B.', 'Birth date'))}: {_date(rng)}",
        f"{rng.choice(('Study date', 'Date', 'Exam'))}: {_date(rng)}",
        f"{rng.choice(('MRN', 'ID', 'Pat ID', 'MRN:', 'Hosp No'))} {digits}",
        f"{rng.choice(('Acc', 'Accession', 'Acc#', 'ACC NO'))} {digits}",
        f"{rng.randint(1, 99)}{rng.choice('YY')} {rng.choice('MF')}",
        rng.choice(_HOSPITALS),
        f"{family}, {given}",
        digits,
    )[kind]


def _harmless(rng: random.Random) -> str:
    return rng.choice(
        (
            "L",
            "R",
            "AP",
            "PA",
            "SUPINE",
            "PORTABLE",
            "ERECT",
            "LAT",
            f"W {rng.randint(40, 2000)} L {rng.randint(-600, 400)}",
            f"WW: {rng.randint(40, 2000)} WL: {rng.randint(-600, 400)}",
            f"{rng.choice((80, 100, 120, 140))} kV {rng.randint(2, 400)} mAs",
            f"{rng.choice((80, 100, 120))}kVp {rng.randint(50, 400)}mA",
            f"Im: {rng.randint(1, 300)}/{rng.randint(300, 600)}",
            f"Se: {rng.randint(1, 12)}",
            f"{rng.randint(1, 10)} cm",
            f"Slice {rng.randint(1, 5)}.{rng.randint(0, 9)} mm",
            f"Zoom {rng.randint(50, 400)}%",
            f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}",
            "CHEST",
            "AXIAL",
            "HEAD",
            "STANDING",
            "C+",
            f"DFOV {rng.randint(20, 50)}.0cm",
            "STND",
            f"Tilt: {rng.randint(0, 15)}.0",
        )
    )


def _radiograph(rng: random.Random, w: int, h: int) -> Image.Image:
    bg = Image.new("L", (w, h), rng.randint(0, 40))
    draw = ImageDraw.Draw(bg)
    # a chest: two lungs (dark) inside a brighter body, a spine, ribs
    body = rng.randint(120, 190)
    draw.ellipse((w * 0.1, h * 0.05, w * 0.9, h * 1.1), fill=body)
    lung = rng.randint(40, 90)
    draw.ellipse((w * 0.18, h * 0.15, w * 0.47, h * 0.85), fill=lung)
    draw.ellipse((w * 0.53, h * 0.15, w * 0.82, h * 0.85), fill=lung)
    draw.rectangle((w * 0.47, 0, w * 0.53, h), fill=min(255, body + 40))
    for i in range(8):
        y = h * (0.2 + i * 0.08)
        draw.arc((w * 0.15, y - h * 0.1, w * 0.85, y + h * 0.1), 200, 340, fill=body, width=6)
    return bg.filter(ImageFilter.GaussianBlur(rng.uniform(4, 12)))


def _ct(rng: random.Random, w: int, h: int) -> Image.Image:
    bg = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(bg)
    cx, cy, r = w / 2, h / 2, min(w, h) * rng.uniform(0.3, 0.4)
    draw.ellipse((cx - r, cy - r * 0.8, cx + r, cy + r * 0.8), fill=rng.randint(90, 130))
    draw.ellipse((cx - r * 0.8, cy - r * 0.6, cx - r * 0.1, cy + r * 0.5), fill=20)
    draw.ellipse((cx + r * 0.1, cy - r * 0.6, cx + r * 0.8, cy + r * 0.5), fill=20)
    draw.ellipse((cx - r * 0.12, cy + r * 0.4, cx + r * 0.12, cy + r * 0.65), fill=230)
    draw.rectangle((cx - r * 1.2, cy + r * 0.8, cx + r * 1.2, cy + r * 0.85), fill=150)  # table
    return bg.filter(ImageFilter.GaussianBlur(rng.uniform(1, 3)))


def _noise(rng: random.Random, image: Image.Image) -> Image.Image:
    """Quantum noise, from the seed (Pillow's effect_noise has a seed of its own)."""
    import numpy as np

    pixels = np.asarray(image, dtype=np.float32)
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, rng.uniform(4, 18), pixels.shape)
    return Image.fromarray(np.clip(pixels + noise, 0, 255).astype(np.uint8))


def _lines_in_corners(rng: random.Random, lines: list[str]) -> dict[str, list[str]]:
    corners: dict[str, list[str]] = {"tl": [], "tr": [], "bl": [], "br": []}
    for line in lines:
        corners[rng.choice(list(corners))].append(line)
    return corners


def _burn(rng: random.Random, image: Image.Image, lines: list[str]) -> Image.Image:
    w, h = image.size
    draw = ImageDraw.Draw(image)
    font_path = rng.choice(fonts())
    size = rng.randint(max(11, w // 90), max(14, w // 40))
    font = ImageFont.truetype(str(font_path), size)
    inverted = rng.random() < 0.15  # dark text on a light band (some viewers, some exports)
    ink = rng.randint(0, 40) if inverted else rng.randint(170, 255)
    margin = rng.randint(4, 30)
    for corner, items in _lines_in_corners(rng, lines).items():
        step = int(size * rng.uniform(1.15, 1.5))
        top = corner[0] == "t"
        for i, text in enumerate(items):
            box = draw.textbbox((0, 0), text, font=font)
            tw = box[2] - box[0]
            x = margin if corner[1] == "l" else w - margin - tw
            y = margin + i * step if top else h - margin - (len(items) - i) * step
            if inverted:
                draw.rectangle((x - 3, y - 2, x + tw + 3, y + step - 2), fill=rng.randint(200, 255))
            draw.text((x, y), text, fill=ink, font=font)
    return image


def _monitor_photo(rng: random.Random, image: Image.Image) -> Image.Image:
    """The image on a screen, photographed: bezel, perspective, glare, blur, colour, JPEG."""
    w, h = image.size
    pad = int(w * 0.12)
    screen = Image.new("RGB", (w + 2 * pad, h + 2 * pad), (rng.randint(10, 40),) * 3)
    screen.paste(image.convert("RGB"), (pad, pad))
    sw, sh = screen.size
    # perspective: the four corners moved inwards by up to 8% of the side
    d = [rng.uniform(0, 0.08) for _ in range(8)]
    quad = (
        d[0] * sw,
        d[1] * sh,
        d[2] * sw,
        sh - d[3] * sh,
        sw - d[4] * sw,
        sh - d[5] * sh,
        sw - d[6] * sw,
        d[7] * sh,
    )
    photo = screen.transform(screen.size, Image.Transform.QUAD, quad, Image.Resampling.BICUBIC)
    # glare: a bright blurred ellipse somewhere
    glare = Image.new("L", photo.size, 0)
    gx, gy = rng.uniform(0.1, 0.9) * sw, rng.uniform(0.1, 0.9) * sh
    gr = rng.uniform(0.1, 0.3) * sw
    ImageDraw.Draw(glare).ellipse((gx - gr, gy - gr * 0.6, gx + gr, gy + gr * 0.6), fill=255)
    glare = glare.filter(ImageFilter.GaussianBlur(gr / 3)).point(
        lambda v: v * rng.uniform(0.3, 0.6)
    )
    tint = Image.new("RGB", photo.size, (255, 255, rng.randint(220, 255)))
    photo = Image.composite(tint, photo, glare)
    photo = photo.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.0)))
    scale = rng.uniform(0.9, 1.3)
    photo = photo.resize((int(sw * scale), int(sh * scale)), Image.Resampling.BILINEAR)
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=rng.randint(70, 92))
    return Image.open(io.BytesIO(buffer.getvalue()))


def sample(seed: int) -> Sample:
    """One test image, the same for the same seed; half of all seeds carry an identifier."""
    rng = random.Random(seed)
    w = rng.choice((512, 768, 1024, 1024, 1536))
    h = int(w * rng.uniform(0.8, 1.25))
    background = _ct if rng.random() < 0.5 else _radiograph
    image = _noise(rng, background(rng, w, h))
    identifiers = [_identifier(rng) for _ in range(rng.randint(1, 3))] if seed % 2 else []
    other = [_harmless(rng) for _ in range(rng.randint(0 if identifiers else 1, 5))]
    lines = identifiers + other
    rng.shuffle(lines)
    image = _burn(rng, image, lines)
    if rng.random() < 0.2:
        image = _monitor_photo(rng, image)
    return Sample(image, tuple(identifiers), tuple(other))


def write(seeds: range, folder: Path) -> list[tuple[Path, Sample]]:
    """Each seed's image as a PNG (JPEG for monitor photographs) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for seed in seeds:
        s = sample(seed)
        suffix = ".jpg" if s.image.mode == "RGB" else ".png"
        path = folder / f"burnedin-{seed}{suffix}"
        s.image.save(path)
        written.append((path, s))
    return written
