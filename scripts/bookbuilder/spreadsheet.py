"""The CSV files editors open in a spreadsheet (``_build/overview.csv``,
``_build/contributors.csv``), all written one way: UTF-8, a header row, the csv module's
quoting, and the folder made when missing."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path


def write_csv(target: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
