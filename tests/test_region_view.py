"""What the overview shows for a region equals the oracle's independent SQL (tests/oracle.py).

The screen reads an area (the province, or a city: a county's area is its city) per county once
for a set of filters and sums any region inside it in Python (data_access.area); a drill click
reuses its parent's area. So every level is read from the region's own area and from the whole
province, with and without project filters (which take another path to the money), and every
panel the screen builds from the area is held against the definitions: headline figures, the map,
industries, source regions, the monthly trend, visits and inspections, stalled projects (counts
and the list), and the chain page's link totals.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from data_access import area as ar
from data_access import chains
from data_access import overview as ov
from data_access import queries as q
from data_access.scope import Filters, resolve_scope
from tests import oracle

CASES = {
    "province-2024": (None, Filters(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31))),
    "city-2023": (520300, Filters(date_from=date(2023, 1, 1), date_to=date(2023, 12, 31))),
    "county-2025": (520382, Filters(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))),
    "city-channel": (520100, Filters(date_from=date(2022, 1, 1), date_to=date(2024, 6, 30), channel="驻点招商")),
    "county-industry": (520102, Filters(date_from=date(2021, 3, 15), date_to=date(2025, 2, 10), industry="BIGDATA")),
    "province-origin": (None, Filters(date_from=date(2019, 11, 20), date_to=date(2020, 12, 15), origin="深圳")),
    "county-whole-record": (522301, Filters()),
}

_expected: dict[tuple[str, str], dict] = {}


def expected(engine, case: str) -> dict:
    """The oracle's figures for a case, computed once per backend."""
    key = (engine.url.render_as_string(hide_password=False), case)
    if key not in _expected:
        adcode, filters = CASES[case]
        _expected[key] = {
            "as_of": oracle.as_of(engine, filters),
            "totals": oracle.totals(engine, adcode, filters),
            "regions": oracle.by_region(engine, adcode, filters),
            "industries": oracle.by_industry(engine, adcode, filters),
            "sources": oracle.by_source(engine, adcode, filters),
            "trend": oracle.monthly(engine, adcode, filters),
            "activity": oracle.activity(engine, adcode, filters),
            "stalled": oracle.stalled(engine, adcode, filters),
        }
    return _expected[key]


def own_area(engine, scope):
    if scope.level == "county":
        return resolve_scope(engine, scope.parent_adcode)
    return scope


def same_frame(got: pd.DataFrame, want: pd.DataFrame, ints: list[str]) -> None:
    got = got[list(want.columns)].reset_index(drop=True).astype({c: "int64" for c in ints})
    want = want.reset_index(drop=True).astype({c: "int64" for c in ints})
    pd.testing.assert_frame_equal(got, want, check_dtype=False, check_exact=True)


@pytest.mark.parametrize("source", ["own-area", "province"])
@pytest.mark.parametrize("case", CASES)
def test_area_stats_equal_the_oracle(demo_engine, case, source):
    adcode, filters = CASES[case]
    want = expected(demo_engine, case)
    scope = resolve_scope(demo_engine, adcode)
    read_from = own_area(demo_engine, scope) if source == "own-area" else resolve_scope(demo_engine, None)
    stats = ar.read_area(demo_engine, read_from, filters)
    assert stats.covers(scope)
    assert stats.as_of == want["as_of"]

    assert stats.totals(scope) == want["totals"]
    assert want["totals"]["projects"] > 0, "a case without projects tests little"
    same_frame(ar.region_frame(stats, scope, q.regions(demo_engine)), want["regions"], list(oracle.MAP) + ["adcode"])
    same_frame(ar.industry_frame(stats, scope, q.industries(demo_engine)), want["industries"],
               ["projects", "contract_yuan"])
    same_frame(ar.source_frame(stats, scope), want["sources"], ["projects", "contract_yuan"])
    same_frame(ov.trend_frame(filters, stats.as_of, *stats.monthly(scope)), want["trend"],
               ["ym", "contract_yuan", "funds_yuan"])
    assert stats.activity_of(scope) == want["activity"]
    assert stats.stalled_of(scope) == {k: want["stalled"][k] for k in ("pipeline", "yellow", "red")}

    brief = ar.read_area(demo_engine, read_from, filters, detail=False)
    assert brief.totals(scope) == want["totals"]
    assert brief.monthly(scope) == stats.monthly(scope)
    assert brief.activity_of(scope) == want["activity"]


@pytest.mark.parametrize("case", CASES)
def test_breakdowns_add_up(demo_engine, case):
    """The oracle's own consistency: industries, sources, months and the map hold every project."""
    want = expected(demo_engine, case)
    t = want["totals"]
    for part in ("industries", "sources"):
        assert want[part]["projects"].sum() == t["projects"]
        assert want[part]["contract_yuan"].sum() == t["contract_yuan"]
    assert want["trend"]["contract_yuan"].sum() == t["contract_yuan"]
    assert want["trend"]["funds_yuan"].sum() == t["funds_in_period_yuan"]
    adcode, _ = CASES[case]
    if adcode is None or adcode % 100 == 0:  # the map of a county holds its neighbours too
        assert want["regions"]["projects"].sum() == t["projects"]
        assert want["regions"]["funds_yuan"].sum() == t["funds_in_period_yuan"]
    assert t["projects"] >= t["started"] >= t["producing"]
    assert t["funds_to_date_yuan"] >= 0 and t["funds_in_period_yuan"] >= 0


@pytest.mark.parametrize("case", CASES)
def test_stalled_list_equals_the_oracle(demo_engine, case):
    """The list under the funnel (read for the region itself): the largest beyond the yellow light."""
    adcode, filters = CASES[case]
    got = ov.stalled_top(demo_engine, resolve_scope(demo_engine, adcode), filters)
    want = oracle.stalled_top(demo_engine, adcode, filters)
    assert len(want) > 0
    got = got.assign(signed_on=[oracle.day(d) for d in got["signed_on"]])
    same_frame(got, want, ["contract_yuan", "days"])


@pytest.mark.parametrize("case", CASES)
def test_chain_links_equal_the_oracle(demo_engine, case):
    """The chain page's link totals (realised = started, producing included) for the same region and filters."""
    adcode, filters = CASES[case]
    got = chains.link_coverage(demo_engine, resolve_scope(demo_engine, adcode), filters, filters.industry)
    want = oracle.chain_links(demo_engine, adcode, filters, filters.industry)
    assert want["projects"].sum() > 0
    same_frame(got.rename(columns={"realised_projects": "started"}), want,
               ["link_id", "projects", "contract_yuan", "started", "producing"])


def test_area_refuses_a_county(demo_engine):
    with pytest.raises(ValueError):
        ar.read_area(demo_engine, resolve_scope(demo_engine, 520382), Filters())


def test_area_holds_only_its_own_counties(demo_engine):
    zunyi = resolve_scope(demo_engine, 520300)
    stats = ar.read_area(demo_engine, zunyi, Filters(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31)))
    assert set(stats.stats) <= set(stats.county_city)
    assert set(stats.county_city.values()) == {520300}
    assert not stats.covers(resolve_scope(demo_engine, 520102))   # 南明区 lies in 贵阳市
    assert stats.covers(resolve_scope(demo_engine, 520382))
