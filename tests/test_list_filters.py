"""The project list's column filters are part of its URL: one canonical encoding, applied in the
database (each kind against independent SQL), shown in the grid, honoured by the footer and the
exports, checked (a bad value is a Chinese notice, never a 500), and never a way out of scope."""
from __future__ import annotations

import csv
import io
from datetime import date
from urllib.parse import quote

import pytest
from sqlalchemy import text

from data_access import project_list as pl
from data_access.project_list import ColumnFilter as CF
from data_access.scope import Filters, resolve_scope
from tests.test_drill_lists import route, rows_request
from tests.view_helpers import find, prop, text_of
from urls import list_filters as lf

ZUNYI, RENHUAI, XISHUI = 520300, 520382, 520330
YEARS = Filters(date(2021, 1, 1), date(2025, 12, 31))


# ------------------------------------------------------------------ the encoding

def test_one_canonical_form_both_ways():
    given = {"c_name": " 茅台 ", "c_county": "仁怀市,习水县,仁怀市", "c_contract": "1.50~10.0",
             "c_funds": "~0.5", "c_signed": "2024-01-01~2024-06-30", "c_started": "2024-03-01~"}
    filters, problems = lf.parse(given)
    assert problems == ()
    assert lf.query(filters) == {"c_name": "茅台", "c_county": "习水县,仁怀市", "c_contract": "1.5~10",
                                 "c_funds": "~0.5", "c_signed": "2024-01-01~2024-06-30", "c_started": "2024-03-01~"}
    # The grid's model drawn from them reads back as the same filters.
    model = lf.grid_model(filters)
    assert model["started_on"] == {"filterType": "date", "type": "greaterThan", "dateFrom": "2024-02-29 00:00:00",
                                   "dateTo": None}
    assert model["funds"] == {"filterType": "number", "type": "lessThanOrEqual", "filter": 0.5}
    assert lf.from_grid(model) == filters
    assert lf.canonical(lf.from_grid(model)) == filters


@pytest.mark.parametrize("key, value, problem", [
    ("c_contract", "abc", "不是数字"), ("c_contract", "5~1", "下限大于上限"), ("c_contract", "~", "范围为空"),
    ("c_funds", "1e99", "超出范围"), ("c_signed", "2024-13-01", "不是日期"), ("c_started", "1900-01-01~", "超出范围"),
    ("c_name", "字" * 51, "1–50个字"), ("c_county", ",,,", "1–20个值"), ("c_contract", "nan", "超出范围"),
])
def test_bad_values_are_dropped_with_a_notice(key, value, problem):
    filters, problems = lf.parse({key: value, "c_unit": "招商局"})
    assert filters == (CF("unit", "contains", "招商局"),)
    assert len(problems) == 1 and problem in problems[0] and "已忽略" in problems[0]


@pytest.mark.parametrize("model", [
    {"code": {"filterType": "text", "type": "contains", "filter": "x"}},          # no such filter column
    {"name": {"filterType": "text", "type": "startsWith", "filter": "x"}},        # an option the grid does not offer
    {"county": {"filterType": "text", "operator": "AND", "conditions": [
        {"filterType": "text", "type": "equals", "filter": "a"},
        {"filterType": "text", "type": "equals", "filter": "b"}]}},
    {"contract": {"filterType": "number", "type": "inRange", "filter": 1, "filterTo": "DROP"}},
    {"signed_on": {"filterType": "date", "type": "equals", "dateFrom": "x"}}, [1, 2], "text",
])
def test_a_forged_grid_model_is_refused(model):
    with pytest.raises(lf.BadFilter):
        lf.from_grid(model)


# ------------------------------------------------------------------ in the database

def _sql_rows(engine, adcode: int, filters: Filters) -> list:
    """The period's projects of a county with what the filters read, independently of the list."""
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT p.code, p.name, e.name AS investor, r.name AS county, p.channel, p.contract_yuan, p.signed_on, "
            "p.responsible_unit AS unit FROM project p JOIN enterprise e ON e.id = p.enterprise_id "
            "JOIN region r ON r.adcode = p.county_adcode WHERE p.county_adcode = :a AND p.signed_on BETWEEN :f AND :t "
            "AND (p.terminated_on IS NULL OR p.terminated_on > :t)"),
            {"a": adcode, "f": filters.date_from, "t": filters.date_to}).mappings().all()
    return [{**r, "signed_on": r["signed_on"] if isinstance(r["signed_on"], date)
             else date.fromisoformat(str(r["signed_on"]))} for r in rows]


def test_each_kind_of_filter_against_sql(demo_engine):
    spec = pl.ListSpec(resolve_scope(demo_engine, RENHUAI), YEARS, pl.Entry("all"))
    rows = _sql_rows(demo_engine, RENHUAI, YEARS)
    assert pl.totals(demo_engine, spec).projects == len(rows) > 20
    word = rows[0]["name"][2:4]
    investor_word = rows[0]["investor"][:3]
    channels = tuple(sorted({r["channel"] for r in rows})[:2])
    checks = [
        (CF("name", "contains", word), lambda r: word in r["name"]),
        (CF("investor", "contains", investor_word), lambda r: investor_word in r["investor"]),
        (CF("channel", "in", channels), lambda r: r["channel"] in channels),
        (CF("county", "in", ("习水县",)), lambda r: False),
        (CF("contract", "range", 1.0, 5.0), lambda r: 99_500_000 <= r["contract_yuan"] < 500_500_000),
        (CF("contract", "range", None, 0.5), lambda r: r["contract_yuan"] < 50_500_000),
        (CF("signed_on", "range", date(2023, 1, 1), date(2023, 12, 31)),
         lambda r: date(2023, 1, 1) <= r["signed_on"] <= date(2023, 12, 31)),
        (CF("signed_on", "equals", rows[0]["signed_on"]), lambda r: r["signed_on"] == rows[0]["signed_on"]),
    ]
    for f, keep in checks:
        kept = [r for r in rows if keep(r)]
        got = pl.totals(demo_engine, spec, (f,))
        assert (got.projects, got.contract_yuan) == (len(kept), sum(r["contract_yuan"] for r in kept)), f
        page = pl.page(demo_engine, spec, filters=(f,), limit=None)
        assert sorted(page["code"]) == sorted(r["code"] for r in kept), f
    # Together: the filters are AND-ed.
    both = (checks[2][0], checks[6][0])
    assert pl.totals(demo_engine, spec, both).projects == \
        sum(1 for r in rows if checks[2][1](r) and checks[6][1](r))


# ------------------------------------------------------------------ on screen, in exports, in scope

FILTERED = "?region=520382&from=2021-01-01&to=2025-12-31&c_contract=1~&c_signed=2023-01-01~2024-12-31"


def _expected(engine) -> tuple[int, int]:
    rows = [r for r in _sql_rows(engine, RENHUAI, YEARS) if r["contract_yuan"] >= 99_500_000
            and date(2023, 1, 1) <= r["signed_on"] <= date(2024, 12, 31)]
    return len(rows), sum(r["contract_yuan"] for r in rows)


def test_a_filtered_list_url_draws_its_filters_and_footer(cockpit_app):
    from components.units import fmt_int, fmt_yi
    from views.runtime import EXTENSION

    engine = cockpit_app.server.extensions[EXTENSION].engine
    count, contract = _expected(engine)
    page = route(cockpit_app.client, "/projects", FILTERED)
    assert text_of(find(page, "pl-filtered-count")) == fmt_int(count)
    assert text_of(find(page, "pl-filtered-contract")) == fmt_yi(contract)
    assert "合同投资额不低于 1 亿元" in text_of(find(page, "pl-filtered"))
    grid = find(page, "pl-grid")
    model = prop(grid, "dashGridOptions")["initialState"]["filter"]["filterModel"]
    assert lf.from_grid(model) == lf.parse({"c_contract": "1~", "c_signed": "2023-01-01~2024-12-31"})[0]
    drawn = prop(find(page, "pl-drawn"), "data")
    assert drawn == FILTERED
    # The grid asks with that model: the rows and the URL it writes back keep the filters.
    got = rows_request(cockpit_app, cockpit_app.client, drawn, 0, 100, filterModel=model)
    assert got["pl-grid"]["getRowsResponse"]["rowCount"] == count
    assert got["pl-url"]["data"] == "/projects" + FILTERED
    # A filter changed in the grid: the URL says so, in canonical form.
    model2 = {**model, "name": {"filterType": "text", "type": "contains", "filter": " 项目 "}}
    got = rows_request(cockpit_app, cockpit_app.client, drawn, 0, 100, filterModel=model2)
    named = FILTERED.replace("&c_contract", "&c_name=%E9%A1%B9%E7%9B%AE&c_contract")  # 项目, trimmed, before money
    assert got["pl-url"]["data"] == "/projects" + named
    forged = rows_request(cockpit_app, cockpit_app.client, drawn, 0, 100,
                          filterModel={"code": {"filterType": "text", "type": "contains", "filter": "x"}})
    assert forged["pl-grid"]["getRowsResponse"] == {"rowData": [], "rowCount": 0}
    assert "筛选条件无效" in text_of(forged["pl-message"]["children"])


def test_bad_filter_values_in_a_url_get_a_notice_not_an_error(cockpit_app):
    page = route(cockpit_app.client, "/projects", "?c_contract=lots&c_signed=yesterday&c_name=%25")
    notice = text_of(find(page, "pl-problems"))
    assert "合同投资额" in notice and "签约日期" in notice and find(page, "pl-grid") is not None
    assert prop(find(page, "pl-drawn"), "data") == "?c_name=%25"  # the good one stays


def test_the_export_writes_the_filtered_rows(cockpit_app):
    from tests.conftest import signed_in
    from views.runtime import EXTENSION

    engine = cockpit_app.server.extensions[EXTENSION].engine
    count, _ = _expected(engine)
    client = signed_in(cockpit_app.server, role="analyst", region=520000)
    resp = client.get(f"/export/list?view={quote('/projects' + FILTERED, safe='')}&format=csv")
    assert resp.status_code == 200
    rows = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))
    header = next(i for i, r in enumerate(rows) if r and r[0] == "项目编号")
    assert len(rows) - header - 1 == count  # the filtered rows, not the list's whole


def test_column_filters_never_leave_the_scope(cockpit_app):
    from tests.conftest import signed_in

    county = signed_in(cockpit_app.server, role="analyst", region=RENHUAI)
    # Asking for another county's rows by a filter finds nothing; the region stays the user's.
    page = route(county, "/projects", "?from=2021-01-01&to=2025-12-31&c_county=习水县")
    assert text_of(find(page, "pl-filtered-count")) == "0"
    drawn = prop(find(page, "pl-drawn"), "data")
    model = {"county": {"filterType": "text", "type": "equals", "filter": "习水县"}}
    got = rows_request(cockpit_app, county, drawn, 0, 100, filterModel=model)
    assert got["pl-grid"]["getRowsResponse"]["rowCount"] == 0
