"""Accuracy of the burned-in check on generated clinical images (``tests/burnedin_images.py``).

    .venv/bin/python scripts/burnedin_accuracy.py            # the held-out seeds (README)
    .venv/bin/python scripts/burnedin_accuracy.py --tuning   # the seeds the rules were tuned on

Recall: the share of images with an identifier that get an error (``image.burned-in``).
False alarms: the share of images without one that get an error; and, apart, the share that
get a warning (``image.text``). Misses and false alarms are listed with what was read.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from bookbuilder.check.burnedin import ReadingMemory, judge, read_all  # noqa: E402
from burnedin_images import HELD_OUT, TUNING, write  # noqa: E402


def measure(seeds: range, cache_dir: Path | None, verbose: bool = False) -> dict[str, float]:
    """Recall, false alarms and warnings on ``seeds``; the time per image read: wall clock,
    and processor (this process and its workers: steadier on a shared machine)."""
    with tempfile.TemporaryDirectory() as tmp:
        written = write(seeds, Path(tmp))
        memory = ReadingMemory(cache_dir)
        start, processor = time.perf_counter(), _processor_seconds()
        readings = read_all([p for p, _ in written], memory)
        elapsed = time.perf_counter() - start
        processor = _processor_seconds() - processor
        memory.save()
    caught = with_id = alarms = warned = without = 0
    for path, sample in written:
        reading = readings[path]
        findings = judge(reading) if not isinstance(reading, str) else []
        flagged = any(f.identifier for f in findings)
        if sample.has_identifier:
            with_id += 1
            caught += flagged
        else:
            without += 1
            alarms += flagged
            warned += any(not f.identifier for f in findings)
        if verbose and flagged != sample.has_identifier:
            label = "MISSED" if sample.has_identifier else "FALSE ALARM"
            lines = [(line.text, round(line.score, 2)) for line in reading.lines]  # type: ignore[union-attr]
            print(f"{label} {path.name}: burned {sample.identifiers or sample.other}; read {lines}")
            print("   ", [(f.what, f.line.text) for f in findings if f.identifier])
    return {
        "images": len(written),
        "recall": caught / max(1, with_id),
        "false_alarms": alarms / max(1, without),
        "warned": warned / max(1, without),
        "seconds_per_image": elapsed / max(1, len(written)),
        "processor_seconds_per_image": processor / max(1, len(written)),
    }


def _processor_seconds() -> float:
    return sum(
        usage.ru_utime + usage.ru_stime
        for usage in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tuning", action="store_true", help="the tuning seeds instead")
    parser.add_argument("--cache", type=Path, default=ROOT / "_build" / "cache" / "accuracy")
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses and alarms")
    args = parser.parse_args()
    seeds = TUNING if args.tuning else HELD_OUT
    figures = measure(seeds, args.cache, args.verbose)
    print(
        f"{figures['images']} images (seeds {seeds.start}-{seeds.stop - 1}): "
        f"recall {figures['recall']:.1%}, false alarms {figures['false_alarms']:.1%}, "
        f"warnings on images without identifiers {figures['warned']:.1%}; "
        f"{figures['processor_seconds_per_image']:.2f} processor s per image read"
    )


if __name__ == "__main__":
    main()
