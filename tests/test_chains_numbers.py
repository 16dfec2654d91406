"""The chain page's figures for one industry in one city (优质烟酒 in 遵义市, plan period 2021–2025)
equal independent SQL on the same database, on both backends; and the demo data behind the page
(targets, leads) is consistent with the rest of the demo.

The page's layout is rendered as a request would render it; the expected numbers come from plain
SQL written here, not from data_access.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import bindparam, Date, text

from tests.conftest import acting
from tests.view_helpers import find, text_of

CITY, INDUSTRY, LINK_NAME = 520300, "LIQUOR", "包装材料"
A, B = date(2021, 1, 1), date(2025, 12, 31)


def sql(conn, statement: str, **params):
    stmt = text(statement).bindparams(*[bindparam(k, type_=Date()) for k, v in params.items() if isinstance(v, date)])
    return conn.execute(stmt, params).mappings().all()


def yi(yuan) -> str:
    return f"{(Decimal(int(yuan)) / 100_000_000).quantize(Decimal('0.01'), ROUND_HALF_UP):,.2f}"


def pct0(actual, target) -> Decimal:
    """A whole percentage, half up, exactly (the cockpit's one rounding rule)."""
    return (Decimal(int(actual)) * 100 / Decimal(int(target))).quantize(Decimal("1"), ROUND_HALF_UP)


def expected_class(n: int, actual: int, target) -> str:
    if n == 0:
        return "空白"
    if not target:
        return "未设目标"
    return "薄弱" if 2 * actual < target else "基本" if actual <= target else "优势"


@pytest.fixture
def expected(demo_engine) -> dict:
    active = "(p.terminated_on IS NULL OR p.terminated_on > :b)"
    with demo_engine.connect() as conn:
        links = sql(conn, """
            SELECT l.id, l.name, t.target_contract_yuan AS tc, t.target_projects AS tp,
                   COUNT(p.id) AS n, COALESCE(SUM(p.contract_yuan), 0) AS contract,
                   COALESCE(SUM(CASE WHEN p.started_on <= :b THEN 1 ELSE 0 END), 0) AS started,
                   COALESCE(SUM(CASE WHEN p.started_on <= :b THEN p.contract_yuan ELSE 0 END), 0) AS started_yuan,
                   COALESCE(SUM(CASE WHEN p.production_on <= :b THEN 1 ELSE 0 END), 0) AS producing
            FROM chain_link l
            LEFT JOIN chain_link_target t ON t.chain_link_id = l.id AND t.region_adcode = :city AND t.period_start = :a
            LEFT JOIN project p ON p.chain_link_id = l.id AND p.city_adcode = :city
                 AND p.signed_on BETWEEN :a AND :b AND """ + active + """
            WHERE l.industry_code = :industry
            GROUP BY l.id, l.name, t.target_contract_yuan, t.target_projects""",
                    a=A, b=B, city=CITY, industry=INDUSTRY)
        by_county = sql(conn, """
            SELECT p.chain_link_id AS link, r.name AS county, COUNT(*) AS n, SUM(p.contract_yuan) AS contract
            FROM project p JOIN region r ON r.adcode = p.county_adcode
            WHERE p.city_adcode = :city AND p.industry_code = :industry AND p.signed_on BETWEEN :a AND :b
              AND """ + active + " GROUP BY p.chain_link_id, r.name", a=A, b=B, city=CITY, industry=INDUSTRY)
        link_id = next(r["id"] for r in links if r["name"] == LINK_NAME)
        leads = sql(conn, """
            SELECT e.name, (SELECT COUNT(*) FROM visit v WHERE v.enterprise_id = d.enterprise_id
                            AND v.kind = 'enterprise' AND v.visited_on <= :b) AS visits
            FROM lead d JOIN enterprise e ON e.id = d.enterprise_id
            WHERE d.chain_link_id = :link AND d.city_adcode = :city AND d.listed_on <= :b
              AND NOT (d.stage = '已签约' AND d.stage_on <= :b)""", b=B, city=CITY, link=link_id)
    return {"links": {r["name"]: r for r in links}, "link_id": link_id,
            "cells": {(r["link"], r["county"]): r for r in by_county},
            "leads": {r["name"]: int(r["visits"]) for r in leads}}


@pytest.fixture
def page(demo_cockpit, expected):
    """The chain page for 遵义市's liquor chain with 包装材料 selected, on `demo_engine`'s database."""
    from pages.chains import layout

    with acting(demo_cockpit.server, "/chains"):
        return layout(region=str(CITY), industry=INDUSTRY, link=str(expected["link_id"]))


def _figure(page, graph_id: str) -> dict:
    graph = find(page, graph_id)
    assert graph is not None, f"no {graph_id} on the page"
    return graph.figure


def _bare(name: str) -> str:
    return name.removeprefix("▶ ")


def test_diagram_nodes_equal_sql(page, expected):
    trace = _figure(page, "ch-diagram")["data"][0]
    cells = [(t, h) for row_t, row_h in zip(trace["text"], trace["hovertext"]) for t, h in zip(row_t, row_h) if t]
    assert len(cells) == len(expected["links"])
    for node, hover in cells:
        name = re.search(r"<b>(.+?)</b>", node).group(1)
        want = expected["links"][name]
        n, contract, producing, coverage = re.search(
            r"([\d,]+)个\s*·\s*([\d,]+\.\d\d)亿.*投产\s*([\d,]+)\s*·\s*覆盖\s*(\S+)$", node.replace("<br>", " ")).groups()
        assert int(n.replace(",", "")) == want["n"], name
        assert contract == yi(want["contract"]), name
        assert int(producing.replace(",", "")) == want["producing"], name
        target = want["tc"]
        assert coverage == (f"{pct0(want['contract'], target)}%" if target else "—"), name
        assert f"覆盖率 {coverage} · {expected_class(want['n'], int(want['contract']), target)}" in hover, name


def test_gap_chart_equals_sql(page, expected):
    fig = _figure(page, "ch-gap")
    bars = [t for t in fig["data"] if t["type"] == "bar" and t.get("showlegend") is False]
    realised, pipeline = bars
    target = next(t for t in fig["data"] if t.get("name") == "目标")
    for k, raw in enumerate(realised["y"]):
        want = expected["links"][_bare(raw)]
        assert realised["x"][k] == pytest.approx(int(want["started_yuan"]) / 1e8, abs=0.006)
        assert pipeline["x"][k] == pytest.approx((int(want["contract"]) - int(want["started_yuan"])) / 1e8, abs=0.006)
        if want["tc"] is None:
            assert target["x"][k] is None
        else:
            assert target["x"][k] == pytest.approx(int(want["tc"]) / 1e8, abs=0.006)
    gaps = [(int(w["tc"]) - int(w["contract"])) if w["tc"] else None for w in
            (expected["links"][_bare(y)] for y in realised["y"])]
    ranked = [g for g in gaps if g is not None]
    assert ranked == sorted(ranked, reverse=True), "sorted by gap, largest shortfall first"


def test_heatmap_equals_sql(page, expected):
    trace = _figure(page, "ch-heat")["data"][0]
    ids = {w["name"]: w["id"] for w in expected["links"].values()}
    assert len(trace["x"]) == 14, "遵义's 14 counties"
    for row_name, hovers in zip(trace["y"], trace["hovertext"]):
        for hover in hovers:
            county = re.match(r"<b>(.+?) · ", hover).group(1)
            cell = expected["cells"].get((ids[_bare(row_name)], county))
            n, contract = (cell["n"], cell["contract"]) if cell else (0, 0)
            assert f"项目 {n:,} 个 · 合同投资额 {yi(contract)} 亿元" in hover, (row_name, county)


def test_fill_the_gap_equals_sql(page, expected):
    want = expected["links"][LINK_NAME]
    assert text_of(find(page, "ch-sum-actual")) == f"{yi(want['contract'])} 亿元"
    assert text_of(find(page, "ch-sum-realised")) == f"{yi(want['started_yuan'])} 亿元"
    assert text_of(find(page, "ch-sum-pipeline")) == f"{yi(int(want['contract']) - int(want['started_yuan']))} 亿元"
    assert text_of(find(page, "ch-sum-target")) == f"{yi(want['tc'])} 亿元"
    gap = int(want["tc"]) - int(want["contract"])
    assert text_of(find(page, "ch-sum-gap")) == (f"缺 {yi(gap)} 亿元" if gap > 0 else f"超 {yi(-gap)} 亿元")
    assert text_of(find(page, "ch-sum-class")) == expected_class(want["n"], int(want["contract"]), want["tc"])
    grid = find(page, "ch-projects")
    assert len(grid.rowData) == want["n"]
    candidates = find(page, "ch-candidates").rowData
    assert candidates, "遵义 has leads for 包装材料"
    for row in candidates:
        assert row["visits"] == expected["leads"][row["enterprise"]], row["enterprise"]
    assert [r["score"] for r in candidates] == sorted((r["score"] for r in candidates), reverse=True)


# ------------------------------------------------------------------ the demo data behind the page


def test_demo_targets_share_out_the_province(demo_engine):
    with demo_engine.connect() as conn:
        province = sql(conn, """
            SELECT l.id, l.target_contract_yuan AS lc, l.target_projects AS lp, t.target_contract_yuan AS tc,
                   t.target_projects AS tp
            FROM chain_link l LEFT JOIN chain_link_target t ON t.chain_link_id = l.id AND t.region_adcode = 520000""")
        cities = sql(conn, """
            SELECT t.chain_link_id AS id, SUM(t.target_contract_yuan) AS c, SUM(t.target_projects) AS n, COUNT(*) AS k
            FROM chain_link_target t JOIN region r ON r.adcode = t.region_adcode WHERE r.level = 'city'
            GROUP BY t.chain_link_id""")
    assert all(r["tc"] == r["lc"] and r["tp"] == r["lp"] for r in province), "the province row is the plan's"
    totals = {r["id"]: r for r in province}
    for r in cities:
        assert r["k"] == 9
        assert abs(int(r["c"]) - int(totals[r["id"]]["lc"])) <= 5 * 10_000_000  # rounding to 0.1 亿 per city
        assert abs(int(r["n"]) - int(totals[r["id"]]["lp"])) <= 5


def test_demo_leads_follow_the_visits(demo_engine):
    with demo_engine.connect() as conn:
        unvisited = sql(conn, """SELECT COUNT(*) AS n FROM lead d WHERE NOT EXISTS (SELECT 1 FROM visit v
                                 WHERE v.enterprise_id = d.enterprise_id AND v.kind = 'enterprise'
                                 AND v.visited_on = d.listed_on)""")[0]["n"]
        signed = sql(conn, """SELECT COUNT(*) AS n FROM lead d JOIN project p ON p.id = d.project_id
                              WHERE d.stage = '已签约' AND (p.enterprise_id <> d.enterprise_id
                              OR p.chain_link_id <> d.chain_link_id OR p.signed_on <> d.stage_on)""")[0]["n"]
        talks = sql(conn, """SELECT COUNT(*) AS n FROM lead d WHERE d.stage = '在谈' AND NOT EXISTS (SELECT 1
                             FROM inspection i WHERE i.enterprise_id = d.enterprise_id AND i.inspected_on = d.stage_on)
                             """)[0]["n"]
        per_link = sql(conn, """SELECT l.is_weak AS weak, COUNT(d.id) * 1.0 / COUNT(DISTINCT l.id) AS n
                                FROM chain_link l JOIN lead d ON d.chain_link_id = l.id
                                WHERE d.stage <> '已签约' GROUP BY l.is_weak""")
        stages = {r["stage"]: r["n"] for r in sql(conn, "SELECT stage, COUNT(*) AS n FROM lead GROUP BY stage")}
    assert unvisited == 0, "every lead was listed on a day its enterprise was visited"
    assert signed == 0, "a signed lead is its enterprise's project on that link"
    assert talks == 0, "talks began with a site inspection"
    weak = {bool(r["weak"]): float(r["n"]) for r in per_link}
    assert weak[True] > 2 * weak[False], "teams chase the weak links"
    assert set(stages) == {"线索", "在谈", "已签约"} and min(stages.values()) > 1000
