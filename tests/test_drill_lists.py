"""Drill to detail: the list behind every figure holds exactly the projects the figure counts.

For each entry point (every KPI card, funnel step, industry bar, source bar, month of the trend,
stalled light and chain link) the list's footer (count, contract value, funds) is compared with
the independent SQL of tests/oracle.py, on the province, a city and a county, with filters, on
SQLite and PostgreSQL. Then the screens: the links the overview writes lead to lists whose
footer shows the card's own number, and nobody gets a list outside their region or role.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import text

from data_access import project_list as pl
from data_access.scope import Filters, resolve_scope
from tests import oracle
from tests.view_helpers import callback_outputs, find, kpi_value, prop, router_payload, text_of

ZUNYI, RENHUAI = 520300, 520382
CASES = {
    "province-2025": (None, Filters(date(2025, 1, 1), date(2025, 12, 31))),
    "city-channel": (ZUNYI, Filters(date(2024, 7, 1), date(2025, 9, 30), channel="驻点招商")),
    "county-industry": (RENHUAI, Filters(date(2021, 1, 1), date(2025, 12, 31), industry="LIQUOR")),
    "county-origin": (RENHUAI, Filters(date(2021, 1, 1), date(2025, 12, 31), origin="广东")),
}


def totals_of(engine, adcode, filters, kind, key=""):
    spec = pl.ListSpec(resolve_scope(engine, adcode), filters, pl.Entry(kind, str(key)))
    return pl.totals(engine, spec)


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request, demo_engine):
    adcode, filters = CASES[request.param]
    return demo_engine, adcode, filters, oracle.totals(demo_engine, adcode, filters)


def test_the_kpi_cards_and_funnel_steps(case):
    engine, adcode, filters, expected = case
    assert expected["projects"] > 20  # a case that can tell right from wrong
    every = totals_of(engine, adcode, filters, "all")
    assert (every.projects, every.contract_yuan, every.funds_yuan) == (
        expected["projects"], expected["contract_yuan"], expected["funds_to_date_yuan"])
    started = totals_of(engine, adcode, filters, "started")
    assert (started.projects, started.contract_yuan) == (expected["started"], expected["started_contract_yuan"])
    producing = totals_of(engine, adcode, filters, "producing")
    assert (producing.projects, producing.contract_yuan) == (expected["producing"],
                                                            expected["producing_contract_yuan"])
    assert totals_of(engine, adcode, filters, "in_park").projects == expected["in_park"]
    assert totals_of(engine, adcode, filters, "quality").projects == expected["quality"]
    assert totals_of(engine, adcode, filters, "funds").funds_yuan == expected["funds_in_period_yuan"]


def test_each_industry_and_source_bar(case):
    engine, adcode, filters, _ = case
    industries = oracle.by_industry(engine, adcode, filters)
    assert industries["projects"].sum() > 0
    for row in industries.itertuples():
        got = totals_of(engine, adcode, filters, "industry", row.code)
        assert (got.projects, got.contract_yuan) == (row.projects, row.contract_yuan), row.code
    for row in oracle.by_source(engine, adcode, filters).itertuples():
        got = totals_of(engine, adcode, filters, "source", row.source_region)
        assert (got.projects, got.contract_yuan) == (row.projects, row.contract_yuan), row.source_region


def test_each_month_of_the_trend(case):
    engine, adcode, filters, _ = case
    months = oracle.monthly(engine, adcode, filters)
    assert months["contract_yuan"].sum() > 0 and months["funds_yuan"].sum() > 0
    for row in months.itertuples():
        assert totals_of(engine, adcode, filters, "month", row.ym).contract_yuan == row.contract_yuan, row.ym
        assert totals_of(engine, adcode, filters, "month_funds", row.ym).funds_yuan == row.funds_yuan, row.ym


def test_the_stalled_lights_and_rows(case):
    engine, adcode, filters, _ = case
    expected = oracle.stalled(engine, adcode, filters)
    assert expected["red"] > 0
    for key, figure in (("", "pipeline"), ("yellow", "yellow"), ("red", "red")):
        assert totals_of(engine, adcode, filters, "stalled", key).projects == expected[figure], key
    spec = pl.ListSpec(resolve_scope(engine, adcode), filters, pl.Entry("stalled", ""))
    codes = pl.rows(engine, spec)["code"].tolist()
    assert sorted(codes) == sorted(expected["projects"]["code"])  # the very projects, not just as many


def test_each_chain_link(case):
    engine, adcode, filters, _ = case
    # The chain page reads links with the industry filter off.
    links = oracle.chain_links(engine, adcode, replace(filters, industry=None))
    busy = links[links["projects"] > 0]
    assert len(busy) > 5
    for row in busy.head(12).itertuples():
        got = totals_of(engine, adcode, filters, "link", row.link_id)
        assert (got.projects, got.contract_yuan) == (row.projects, row.contract_yuan), row.link_id
        assert totals_of(engine, adcode, filters, "link_started", row.link_id).projects == row.started
        assert totals_of(engine, adcode, filters, "link_pipeline", row.link_id).projects == \
            row.projects - row.started


def test_paging_sorting_and_column_filters_run_in_the_database(demo_engine):
    adcode, filters = CASES["province-2025"]
    spec = pl.ListSpec(resolve_scope(demo_engine, adcode), filters, pl.Entry("stalled", "red"))
    whole = pl.rows(demo_engine, spec, sort=pl.Sort("signed_on", False))
    pages = [pl.page(demo_engine, spec, sort=pl.Sort("signed_on", False), offset=o, limit=100)
             for o in range(0, len(whole), 100)]
    assert [c for p in pages for c in p["code"]] == whole["code"].tolist()
    assert whole["signed_on"].tolist() == sorted(whole["signed_on"])
    largest = pl.page(demo_engine, spec, limit=5)
    assert largest["contract_yuan"].tolist() == sorted(whole["contract_yuan"], reverse=True)[:5]
    # A text filter, checked against the rows it keeps; a money filter in 亿元.
    word = whole["county"].iloc[0]
    kept = pl.totals(demo_engine, spec, (pl.ColumnFilter("county", "in", (word,)),))
    assert kept.projects == int((whole["county"] == word).sum()) > 0
    big = pl.totals(demo_engine, spec, (pl.ColumnFilter("contract", "range", 5.0, None),))
    assert big.projects == int((whole["contract_yuan"] >= 499_500_000).sum())  # 5.00 亿元 or more, as shown
    # A wildcard is a character, not a pattern.
    assert pl.totals(demo_engine, spec, (pl.ColumnFilter("name", "contains", "%"),)).projects == 0
    # The export's stream: the same rows in the same order, a batch at a time.
    county = (pl.ColumnFilter("county", "in", (word,)),)
    streamed = list(pl.stream(demo_engine, spec, sort=pl.Sort("signed_on", True), filters=county, batch=7))
    frame = pl.rows(demo_engine, spec, sort=pl.Sort("signed_on", True), filters=county)
    assert [r["code"] for r in streamed] == frame["code"].tolist() and len(streamed) == kept.projects
    assert [int(r["contract_yuan"]) for r in streamed] == frame["contract_yuan"].tolist()
    assert list(streamed[0]) == pl.ROW_COLUMNS


def test_rows_hold_the_columns_of_the_issue_with_dates_as_of_the_period_end(demo_engine):
    adcode, filters = CASES["city-channel"]
    spec = pl.ListSpec(resolve_scope(demo_engine, adcode), filters, pl.Entry("all"))
    frame = pl.rows(demo_engine, spec)
    assert list(frame.columns) == pl.ROW_COLUMNS
    as_of = filters.date_to
    assert all(d is None or d <= as_of for d in frame["started_on"])
    with demo_engine.connect() as conn:
        later = conn.execute(text("SELECT COUNT(*) FROM project p WHERE p.city_adcode = :c AND p.channel = :ch "
                                  "AND p.signed_on BETWEEN :a AND :b AND p.started_on > :b"),
                             {"c": ZUNYI, "ch": "驻点招商", "a": filters.date_from, "b": as_of}).scalar()
    assert later > 0  # some started after the period: the list must not show those dates
    assert set(frame["status"]) <= {"签约未开工", "在建", "已投产"}


@pytest.mark.parametrize("query, problem", [
    ({"entry": "nonsense"}, "未知的清单入口"), ({"entry": "industry", "key": "NOPE"}, "未知的产业代码"),
    ({"entry": "month", "key": "202513"}, "月份"), ({"entry": "stalled", "key": "green"}, "预警级别"),
    ({"entry": "link", "key": "99999"}, "产业链环节"), ({"sort": "drop table"}, "排序"), ({"page": "0"}, "页码"),
])
def test_bad_list_urls_get_a_chinese_notice_and_a_list(query, problem):
    from urls import list_state

    state = list_state(query, cutoff=date(2025, 12, 31), first=date(2019, 1, 1), industries={"LIQUOR"}, links={1, 2})
    assert any(problem in p for p in state.problems), state.problems
    assert state.entry in pl.ENTRY_KINDS and state.page >= 1


# ------------------------------------------------------------------ the screens

def route(client, path: str, search: str = ""):
    resp = client.post("/_dash-update-component", json=router_payload(path, search))
    assert resp.status_code == 200, resp.data[:300]
    return resp.get_json()["response"]["_pages_content"]["children"]


def rows_request(cockpit, client, drawn: str, start: int = 0, end: int = 100, **extra):
    key, outputs = callback_outputs(cockpit.app, "pl-grid.getRowsResponse")
    request = {"startRow": start, "endRow": end, "sortModel": [], "filterModel": {}, **extra}
    body = {"output": key, "outputs": outputs,
            "inputs": [{"id": "pl-grid", "property": "getRowsRequest", "value": request}],
            "state": [{"id": "pl-drawn", "property": "data", "value": drawn},
                      {"id": "pl-paged", "property": "data", "value": True}],
            "changedPropIds": ["pl-grid.getRowsRequest"]}
    resp = client.post("/_dash-update-component", json=body)
    assert resp.status_code == 200, resp.data[:300]
    return resp.get_json()["response"]


CARD_FOOTER = {"kpi-projects": "pl-total-count", "kpi-contract": "pl-total-contract", "kpi-funds": "pl-total-funds",
               "kpi-quality": "pl-total-count"}


@pytest.mark.parametrize("path, search", [("/", ""), ("/region/520382", "?from=2021-01-01&to=2025-12-31&industry=LIQUOR"),
                                          ("/region/520300", "?from=2024-07-01&to=2025-09-30&channel=驻点招商")])
def test_each_card_link_opens_a_list_whose_footer_shows_the_cards_number(demo_cockpit, path, search):
    client = demo_cockpit.client
    page = route(client, path, search)
    for card, footer_id in CARD_FOOTER.items():
        link = find(page, f"{card}-list")
        assert link is not None, card
        pathname, _, query = prop(link, "href").partition("?")
        listed = route(client, pathname, "?" + query)
        assert text_of(find(listed, footer_id)) == kpi_value(page, card), card
    # The funnel's steps, the stalled lights, the bars and months are links too.
    hrefs = prop(find(page, "ov-list-hrefs"), "data")
    assert {"funnel:0", "funnel:1", "funnel:2", "trend:0:0", "trend:1:0"} <= set(hrefs)
    assert any(k.startswith("industry:") for k in hrefs) and any(k.startswith("source:") for k in hrefs)
    red = find(page, "ov-stalled-list-red")
    listed = route(client, *prop(red, "href").split("?")[0:1], "?" + prop(red, "href").split("?")[1])
    assert f"超6个月 {text_of(find(listed, 'pl-total-count'))}" in text_of(red)


@pytest.mark.parametrize("path, search, adcode", [("/", "?channel=驻点招商", None), ("/region/520300", "", 520300)])
def test_the_target_card_lists_the_years_projects_whatever_the_filters(demo_cockpit, demo_engine, path, search,
                                                                        adcode):
    from components.units import fmt_yi

    client = demo_cockpit.client
    page = route(client, path, search)
    link = find(page, "kpi-target-list")
    assert link is not None
    pathname, _, query = prop(link, "href").partition("?")
    listed = route(client, pathname, "?" + query)
    end = oracle.as_of(demo_engine, Filters())
    year = oracle.totals(demo_engine, adcode, Filters(date_from=date(end.year, 1, 1), date_to=end))
    assert text_of(find(listed, "pl-total-contract")) == fmt_yi(year["contract_yuan"])
    assert "channel" not in query  # the card counts every project of the region


def test_the_grid_pages_from_the_server_and_writes_its_state_in_the_url(demo_cockpit):
    client = demo_cockpit.client
    page = route(client, "/projects", "?entry=stalled&key=red")
    drawn = prop(find(page, "pl-drawn"), "data")
    got = rows_request(demo_cockpit, client, drawn, 100, 200, sortModel=[{"colId": "signed_on", "sort": "asc"}])
    response = got["pl-grid"]["getRowsResponse"]
    assert response["rowCount"] == int(text_of(find(page, "pl-total-count")).replace(",", ""))
    assert len(response["rowData"]) == 100
    assert response["rowData"][0]["href"] == f"/project/{response['rowData'][0]['code']}"
    assert got["pl-url"]["data"] == "/projects?entry=stalled&key=red&sort=signed_on&page=2"
    # A forged request the grid never sends: refused, not a 500.
    bad = rows_request(demo_cockpit, client, drawn, 0, 100_000)
    assert bad["pl-grid"]["getRowsResponse"] == {"rowData": [], "rowCount": 0}


@pytest.fixture(scope="module")
def audit_count(cockpit_app):
    from views.runtime import EXTENSION

    engine = cockpit_app.server.extensions[EXTENSION].engine

    def count() -> int:
        with engine.connect() as conn:
            return conn.execute(text("SELECT COUNT(*) FROM audit_log WHERE action = 'denied'")).scalar()
    return count


def test_a_county_analysts_lists_hold_only_the_county_forged_requests_included(cockpit_app, audit_count):
    from tests.conftest import signed_in

    county = signed_in(cockpit_app.server, role="analyst", region=RENHUAI)
    page = route(county, "/projects", "?from=2021-01-01&to=2025-12-31")
    drawn = prop(find(page, "pl-drawn"), "data")
    rows = rows_request(cockpit_app, county, drawn, 0, 500)["pl-grid"]["getRowsResponse"]["rowData"]
    assert rows and {r["county"] for r in rows} == {"仁怀市"}
    before = audit_count()
    for forged in ("?region=520300", "?region=520000", "?region=520102&entry=stalled"):
        refused = route(county, "/projects", forged)
        assert find(refused, "page-refused") is not None and find(refused, "pl-grid") is None
        got = rows_request(cockpit_app, county, forged)
        assert got["pl-grid"]["getRowsResponse"] == {"rowData": [], "rowCount": 0}
        assert "不在本账号的查看范围" in text_of(got["pl-message"]["children"])
    assert audit_count() >= before + 6  # each refusal is in the audit log


def test_a_viewer_sees_no_list_links_and_gets_a_refusal_for_a_forged_list(cockpit_app, audit_count):
    from tests.conftest import signed_in

    viewer = signed_in(cockpit_app.server, role="viewer", region=520000)
    page = route(viewer, "/")
    assert find(page, "kpi-projects-list") is None and prop(find(page, "ov-list-hrefs"), "data") == {}
    assert text_of(find(page, "ov-map-list")) == ""
    before = audit_count()
    refused = route(viewer, "/projects", "?entry=stalled&key=red")
    assert "需业务人员及以上权限" in text_of(refused) and find(refused, "pl-grid") is None
    got = rows_request(cockpit_app, viewer, "?entry=stalled&key=red")
    assert got["pl-grid"]["getRowsResponse"] == {"rowData": [], "rowCount": 0}
    assert audit_count() == before + 2


def test_the_chain_pages_link_figures_lead_to_their_lists(cockpit_app):
    from tests.conftest import signed_in
    from views.runtime import EXTENSION

    engine = cockpit_app.server.extensions[EXTENSION].engine
    with engine.connect() as conn:
        link = conn.execute(text("SELECT chain_link_id FROM project WHERE city_adcode = :c AND chain_link_id IS NOT NULL "
                                 "AND signed_on >= '2021-01-01' GROUP BY chain_link_id ORDER BY COUNT(*) DESC LIMIT 1"),
                            {"c": ZUNYI}).scalar()
    client = cockpit_app.client
    resp = client.post("/_dash-update-component",
                       json=router_payload("/chains", f"?region={ZUNYI}&link={link}", page="chains"))
    page = resp.get_json()["response"]["_pages_content"]["children"]
    for fact in ("ch-sum-actual", "ch-sum-realised", "ch-sum-pipeline"):
        pathname, _, query = prop(find(page, f"{fact}-list"), "href").partition("?")
        listed = route(client, pathname, "?" + query)
        assert text_of(find(page, fact)) == f"{text_of(find(listed, 'pl-total-contract'))} 亿元", fact
    viewer = signed_in(cockpit_app.server, role="viewer")
    resp = viewer.post("/_dash-update-component",
                       json=router_payload("/chains", f"?region={ZUNYI}&link={link}", page="chains"))
    assert find(resp.get_json()["response"]["_pages_content"]["children"], "ch-sum-actual-list") is None


def _heat_click_body(dash_app, customdata: str, drawn: str, hrefs: dict) -> dict:
    key = next(k for k, v in dash_app.callback_map.items()
               if any(i["id"] == "ch-heat" and i["property"] == "clickData" for i in v["inputs"]))
    cid, prop_name = key.strip(".").rsplit(".", 1)
    return {"output": key, "outputs": {"id": cid, "property": prop_name},
            "inputs": [{"id": "ch-heat", "property": "clickData",
                        "value": {"points": [{"curveNumber": 0, "customdata": customdata}]}}],
            "state": [{"id": "ch-drawn", "property": "data", "value": drawn},
                      {"id": "ch-link-hrefs", "property": "data", "value": hrefs}],
            "changedPropIds": ["ch-heat.clickData"]}


def _heat_target(client, dash_app, customdata, drawn, hrefs):
    resp = client.post("/_dash-update-component", json=_heat_click_body(dash_app, customdata, drawn, hrefs))
    assert resp.status_code in (200, 204), resp.data[:300]
    answer = {} if resp.status_code == 204 else resp.get_json()["response"]
    return answer["nav"]["href"] if answer else None  # nothing: no_update


@pytest.mark.parametrize("measure, footer_id", [("projects", "pl-total-count"), ("contract", "pl-total-contract")])
def test_a_heat_map_cell_opens_exactly_its_projects(cockpit_app, measure, footer_id):
    """Every non-blank cell of 遵义's heat map (county × link, with a channel filter): the list it
    opens has the cell's number as its footer total."""
    from tests.conftest import signed_in

    client = cockpit_app.client
    search = f"?region={ZUNYI}&industry=LIQUOR&measure={measure}&from=2021-01-01&to=2025-12-31"
    resp = client.post("/_dash-update-component", json=router_payload("/chains", search, page="chains"))
    page = resp.get_json()["response"]["_pages_content"]["children"]
    drawn, hrefs = prop(find(page, "ch-drawn"), "data"), prop(find(page, "ch-link-hrefs"), "data")
    trace = prop(find(page, "ch-heat"), "figure")["data"][0]
    cells = [(cd, hover) for row, hovers in zip(trace["customdata"], trace["hovertext"])
             for cd, hover in zip(row, hovers) if "项目 0 个" not in hover]
    assert len(cells) > 5
    for customdata, hover in cells:
        target = _heat_target(client, cockpit_app.app, customdata, drawn, hrefs)
        pathname, _, query = target.partition("?")
        region = customdata.split("@")[1]
        assert pathname == "/projects" and f"region={region}" in query and "entry=link" in query
        listed = route(client, pathname, "?" + query)
        count = int(text_of(find(listed, "pl-total-count")).replace(",", ""))
        assert f"项目 {count:,} 个" in hover, (customdata, hover)
        if measure == "contract":
            assert f"合同投资额 {text_of(find(listed, footer_id))} 亿元" in hover, (customdata, hover)
    # A forged cell in a region the user may not see goes nowhere; a viewer goes to the link.
    county = signed_in(cockpit_app.server, role="analyst", region=RENHUAI)
    forged = cells[0][0].split("@")[0] + "@520330"
    assert _heat_target(county, cockpit_app.app, forged, drawn, hrefs) is None
    assert _heat_target(county, cockpit_app.app, "<script>@x", drawn, hrefs) is None
    viewer = signed_in(cockpit_app.server, role="viewer")
    link_only = _heat_target(viewer, cockpit_app.app, cells[0][0], drawn, hrefs)
    assert link_only == hrefs[cells[0][0].split("@")[0]]
