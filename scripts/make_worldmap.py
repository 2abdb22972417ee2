"""Write ``scripts/bookbuilder/data/worldmap.json``: the world's countries, projected, for the map
of where the reports come from (``render/worldmap.py``).

The shapes are Natural Earth's (public domain), as the npm package ``world-atlas`` ships them
(TopoJSON), read with ``topojson-client``; both are installed into ``tools/worldmap`` from its
lock file. The builder never runs JavaScript nor reads the npm folder: this script projects the
shapes once (Equal Earth, an equal-area projection, so a country's colour is not outweighed by
its size), writes them as SVG path data keyed by ISO 3166-1 alpha-2 code, and the result is
committed with its source and licence (``data/worldmap.LICENSE.md``).

- Outlines come from the 1:110m countries; a country too small to see there, or missing from
  them (Singapore, Malta, Bahrain, most island states), gets a marker at the centre of its
  largest part in the 1:50m countries (1:10m for the few that 1:50m lacks: Tuvalu, Gibraltar…),
  so it can still be found and followed.
- Antarctica is left out: it cannot be a report's country (``check/countries.py``).

Run from the repository root after changing the lock file or the projection::

    cd tools/worldmap && npm ci --no-audit --no-fund && cd ../..
    .venv/bin/python scripts/make_worldmap.py
"""

from __future__ import annotations

import csv
import json
import math
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / "tools" / "worldmap"
OUT = ROOT / "scripts" / "bookbuilder" / "data" / "worldmap.json"
M49 = ROOT / "scripts" / "bookbuilder" / "data" / "m49.csv"
WIDTH = 1000.0  # the map's width in SVG units; its height follows from the projection
PRECISION = 1  # decimals of a coordinate: a tenth of a unit, 1/10,000 of the map's width
# A country whose 1:110m outline covers less than this (square units) gets a marker too.
SMALL_AREA = 10.0
LEFT_OUT = {"AQ"}  # Antarctica: no report can come from it
NORTH, SOUTH = 84.0, -58.0  # latitudes the map shows: Greenland's north to Cape Horn

# topojson-client's feature(): TopoJSON → GeoJSON, one FeatureCollection per scale.
TO_GEOJSON = """
const {feature} = require("topojson-client");
const out = {};
for (const scale of ["110m", "50m", "10m"]) {
  const topo = require(`world-atlas/countries-${scale}.json`);
  out[scale] = feature(topo, topo.objects.countries);
}
out.version = require("world-atlas/package.json").version;
out.client = require("topojson-client/package.json").version;
process.stdout.write(JSON.stringify(out));
"""

# Equal Earth (Šavrič, Patterson, Jenny 2018).
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2
X_MAX = 2.7066297319215575  # the projection's x at longitude 180°, latitude 0°


def project(lon: float, lat: float) -> tuple[float, float]:
    """Longitude and latitude (degrees) → map units, x to the right, y down, (0, 0) top left."""
    theta = math.asin(M * math.sin(math.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = (
        2
        * math.sqrt(3)
        * math.radians(lon)
        * math.cos(theta)
        / (3 * (9 * A4 * t6 * t2 + 7 * A3 * t6 + 3 * A2 * t2 + A1))
    )
    y = theta * (A1 + A2 * t2 + A3 * t6 + A4 * t6 * t2)
    scale = WIDTH / (2 * X_MAX)
    return (x + X_MAX) * scale, -y * scale


def rings(geometry: dict) -> list[list[list[float]]]:
    if geometry is None:
        return []
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def outer_rings(geometry: dict) -> list[list[list[float]]]:
    if geometry is None:
        return []
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    return [polygon[0] for polygon in geometry["coordinates"]]


def unwrapped(ring: list[list[float]]) -> list[tuple[float, float]]:
    """A ring that crosses the antimeridian (Fiji's islands in the 1:110m data go from 180° to
    -180°) continued past it, so no edge runs across the whole map; the part beyond the map's
    edge is cut off by the SVG's viewBox."""
    out: list[tuple[float, float]] = []
    shift = 0.0
    for lon, lat in ring:
        if out and abs(lon + shift - out[-1][0]) > 180:
            shift += 360 if lon + shift < out[-1][0] else -360
        out.append((lon + shift, lat))
    return out


def area_and_centre(ring: list[tuple[float, float]]) -> tuple[float, float, float]:
    """A projected ring's area and centroid (shoelace formula)."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(a) < 1e-12:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return abs(a) / 2, cx / (3 * a), cy / (3 * a)


def path_data(geometry: dict) -> str:
    """SVG path data, relative moves after the first point of each ring, a tenth of a unit."""
    parts = []
    for ring in rings(geometry):
        points = [_round(project(lon, lat)) for lon, lat in unwrapped(ring)]
        points = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
        if len(points) < 3:
            continue
        x, y = points[0]
        steps = [f"M{_num(x)} {_num(y)}"]
        for px, py in points[1:]:
            steps.append(f"l{_num(px - x)} {_num(py - y)}")
            x, y = px, py
        parts.append("".join(steps) + "z")
    return "".join(parts)


def _round(point: tuple[float, float]) -> tuple[float, float]:
    return round(point[0], PRECISION), round(point[1], PRECISION)


def _num(value: float) -> str:
    text = f"{value:.{PRECISION}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def largest_part(geometry: dict) -> tuple[float, float, float]:
    """Total projected area, and the centre of the largest part (where a marker goes)."""
    best = (0.0, 0.0, 0.0)
    total = 0.0
    for ring in outer_rings(geometry):
        area, x, y = area_and_centre([project(lon, lat) for lon, lat in ring])
        total += area
        if area >= best[0]:
            best = (area, x, y)
    return total, best[1], best[2]


def alpha2_by_numeric() -> dict[str, str]:
    lines = [line for line in M49.read_text("utf-8").splitlines() if not line.startswith("#")]
    return {row["m49"].zfill(3): row["alpha-2"] for row in csv.DictReader(lines)}


def main() -> None:
    found = subprocess.run(
        ["node", "-e", TO_GEOJSON], cwd=TOOLS, check=True, capture_output=True, text=True
    )
    data = json.loads(found.stdout)
    codes = alpha2_by_numeric()
    countries: dict[str, dict] = {}
    for scale in ("110m", "50m", "10m"):
        for feature in data[scale]["features"]:
            code = codes.get(str(feature.get("id") or ""))
            if code is None or code in LEFT_OUT or not feature.get("geometry"):
                continue  # no ISO code (Kosovo, Northern Cyprus, Somaliland…) or Antarctica
            entry = countries.setdefault(code, {})
            if scale == "110m" and "path" not in entry:
                entry["path"] = path_data(feature["geometry"])
                entry["area"] = round(largest_part(feature["geometry"])[0], 1)
            if scale != "110m" and "centre" not in entry:
                _area, x, y = largest_part(feature["geometry"])
                entry["centre"] = [round(x, 1), round(y, 1)]
    for entry in countries.values():
        entry["marker"] = "path" not in entry or entry["area"] < SMALL_AREA
        entry.pop("area", None)
    top = math.floor(project(0, NORTH)[1])
    bottom = math.ceil(project(0, SOUTH)[1])
    out = {
        "source": (
            "Natural Earth (public domain), 1:110m, 1:50m and 1:10m countries, from the npm "
            f"package world-atlas {data['version']} read with topojson-client {data['client']}"
        ),
        "projection": "Equal Earth",
        "viewBox": [0, top, WIDTH, bottom - top],
        "countries": dict(sorted(countries.items())),
    }
    OUT.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8")
    markers = sorted(c for c, e in countries.items() if e["marker"])
    print(f"{OUT.relative_to(ROOT)}: {len(countries)} countries, {len(markers)} with a marker")


if __name__ == "__main__":
    main()
