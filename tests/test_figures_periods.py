"""Which days a screen's figures cover, and what they are compared with (issue 10, items 2, 3, 4, 10).

A period that runs past the data is cut at the cut-off and compared with the same days a year
earlier; a period wholly after the data says it has none; an open start says where it starts;
a month the period cuts says which of its days it holds. Expectations from tests/oracle.py.
"""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from data_access.scope import Filters
from tests import oracle
from tests.test_figures_screen import card, change, figure, points, rate, screen
from tests.view_helpers import find, text_of

KPI_CHANGES = {  # card → (figure, None) for an amount or count, (numerator, denominator) for a rate
    "kpi-projects": ("projects", None), "kpi-contract": ("contract_yuan", None),
    "kpi-funds": ("funds_in_period_yuan", None), "kpi-funds-rate": ("funds_to_date_yuan", "contract_yuan"),
    "kpi-start-rate": ("started", "projects"), "kpi-production-rate": ("producing", "projects"),
    "kpi-park-rate": ("in_park", "projects"), "kpi-quality": ("quality", None),
}
ACTIVITY_CHANGES = {"act-enterprise": "enterprise_visits", "act-association": "association_visits",
                    "act-inspections": "inspections"}


def expected_changes(engine, adcode, current: Filters, previous: Filters) -> dict[str, str | None]:
    cur, prev = oracle.totals(engine, adcode, current), oracle.totals(engine, adcode, previous)
    out = {}
    for cid, (num, den) in KPI_CHANGES.items():
        out[cid] = change(cur[num], prev[num]) if den is None else points(rate(cur[num], cur[den]),
                                                                            rate(prev[num], prev[den]))
    cur_a, prev_a = oracle.activity(engine, adcode, current), oracle.activity(engine, adcode, previous)
    out |= {cid: change(cur_a[key], prev_a[key]) for cid, key in ACTIVITY_CHANGES.items()}
    return out


# ------------------------------------------------------------------ item 2: like for like

def test_a_period_past_the_data_compares_the_same_days(demo_cockpit, demo_engine):
    """/region/520300?from=2025-07-01&to=2026-06-30 is read to 2025-12-31: compared with 2024-07-01 … 2024-12-31."""
    page = screen(demo_cockpit, "/region/520300", **{"from": "2025-07-01", "to": "2026-06-30"})
    want = expected_changes(demo_engine, 520300, Filters(date_from=date(2025, 7, 1), date_to=date(2026, 6, 30)),
                            Filters(date_from=date(2024, 7, 1), date_to=date(2024, 12, 31)))
    assert len(want) == 11
    for cid, expected in want.items():
        assert card(page, cid)["delta"] == expected, cid
    heading = text_of(find(page, "ov-period"))
    assert "2025-07-01 至 2025-12-31" in heading and "所选至 2026-06-30" in heading
    assert "同比：2024-07-01 至 2024-12-31" in heading


def test_a_whole_year_compares_with_the_year_before(demo_cockpit, demo_engine):
    page = screen(demo_cockpit, "/region/520300", **{"from": "2024-01-01", "to": "2024-12-31"})
    want = expected_changes(demo_engine, 520300, Filters(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31)),
                            Filters(date_from=date(2023, 1, 1), date_to=date(2023, 12, 31)))
    assert {cid: card(page, cid)["delta"] for cid in want} == want


def test_the_trend_compares_month_with_month(demo_cockpit, demo_engine):
    page = screen(demo_cockpit, "/region/520300", **{"from": "2025-07-01", "to": "2026-06-30"})
    trend = figure(page, "ov-trend")["data"]
    before = oracle.monthly(demo_engine, 520300, Filters(date_from=date(2024, 7, 1), date_to=date(2024, 12, 31)))
    dashed = next(t for t in trend if t["name"] == "上年同期签约")
    assert len(dashed["x"]) == 6 and dashed["hovertext"][0].startswith("2024-07 签约")
    assert [h.split(" ")[0] for h in dashed["hovertext"]] == before["month"].tolist()


# ------------------------------------------------------------------ item 3: a period after the data

def test_a_period_after_the_data_says_it_has_none(demo_cockpit, demo_engine):
    page = screen(demo_cockpit, "/", **{"from": "2026-01-01", "to": "2026-12-31"})
    heading = text_of(find(page, "ov-period"))
    assert "2026-01-01 至 2026-12-31" in heading and "尚无数据" in heading
    assert "至 2025-12-31" not in heading.split("·")[0], "the period is not shown as ending before it starts"
    assert "尚无数据" in text_of(find(page, "ov-no-data"))
    for cid in [*KPI_CHANGES, *ACTIVITY_CHANGES]:
        shown = card(page, cid)
        assert shown["delta"] is None and shown["value"] == "—", cid
    target = card(page, "kpi-target")
    with demo_engine.connect() as conn:
        goal = conn.execute(text("SELECT contract_yuan FROM annual_target WHERE region_adcode = 520000 "
                                 "AND year = 2026")).scalar()
    assert goal, "the demo holds 2026 targets"
    assert target["label"] == "2026年目标完成率" and target["value"] == "—"
    assert "kpi-ok" not in target["class"] and "kpi-warn" not in target["class"]
    assert any("2026年尚无数据" in n for n in target["notes"])
    from tests.test_figures_screen import yi
    assert any(yi(goal) in n for n in target["notes"])


# ------------------------------------------------------------------ item 4: an open start

def _first_signing(engine) -> date:
    with engine.connect() as conn:
        return oracle.day(conn.execute(text("SELECT MIN(signed_on) FROM project")).scalar())


@pytest.mark.parametrize("query", [{"to": "2019-06-30"}, {"from": "2019-02-30", "to": "2019-06-30"}],
                         ids=["only-to", "bad-from"])
def test_an_open_start_is_the_first_record(demo_cockpit, demo_engine, query):
    page = screen(demo_cockpit, "/region/520400", **query)
    heading = text_of(find(page, "ov-period"))
    assert "None" not in heading
    assert heading.startswith(f"统计期间 最早记录（{_first_signing(demo_engine)}） 至 2019-06-30")
    if "from" in query:
        assert "2019-02-30" in text_of(find(page, "ov-problems")) and "已忽略" in text_of(find(page, "ov-problems"))
    want = oracle.totals(demo_engine, 520400, Filters(date_to=date(2019, 6, 30)))
    assert card(page, "kpi-projects")["value"] == f"{want['projects']:,}"
    from tests.test_figures_screen import yi
    assert card(page, "kpi-contract")["value"] == yi(want["contract_yuan"])
    assert card(page, "kpi-projects")["delta"] is None, "no like-for-like for an open period"


# ------------------------------------------------------------------ item 10: cut months say so

@pytest.mark.parametrize("query, first, last, count", [
    ({"from": "2019-11-20", "to": "2020-12-15"}, "2019-11（20日起）", "2020-12（至15日）", 14),
    ({"from": "2024-03-05", "to": "2024-03-20"}, "2024-03（5–20日）", "2024-03（5–20日）", 1),
    ({"from": "2024-01-01", "to": "2024-12-31"}, "2024-01", "2024-12", 12),
], ids=["press-conference", "one-cut-month", "whole-year"])
def test_trend_months_say_which_days_they_hold(demo_cockpit, demo_engine, query, first, last, count):
    page = screen(demo_cockpit, "/", **query)
    bars = figure(page, "ov-trend")["data"][0]
    assert len(bars["x"]) == count and bars["x"][0] == first and bars["x"][-1] == last
    months = oracle.monthly(demo_engine, None, Filters(date_from=date.fromisoformat(query["from"]),
                                                       date_to=date.fromisoformat(query["to"])))
    assert [x.split("（")[0] for x in bars["x"]] == months["month"].tolist()
