"""The pages' tables as Excel and CSV (/export/table): the chain page's four, the rankings, the
warnings page's regions behind target and the audit log. Figures equal an independent query's;
numbers are numbers with units in the headers; a forged region gets 403 and no file."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from urllib.parse import quote

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from components.units import yi_value
from data_access.scope import Filters
from tests import oracle
from tests.conftest import signed_in

PERIOD = {"from": "2024-01-01", "to": "2025-06-30"}


def export(client, view: str, table: str, fmt: str = "xlsx"):
    return client.get(f"/export/table?view={quote(view, safe='')}&table={table}&format={fmt}")


def sheet(resp) -> tuple[dict, list[str], list[dict]]:
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    assert resp.data.startswith(b"PK")
    rows = list(load_workbook(io.BytesIO(resp.data)).active.iter_rows(values_only=True))
    blank = rows.index(next(r for r in rows[1:] if all(v is None for v in r)))
    block = {r[0]: r[1] for r in rows[1:blank]}
    header = list(rows[blank + 1])
    return block, header, [dict(zip(header, r)) for r in rows[blank + 2:]]


def busiest_industry(engine, city: int) -> str:
    with engine.connect() as conn:
        return conn.scalar(text(
            "SELECT l.industry_code FROM project p JOIN chain_link l ON l.id = p.chain_link_id "
            "WHERE p.city_adcode = :c AND p.signed_on >= :a AND p.signed_on <= :b "
            "GROUP BY l.industry_code ORDER BY COUNT(*) DESC, l.industry_code LIMIT 1"),
            {"c": city, "a": date(2024, 1, 1), "b": date(2025, 6, 30)})


def chain_view(engine, region: int) -> tuple[str, str]:
    """A chain view of Zunyi's busiest industry in PERIOD, its busiest link in focus."""
    industry = busiest_industry(engine, 520300)
    with engine.connect() as conn:
        link = conn.scalar(text(
            "SELECT p.chain_link_id FROM project p JOIN chain_link l ON l.id = p.chain_link_id "
            "WHERE p.city_adcode = 520300 AND l.industry_code = :i AND p.signed_on >= :a AND p.signed_on <= :b "
            "GROUP BY p.chain_link_id ORDER BY COUNT(*) DESC, p.chain_link_id LIMIT 1"),
            {"i": industry, "a": date(2024, 1, 1), "b": date(2025, 6, 30)})
    return (f"/chains?region={region}&industry={industry}&link={link}&from={PERIOD['from']}&to={PERIOD['to']}",
            industry)


def link_names(engine) -> dict[int, str]:
    with engine.connect() as conn:
        return dict(conn.execute(text("SELECT id, name FROM chain_link")).all())


def test_the_chain_gaps_hold_each_links_figures(demo_cockpit, demo_engine):
    client = signed_in(demo_cockpit.server, role="analyst", region=520000)
    view, industry = chain_view(demo_engine, 520300)
    block, header, rows = sheet(export(client, view, "chain_gaps"))
    filters = Filters(date_from=date(2024, 1, 1), date_to=date(2025, 6, 30))
    expected = oracle.chain_links(demo_engine, 520300, filters, industry)
    names = link_names(demo_engine)
    assert rows and expected["projects"].sum() > 0
    assert [r["环节"] for r in rows] == [names[i] for i in expected["link_id"]]
    assert [r["已有项目数（个）"] for r in rows] == list(expected["projects"])
    assert [r["已有合同投资额（亿元）"] for r in rows] == [yi_value(v) for v in expected["contract_yuan"]]
    assert [r["已开工(含投产)项目数（个）"] for r in rows] == list(expected["started"])
    assert [r["签约未开工项目数（个）"] for r in rows] == list(expected["projects"] - expected["started"])
    assert all(isinstance(r["已有合同投资额（亿元）"], float) for r in rows)
    assert block["地区"] == "遵义市" and block["统计期间"] == "2024-01-01 至 2025-06-30"
    assert "评估口径" in block["筛选"] and block["行数"] == str(len(rows))


def test_the_chain_grid_holds_each_county_and_a_county_sees_its_own(cockpit_app):
    engine = cockpit_app.server.extensions["cockpit"].engine
    view, industry = chain_view(engine, 520300)
    client = signed_in(cockpit_app.server, role="analyst", region=520300)
    _, _, rows = sheet(export(client, view, "chain_grid"))
    filters = Filters(date_from=date(2024, 1, 1), date_to=date(2025, 6, 30))
    with engine.connect() as conn:
        counties = [r[0] for r in conn.execute(text("SELECT adcode FROM region WHERE parent_adcode = 520300"))]
    assert {r["行政区划代码"] for r in rows} == set(counties)
    for county in counties[:3]:
        expected = oracle.chain_links(engine, county, filters, industry)
        got = {r["环节"]: (r["已有项目数（个）"], r["已有合同投资额（亿元）"]) for r in rows if r["行政区划代码"] == county}
        names = link_names(engine)
        assert got == {names[i]: (p, yi_value(c)) for i, p, c in
                       zip(expected["link_id"], expected["projects"], expected["contract_yuan"])}
    # A county analyst: their county's column only, and their county's view only.
    county_client = signed_in(cockpit_app.server, role="analyst", region=520382)
    _, _, own = sheet(export(county_client, view.replace("region=520300", "region=520382"), "chain_grid"))
    assert {r["地区"] for r in own} == {"仁怀市"}
    for forged in ("chain_grid", "chain_gaps", "chain_projects", "chain_candidates"):
        resp = export(county_client, view, forged)
        assert resp.status_code == 403 and not resp.data.startswith(b"PK"), forged


def test_the_links_projects_and_candidates(cockpit_app):
    engine = cockpit_app.server.extensions["cockpit"].engine
    view, industry = chain_view(engine, 520300)
    client = cockpit_app.client
    block, header, rows = sheet(export(client, view, "chain_projects"))
    link = block["内容"].removesuffix("在库项目")
    with engine.connect() as conn:
        link_id = conn.scalar(text("SELECT id FROM chain_link WHERE name = :n AND industry_code = :i"),
                              {"n": link, "i": industry})
        expected = conn.execute(text(
            "SELECT code, contract_yuan, signed_on FROM project WHERE chain_link_id = :l AND city_adcode = 520300 "
            "AND signed_on >= :a AND signed_on <= :b AND (terminated_on IS NULL OR terminated_on > :b)"),
            {"l": link_id, "a": date(2024, 1, 1), "b": date(2025, 6, 30)}).all()
    assert rows and sorted(r["项目编号"] for r in rows) == sorted(e[0] for e in expected)
    by_code = {e[0]: e for e in expected}
    for r in rows:
        assert r["合同投资额（亿元）"] == yi_value(by_code[r["项目编号"]][1])
        assert r["签约日期"] == datetime.fromisoformat(str(by_code[r["项目编号"]][2])[:10])
    assert header[:3] == ["项目编号", "项目名称", "投资方"]
    _, cheader, _ = sheet(export(client, view, "chain_candidates"))
    assert cheader[:2] == ["企业", "推荐分"] and "意向投资额（亿元）" in cheader
    viewer = signed_in(cockpit_app.server, role="viewer", region=520000)
    assert export(viewer, view, "chain_projects").status_code == 403


def test_the_rankings_table_holds_each_citys_achievement_and_target(demo_cockpit, demo_engine):
    client = signed_in(demo_cockpit.server, role="analyst", region=520000)
    with demo_engine.connect() as conn:
        year = oracle.cutoff(conn).year
        targets = {int(a): (int(c), int(n)) for a, c, n in conn.execute(text(
            "SELECT region_adcode, contract_yuan, projects FROM annual_target WHERE year = :y"), {"y": year})}
        cities = dict(conn.execute(text("SELECT adcode, name FROM region WHERE level = 'city'")).all())
    block, header, rows = sheet(export(client, "/rankings", "rankings"))
    assert {r["行政区划代码"] for r in rows} == set(cities)
    as_of = oracle.as_of(demo_engine, Filters(date_to=date(year, 12, 31)))
    for r in rows[:4]:
        totals = oracle.totals(demo_engine, r["行政区划代码"], Filters(date_from=date(year, 1, 1), date_to=as_of))
        assert r["地区"] == cities[r["行政区划代码"]]
        assert r["合同投资额完成（亿元）"] == yi_value(totals["contract_yuan"])
        assert r["签约项目数完成（个）"] == totals["projects"]
        target = targets.get(r["行政区划代码"])
        assert r["合同投资额目标（亿元）"] == (yi_value(target[0]) if target else None)
        assert r["签约项目数目标（个）"] == (target[1] if target else None)
    assert f"{year}年" in block["统计期间"]
    county = signed_in(demo_cockpit.server, role="analyst", region=520382)
    assert export(county, "/rankings?region=520300", "rankings").status_code == 403
    _, own_header, own = sheet(export(county, "/rankings?region=520382", "rankings"))
    assert [r["地区"] for r in own] == ["仁怀市"] and "综合排名" not in own_header  # no ranks for one row


def test_the_warnings_regions_behind_target(cockpit_app):
    engine = cockpit_app.server.extensions["cockpit"].engine
    block, header, rows = sheet(export(cockpit_app.client, "/warnings", "regions"))
    assert rows and header[:4] == ["预警", "地区", "行政区划代码", "指标"]
    year = int(block["统计期间"][:4])
    as_of = oracle.as_of(engine, Filters())
    for r in rows[:6]:
        totals = oracle.totals(engine, r["行政区划代码"], Filters(date_from=date(year, 1, 1), date_to=as_of))
        assert r["预警"] in ("红灯", "黄灯")
        if r["指标"] == "合同投资额":
            assert r["完成（亿元）"] == yi_value(totals["contract_yuan"]) and r["完成（个）"] is None
        elif r["指标"] == "签约项目数":
            assert r["完成（个）"] == totals["projects"]
        assert isinstance(r["完成率（%）"], float)
    county = signed_in(cockpit_app.server, role="analyst", region=520382)
    assert export(county, "/warnings?region=520300", "regions").status_code == 403


def test_the_audit_log_in_the_admins_scope(cockpit_app):
    engine = cockpit_app.server.extensions["cockpit"].engine
    at = datetime(2026, 3, 1, 2, 30)
    with engine.begin() as conn:
        for adcode, detail in ((520300, "=HYPERLINK(\"http://x\")"), (520100, "贵阳的事"), (None, "无地区")):
            conn.execute(text("INSERT INTO audit_log (at, actor, action, region_adcode, target, detail, address) "
                              "VALUES (:at, 'audit-export-probe', 'export', :r, '测试', :d, '10.0.0.1')"),
                         {"at": at, "r": adcode, "d": detail})
    view = "/admin/audit?user=audit-export-probe"
    admin = signed_in(cockpit_app.server, role="admin", region=520000)
    block, header, rows = sheet(export(admin, view, "audit"))
    assert header == ["时间（北京时间）", "用户", "操作", "地区", "对象", "说明", "来源地址"]
    assert len(rows) == 3 and {r["地区"] for r in rows} == {"遵义市", "贵阳市", "—"}
    assert all(r["时间（北京时间）"] == at + timedelta(hours=8) for r in rows)
    assert "'=HYPERLINK(\"http://x\")" in {r["说明"] for r in rows}  # neutralised
    assert block["筛选"] == "用户：audit-export-probe"
    city_admin = signed_in(cockpit_app.server, role="admin", region=520300)
    _, _, own = sheet(export(city_admin, view, "audit"))
    assert {r["地区"] for r in own} == {"遵义市", "—"}  # another city's events are not theirs
    analyst = cockpit_app.client
    assert export(analyst, view, "audit").status_code == 403
    csv_text = export(admin, view, "audit", "csv").data.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(csv_text)))
    assert any(line[:2] == [str(at + timedelta(hours=8)), "audit-export-probe"] for line in lines)


@pytest.mark.parametrize("view, table", [("/chains?region=520300", "nope"), ("/rankings", "chain_gaps"),
                                         ("http://evil/", "rankings"), ("/rankings", "rankings")])
def test_bad_table_requests(cockpit_app, view, table):
    fmt = "exe" if table == "rankings" and view == "/rankings" else "xlsx"
    assert export(cockpit_app.client, view, table, fmt).status_code in (400, 404)


def test_every_table_export_is_audited(cockpit_app):
    client = signed_in(cockpit_app.server, role="analyst", region=520300)
    export(client, "/rankings?region=520300", "rankings")
    engine = cockpit_app.server.extensions["cockpit"].engine
    with engine.connect() as conn:
        row = conn.execute(text("SELECT target, region_adcode FROM audit_log WHERE action = 'export' AND actor = "
                                "'test-analyst-520300' ORDER BY id DESC")).first()
    assert row[0].startswith("考核排名 XLSX") and row[1] == 520300


def test_the_pages_offer_their_tables():
    from components.export_menu import TABLE_LABELS, _label
    from urls import Urls
    from urls.routes import PAGE_TABLES, export_hrefs

    urls = Urls()
    hrefs = export_hrefs(urls, urls.build("chains", {"region": 520300}))
    assert [k for k in hrefs if k.startswith("table:")] == [f"table:{t}:{f}" for t in PAGE_TABLES["chains"]
                                                           for f in ("xlsx", "csv")]
    assert all(_label(k) for k in hrefs) and set(TABLE_LABELS) == {t for ts in PAGE_TABLES.values() for t in ts}
    from web.exports import TABLES

    assert set(TABLES) == set(TABLE_LABELS)


def test_a_sheet_title_excel_refuses_is_made_acceptable():
    """Chain links are named like 煤矸石/粉煤灰利用: Excel forbids \\ / ? * : [ ] in a sheet's title."""
    import io as _io

    from openpyxl import load_workbook

    from exports.sheets import Column, xlsx

    body = xlsx("煤矸石/粉煤灰利用 [在库]*项目?:很长很长很长很长很长很长很长很长", [("地区", "贵州省")],
                [Column("name", "项目")], [{"name": "=1+1"}])
    book = load_workbook(_io.BytesIO(body))
    title = book.sheetnames[0]
    assert title.startswith("煤矸石_粉煤灰利用 _在库__项目__") and len(title) <= 31
    assert not set(title) & set("\\/?*:[]")
