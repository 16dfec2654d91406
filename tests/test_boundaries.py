"""The committed boundary assets: shape, winding, size and topology.

Regenerate them with `python scripts/build_boundaries.py`; these tests read only the committed
files (shapely comes from the dev requirements).
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest

try:  # the topology tests need shapely (dev requirements); the rest is plain python
    import shapely
    from shapely.geometry import Point, shape
except ImportError:  # pragma: no cover
    shapely = None

needs_shapely = pytest.mark.skipif(shapely is None, reason="shapely not installed")

ROOT = Path(__file__).resolve().parents[1]
COUNTIES = ROOT / "assets" / "geo" / "guizhou-counties.geojson"
CITIES = ROOT / "assets" / "geo" / "guizhou-cities.geojson"
REGIONS = ROOT / "data_access" / "reference" / "regions.csv"

LON_RANGE = (103.5, 109.7)
LAT_RANGE = (24.5, 29.3)
COUNTIES_PER_CITY = {
    520100: 10, 520200: 4, 520300: 14, 520400: 6, 520500: 8,
    520600: 10, 522300: 8, 522600: 16, 522700: 12,
}


def _load(path: Path) -> dict:
    # Keep numbers as their literal text so the decimals test sees what is in the file.
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


@pytest.fixture(scope="module")
def counties() -> dict:
    return _load(COUNTIES)


@pytest.fixture(scope="module")
def cities() -> dict:
    return _load(CITIES)


@pytest.fixture(scope="module")
def regions() -> list[dict]:
    with REGIONS.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _polygons(feature: dict):
    geom = feature["geometry"]
    if geom["type"] == "Polygon":
        return [geom["coordinates"]]
    assert geom["type"] == "MultiPolygon"
    return geom["coordinates"]


def _rings(feature: dict):
    for poly in _polygons(feature):
        yield from poly


def _shape(feature: dict):
    return shape(json.loads(json.dumps(feature["geometry"], default=float)))


@pytest.fixture(scope="module")
def county_shapes(counties) -> dict:
    return {f["id"]: _shape(f) for f in counties["features"]}


@pytest.fixture(scope="module")
def city_shapes(cities) -> dict:
    return {f["id"]: _shape(f) for f in cities["features"]}


def signed_area(ring) -> float:
    """Shoelace in lon/lat: positive = counter-clockwise."""
    total = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
        total += float(x0) * float(y1) - float(x1) * float(y0)
    return total / 2


# ------------------------------------------------------------------ structure and ids


def test_feature_counts(counties, cities):
    assert counties["type"] == cities["type"] == "FeatureCollection"
    assert len(counties["features"]) == 88
    assert len(cities["features"]) == 9


def test_ids_unique_sorted_and_match_properties(counties, cities):
    for fc in (counties, cities):
        ids = [f["id"] for f in fc["features"]]
        assert all(isinstance(i, str) for i in ids)
        assert len(set(ids)) == len(ids)
        assert ids == sorted(ids)
        for f in fc["features"]:
            assert f["properties"]["adcode"] == int(f["id"])
            assert f["properties"]["name"]


def test_ids_match_regions_table(counties, cities, regions):
    by_level = {lvl: {r["adcode"] for r in regions if r["level"] == lvl}
                for lvl in ("province", "city", "county")}
    assert by_level["province"] == {"520000"}
    assert {f["id"] for f in counties["features"]} == by_level["county"]
    assert {f["id"] for f in cities["features"]} == by_level["city"]
    assert len(regions) == 1 + 9 + 88


def test_names_and_parents_match_regions_table(counties, cities, regions):
    rows = {r["adcode"]: r for r in regions}
    for fc in (counties, cities):
        for f in fc["features"]:
            row = rows[f["id"]]
            assert f["properties"]["name"] == row["name"]
            assert str(f["properties"]["parent"]) == row["parent_adcode"]


def test_each_county_parent_is_its_city(counties, cities):
    city_ids = {int(f["id"]) for f in cities["features"]}
    per_city = {c: 0 for c in city_ids}
    for f in counties["features"]:
        parent = f["properties"]["parent"]
        assert parent in city_ids
        assert parent == int(f["id"]) // 100 * 100
        per_city[parent] += 1
    for f in cities["features"]:
        assert f["properties"]["parent"] == 520000
    assert per_city == COUNTIES_PER_CITY


def test_regions_table(regions):
    assert list(regions[0]) == ["adcode", "name", "short_name", "level", "parent_adcode",
                                "label_lon", "label_lat", "sort_order"]
    assert [int(r["sort_order"]) for r in regions] == list(range(len(regions)))
    assert [int(r["adcode"]) for r in regions] == sorted(int(r["adcode"]) for r in regions)
    assert regions[0]["level"] == "province" and regions[0]["parent_adcode"] == ""
    names = {r["name"]: r["short_name"] for r in regions}
    for current in ("水城区", "盘州市", "黔西市", "兴仁市"):
        assert current in names
    expected_short = {
        "威宁彝族回族苗族自治县": "威宁", "三都水族自治县": "三都", "松桃苗族自治县": "松桃",
        "关岭布依族苗族自治县": "关岭", "钟山区": "钟山", "六枝特区": "六枝", "南明区": "南明",
        "黔西南布依族苗族自治州": "黔西南州", "贵阳市": "贵阳",
    }
    for name, short in expected_short.items():
        assert names[name] == short
    assert all(len(s) >= 2 for s in names.values())
    county_shorts = [r["short_name"] for r in regions if r["level"] == "county"]
    assert len(set(county_shorts)) == len(county_shorts)


@needs_shapely
def test_label_points_inside_their_region(regions, county_shapes, city_shapes):
    shapes = {**county_shapes, **city_shapes}
    province = shapely.union_all(list(city_shapes.values()))
    for r in regions:
        geom = province if r["level"] == "province" else shapes[r["adcode"]]
        assert geom.contains(Point(float(r["label_lon"]), float(r["label_lat"]))), r["name"]


# ------------------------------------------------------------------ geometry


@pytest.mark.parametrize("path", [COUNTIES, CITIES], ids=["counties", "cities"])
def test_winding_for_plotly(path):
    """Exterior rings clockwise, holes counter-clockwise (d3-geo, not RFC 7946)."""
    for f in _load(path)["features"]:
        for poly in _polygons(f):
            assert signed_area(poly[0]) < 0, f["id"]
            for hole in poly[1:]:
                assert signed_area(hole) > 0, f["id"]


@pytest.mark.parametrize("path,limit", [(COUNTIES, 250_000), (CITIES, 100_000)],
                         ids=["counties", "cities"])
def test_file_size(path, limit):
    assert path.stat().st_size < limit


@pytest.mark.parametrize("path", [COUNTIES, CITIES], ids=["counties", "cities"])
def test_coordinates_rounded_and_inside_guizhou(path):
    for f in _load(path)["features"]:
        for ring in _rings(f):
            assert ring[0] == ring[-1] and len(ring) >= 4
            for lon, lat in ring:
                assert -lon.as_tuple().exponent <= 4 and -lat.as_tuple().exponent <= 4
                assert LON_RANGE[0] <= lon <= LON_RANGE[1], (f["id"], lon)
                assert LAT_RANGE[0] <= lat <= LAT_RANGE[1], (f["id"], lat)


@needs_shapely
def test_geometries_valid(county_shapes, city_shapes):
    for code, geom in {**county_shapes, **city_shapes}.items():
        assert shapely.is_valid(geom), (code, shapely.is_valid_reason(geom))
        assert geom.area > 0


@needs_shapely
def test_counties_do_not_overlap(county_shapes):
    items = sorted(county_shapes.items())
    tree = shapely.STRtree([g for _, g in items])
    for i, (code, geom) in enumerate(items):
        for j in tree.query(geom, predicate="intersects"):
            if j <= i:
                continue
            overlap = geom.intersection(items[j][1]).area
            assert overlap < 1e-9, (code, items[j][0], overlap)


@needs_shapely
def test_no_gaps_between_counties(county_shapes):
    """Every hole in the union of all counties is a hole of one county (the province's own
    enclaves), never a gap between two neighbours."""
    union = shapely.union_all(list(county_shapes.values()))
    county_holes = [shapely.Polygon(h) for g in county_shapes.values()
                    for p in g.geoms for h in p.interiors]
    for part in getattr(union, "geoms", [union]):
        for hole in part.interiors:
            hole = shapely.Polygon(hole)
            assert any(hole.symmetric_difference(h).area < 1e-9 for h in county_holes), \
                hole.representative_point()


@needs_shapely
def test_counties_cover_their_city(county_shapes, city_shapes):
    for city_id, city in city_shapes.items():
        members = [g for code, g in county_shapes.items() if int(code) // 100 * 100 == int(city_id)]
        union = shapely.union_all(members)
        assert abs(union.area - city.area) / city.area < 1e-3, city_id
        assert union.symmetric_difference(city).area / city.area < 1e-3, city_id
