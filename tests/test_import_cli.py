"""`flask --app app data …`: the summary, exit codes, --dry-run, --as, history, rollback, templates
and the nightly sync from another database (a SQLite source here)."""
from __future__ import annotations

import sqlite3

import openpyxl
import pytest
from flask_caching import Cache
from sqlalchemy import func, select, text

from data_access import accounts, version
from data_access.db import get_engine
from data_access.models import ImportBatch, Project
from data_access.schema import ensure_schema
from settings import Settings
from tests.conftest import BACKENDS
from tests.test_import_db import project_row, projects_file, seed


@pytest.fixture(scope="module", params=BACKENDS)
def cli(request, backend_url):
    import app
    from views.runtime import Runtime

    url = backend_url(request.param)
    engine = get_engine(url)
    ensure_schema(engine)
    seed(engine)
    with engine.begin() as conn:
        accounts.create_user(conn, username="renhuai-dm", role="data_manager", region=520382, password_hash=None)
        accounts.create_user(conn, username="renhuai-viewer", role="viewer", region=520382, password_hash=None)
    server = app.runtime_server(Runtime(Settings(database_url=url, prewarm=False), engine, Cache()))
    runner = server.test_cli_runner()
    return engine, lambda *args: runner.invoke(args=["data", *args], catch_exceptions=False)


def state(engine):
    with engine.connect() as conn:
        return (conn.scalar(select(func.count()).select_from(Project)),
                conn.scalar(select(func.count()).select_from(ImportBatch)), version.read(conn))


def test_cli_import_dry_run_rejection_history_rollback(cli, tmp_path):
    engine, run = cli
    good = tmp_path / "台账.xlsx"
    good.write_bytes(projects_file(project_row("CLI-1", **{"合同投资额(万元)": "2亿元"}), project_row("CLI-2")))
    bad = tmp_path / "坏台账.xlsx"
    bad.write_bytes(projects_file(project_row("CLI-3", **{"行业": "大数剧"}), project_row("CLI-4")))
    before = state(engine)

    dry = run("import", str(good), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "数据行 2：新增 2，更新 0，不变 0，有错 0" in dry.output
    assert "合同投资额：9.20 → 12.20 亿元" in dry.output and "试运行：未写入数据库" in dry.output
    assert state(engine) == before

    rejected = run("import", str(bad))
    assert rejected.exit_code == 1
    assert "第 2 行 [行业] 「大数剧」：未知的行业「大数剧」，是否为「大数据电子信息」？" in rejected.output
    assert "数据库未做任何改动" in rejected.output
    assert run("import", str(bad), "--dry-run").exit_code == 1
    assert state(engine) == before

    done = run("import", str(good), "--kind", "projects")
    assert done.exit_code == 0 and "已导入：批次" in done.output
    count, batches, _ = state(engine)
    assert (count, batches) == (before[0] + 2, before[1] + 1)
    batch_id = engine.connect().execute(select(func.max(ImportBatch.id))).scalar()
    listed = run("history")
    assert listed.exit_code == 0 and "台账.xlsx" in listed.output and "可撤销" in listed.output

    # A county data manager: rows outside 仁怀 are refused; a viewer may not import at all;
    # the province's batch cannot be rolled back by the county.
    outside = tmp_path / "南明.xlsx"
    outside.write_bytes(projects_file(project_row("CLI-5", **{"县(市、区)": "南明区"})))
    scoped = run("import", str(outside), "--as", "renhuai-dm")
    assert scoped.exit_code == 1 and "「南明区」不在您的管辖范围" in scoped.output
    viewer = run("import", str(good), "--as", "renhuai-viewer")
    assert viewer.exit_code != 0 and "无权导入数据" in viewer.output
    refused = run("rollback", str(batch_id), "--as", "renhuai-dm")
    assert refused.exit_code != 0 and "不在您的管辖范围" in refused.output

    undone = run("rollback", str(batch_id))
    assert undone.exit_code == 0 and f"已撤销批次 {batch_id}" in undone.output
    assert state(engine)[0] == before[0]


def test_cli_template(cli, tmp_path):
    _, run = cli
    out = tmp_path / "funding.xlsx"
    result = run("template", "funding", "-o", str(out))
    assert result.exit_code == 0
    wb = openpyxl.load_workbook(out)
    assert [c.value for c in wb.worksheets[0][1]] == ["项目编号", "到位日期", "到位金额(万元)"]


def test_cli_sync_reads_a_table_of_another_database(cli, tmp_path):
    engine, run = cli
    source = tmp_path / "platform.db"
    with sqlite3.connect(source) as db:
        db.execute('CREATE TABLE xm ("项目编号" TEXT, "项目名称" TEXT, "企业名称" TEXT, "行业" TEXT, "县区" TEXT, '
                   '"招商方式" TEXT, "合同投资额(亿元)" REAL, "签约日期" TEXT)')
        db.executemany("INSERT INTO xm VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
            ("SYNC-1", "同步项目一", "深圳市华鑫科技有限公司", "大数据", "仁怀", "云招商", 1.25, "2025-01-02"),
            ("SYNC-2", "同步项目二", "上海恒泰实业有限公司", "医药", "南明区", "以商招商", 0.3, "2025-02-03"),
        ])
        db.execute('CREATE VIEW bad AS SELECT "项目编号", "项目名称", "企业名称", "行业", "县区", "招商方式", '
                   '"合同投资额(亿元)", "签约日期" FROM xm UNION ALL SELECT \'SYNC-3\', \'x\', \'未知企业\', \'大数据\', '
                   '\'仁怀\', \'云招商\', -1, \'2025-01-01\'')
    url = f"sqlite:///{source}"
    refused = run("sync", "--source-url", url, "--kind", "projects", "--table", "bad")
    assert refused.exit_code == 1 and "金额不能为负数" in refused.output
    assert run("sync", "--source-url", url, "--kind", "projects", "--table", "missing").exit_code != 0
    synced = run("sync", "--source-url", url, "--kind", "projects", "--table", "xm")
    assert synced.exit_code == 0, synced.output
    with engine.connect() as conn:
        got = conn.execute(text("SELECT code, contract_yuan, county_adcode FROM project WHERE code LIKE 'SYNC-%' "
                                "ORDER BY code")).all()
        name = conn.scalar(select(ImportBatch.file_name).order_by(ImportBatch.id.desc()).limit(1))
    assert [tuple(r) for r in got] == [("SYNC-1", 125_000_000, 520382), ("SYNC-2", 30_000_000, 520102)]
    assert name.startswith("xm@") and "platform.db" in name
    again = run("sync", "--source-url", url, "--kind", "projects", "--query", "SELECT * FROM xm")
    assert again.exit_code == 0 and "新增 0，更新 0，不变 2" in again.output
