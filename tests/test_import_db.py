"""Imports against a real database (SQLite, and PostgreSQL when reachable): all or nothing, the
policy for known codes, rollback to the before-image, scope, templates, history, staging, and the
cockpit's figures after an import against independent SQL.

Every test gets its own copy of a small database (the schema, the reference data and three
hand-built projects), copied from one built per backend and module.
"""
from __future__ import annotations

import io
import shutil
import uuid
from datetime import date, datetime, timedelta

import openpyxl
import pytest
from sqlalchemy import create_engine, func, insert, select, text, update
from sqlalchemy.engine import make_url

from data_access import imports as I
from data_access import queries, version
from data_access.db import get_engine
from data_access.models import (
    AnnualTarget, AuditEvent, ChainLink, DatasetInfo, Enterprise, Funding, FundingMonth, ImportBatch, ImportUpload,
    Inspection, Lead, Project, Visit,
)
from data_access.schema import ensure_schema
from data_access.scope import Filters, resolve_scope
from tests import oracle
from tests.conftest import BACKENDS, drop_postgres_database

RENHUAI, HUICHUAN, NANMING = 520382, 520303, 520102
ZUNYI, GUIYANG = 520300, 520100
TABLES = (Project, Enterprise, Funding, FundingMonth, Visit, Inspection, AnnualTarget, Lead)
PROJECT_HEADERS = ["项目编号", "项目名称", "投资方", "投资方所在地(省/市)", "行业", "产业链环节", "县(市、区)", "园区",
                   "招商方式", "合同投资额(万元)", "签约日期", "开工日期", "投产日期", "项目状态"]


# ------------------------------------------------------------------ databases

def seed(engine) -> None:
    """Three projects in 仁怀 (in a park, started), 南明 (signed) and 汇川 (producing), with funds."""
    with engine.begin() as conn:
        link = {code: conn.scalar(select(ChainLink.id).where(ChainLink.industry_code == code).order_by(ChainLink.id))
                for code in ("LIQUOR", "BIGDATA", "EQUIP")}
        park = conn.scalar(text("SELECT id FROM park WHERE name = '仁怀名酒工业园区'"))
        conn.execute(insert(Enterprise), [
            {"id": 1, "name": "深圳市华鑫科技有限公司", "origin_province": "广东省", "origin_city": "深圳市",
             "source_region": "粤港澳大湾区", "ownership": "民营", "quality_tags": 8},
            {"id": 2, "name": "上海恒泰实业有限公司", "origin_province": "上海市", "origin_city": "上海市",
             "source_region": "长三角", "ownership": "民营", "quality_tags": 0},
        ])
        base = dict(origin_province="广东省", origin_city="深圳市", source_region="粤港澳大湾区", quality_tags=8,
                    enterprise_id=1, chain_action=None, emerging_label=None, planned_start_on=None,
                    planned_production_on=None, terminated_on=None, expected_output_yuan=None, expected_jobs=None,
                    expected_tax_yuan=None, responsible_unit=None, updated_on=None, is_industrial=True)
        conn.execute(insert(Project), [
            {**base, "id": 1, "code": "P-001", "name": "仁怀酱香酒扩产项目", "industry_code": "LIQUOR",
             "chain_link_id": link["LIQUOR"], "county_adcode": RENHUAI, "city_adcode": ZUNYI, "park_id": park,
             "channel": "驻点招商", "contract_yuan": 300_000_000, "signed_on": date(2023, 3, 1),
             "started_on": date(2023, 6, 1), "production_on": None, "status": "在建"},
            {**base, "id": 2, "code": "P-002", "name": "南明数据中心项目", "industry_code": "BIGDATA",
             "chain_link_id": link["BIGDATA"], "county_adcode": NANMING, "city_adcode": GUIYANG, "park_id": None,
             "channel": "云招商", "contract_yuan": 120_000_000, "signed_on": date(2024, 1, 10),
             "started_on": None, "production_on": None, "status": "已签约", "enterprise_id": 2,
             "origin_province": "上海市", "origin_city": "上海市", "source_region": "长三角", "quality_tags": 0},
            {**base, "id": 3, "code": "P-003", "name": "汇川装备制造项目", "industry_code": "EQUIP",
             "chain_link_id": link["EQUIP"], "county_adcode": HUICHUAN, "city_adcode": ZUNYI, "park_id": None,
             "channel": "以商招商", "contract_yuan": 500_000_000, "signed_on": date(2022, 5, 5),
             "started_on": date(2022, 8, 1), "production_on": date(2023, 9, 1), "status": "已投产"},
        ])
        conn.execute(insert(Funding), [
            {"id": 1, "project_id": 1, "county_adcode": RENHUAI, "city_adcode": ZUNYI, "received_on": date(2023, 7, 1),
             "amount_yuan": 50_000_000},
            {"id": 2, "project_id": 3, "county_adcode": HUICHUAN, "city_adcode": ZUNYI,
             "received_on": date(2022, 9, 1), "amount_yuan": 200_000_000},
        ])
        if conn.dialect.name == "postgresql":
            for table in ("enterprise", "project", "funding"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 100)"))


@pytest.fixture(scope="module", params=BACKENDS)
def base_url(request, backend_url):
    url = backend_url(request.param)
    engine = get_engine(url)
    ensure_schema(engine)
    seed(engine)
    copies: list[str] = []
    request.node.copies = copies
    yield url, copies
    for copy in copies:
        if copy.startswith("postgresql"):
            drop_postgres_database(copy)


@pytest.fixture
def engine(base_url, tmp_path):
    """A database of its own for the test: a copy of the module's seeded database."""
    url, copies = base_url
    source = get_engine(url)
    source.dispose()
    if url.startswith("sqlite"):
        path = make_url(url).database
        with create_engine(url).connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        target = tmp_path / "copy.db"
        shutil.copy(path, target)
        return get_engine(f"sqlite:///{target}")
    name = f"{make_url(url).database}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(url).database}"'))
    admin.dispose()
    copy = make_url(url).set(database=name).render_as_string(hide_password=False)
    copies.append(copy)
    return get_engine(copy)


# ------------------------------------------------------------------ helpers

def book(headers, rows, title: str | None = None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(headers)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def project_row(code, **over):
    row = {"项目编号": code, "项目名称": f"项目{code}", "投资方": "深圳市华鑫科技有限公司", "投资方所在地(省/市)": "",
           "行业": "优质烟酒", "产业链环节": "", "县(市、区)": "仁怀市", "园区": "", "招商方式": "驻点招商",
           "合同投资额(万元)": "10000", "签约日期": "2024-05-01", "开工日期": "", "投产日期": "", "项目状态": ""}
    row.update(over)
    return [row[h] for h in PROJECT_HEADERS]


def projects_file(*rows) -> bytes:
    return book(PROJECT_HEADERS, list(rows))


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        out = {m.__tablename__: conn.scalar(select(func.count()).select_from(m)) for m in TABLES}
        out["version"] = version.read(conn)
    return out


def one(engine, sql, **params):
    with engine.connect() as conn:
        return conn.execute(text(sql), params).mappings().first()


def project(engine, code) -> dict | None:
    with engine.connect() as conn:
        row = conn.execute(select(Project.__table__).where(Project.code == code)).mappings().first()
    return dict(row) if row else None


PROVINCE = None
RENHUAI_SCOPE = frozenset({RENHUAI})


def plan(engine, data, kind="projects", scope=PROVINCE, name="台账.xlsx"):
    return I.plan_import(engine, data, name, kind=kind, scope=scope, actor="tester")


def apply(engine, data, kind="projects", scope=PROVINCE, name="台账.xlsx", actor="tester"):
    return I.apply_import(engine, data, name, kind=kind, scope=scope, actor=actor)


def reasons(p) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.reason) for e in p.errors]


# ------------------------------------------------------------------ templates

def test_templates_round_trip_and_offer_the_live_values(engine):
    for kind in ("projects", "funding", "visits", "inspections", "targets", "leads"):
        data = I.build_template(engine, kind)
        wb = openpyxl.load_workbook(io.BytesIO(data))
        assert wb.sheetnames[0] == I.KINDS[kind].label and "说明" in wb.sheetnames
        notes = [r[0] for r in wb["说明"].iter_rows(min_row=2, values_only=True) if r[0]]
        assert [c.header for c in I.KINDS[kind].columns] == notes[:len(I.KINDS[kind].columns)]
        first = apply(engine, data, kind=None, name=f"{kind}.xlsx")
        assert first.plan.kind == kind and (first.plan.inserted, first.plan.errors) == (1, []), kind
        again = apply(engine, data, kind=kind, name=f"{kind}.xlsx")
        assert (again.plan.inserted, again.plan.updated, again.plan.unchanged) == (0, 0, 1), kind
    # The drop-downs hold the live reference data: every county and every industry of the database.
    wb = openpyxl.load_workbook(io.BytesIO(I.build_template(engine, "projects")))
    ws, options = wb.worksheets[0], wb["选项"]
    lists = {}
    for dv in ws.data_validations.dataValidation:
        col = str(dv.sqref).split(":")[0].rstrip("0123456789")
        header = ws[f"{col}1"].value
        ref = dv.formula1.split("!")[1].replace("$", "")
        lists[header] = [c.value for c in options[ref.split(":")[0][0]][1:] if c.value is not None]
    with engine.connect() as conn:
        counties = conn.execute(text("SELECT name FROM region WHERE level = 'county' ORDER BY sort_order")).scalars().all()
        industries = conn.execute(text("SELECT name FROM industry ORDER BY sort_order")).scalars().all()
    assert lists["县(市、区)"] == counties and len(counties) == 88
    assert lists["行业"] == industries
    assert set(lists) >= {"产业链环节", "招引类型", "园区", "招商方式", "项目状态", "来源区域"}


# ------------------------------------------------------------------ new, known, twice, rollback

def test_new_code_inserts_known_code_updates_and_the_same_file_twice_changes_nothing(engine):
    data = projects_file(
        project_row("P-001", **{"合同投资额(万元)": "3.5亿元", "项目名称": "仁怀酱香酒扩产二期", "签约日期": "",
                                "投资方": "", "县(市、区)": ""}),
        project_row("P-100", **{"投资方": "杭州新锐电子有限公司", "投资方所在地(省/市)": "浙江杭州", "行业": "大数据",
                                "县(市、区)": "520303", "合同投资额(万元)": "1,234.5", "开工日期": "2024/6/1"}),
    )
    p = plan(engine, data)
    assert p.ok and (p.inserted, p.updated, p.unchanged, p.rejected) == (1, 1, 0, 0)
    assert {c.key: (c.action, set(c.fields)) for c in p.changes} == {
        "P-001": ("update", {"项目名称", "合同投资额(万元)"}), "P-100": ("insert", set())}
    assert p.totals[0] == I.TotalChange("签约项目数", "个", 3, 4)
    assert p.totals[1] == I.TotalChange("合同投资额", "亿元", 920_000_000, 920_000_000 + 50_000_000 + 12_345_000)
    assert "空白单元格保留原值" in p.policy
    before = counts(engine)
    result = apply(engine, data)
    old, new = project(engine, "P-001"), project(engine, "P-100")
    # The update overwrote only the cells present; the empty ones kept the stored values.
    assert (old["contract_yuan"], old["name"], old["signed_on"], old["county_adcode"]) == (
        350_000_000, "仁怀酱香酒扩产二期", date(2023, 3, 1), RENHUAI)
    assert (new["contract_yuan"], new["county_adcode"], new["city_adcode"], new["industry_code"], new["status"],
            new["started_on"], new["origin_province"], new["origin_city"], new["source_region"]) == (
        12_345_000, HUICHUAN, ZUNYI, "BIGDATA", "在建", date(2024, 6, 1), "浙江省", "杭州市", "长三角")
    e = one(engine, "SELECT * FROM enterprise WHERE id = :i", i=new["enterprise_id"])
    assert (e["name"], e["origin_province"], e["ownership"]) == ("杭州新锐电子有限公司", "浙江省", "民营")
    after = counts(engine)
    assert after["project"] == before["project"] + 1 and after["version"] != before["version"]
    second = apply(engine, data)
    assert (second.plan.inserted, second.plan.updated, second.plan.unchanged) == (0, 0, 2)
    assert {k: v for k, v in counts(engine).items() if k != "version"} == {k: v for k, v in after.items() if k != "version"}
    batches = I.list_batches(engine)
    assert [(b.id, b.inserted, b.updated, b.unchanged, b.can_roll_back) for b in batches] == [
        (second.batch_id, 0, 0, 2, True), (result.batch_id, 1, 1, 0, False)]
    assert batches[0].sha256 == batches[1].sha256 == p.sha256
    with engine.connect() as conn:
        events = conn.execute(select(AuditEvent.action, AuditEvent.actor).where(AuditEvent.action == "import")).all()
    assert events == [("import", "tester")] * 2


def test_rollback_restores_the_before_image_and_deletes_inserted_rows(engine):
    with engine.connect() as conn:
        snapshot = {t: conn.execute(select(m.__table__).order_by(*m.__table__.primary_key.columns)).mappings().all()
                    for t, m in (("project", Project), ("enterprise", Enterprise), ("funding", Funding),
                                 ("funding_month", FundingMonth))}
    data = projects_file(
        project_row("P-001", **{"县(市、区)": "汇川区", "园区": "遵义经开区", "合同投资额(万元)": "40000",
                                "签约日期": "", "开工日期": "2023-06-05", "投产日期": "2024-01-02", "项目状态": "已投产"}),
        project_row("P-101", **{"投资方": "新加坡远航控股", "投资方所在地(省/市)": "新加坡"}),
    )
    result = apply(engine, data)
    moved = project(engine, "P-001")
    assert (moved["county_adcode"], moved["status"], moved["production_on"]) == (HUICHUAN, "已投产", date(2024, 1, 2))
    # The project's money moved with it (the cascade and the monthly rollup).
    assert one(engine, "SELECT county_adcode FROM funding WHERE id = 1")["county_adcode"] == HUICHUAN
    v1 = counts(engine)["version"]
    info = I.rollback_batch(engine, result.batch_id, actor="reviewer", scope=None)
    assert info.rolled_back_by == "reviewer" and info.can_roll_back is False
    with engine.connect() as conn:
        for t, m in (("project", Project), ("enterprise", Enterprise), ("funding", Funding),
                     ("funding_month", FundingMonth)):
            rows = conn.execute(select(m.__table__).order_by(*m.__table__.primary_key.columns)).mappings().all()
            assert [dict(r) for r in rows] == [dict(r) for r in snapshot[t]
                                               if t != "funding_month" or r["amount_yuan"]] or t == "funding_month", t
        fm = {(r.county_adcode, r.month): r.amount_yuan for r in conn.execute(select(FundingMonth.__table__))
              if r.amount_yuan}
        assert fm == {(r["county_adcode"], r["month"]): r["amount_yuan"] for r in snapshot["funding_month"]}
        assert conn.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "rollback")) == 1
    assert counts(engine)["version"] != v1
    with pytest.raises(I.RollbackRefused, match="已于"):
        I.rollback_batch(engine, result.batch_id, actor="reviewer", scope=None)


def test_only_the_last_import_of_a_kind_rolls_back_and_not_under_later_funds(engine):
    first = apply(engine, projects_file(project_row("P-200")))
    second = apply(engine, projects_file(project_row("P-201")))
    with pytest.raises(I.RollbackRefused, match="最近一次"):
        I.rollback_batch(engine, first.batch_id, actor="x", scope=None)
    funds = apply(engine, book(["项目编号", "到位日期", "到位金额(万元)"], [["P-201", "2024-06-01", "100"]]), kind="funding")
    with pytest.raises(I.RollbackRefused, match="到位资金"):
        I.rollback_batch(engine, second.batch_id, actor="x", scope=None)
    I.rollback_batch(engine, funds.batch_id, actor="x", scope=None)
    I.rollback_batch(engine, second.batch_id, actor="x", scope=None)
    assert project(engine, "P-201") is None and project(engine, "P-200") is not None
    assert [b.id for b in I.list_batches(engine, kind="projects") if b.can_roll_back] == [first.batch_id]


# ------------------------------------------------------------------ all or nothing

def test_one_bad_row_among_a_thousand_writes_nothing(engine):
    rows = [project_row(f"B-{i:04d}", **{"合同投资额(万元)": str(100 + i)}) for i in range(1000)]
    rows[699] = project_row("B-0699", **{"签约日期": "2024-13-45"})
    data = projects_file(*rows)
    before = counts(engine)
    with pytest.raises(I.ImportRejected) as caught:
        apply(engine, data)
    p = caught.value.plan
    assert (p.rows_total, p.rejected, p.inserted) == (1000, 1, 999)
    assert reasons(p) == [(701, "签约日期", "日期不存在")]
    assert counts(engine) == before
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(ImportBatch)) == 0


# ------------------------------------------------------------------ row errors

def test_every_row_error_names_row_column_value_and_reason(engine):
    data = book(PROJECT_HEADERS + ["终止日期"], [
        project_row("E-1", **{"行业": "大数剧"}) + [""],
        project_row("E-2", **{"县(市、区)": "仁怀县"}) + [""],
        project_row("E-3", **{"园区": "遵义经开区"}) + [""],
        project_row("E-4", **{"开工日期": "2024-04-01"}) + [""],
        project_row("E-5", **{"开工日期": "2024-06-01", "投产日期": "2024-05-01"}) + [""],
        project_row("E-6", **{"投产日期": "2024-07-01"}) + [""],
        project_row("E-7", **{"合同投资额(万元)": "约3亿"}) + [""],
        project_row("E-8", **{"合同投资额(万元)": "-20"}) + [""],
        project_row("E-9", **{"投资方": "未登记的新企业"}) + [""],
        project_row("E-1", **{"项目名称": "重复"}) + [""],
        project_row("E-10", **{"招商方式": "云上签", "项目状态": "在建"}) + [""],
        project_row("E-11", **{"签约日期": "2030-01-01"}) + [""],
        project_row("E-12", **{"产业链环节": "数据中心/智算中心"}) + [""],
        project_row("E-13", **{"项目状态": "已签约"}) + ["2024-05-02"],
        ["E-14", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],
    ], title="2024年项目台账（导出）")
    p = plan(engine, data)
    got = reasons(p)
    assert p.header_row == 2 and p.rows_total == 15 and p.rejected == 15 and not p.ok
    expected = [
        (3, "行业", "未知的行业「大数剧」，是否为「大数据电子信息」？"),
        (4, "县(市、区)", "未知的县(市、区)「仁怀县」，是否为「仁怀市」？"),
        (5, "园区", "园区「遵义经开区」位于汇川区，与所填县(市、区)「仁怀市」不符"),
        (6, "开工日期", "开工日期（2024-04-01）早于签约日期（2024-05-01）"),
        (7, "投产日期", "投产日期（2024-05-01）早于开工日期（2024-06-01）"),
        (8, "投产日期", "有投产日期但没有开工日期"),
        (9, "合同投资额(万元)", "金额不是确切数字，请填写确切金额"),
        (10, "合同投资额(万元)", "金额不能为负数"),
        (11, "投资方所在地(省/市)", "新企业「未登记的新企业」须填写所在地"),
        (12, "项目编号", "项目编号「E-1」在第 3 行和第 12 行重复"),
        (13, "项目状态", "项目状态为 在建 但没有开工日期"),
        (14, "签约日期", "日期晚于今天"),
        (15, "产业链环节", "产业链环节「数据中心/智算中心」不属于行业「优质烟酒」"),
        (16, "项目状态", "有终止日期的项目状态应为 已终止"),
    ]
    for (row, col, reason), (r2, c2, why) in zip(expected, got):
        assert (row, col) == (r2, c2) and why.startswith(reason), (row, why)
    assert [e.value for e in p.errors[:1]] == ["大数剧"]
    tail = [g for g in got if g[0] == 17]
    assert {c for _, c, _ in tail} == {"项目名称", "投资方", "行业", "招商方式", "合同投资额(万元)", "签约日期", "县(市、区)"}
    xlsx = openpyxl.load_workbook(io.BytesIO(I.errors_workbook(p))).active
    assert [c.value for c in xlsx[1]] == ["行号", "列", "原始值", "原因"]
    assert [c.value for c in xlsx[2]] == [3, "行业", "大数剧", got[0][2]]


def test_file_level_problems_are_fatal_in_chinese(engine):
    assert "文件编码无法识别" in plan(engine, b"\x81\x20\xff\xfe\x00abc,def\n", name="x.csv").fatal
    assert "缺少必需的列：项目编号" in plan(engine, book(["项目名称", "投资方"], [["a", "b"]])).fatal
    assert "文件没有数据行" in plan(engine, book(PROJECT_HEADERS, [])).fatal
    assert "未知的数据类型" in plan(engine, projects_file(project_row("X")), kind="nonsense").fatal
    assert "无法从表头判断" in plan(engine, book(["项目名称", "投资方"], [["a", "b"]]), kind=None).fatal
    assert plan(engine, projects_file(project_row("X")), kind="funding").fatal == (
        "文件的列像是「项目台账」，与所选的「到位资金」不符：请检查所选数据类型")
    csv = ("\ufeff" + ",".join(PROJECT_HEADERS) + "\n" + ",".join(project_row("C-1")) + "\n").encode("utf-8")
    assert plan(engine, csv, kind=None, name="a.csv").ok
    gbk = (",".join(PROJECT_HEADERS) + "\n" + ",".join(project_row("C-1")) + "\n").encode("gbk")
    p = plan(engine, gbk, kind=None, name="a.csv")
    assert p.ok and p.changes[0].name == "项目C-1"


# ------------------------------------------------------------------ funds

def test_funding_rules(engine):
    headers = ["项目编号", "到位日期", "到位金额(万元)"]
    p = plan(engine, book(headers, [
        ["P-002", "2023-12-31", "100"],     # before the project's signing (2024-01-10)
        ["P-404", "2024-03-01", "100"],     # unknown project
        ["P-001", "2024-03-01", "100"],
        ["P-001", "2024-03-01", "200"],     # the same project and day twice
        ["P-001", "2023-07-01", "6000"],    # a known day: an update of its amount
        ["P-003", "2024-02-01", "0.5亿元"],
    ]), kind="funding")
    assert reasons(p) == [
        (2, "到位日期", "到位日期早于项目签约日期（2024-01-10）"),
        (3, "项目编号", "项目编号「P-404」不存在（到位资金只能记到已导入的项目：请先导入项目台账）"),
        (5, "到位日期", "项目「P-001」2024-03-01 的到位资金在第 4 行和第 5 行重复"),
    ]
    ok = book(headers, [["P-001", "2024-03-01", "100"], ["P-001", "2023-07-01", "6000"], ["P-003", "2024-02-01", "0.5亿元"]])
    p = plan(engine, ok, kind=None)
    assert p.kind == "funding" and (p.inserted, p.updated) == (2, 1)
    assert p.totals[2] == I.TotalChange("到位资金", "亿元", 250_000_000, 250_000_000 + 1_000_000 + 10_000_000 + 50_000_000)
    apply(engine, ok, kind="funding")
    with engine.connect() as conn:
        assert conn.scalar(select(func.sum(Funding.amount_yuan))) == 311_000_000
        assert conn.scalar(select(func.sum(FundingMonth.amount_yuan))) == 311_000_000


# ------------------------------------------------------------------ scope

def test_a_county_data_manager_imports_only_their_county(engine):
    data = projects_file(
        project_row("S-1"),                                         # 仁怀: fine
        project_row("S-2", **{"县(市、区)": "南明区"}),                # outside
        project_row("P-003", **{"合同投资额(万元)": "1"}),             # known, of 汇川
        project_row("P-001", **{"县(市、区)": "汇川区", "园区": "遵义经开区", "签约日期": ""}),  # would move out
        project_row("S-3", **{"县(市、区)": "", "园区": "双龙航空港经济区"}),     # a park outside
    )
    p = plan(engine, data, scope=RENHUAI_SCOPE)
    assert reasons(p) == [
        (3, "县(市、区)", "「南明区」不在您的管辖范围"),
        (4, "项目编号", "项目「P-003」不在您的管辖范围"),
        (5, "县(市、区)", "「汇川区」不在您的管辖范围"),
        (6, "园区", "「南明区」不在您的管辖范围"),
    ]
    # Nothing of the other county's project is revealed: its row has one error and no preview.
    assert [c.key for c in p.changes] == ["S-1"]
    assert p.totals[0] == I.TotalChange("签约项目数", "个", 1, 2)
    province = apply(engine, projects_file(project_row("S-9", **{"县(市、区)": "南明区"})))
    mine = apply(engine, projects_file(project_row("S-1")), scope=RENHUAI_SCOPE, actor="renhuai-dm")
    assert [b.id for b in I.list_batches(engine, scope=RENHUAI_SCOPE)] == [mine.batch_id]
    funds = apply(engine, book(["项目编号", "到位日期", "到位金额(万元)"], [["S-9", "2024-06-01", "1"]]), kind="funding")
    with pytest.raises(I.RollbackRefused, match="不在您的管辖范围"):
        I.rollback_batch(engine, funds.batch_id, actor="renhuai-dm", scope=RENHUAI_SCOPE)
    with pytest.raises(I.RollbackRefused, match="不在您的管辖范围"):
        I.rollback_batch(engine, province.batch_id, actor="renhuai-dm", scope=RENHUAI_SCOPE)
    I.rollback_batch(engine, mine.batch_id, actor="renhuai-dm", scope=RENHUAI_SCOPE)
    assert project(engine, "S-1") is None
    # A city data manager's scope is its counties; a county's target is theirs, the province's is not.
    zunyi = frozenset(a for (a,) in get_rows(engine, "SELECT adcode FROM region WHERE parent_adcode = 520300"))
    t = plan(engine, book(["区域", "年度", "合同投资额目标(亿元)", "到位资金目标(亿元)", "签约项目数目标"],
                          [["遵义", "2025", "100", "50", "30"], ["仁怀", "2025", "10", "5", "3"],
                           ["贵州省", "2025", "1000", "500", "300"]]), kind="targets", scope=zunyi)
    assert reasons(t) == [(4, "区域", "「贵州省」不在您的管辖范围")]


def get_rows(engine, sql):
    with engine.connect() as conn:
        return conn.execute(text(sql)).all()


# ------------------------------------------------------------------ the cockpit's figures

def test_the_overview_figures_after_an_import_equal_independent_sql(engine):
    apply(engine, projects_file(
        project_row("F-1", **{"合同投资额(万元)": "2.5亿", "签约日期": "2025-02-01"}),
        project_row("F-2", **{"县(市、区)": "汇川", "合同投资额(万元)": "8000", "开工日期": "2025-03-01"}),
        project_row("F-3", **{"县(市、区)": "南明", "合同投资额(万元)": "12000000元"}),
    ))
    apply(engine, book(["项目编号", "到位日期", "到位金额(万元)"],
                       [["F-1", "2025-03-01", "3000"], ["F-2", "2025-04-01", "500"], ["F-3", "2025-05-01", "1.5"]]),
          kind="funding")
    with engine.connect() as conn:
        info = dict(conn.execute(select(DatasetInfo.key, DatasetInfo.value)).all())
    assert (info["source"], info["data_cutoff"]) == ("platform", "2025-05-01")
    assert queries.dataset_source(engine) == ""
    for adcode in (None, ZUNYI, RENHUAI):
        where = "" if adcode is None else ("WHERE p.city_adcode = :a" if adcode == ZUNYI else "WHERE p.county_adcode = :a")
        expect = one(engine, f"SELECT COUNT(*) AS n, SUM(p.contract_yuan) AS c FROM project p {where}", a=adcode)
        funds = one(engine, f"SELECT SUM(f.amount_yuan) AS s FROM funding f JOIN project p ON p.id = f.project_id {where}",
                    a=adcode)
        got = queries.project_totals(engine, resolve_scope(engine, adcode), Filters())
        assert (got["projects"], got["contract_yuan"], got["funds_in_period_yuan"]) == (
            expect["n"], expect["c"], funds["s"]), adcode
        assert oracle.totals(engine, adcode, Filters())["contract_yuan"] == expect["c"]
    assert one(engine, "SELECT SUM(contract_yuan) AS c FROM project")["c"] == 920_000_000 + 250_000_000 + 80_000_000 + 12_000_000


# ------------------------------------------------------------------ staged uploads

def test_staged_upload_is_kept_for_its_actor_for_an_hour(engine):
    token = I.stage_upload(engine, b"\x00bytes\xff", "台账.xlsx", "alice")
    assert I.staged_upload(engine, token, "alice") == (b"\x00bytes\xff", "台账.xlsx")
    assert I.staged_upload(engine, token, "mallory") is None
    assert I.staged_upload(engine, token + "x", "alice") is None
    with engine.begin() as conn:
        conn.execute(update(ImportUpload).values(created_at=datetime.utcnow() - timedelta(hours=1, seconds=1)))
    assert I.staged_upload(engine, token, "alice") is None
    I.stage_upload(engine, b"new", "b.csv", "bob")  # sweeps the expired one
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(ImportUpload)) == 1


# ------------------------------------------------------------------ the other kinds

def test_visits_inspections_leads_and_targets_by_their_keys(engine):
    visits = book(["拜访日期", "拜访对象类型", "拜访对象", "对象所在地(省/市)", "招商小组", "招商方式", "县(市、区)"], [
        ["2025-03-01", "企业", "深圳市华鑫科技有限公司", "", "驻深圳小组", "驻点", "仁怀"],
        ["2025-03-02", "商协会", "深圳市贵州商会", "广东省深圳市", "驻深圳小组", "驻点招商", ""],
        ["2025-03-03", "商会", "东莞贵州商会", "", "驻深圳小组", "驻点招商", ""],
    ])
    p = plan(engine, visits, kind=None)
    assert p.kind == "visits" and reasons(p) == [(4, "对象所在地(省/市)", "新商协会须填写所在地")]
    assert reasons(plan(engine, visits, kind="visits", scope=RENHUAI_SCOPE))[0] == (
        3, "县(市、区)", "县(市、区)为空即省级记录，只有省级数据管理员可以导入")
    good = book(["拜访日期", "拜访对象类型", "拜访对象", "对象所在地(省/市)", "招商小组", "招商方式", "县(市、区)"], [
        ["2025-03-01", "企业", "深圳市华鑫科技有限公司", "", "驻深圳小组", "驻点", "仁怀"],
        ["2025-03-02", "商协会", "深圳市贵州商会", "广东省深圳市", "驻深圳小组", "驻点招商", ""],
    ])
    apply(engine, good, kind="visits")
    again = apply(engine, good, kind="visits")
    assert (again.plan.inserted, again.plan.unchanged) == (0, 2)
    row = one(engine, "SELECT * FROM visit WHERE association_name IS NULL")
    assert (row["kind"], row["enterprise_id"], row["county_adcode"], row["city_adcode"], row["location_city"]) == (
        "enterprise", 1, RENHUAI, ZUNYI, "深圳市")
    leads = book(["企业名称", "企业所在地(省/市)", "产业链环节", "县(市、区)", "阶段", "招商方式", "入库日期", "阶段日期",
                  "项目编号", "记录编号"], [
        ["深圳市华鑫科技有限公司", "", "数据中心/智算中心", "南明区", "已签约", "产业链招商", "2023-06-01", "2024-01-10",
         "P-002", "XS-1"],
        ["深圳市华鑫科技有限公司", "", "数据中心/智算中心", "南明区", "在谈", "产业链招商", "2023-06-01", "2023-05-01",
         "P-002", "XS-2"],
    ])
    assert reasons(plan(engine, leads, kind="leads")) == [
        (3, "阶段日期", "阶段日期早于入库日期（2023-06-01）"), (3, "项目编号", "只有 已签约 的线索才能对应项目编号")]
    targets = book(["区域", "年度", "合同投资额目标(亿元)", "到位资金目标(亿元)", "签约项目数目标"],
                   [["520300", "2025年", "1,200.5", "600", "300"]])
    apply(engine, targets, kind="targets")
    apply(engine, book(["区域", "年度", "签约项目数目标", "合同投资额目标"], [["遵义市", "2025", "320", ""]]),
          kind="targets")
    t = one(engine, "SELECT * FROM annual_target WHERE region_adcode = 520300 AND year = 2025")
    assert (t["contract_yuan"], t["funds_yuan"], t["projects"]) == (120_050_000_000, 60_000_000_000, 320)
