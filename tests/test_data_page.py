"""数据管理 through the page, as a browser drives it: who may open it, upload → staged preview →
confirm (all or nothing) → the cockpit's figures, rollback, and what a forged request gets.

The rules of reading and validating files are tested in tests/test_import_*.py; here the page's
wiring, its scope and its refusals, on SQLite and PostgreSQL, on a database that starts empty.
"""
from __future__ import annotations

import base64
import io
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from data_access import imports, version
from data_access.schema import ensure_schema
from tests.auth_helpers import dependency_payload, find_dependency, unique
from tests.conftest import BACKENDS, signed_in
from tests.view_helpers import router_payload, text_of

UPDATE = "/_dash-update-component"


@pytest.fixture(scope="module", params=BACKENDS)
def cockpit(request, backend_url, cockpit_for):
    """The cockpit on a database with the schema and reference data and no projects."""
    from data_access.db import get_engine

    url = backend_url(request.param)
    ensure_schema(get_engine(url))
    return cockpit_for(url)


@pytest.fixture(scope="module")
def engine(cockpit):
    from views.runtime import EXTENSION

    return cockpit.server.extensions[EXTENSION].engine


def template_rows(engine, kind: str = "projects") -> tuple[list[str], list[list]]:
    """The template's headers and example row: a file the importer must take as it is."""
    book = load_workbook(io.BytesIO(imports.build_template(engine, kind)))
    sheet = book.worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(rows) if "项目编号" in [str(v).strip() if v else "" for v in row])
    return [str(v) for v in rows[header] if v], rows[header + 1]


def csv_of(headers: list[str], rows: list[list]) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else (v.isoformat() if hasattr(v, "isoformat") else v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def project_file(engine, code: str, *, county: str | None = None) -> bytes:
    headers, example = template_rows(engine)
    row = list(example[:len(headers)])
    row[headers.index("项目编号")] = code
    row[headers.index("项目名称")] = f"页面导入测试项目{code}"
    if county is not None:
        row[headers.index("县(市、区)")] = county
        if "园区" in headers:
            row[headers.index("园区")] = None
    return csv_of(headers, [row])


def call(client, input_id: str, prop: str, values: dict):
    dep = find_dependency(client, input_id, prop)
    return client.post(UPDATE, json=dependency_payload(dep, values, f"{input_id}.{prop}"))


def upload(client, data: bytes, name: str = "台账.csv", kind: str = "projects"):
    contents = "data:text/csv;base64," + base64.b64encode(data).decode()
    return call(client, "dm-upload", "contents", {"dm-upload.contents": contents, "dm-upload.filename": name,
                                                  "dm-kind.value": kind, "dm-sheet.value": None})


def staged_from(resp) -> dict:
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    href = resp.get_json()["response"]["nav"]["href"]
    query = {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}
    assert urlsplit(href).path == "/data" and query["upload"]
    return {"token": query["upload"], "kind": query.get("kind"), "sheet": query.get("sheet")}


def preview(client, staged: dict) -> str:
    resp = call(client, "dm-token", "data", {"dm-token.data": staged})
    assert resp.status_code == 200
    children = resp.get_json()["response"]["dm-preview"]["children"]
    # The text on screen and the error grid's rows (AG Grid holds them as data).
    return text_of(children) + json.dumps(children, ensure_ascii=False)


def confirm(client, staged: dict):
    return call(client, "dm-confirm", "n_clicks", {"dm-confirm.n_clicks": 1, "dm-cancel.n_clicks": None,
                                                   "dm-token.data": staged})


def project_count(engine, code: str | None = None) -> int:
    with engine.connect() as conn:
        if code:
            return conn.scalar(text("SELECT count(*) FROM project WHERE code = :c"), {"c": code})
        return conn.scalar(text("SELECT count(*) FROM project"))


def page(client, search: str = "") -> str:
    resp = client.post(UPDATE, json=router_payload("/data", search))
    assert resp.status_code == 200
    return text_of(resp.get_json()["response"]["_pages_content"]["children"])


# ------------------------------------------------------------------ who may open it

@pytest.mark.parametrize("role", ["viewer", "analyst"])
def test_roles_without_import_are_refused_the_page_and_its_callbacks(cockpit, engine, role):
    client = signed_in(cockpit.server, role=role, region=520000)
    assert "无权访问数据管理" in page(client)
    before = project_count(engine)
    resp = upload(client, project_file(engine, unique("X")))
    assert resp.status_code == 200 and "无权" in resp.get_data(as_text=True)
    assert "nav" not in resp.get_json()["response"]
    assert project_count(engine) == before
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert "数据管理" not in layout


def test_a_data_manager_sees_the_page_and_the_header_link(cockpit):
    client = signed_in(cockpit.server, role="data_manager", region=520000)
    body = page(client)
    assert "数据管理" in body and "导入范围：贵州省" in body and "下载模板" in body
    assert "数据管理" in client.get("/_dash-layout").get_data(as_text=True)


# ------------------------------------------------------------------ the whole path

def test_upload_preview_confirm_rollback(cockpit, engine):
    client = signed_in(cockpit.server, role="data_manager", region=520000)
    code = unique("PG")[:20]
    staged = staged_from(upload(client, project_file(engine, code)))
    assert "正在读取并逐行校验" in page(client, f"?upload={staged['token']}&kind=projects")
    shown = preview(client, staged)
    assert "全部行校验通过" in shown and "导入后驾驶舱将显示" in shown
    assert project_count(engine, code) == 0  # a preview writes nothing

    with engine.connect() as conn:
        before = version.read(conn)
    resp = confirm(client, staged)
    href = resp.get_json()["response"]["nav"]["href"]
    batch = int(parse_qs(urlsplit(href).query)["batch"][0])
    assert project_count(engine, code) == 1
    with engine.connect() as conn:
        assert version.read(conn) != before
        audited = conn.scalar(text("SELECT count(*) FROM audit_log WHERE action = 'import' AND actor = :a"),
                              {"a": "test-data_manager-520000"})
    assert audited >= 1
    assert f"批次 {batch}" in page(client, f"?batch={batch}")
    # Every open screen learns of it (the version it polls), and real data carries no demo badge.
    assert client.get("/api/data-version").get_json()["version"] != before
    assert "演示数据" not in client.get("/_dash-layout").get_data(as_text=True)

    # Rollback: the confirm dialog's submit, then the project is gone again.
    resp = call(client, "dm-rollback-confirm", "submit_n_clicks",
                {"dm-rollback-confirm.submit_n_clicks": 1, "dm-rollback-pick.value": batch})
    assert resp.status_code == 200 and "rolled" in resp.get_json()["response"]["nav"]["href"]
    assert project_count(engine, code) == 0


def test_another_user_cannot_use_a_staged_upload(cockpit, engine):
    owner = signed_in(cockpit.server, role="data_manager", region=520000)
    staged = staged_from(upload(owner, project_file(engine, unique("PS")[:20])))
    other = signed_in(cockpit.server, role="admin", region=520000)
    assert "已失效" in preview(other, staged)
    resp = confirm(other, staged)
    assert "nav" not in resp.get_json()["response"]
    assert "已失效" in text_of(resp.get_json()["response"]["dm-preview"]["children"])


def test_a_county_data_manager_cannot_import_another_countys_rows(cockpit, engine):
    client = signed_in(cockpit.server, role="data_manager", region=520382)  # 仁怀市
    code = unique("PC")[:20]
    staged = staged_from(upload(client, project_file(engine, code, county="花溪区")))
    shown = preview(client, staged)
    assert "不合格" in shown and "管辖范围" in shown
    resp = confirm(client, staged)  # forged: the button is disabled on screen
    assert "nav" not in resp.get_json()["response"]
    assert project_count(engine, code) == 0


def test_garbage_and_undecodable_files_get_a_chinese_message(cockpit):
    client = signed_in(cockpit.server, role="data_manager", region=520000)
    resp = call(client, "dm-upload", "contents", {"dm-upload.contents": "data:text/csv;base64,@@@",
                                                  "dm-upload.filename": "a.csv", "dm-kind.value": "auto"})
    assert resp.status_code == 200 and "上传不完整" in resp.get_data(as_text=True)
    resp = upload(client, b"x", name="evil.exe")
    assert "不是 .xlsx" in resp.get_data(as_text=True)
    staged = staged_from(upload(client, "项目编号,项目名称\n".encode("utf-8") + bytes([0xFF, 0xFE, 0x81]) * 50,
                                kind="auto"))
    assert "编码" in preview(client, staged)


def test_only_a_data_manager_may_send_a_large_callback_body(cockpit):
    big = b"a" * (2 * 1024 * 1024)
    analyst = signed_in(cockpit.server, role="analyst", region=520000)
    body = {"output": "x.children", "outputs": {"id": "x", "property": "children"}, "inputs": [],
            "changedPropIds": [], "pad": big.decode()}
    assert analyst.post(UPDATE, json=body).status_code == 413
    manager = signed_in(cockpit.server, role="data_manager", region=520000)
    assert manager.post(UPDATE, json=body).status_code != 413
