"""Processor seconds of one burned-in reading (``check/burnedin.py``), per kind of image.

    .venv/bin/python scripts/burnedin_speed.py            # the reading as make check does it
    .venv/bin/python scripts/burnedin_speed.py --before   # the engine's own detection size

One process, one thread, processor time (not wall: the machine may be shared): the engine's
start-up once, then per image its decoding, text detection and recognition, for three kinds of
image: the benchmark's placeholder figures (48 x 32, one colour), clinical images of the
held-out seeds (``tests/burnedin_images.py``) and 12-megapixel photographs (the photo book's).
``--before``: detection as the engine does it by default (the shorter side scaled up to 736,
nothing skipped), for a before/after in one sitting.
"""

from __future__ import annotations

import argparse
import io
import random
import resource
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent / "tests"))

import benchmark  # noqa: E402
from bookbuilder.check import burnedin  # noqa: E402


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def encoded(image: Any, fmt: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def kinds(clinical: int, photos: int) -> dict[str, list[bytes]]:
    from burnedin_images import HELD_OUT, sample

    def clinical_image(seed: int) -> bytes:
        image = sample(seed).image
        return encoded(image, "JPEG" if image.mode == "RGB" else "PNG")

    return {
        "benchmark figure (48 x 32, one colour)": [
            benchmark._png(random.Random(i)) for i in range(8)
        ],
        "clinical image (held-out seeds)": [clinical_image(s) for s in HELD_OUT[:clinical]],
        "12 MP photograph (JPEG)": [
            encoded(benchmark.photograph(i), "JPEG", quality=92) for i in range(0, 2 * photos, 2)
        ],
    }


class Timed:
    """A stage of the engine, with the processor time it took added up."""

    def __init__(self, stage: Callable[..., Any]) -> None:
        self.stage, self.seconds, self.calls = stage, 0.0, 0

    def __call__(self, *args: Any) -> Any:
        start = cpu()
        try:
            return self.stage(*args)
        finally:
            self.seconds += cpu() - start
            self.calls += len(args[0]) if isinstance(args[0], list) else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", action="store_true", help="the engine's default detection")
    parser.add_argument("--clinical", type=int, default=12, help="clinical images (default 12)")
    parser.add_argument("--photos", type=int, default=2, help="photographs (default 2)")
    args = parser.parse_args()
    images = kinds(args.clinical, args.photos)
    start = cpu()
    engine = burnedin._engine()
    print(f"engine start-up (imports and models): {cpu() - start:.2f} s")
    if args.before:  # the settings of READING "rapidocr-1 max-side-2000 no-angle-classifier"
        del engine.text_det.get_preprocess  # the engine's own: the shorter side up to 736
        burnedin.FLAT_LEVELS = -1  # nothing is flat
        burnedin._READ_SIDE = sys.maxsize  # JPEGs decoded at full size, resized by the engine
    detect, recognise = Timed(engine.text_det), Timed(engine.text_rec)
    engine.text_det, engine.text_rec = detect, recognise
    for kind, datas in images.items():
        detect.seconds = recognise.seconds = 0.0
        detect.calls = recognise.calls = 0
        start = cpu()
        for data in datas:
            burnedin.read_image(data)
        n = len(datas)
        print(
            f"{kind}: {(cpu() - start) / n:.3f} s per image ({n}): detection "
            f"{detect.seconds / n:.3f}, recognition {recognise.seconds / n:.3f} "
            f"({recognise.calls / n:.1f} lines)"
        )


if __name__ == "__main__":
    main()
