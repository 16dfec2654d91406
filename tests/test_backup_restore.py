"""Backup and restore drill (issue 16, "Faults survived"): the README's procedure, run as written.

scripts/backup_drill.sh dumps a cockpit database on PostgreSQL with pg_dump (custom format) and
restores it with pg_restore into a database that did not exist; the restored one must give the
same totals per city and county (projects, contract value, funds in place), read here by SQL of
the test's own on both, and the cockpit made on it must say it is ready. PostgreSQL only.
"""
from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import drop_postgres_database

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "backup_drill.sh"

pytestmark = pytest.mark.slow

# Per city and per county: projects, contract value, funds in place (yuan). Funds are summed on
# their own before the join, so a project's tranches are not multiplied by anything.
TOTALS = """
SELECT r.adcode, r.level, count(p.id) AS projects, coalesce(sum(p.contract_yuan), 0) AS contract,
       coalesce(max(f.funds), 0) AS funds
FROM region r
LEFT JOIN project p ON (r.level = 'city' AND p.city_adcode = r.adcode) OR (r.level = 'county' AND p.county_adcode = r.adcode)
LEFT JOIN (SELECT adcode, sum(amount_yuan) AS funds FROM (
              SELECT city_adcode AS adcode, amount_yuan FROM funding
              UNION ALL SELECT county_adcode, amount_yuan FROM funding) x GROUP BY adcode) f ON f.adcode = r.adcode
WHERE r.level IN ('city', 'county')
GROUP BY r.adcode, r.level ORDER BY r.adcode
"""


def totals(url: str) -> dict[int, tuple]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {row.adcode: (row.level, row.projects, int(row.contract), int(row.funds))
                    for row in conn.execute(text(TOTALS))}
    finally:
        engine.dispose()


def drill(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True, timeout=600,
                          stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def source(backend_url):
    if not (shutil.which("pg_dump") and shutil.which("pg_restore") and shutil.which("psql")):
        pytest.skip("pg_dump, pg_restore and psql are needed (apt-get install postgresql-client)")
    from data_access.demo import ensure_demo_database

    url = backend_url("postgresql")  # skips without COCKPIT_TEST_POSTGRES_URL; dropped at the end
    ensure_demo_database(url)
    return url


@pytest.fixture(scope="module")
def dump(source, tmp_path_factory) -> Path:
    """The source dumped by the script, as the README says."""
    path = tmp_path_factory.mktemp("backup") / "cockpit.dump"
    done = drill("backup", source, str(path))
    assert done.returncode == 0, done.stderr
    assert path.stat().st_size > 100_000 and path.read_bytes()[:5] == b"PGDMP"  # custom format
    return path


@pytest.fixture(scope="module")
def restored(source, dump):
    """The dump restored by the script into a database that did not exist."""
    url = make_url(source).set(database=f"cockpit_restored_{uuid.uuid4().hex[:10]}").render_as_string(
        hide_password=False)
    try:
        done = drill("restore", str(dump), url)
        assert done.returncode == 0, done.stderr
        yield url
    finally:
        drop_postgres_database(url)


def test_the_restored_database_gives_the_same_totals_per_city_and_county(source, restored):
    before, after = totals(source), totals(restored)
    levels = [level for level, *_ in before.values()]
    assert levels.count("city") == 9 and levels.count("county") == 88, levels
    # A real data set: every city has projects, contract value and funds in place.
    assert all(p > 0 and c > 0 and f > 0 for level, p, c, f in before.values() if level == "city")
    assert after == before
    # Cities hold their counties' totals (both read from the detail rows of the restored copy).
    province = [sum(v[i] for v in after.values() if v[0] == level) for level in ("city", "county") for i in (1, 2, 3)]
    assert province[:3] == province[3:]


def test_the_scripts_check_tells_a_different_copy_apart(source, restored):
    # Before any app runs on the copy (a demo database keeps its sign-in secret in dataset_info).
    assert drill("check", source, restored).returncode == 0
    engine = create_engine(restored)
    try:
        with engine.begin() as conn:
            project = conn.execute(text("SELECT id, contract_yuan FROM project ORDER BY id LIMIT 1")).one()
            conn.execute(text("UPDATE project SET contract_yuan = contract_yuan + 1 WHERE id = :id"), {"id": project.id})
        differs = drill("check", source, restored)
        assert differs.returncode != 0 and "differ" in differs.stderr, differs.stderr
    finally:
        with engine.begin() as conn:
            conn.execute(text("UPDATE project SET contract_yuan = :v WHERE id = :id"),
                         {"v": project.contract_yuan, "id": project.id})
        engine.dispose()


def test_the_cockpit_on_the_restored_database_is_ready(restored):
    import app as module
    from settings import Settings

    server = module.create_app(Settings(database_url=restored, prewarm=False))
    try:
        resp = server.test_client().get("/ready")
        assert resp.status_code == 200, resp.get_data(as_text=True)
        assert resp.get_json()["checks"]["database"] == "ok"
    finally:
        from data_access.db import get_engine

        get_engine(restored).dispose()


def test_restore_refuses_a_missing_dump_and_an_existing_database(source, dump, tmp_path):
    done = drill("restore", str(tmp_path / "missing.dump"), source)
    assert done.returncode != 0 and "no dump file" in done.stderr
    done = drill("restore", str(dump), source)  # never restores over a live database
    assert done.returncode != 0 and "could not create database" in done.stderr, done.stderr
