"""The overview's few-query reader gives exactly what the one-figure-per-query functions give,
for every level, with and without project filters (which take another path to the money)."""
from __future__ import annotations

from datetime import date

import pytest

from data_access import overview as ov
from data_access import queries as q
from data_access.scope import Filters, resolve_scope

CASES = {
    "province-2024": (None, Filters(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31))),
    "city-2023": (520300, Filters(date_from=date(2023, 1, 1), date_to=date(2023, 12, 31))),
    "county-2025": (520382, Filters(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))),
    "city-channel": (520100, Filters(date_from=date(2022, 1, 1), date_to=date(2024, 6, 30), channel="驻点招商")),
    "province-origin": (None, Filters(date_from=date(2019, 11, 20), date_to=date(2020, 12, 15), origin="深圳")),
}


@pytest.mark.parametrize("case", CASES)
def test_region_view_equals_single_queries(demo_engine, case):
    adcode, filters = CASES[case]
    scope = resolve_scope(demo_engine, adcode)
    map_scope = resolve_scope(demo_engine, scope.parent_adcode) if scope.level == "county" else scope
    view = ov.region_view(demo_engine, scope, filters, map_scope)

    assert view["totals"] == q.project_totals(demo_engine, scope, filters)
    cols = ["adcode", "projects", "contract_yuan", "started", "producing", "funds_yuan"]
    expected = q.totals_by_region(demo_engine, map_scope, filters)[cols].reset_index(drop=True)
    assert view["regions"][cols].reset_index(drop=True).astype("int64").equals(expected.astype("int64"))
    industries = ov.industry_totals(demo_engine, scope, filters)
    assert view["industries"][["code", "projects", "contract_yuan"]].equals(industries[["code", "projects", "contract_yuan"]])
    assert view["sources"].equals(ov.source_region_totals(demo_engine, scope, filters))
    assert view["trend"].equals(ov.monthly_series(demo_engine, scope, filters))
    summary = ov.period_summary(demo_engine, scope, filters)
    assert summary["totals"] == view["totals"] and summary["trend"].equals(view["trend"])
