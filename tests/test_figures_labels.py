"""Labels that cannot be misread, and every definition one hover away (issue 10, items 8, 9, 10, 11).

Expected figures from plain SQL (tests/oracle.py, and the annual_target table read here); the
definitions from data_access/glossary.py, which is what the screen must print.
"""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from data_access.glossary import GROUPS, definitions, tip
from data_access.scope import Filters
from tests import oracle
from tests.test_figures_screen import EMPTY_VIEW, card, nodes, pct, screen, yi
from tests.view_helpers import find, prop, text_of

CARDS = {"kpi-projects": "projects", "kpi-contract": "contract", "kpi-funds": "funds", "kpi-funds-rate": "funds_rate",
         "kpi-start-rate": "start_rate", "kpi-production-rate": "production_rate", "kpi-park-rate": "park_rate",
         "kpi-quality": "quality", "kpi-target": "target", "act-enterprise": "enterprise_visits",
         "act-association": "association_visits", "act-inspections": "inspections"}
YEAR_2024 = {"from": "2024-01-01", "to": "2024-12-31"}


# ------------------------------------------------------------------ item 8: two kinds of 到位

def test_funds_and_funds_rate_name_what_they_count(demo_cockpit, demo_engine):
    page = screen(demo_cockpit, "/", **YEAR_2024)
    t = oracle.totals(demo_engine, None, Filters(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31)))
    funds, rate = card(page, "kpi-funds"), card(page, "kpi-funds-rate")
    assert funds["label"] == "到位资金（本期到账）" and funds["value"] == yi(t["funds_in_period_yuan"])
    assert any("含往年签约项目" in n for n in funds["notes"])
    assert rate["label"] == "本期签约项目资金到位率"
    assert rate["value"] == pct(t["funds_to_date_yuan"], t["contract_yuan"])
    assert rate["notes"] == [f"到位 {yi(t['funds_to_date_yuan'])} 亿", f"合同 {yi(t['contract_yuan'])} 亿"]
    assert yi(t["funds_to_date_yuan"]) != funds["value"], "the rate's numerator is not the card beside it"


# ------------------------------------------------------------------ item 9: the target card's scope

def _completion(engine, adcode: int, as_of: date) -> str:
    """Completion of the region's contract target, 1 January to as_of, every filter off."""
    year_start = date(as_of.year, 1, 1)
    totals = oracle.totals(engine, adcode, Filters(date_from=year_start, date_to=as_of))
    with engine.connect() as conn:
        goal = conn.execute(text("SELECT contract_yuan FROM annual_target WHERE region_adcode = :r AND year = :y"),
                            {"r": adcode, "y": as_of.year}).scalar()
    return pct(totals["contract_yuan"], goal)


def test_a_filtered_target_card_says_it_covers_everything(demo_cockpit, demo_engine):
    path, query = EMPTY_VIEW
    page = screen(demo_cockpit, path, **query)
    assert card(page, "kpi-projects")["value"] == "0"
    target = card(page, "kpi-target")
    cutoff = oracle.as_of(demo_engine, Filters())
    assert target["value"] == _completion(demo_engine, 520382, cutoff)
    assert "kpi-ok" not in target["class"] and "kpi-warn" not in target["class"], "no green beside zero"
    notes = " ".join(target["notes"])
    assert "全口径" in notes and "不受筛选影响" in notes and f"1月1日至{cutoff.month}月{cutoff.day}日" in notes
    bars = find(page, "ov-targets")
    assert "全口径" in text_of(bars)
    assert not [n for n in nodes(bars) if "target-fill" in (prop(n, "className") or "")
                and ("ahead" in prop(n, "className") or "behind" in prop(n, "className"))]


def test_an_unfiltered_target_card_keeps_its_colour(demo_cockpit, demo_engine):
    page = screen(demo_cockpit, "/region/520382", **YEAR_2024)
    target = card(page, "kpi-target")
    assert target["value"] == _completion(demo_engine, 520382, date(2024, 12, 31))
    assert "kpi-ok" in target["class"] or "kpi-warn" in target["class"]
    assert "1月1日至12月31日" in " ".join(target["notes"]) and "全口径" not in " ".join(target["notes"])


# ------------------------------------------------------------------ item 10: activity has no industry

def test_activity_cards_say_the_industry_filter_does_not_apply(demo_cockpit, demo_engine):
    page = screen(demo_cockpit, "/", **YEAR_2024, industry="FOOD")
    want = oracle.activity(demo_engine, None, Filters(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31)))
    for cid, key in (("act-enterprise", "enterprise_visits"), ("act-association", "association_visits"),
                     ("act-inspections", "inspections")):
        shown = card(page, cid)
        assert shown["value"] == f"{want[key]:,}", cid
        assert "不区分产业" in " ".join(shown["notes"]), cid
    plain = screen(demo_cockpit, "/", **YEAR_2024)
    assert not card(plain, "act-enterprise")["notes"]


# ------------------------------------------------------------------ item 11: definitions one hover away

def test_every_card_has_its_definition(demo_cockpit):
    page = screen(demo_cockpit, "/", **YEAR_2024)
    for cid, key in CARDS.items():
        assert card(page, cid)["info"] == tip(key), cid


def _infos(tree) -> list[str]:
    return [prop(n, "data-tip") for n in nodes(tree) if prop(n, "className") == "info"]


@pytest.mark.parametrize("path, keys", [
    ("/", ["map", "funnel", "durations", "stalled", "industries", "trend", "sources", "targets"]),
    ("/chains", ["coverage", "gap", "heat", "candidates"]),
])
def test_every_chart_has_its_definition(demo_cockpit, path, keys):
    page = screen(demo_cockpit, path, **(YEAR_2024 if path == "/" else {}))
    shown = _infos(page)
    for key in keys:
        assert tip(key) in shown, key
    for panel in nodes(page):
        if "panel" in (prop(panel, "className") or "").split():
            head = prop(panel, "children")[0]
            assert prop(head, "className") == "panel-head" and _infos(head), f"panel {text_of(head)} has no ⓘ"


def test_the_definitions_page_lists_every_definition(demo_cockpit):
    page = screen(demo_cockpit, "/definitions")
    assert "指标说明" in text_of(page)
    for key, d in definitions().items():
        node = find(page, f"def-{key}")
        assert node is not None, key
        shown = text_of(node)
        assert d.label in shown and all(part in shown for _, part in d.lines()), key
    assert {d.group for d in definitions().values()} == set(GROUPS)


def test_definitions_quote_the_rules_the_code_applies():
    from data_access import chains
    from data_access.area import STALL_RED_DAYS, STALL_YELLOW_DAYS

    assert f"超过 {STALL_YELLOW_DAYS} 天" in tip("stalled") and f"超过 {STALL_RED_DAYS} 天" in tip("stalled")
    assert f"低于 {chains.WEAK_BELOW:.0%}" in tip("coverage")
    assert f"× {chains.VISIT_POINTS}" in tip("candidates") and f"最多计 {chains.VISIT_CAP} 次" in tip("candidates")
    for key in ("projects", "contract", "funds", "funds_rate", "start_rate", "funnel", "coverage"):
        assert "已终止" in tip(key), f"{key} states the terminated-project rule"
