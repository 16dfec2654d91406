"""A drill-to-detail list as Excel and CSV: the rows of the list in its scope (their count and
sums equal an independent query's), numbers as numbers with units in the headers, dates as
dates, a header block saying what it is, formulas neutralised, refusals for forged requests."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime
from urllib.parse import quote

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook
from sqlalchemy import text

from exports.sheets import Column, csv_bytes, neutralise, xlsx
from tests.conftest import signed_in


def export(client, view: str, fmt: str = "xlsx"):
    route = "warnings" if view.startswith("/warnings") else "list"
    return client.get(f"/export/{route}?view={quote(view, safe='')}&format={fmt}")


def sheet_rows(data: bytes) -> tuple[dict, list[str], list[tuple]]:
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    blank = rows.index(next(r for r in rows[1:] if all(v is None for v in r)))
    block = {r[0]: r[1] for r in rows[1:blank]}
    return block, list(rows[blank + 1]), rows[blank + 2:]


def oracle_stalled(engine, adcode: int | None) -> tuple[int, int]:
    """Projects signed in the data's last year, not started nor terminated by its cut-off and
    waiting more than 180 days: count and contract value (the list's 签约未开工 · 超6个月)."""
    with engine.connect() as conn:
        cutoff = date.fromisoformat(conn.scalar(text("SELECT value FROM dataset_info WHERE key = 'data_cutoff'")))
        rows = conn.execute(text(
            "SELECT signed_on, contract_yuan, county_adcode, city_adcode FROM project WHERE signed_on >= :a "
            "AND signed_on <= :b AND (started_on IS NULL OR started_on > :b) "
            "AND (terminated_on IS NULL OR terminated_on > :b)"),
            {"a": date(cutoff.year, 1, 1), "b": cutoff}).all()
    hit = [r for r in rows if (cutoff - (r[0] if isinstance(r[0], date) else date.fromisoformat(r[0]))).days > 180
           and (adcode is None or adcode in (r[2], r[3]))]
    return len(hit), sum(int(r[1]) for r in hit)


@pytest.mark.parametrize("adcode", [None, 520300, 520382])
def test_the_stalled_list_exports_exactly_its_projects(demo_cockpit, demo_engine, adcode):
    client = signed_in(demo_cockpit.server, role="analyst", region=520000)
    view = "/projects?entry=stalled&key=red" + (f"&region={adcode}" if adcode else "")
    resp = export(client, view)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    block, header, rows = sheet_rows(resp.data)
    count, contract = oracle_stalled(demo_engine, adcode)
    assert len(rows) == count and block["项目数"] == f"{count:,}"
    assert header[9] == "合同投资额（亿元）" and header[11] == "签约日期"
    # Each row is rounded to 0.01 亿元 as on screen: the sum is within half a cent per row.
    assert abs(sum(r[9] for r in rows) - contract / 1e8) <= 0.005 * count + 1e-6
    assert all(isinstance(r[9], (int, float)) and isinstance(r[11], datetime) for r in rows)
    assert all(r[12] is None for r in rows)  # none of them started
    with demo_engine.connect() as conn:
        name = conn.scalar(text("SELECT name FROM region WHERE adcode = :a"), {"a": adcode or 520000})
    assert block["地区"] == name and "数据截至" in block


def test_csv_has_a_bom_and_the_same_rows(cockpit_app):
    client = cockpit_app.client
    xl = sheet_rows(export(client, "/projects?entry=stalled&key=red&region=520300").data)[2]
    resp = export(client, "/projects?entry=stalled&key=red&region=520300", "csv")
    assert resp.status_code == 200 and resp.data.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))
    start = lines.index(next(r for r in lines if r and r[0] == "项目编号"))
    assert [r[0] for r in lines[start + 1:]] == [r[0] for r in xl]


def test_a_county_analyst_exports_only_their_county(cockpit_app):
    client = signed_in(cockpit_app.server, role="analyst", region=520382)
    for forged in ("/projects?region=520300", "/projects?region=520000", "/projects?region=520102&entry=stalled"):
        resp = export(client, forged)
        assert resp.status_code == 403 and not resp.data.startswith(b"PK"), forged
    block, _, rows = sheet_rows(export(client, "/projects").data)
    assert block["地区"] == "仁怀市" and rows and {r[3] for r in rows} == {"仁怀市"}


@pytest.mark.parametrize("role", ["viewer"])
def test_roles_without_export_are_refused(cockpit_app, role):
    client = signed_in(cockpit_app.server, role=role, region=520000)
    assert export(client, "/projects").status_code == 403
    assert cockpit_app.server.test_client().get("/export/list?view=%2Fprojects").status_code in (302, 401)


def test_bad_export_requests_get_400_or_404(cockpit_app):
    client = cockpit_app.client
    assert export(client, "/projects", "exe").status_code == 400
    assert export(client, "http://evil/").status_code == 400
    assert export(client, "/region/520300").status_code == 404  # not a list
    assert export(client, "/projects?region=999999").status_code == 404


def test_exports_are_audited(cockpit_app):
    client = signed_in(cockpit_app.server, role="analyst", region=520300)
    export(client, "/projects?region=520300&entry=stalled")
    engine = cockpit_app.server.extensions["cockpit"].engine
    with engine.connect() as conn:
        row = conn.execute(text("SELECT target, region_adcode FROM audit_log WHERE action = 'export' AND actor = "
                                "'test-analyst-520300' ORDER BY id DESC")).first()
    assert row[0].startswith("项目清单 XLSX") and row[1] == 520300


@pytest.mark.parametrize("value", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", "=HYPERLINK(\"http://x\")"])
def test_text_that_would_run_as_a_formula_is_neutralised(value):
    assert neutralise(value) == "'" + value
    columns = [Column("name", "项目名称"), Column("v", "合同投资额（亿元）", "yuan"), Column("d", "签约日期", "date")]
    rows = [{"name": value, "v": 123_456_789, "d": "2024-03-15"}]
    body = xlsx("清单", [("地区", value)], columns, rows)
    # Values as Excel reads them: a carriage return is stored escaped (_x000D_, as XML would turn a
    # raw one into a line feed), which calamine decodes like Excel and openpyxl does not.
    cells = CalamineWorkbook.from_filelike(io.BytesIO(body)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    assert cells[1][1] == "'" + value and cells[-1][0] == "'" + value
    assert cells[-1][1] == 1.23 and cells[-1][2] in (date(2024, 3, 15), datetime(2024, 3, 15))
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet.cell(len(cells), 1).data_type == "s"  # text, never a formula
    assert sheet.cell(len(cells), 3).number_format == "yyyy-mm-dd"
    parsed = list(csv.reader(io.StringIO(csv_bytes([("地区", value)], columns, rows).decode("utf-8-sig"),
                                         newline="")))
    assert parsed[0][1] == "'" + value and parsed[-1][0] == "'" + value


def test_negative_numbers_stay_numbers():
    columns = [Column("v", "差额（亿元）", "yuan")]
    book = load_workbook(io.BytesIO(xlsx("t", [], columns, [{"v": -250_000_000}])))
    assert list(book.active.iter_rows(values_only=True))[-1][0] == -2.5


def test_the_warnings_list_exports_the_projects_its_card_counts(cockpit_app):
    from data_access import warnings as rules
    from data_access.scope import Filters
    from views.runtime import current
    from views.warnings import read_settings
    from tests.conftest import acting

    client = signed_in(cockpit_app.server, role="analyst", region=520000)
    resp = export(client, "/warnings?region=520300&rule=stall&light=red")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    block, header, rows = sheet_rows(resp.data)
    with acting(cockpit_app.server, role="analyst", region=520000):
        rt = current()
        scope = rt.grant().scope(520300)
        counts = rules.counts_by_county(rt.engine, scope, Filters(), read_settings(rt))
    assert len(rows) == sum(c["stall_red"] for c in counts.values()) > 0
    assert {r[0] for r in rows} == {"红灯"} and header[:3] == ["预警", "项目编号", "项目名称"]
    assert block["预警"] == "签约未开工 · 红灯" and block["地区"] == "遵义市"

    county = signed_in(cockpit_app.server, role="analyst", region=520382)
    assert export(county, "/warnings?region=520300").status_code == 403
    viewer = signed_in(cockpit_app.server, role="viewer", region=520000)
    assert export(viewer, "/warnings").status_code == 403
