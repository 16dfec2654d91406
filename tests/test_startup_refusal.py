"""Serving never creates a database (issue 16).

A deleted or mistyped SQLite path used to be re-created empty, and the cockpit then read 0
everywhere with HTTP 200. Now `create_app` (what every gunicorn worker runs) refuses a missing
SQLite file, a server database that does not answer, and an empty database unless
COCKPIT_AUTO_UPGRADE lets the workers initialise it; the message names COCKPIT_DATABASE_URL and
nothing is written. `python app.py` and `flask --app app db upgrade` are what make a database.
"""
from __future__ import annotations

import socket
import sqlite3
import sys

import pytest
from sqlalchemy import create_engine, inspect, text

from data_access import schema
from data_access.db import DatabaseMissing
from settings import Settings
from tests.test_deploy import clean_env, output_of, postgres_url, run  # noqa: F401 (a fixture)


def make(url: str, **settings):
    import app

    return app.create_app(Settings(database_url=url, prewarm=False, **settings))


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("auto_upgrade", [False, True])
def test_a_missing_sqlite_file_is_refused_and_not_created(tmp_path, auto_upgrade):
    db = tmp_path / "gone" / "cockpit.db"
    db.parent.mkdir()
    with pytest.raises(DatabaseMissing, match="COCKPIT_DATABASE_URL") as refused:
        make(f"sqlite:///{db}", auto_upgrade=auto_upgrade)
    assert str(db) in str(refused.value)
    assert leftovers(db.parent) == [], "a refused start left a file behind"


def test_an_empty_sqlite_file_is_refused_unless_auto_upgrade(tmp_path):
    db = tmp_path / "cockpit.db"
    db.touch()
    with pytest.raises(schema.SchemaError, match="COCKPIT_DATABASE_URL") as refused:
        make(f"sqlite:///{db}")
    assert schema.UPGRADE_COMMAND in str(refused.value)
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0, "the refused start made tables"

    server = make(f"sqlite:///{db}", auto_upgrade=True)
    assert server.test_client().get("/health").status_code == 200
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == schema.head_revision()


def test_a_postgres_database_that_does_not_exist_is_refused(postgres_url):
    from sqlalchemy.engine import make_url

    missing = make_url(postgres_url).set(database=make_url(postgres_url).database + "_none")
    url = missing.render_as_string(hide_password=False)
    with pytest.raises(DatabaseMissing, match="COCKPIT_DATABASE_URL") as refused:
        make(url, auto_upgrade=True)
    assert missing.database in str(refused.value)
    admin = create_engine(postgres_url)
    try:
        with admin.connect() as conn:
            assert not conn.scalar(text("SELECT count(*) FROM pg_database WHERE datname = :n"),
                                   {"n": missing.database})
    finally:
        admin.dispose()


def test_an_empty_postgres_database_is_refused_unless_auto_upgrade(postgres_url):
    with pytest.raises(schema.SchemaError, match=r"COCKPIT_DATABASE_URL.*flask --app app db upgrade"):
        make(postgres_url)
    engine = create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            assert inspect(conn).get_table_names() == [], "the refused start made tables"
    finally:
        engine.dispose()


def test_a_server_that_does_not_answer_is_refused_with_the_setting():
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(DatabaseMissing, match="COCKPIT_DATABASE_URL"):
        make(f"postgresql+psycopg://postgres@127.0.0.1:{port}/cockpit?connect_timeout=2")


def test_a_worker_start_and_db_status_on_a_missing_file(tmp_path):
    """As gunicorn and an operator run them: `app:server` exits with the message, `flask --app app
    db status` says missing with exit 1, and neither creates the file."""
    db = tmp_path / "cockpit.db"
    env = clean_env(COCKPIT_DATABASE_URL=f"sqlite:///{db}")
    worker = run([sys.executable, "-c", "import app; app.server"], env)
    assert worker.returncode != 0, output_of(worker)
    assert "COCKPIT_DATABASE_URL" in worker.stderr and "DatabaseMissing" in worker.stderr, output_of(worker)
    status = run([sys.executable, "-m", "flask", "--app", "app", "db", "status"], env)
    assert status.returncode == 1 and status.stdout.startswith("missing"), output_of(status)
    assert leftovers(tmp_path) == []
