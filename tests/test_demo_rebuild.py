"""`python -m data_access.demo --reset` is atomic (issue 16): killed at any moment, it leaves the
previous data, and the cockpit keeps serving it; run to its end, it replaces the data under a
running cockpit, which then shows the new data version.

The rebuild is killed with SIGKILL (no clean-up runs) in its two phases: while generating (a few
seconds in) and while writing into the database itself (SQLite: the backup's write transaction,
seen as the target's write-ahead log growing; PostgreSQL: the transaction that drops and rewrites
the tables, seen as a backend of that database holding a transaction id).
"""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from settings import Settings
from tests.conftest import signed_in
from tests.test_deploy import ROOT, clean_env
from tests.view_helpers import kpi_value, router_payload

PERIOD = ("2024-01-01", "2024-12-31")
REBUILD_TIMEOUT_S = 300
pytestmark = pytest.mark.slow  # each rebuild generates the demo data set (~30-60 s)


# ------------------------------------------------------------------ helpers

def fingerprint(url: str) -> dict:
    """What a rebuild must not half-change: row counts, a money total, the data version, the seed."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            out = {t: conn.scalar(text(f"SELECT count(*) FROM {t}"))
                   for t in ("project", "funding", "enterprise", "visit", "region", "funding_month")}
            out["contract_yuan"] = int(conn.scalar(text("SELECT sum(contract_yuan) FROM project")))
            out.update(conn.execute(text("SELECT key, value FROM dataset_info WHERE key IN "
                                         "('data_version', 'demo_seed')")).all())
            if engine.dialect.name == "sqlite":
                out["integrity"] = conn.scalar(text("PRAGMA integrity_check"))
    finally:
        engine.dispose()
    return out


def projects_in_period(url: str) -> int:
    """Independent SQL: the province's projects signed in PERIOD and not terminated by its end."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(text(
                "SELECT count(*) FROM project WHERE signed_on BETWEEN :a AND :b "
                "AND (terminated_on IS NULL OR terminated_on > :b)"), {"a": PERIOD[0], "b": PERIOD[1]})
    finally:
        engine.dispose()


def shown_projects(server) -> str:
    """The 签约项目数 KPI the overview shows for PERIOD."""
    resp = signed_in(server).post("/_dash-update-component",
                                  json=router_payload("/", f"?from={PERIOD[0]}&to={PERIOD[1]}"))
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    return kpi_value(resp.get_json()["response"]["_pages_content"]["children"], "kpi-projects")


def serve(url: str):
    import app

    return app.create_app(Settings(database_url=url, prewarm=False, version_seconds=0))


def start_rebuild(url: str, log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:
        return subprocess.Popen([sys.executable, "-m", "data_access.demo", "--reset", "--url", url], cwd=ROOT,
                                env=clean_env(), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)


def kill_when(proc: subprocess.Popen, ready, log: Path, what: str) -> None:
    """SIGKILL the rebuild as soon as `ready()` holds; fails if it ended before that."""
    deadline = time.monotonic() + REBUILD_TIMEOUT_S
    while not ready():
        if proc.poll() is not None:
            pytest.fail(f"the rebuild ended ({proc.returncode}) before {what}:\n{log.read_text()[-3000:]}")
        assert time.monotonic() < deadline, f"never saw {what}"
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(30)


def copy_sqlite(source_url: str, target: Path) -> str:
    with sqlite3.connect(source_url.removeprefix("sqlite:///")) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()
    return f"sqlite:///{target}"


# ------------------------------------------------------------------ SQLite

def test_sqlite_rebuild_killed_while_generating_leaves_the_data(demo_sqlite_url, tmp_path):
    url = copy_sqlite(demo_sqlite_url, tmp_path / "cockpit.db")
    before = fingerprint(url)
    proc = start_rebuild(url, tmp_path / "rebuild.log")
    started = time.monotonic()
    kill_when(proc, lambda: time.monotonic() - started > 2, tmp_path / "rebuild.log", "2 s")
    assert fingerprint(url) == before
    assert before["integrity"] == "ok"
    assert shown_projects(serve(url)) == f"{projects_in_period(url):,}"


def test_sqlite_rebuild_killed_while_swapping_then_completed(demo_sqlite_url, tmp_path):
    db = tmp_path / "cockpit.db"
    url = copy_sqlite(demo_sqlite_url, db)
    server = serve(url)  # a running cockpit holds the file open throughout
    with sqlite3.connect(db) as con:  # mark the old data, so that its replacement shows
        con.execute("UPDATE dataset_info SET value = 'old' WHERE key = 'demo_seed'")
    con.close()
    before = fingerprint(url)
    want = f"{projects_in_period(url):,}"
    assert shown_projects(server) == want

    wal = db.with_name(db.name + "-wal")
    proc = start_rebuild(url, tmp_path / "rebuild.log")
    kill_when(proc, lambda: wal.exists() and wal.stat().st_size > 4 << 20, tmp_path / "rebuild.log",
              "the copy into the database began")
    assert fingerprint(url) == before, "a rebuild killed while copying changed the data"
    assert shown_projects(server) == want

    proc = start_rebuild(url, tmp_path / "rebuild2.log")
    assert proc.wait(REBUILD_TIMEOUT_S) == 0, (tmp_path / "rebuild2.log").read_text()[-3000:]
    after = fingerprint(url)
    assert after["integrity"] == "ok"
    assert after["demo_seed"] != "old" and after["data_version"] != before["data_version"]
    assert {k: v for k, v in after.items() if k not in ("demo_seed", "data_version")} == \
        {k: v for k, v in fingerprint(demo_sqlite_url).items() if k not in ("demo_seed", "data_version")}
    # The running cockpit reads the new file's data at its next request (a new data version).
    assert signed_in(server).get("/api/data-version").get_json()["version"] == after["data_version"]
    assert shown_projects(server) == f"{projects_in_period(url):,}"
    assert sorted(p.name for p in tmp_path.iterdir() if ".rebuild" in p.name) == [], "scratch files left"


# ------------------------------------------------------------------ PostgreSQL

@pytest.fixture
def postgres_copy(demo_engine):
    """A private copy of the PostgreSQL demo database (made from it as a template), dropped after."""
    if demo_engine.dialect.name != "postgresql":
        pytest.skip("the PostgreSQL case")
    source = make_url(demo_engine.url.render_as_string(hide_password=False))
    name = f"cockpit_rebuild_{uuid.uuid4().hex[:8]}"
    admin = create_engine(os.environ["COCKPIT_TEST_POSTGRES_URL"], isolation_level="AUTOCOMMIT")
    demo_engine.dispose()  # a template may have no other connections
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source.database}"'))
    url = source.set(database=name).render_as_string(hide_password=False)
    try:
        yield url, admin, name
    finally:
        from data_access.db import get_engine

        get_engine(url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.parametrize("demo_engine", ["postgresql"], indirect=True)
def test_postgres_rebuild_killed_in_its_transaction_leaves_the_data(postgres_copy, tmp_path):
    url, admin, name = postgres_copy
    before = fingerprint(url)

    def writing() -> bool:  # a backend of that database inside a transaction that has written
        with admin.connect() as conn:
            return bool(conn.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE datname = :d "
                                         "AND backend_xid IS NOT NULL"), {"d": name}))

    proc = start_rebuild(url, tmp_path / "rebuild.log")
    kill_when(proc, writing, tmp_path / "rebuild.log", "its transaction wrote")
    assert fingerprint(url) == before
    assert shown_projects(serve(url)) == f"{projects_in_period(url):,}"
