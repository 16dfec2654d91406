"""An area's per-county figures, summed for any region inside it, give exactly what the
one-figure-per-query functions give: for every level, read from the region's own area and from
the whole province (as after a drill click), with and without project filters (which take
another path to the money)."""
from __future__ import annotations

from datetime import date

import pytest

from data_access import area as ar
from data_access import overview as ov
from data_access import queries as q
from data_access.scope import Filters, resolve_scope

CASES = {
    "province-2024": (None, Filters(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31))),
    "city-2023": (520300, Filters(date_from=date(2023, 1, 1), date_to=date(2023, 12, 31))),
    "county-2025": (520382, Filters(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))),
    "city-channel": (520100, Filters(date_from=date(2022, 1, 1), date_to=date(2024, 6, 30), channel="驻点招商")),
    "county-industry": (520102, Filters(date_from=date(2021, 3, 15), date_to=date(2025, 2, 10), industry="BIGDATA")),
    "province-origin": (None, Filters(date_from=date(2019, 11, 20), date_to=date(2020, 12, 15), origin="深圳")),
    "county-whole-record": (522301, Filters()),
}


def own_area(engine, scope):
    if scope.level == "county":
        return resolve_scope(engine, scope.parent_adcode)
    return scope


@pytest.mark.parametrize("source", ["own-area", "province"])
@pytest.mark.parametrize("case", CASES)
def test_area_figures_equal_single_queries(demo_engine, case, source):
    adcode, filters = CASES[case]
    scope = resolve_scope(demo_engine, adcode)
    map_scope = own_area(demo_engine, scope)
    read_from = map_scope if source == "own-area" else resolve_scope(demo_engine, None)
    fig = ar.read_area(demo_engine, read_from, filters)
    assert fig.covers(scope)

    assert fig.totals(scope) == q.project_totals(demo_engine, scope, filters)
    cols = ["adcode", "projects", "contract_yuan", "started", "producing", "funds_yuan"]
    expected = q.totals_by_region(demo_engine, map_scope, filters)[cols].reset_index(drop=True)
    got = ar.region_frame(fig, scope, q.regions(demo_engine))
    assert got[cols].astype("int64").equals(expected.astype("int64"))
    industries = ov.industry_totals(demo_engine, scope, filters)
    got = ar.industry_frame(fig, scope, q.industries(demo_engine))
    assert got[["code", "projects", "contract_yuan"]].equals(industries[["code", "projects", "contract_yuan"]])
    assert ar.source_frame(fig, scope).equals(ov.source_region_totals(demo_engine, scope, filters))
    trend = ov.trend_frame(filters, fig.as_of, *fig.monthly(scope))
    assert trend.equals(ov.monthly_series(demo_engine, scope, filters))
    assert fig.activity_of(scope) == q.activity_totals(demo_engine, scope, filters)
    stalled = ov.stalled_projects(demo_engine, scope, filters)
    assert fig.stalled_of(scope) == {k: stalled[k] for k in ar.STALLED}

    brief = ar.read_area(demo_engine, read_from, filters, detail=False)
    assert brief.totals(scope) == fig.totals(scope)
    assert brief.monthly(scope) == fig.monthly(scope)
    assert brief.activity_of(scope) == fig.activity_of(scope)


def test_area_refuses_a_county(demo_engine):
    with pytest.raises(ValueError):
        ar.read_area(demo_engine, resolve_scope(demo_engine, 520382), Filters())


def test_area_holds_only_its_own_counties(demo_engine):
    zunyi = resolve_scope(demo_engine, 520300)
    fig = ar.read_area(demo_engine, zunyi, Filters(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31)))
    assert set(fig.figures) <= set(fig.county_city)
    assert set(fig.county_city.values()) == {520300}
    assert not fig.covers(resolve_scope(demo_engine, 520102))   # 南明区 lies in 贵阳市
    assert fig.covers(resolve_scope(demo_engine, 520382))
