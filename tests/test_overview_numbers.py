"""The overview's figures equal independent SQL on the same database, for three levels of region.

The page is drawn both ways a viewer gets it: rendered from its layout (a first load, a copied
link), and redrawn in place by the callbacks a drill click fires on the parent region's screen.
The expected numbers come from plain SQL written here, not from data_access.
"""
from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlencode
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import text

from tests.conftest import acting
from tests.view_helpers import (
    drawn_of, find, kpi_value, panels_payload, redraw_payload, response_page, router_payload, text_of,
)

PERIOD = {"from": "2024-01-01", "to": "2024-12-31"}
REGIONS = [None, 520300, 520382]  # the province, 遵义市, 仁怀市


def scope_sql(adcode) -> tuple[str, dict]:
    if adcode is None:
        return "1 = 1", {}
    column = "city_adcode" if adcode % 100 == 0 else "county_adcode"
    return f"p.{column} = :region", {"region": adcode}


def expected(engine, adcode, start: date, end: date) -> dict:
    where, params = scope_sql(adcode)
    params = {**params, "a": start, "b": end}
    active = "(p.terminated_on IS NULL OR p.terminated_on > :b)"
    signed = f"{where} AND p.signed_on BETWEEN :a AND :b AND {active}"
    with engine.connect() as conn:
        row = conn.execute(text(f"""
            SELECT COUNT(*) AS n, COALESCE(SUM(p.contract_yuan), 0) AS contract,
                   SUM(CASE WHEN p.started_on <= :b THEN 1 ELSE 0 END) AS started,
                   SUM(CASE WHEN p.production_on <= :b THEN 1 ELSE 0 END) AS producing,
                   SUM(CASE WHEN p.park_id IS NOT NULL THEN 1 ELSE 0 END) AS in_park,
                   SUM(CASE WHEN e.quality_tags > 0 THEN 1 ELSE 0 END) AS quality
            FROM project p JOIN enterprise e ON e.id = p.enterprise_id WHERE {signed}"""), params).mappings().one()
        funds_period = conn.scalar(text(f"""
            SELECT COALESCE(SUM(f.amount_yuan), 0) FROM funding f JOIN project p ON p.id = f.project_id
            WHERE {where} AND {active} AND p.signed_on <= :b AND f.received_on BETWEEN :a AND :b"""), params)
        funds_to_date = conn.scalar(text(f"""
            SELECT COALESCE(SUM(f.amount_yuan), 0) FROM funding f JOIN project p ON p.id = f.project_id
            WHERE {signed} AND f.received_on <= :b"""), params)
        visits = conn.scalar(text(f"""
            SELECT COUNT(*) FROM visit p WHERE {where} AND p.kind = 'enterprise'
            AND p.visited_on BETWEEN :a AND :b"""), params)
    return {**{k: int(v or 0) for k, v in row.items()}, "funds_period": int(funds_period),
            "funds_to_date": int(funds_to_date), "visits": int(visits)}


def yi(yuan: int) -> str:
    return f"{(Decimal(yuan) / 100_000_000).quantize(Decimal('0.01'), ROUND_HALF_UP):,.2f}"


def pct(a: int, b: int) -> str:
    return f"{(Decimal(a) * 100 / Decimal(b)).quantize(Decimal('0.01'), ROUND_HALF_UP)}%"


@pytest.fixture
def render(demo_cockpit):
    """Render the overview for a region and query on the database of `demo_engine`."""
    from pages.overview import layout

    def run(adcode, **query):
        with acting(demo_cockpit.server):
            return layout(adcode=adcode, **query) if adcode else layout(**query)

    return run


@pytest.fixture
def drill(demo_cockpit):
    """Draw the parent region's overview, then click to a region on its map: the responses the
    browser gets (router, redraw, redraw_panels), read as one page."""
    cockpit_app = demo_cockpit
    client = cockpit_app.client

    def post(body):
        resp = client.post("/_dash-update-component", json=body)
        assert resp.status_code == 200, resp.data[:500]
        return resp.get_json()

    def run(adcode, parent, **query):
        search = "?" + urlencode(query) if query else ""
        path = lambda code: "/" if code is None else f"/region/{code}"  # noqa: E731
        parent_view = drawn_of(post(router_payload(path(parent), search)))
        kept = client.post("/_dash-update-component", json=router_payload(path(adcode), search, drawn=parent_view))
        # The router leaves the mounted overview alone: an empty answer (204) or no page content.
        assert kept.status_code == 204 or "_pages_content" not in kept.get_json()["response"]
        head = post(redraw_payload(cockpit_app.app, path(adcode), search, parent_view))
        view = drawn_of(head)
        assert view != parent_view
        panels = post(panels_payload(cockpit_app.app, view, parent_view))
        return response_page(head, panels)

    return run


PARENTS = {None: 520300, 520300: None, 520382: 520300}  # the province is reached back up from 遵义市


@pytest.mark.parametrize("way", ["layout", "in place"])
@pytest.mark.parametrize("adcode", REGIONS, ids=["province", "zunyi", "renhuai"])
def test_kpis_equal_independent_sql(render, drill, demo_engine, adcode, way):
    page = render(adcode, **PERIOD) if way == "layout" else drill(adcode, PARENTS[adcode], **PERIOD)
    want = expected(demo_engine, adcode, date(2024, 1, 1), date(2024, 12, 31))
    assert want["n"] > 0
    assert kpi_value(page, "kpi-projects") == f"{want['n']:,}"
    assert kpi_value(page, "kpi-contract") == yi(want["contract"])
    assert kpi_value(page, "kpi-funds") == yi(want["funds_period"])
    assert kpi_value(page, "kpi-funds-rate") == pct(want["funds_to_date"], want["contract"])
    assert kpi_value(page, "kpi-start-rate") == pct(want["started"], want["n"])
    assert kpi_value(page, "kpi-production-rate") == pct(want["producing"], want["n"])
    assert kpi_value(page, "kpi-park-rate") == pct(want["in_park"], want["n"])
    assert kpi_value(page, "kpi-quality") == f"{want['quality']:,}"
    assert kpi_value(page, "act-enterprise") == f"{want['visits']:,}"


def test_cities_sum_to_the_province(render):
    page = render(None, **PERIOD)
    figure = find(page, "ov-map").figure
    trace = figure["data"][0]
    assert len(trace["locations"]) == 9
    # The hover of each city says its figures (components/maps.hover_texts).
    def figure_of(label, unit):
        return [Decimal(re.search(f"{label}：([\\d,.]+) {unit}", h)[1].replace(",", "")) for _, h in trace["customdata"]]

    assert f"{sum(figure_of('签约项目数', '个')):,}" == kpi_value(page, "kpi-projects")
    contract = sum(figure_of("合同投资额", "亿元"))
    assert abs(contract - Decimal(kpi_value(page, "kpi-contract").replace(",", ""))) <= Decimal("0.05")


def test_city_map_shows_its_counties(render):
    page = render(520300, **PERIOD)
    assert len(find(page, "ov-map").figure["data"][0]["locations"]) == 14
    assert "贵州省" in text_of(find(page, "breadcrumb")) and "遵义市" in text_of(find(page, "breadcrumb"))


@pytest.mark.parametrize("way", ["layout", "in place"])
def test_press_conference_reproduced_on_screen(render, drill, way):
    """../shared/sources/003: the Shenzhen resident team, 2019-11-20 … 2020-12-15."""
    query = {"from": "2019-11-20", "to": "2020-12-15", "channel": "驻点招商", "origin": "深圳"}
    page = render(None, **query) if way == "layout" else drill(None, 520300, **query)
    assert kpi_value(page, "kpi-projects") == "843"
    assert kpi_value(page, "kpi-contract") == "1,777.02"
    assert kpi_value(page, "kpi-funds") == "639.21"
    assert kpi_value(page, "act-enterprise") == "30,076"
    assert kpi_value(page, "act-association") == "8,267"
    assert kpi_value(page, "act-inspections") == "6,056"


@pytest.mark.parametrize("adcode", ["999999", "abc", "52"])
def test_unknown_region_shows_a_way_home(render, adcode):
    page = render(adcode)
    assert find(page, "region-not-found") is not None
    assert "没有这个地区" in text_of(page)


def test_bad_filters_are_reported_not_raised(render):
    page = render(520300, **{"from": "2024-13-01", "channel": "飞鸽传书", "industry": "NOPE"})
    message = text_of(page)
    assert "日期“2024-13-01”无效" in message and "未知的招商方式" in message and "未知的产业代码" in message
    assert find(page, "kpi-projects") is not None
