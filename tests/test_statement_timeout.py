"""A slow query ends with a clear message before the worker timeout (issue 16).

COCKPIT_STATEMENT_TIMEOUT_MS bounds every statement the serving app runs: PostgreSQL's own
statement_timeout (pg_sleep here), SQLite's progress handler (an endless recursive CTE). A page
whose query is ended says "查询超时" in the page, in about the timeout, never a 500.
"""
from __future__ import annotations

import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from data_access import schema
from data_access.db import get_engine, is_timeout, set_statement_timeout
from settings import Settings
from tests.conftest import BACKENDS, signed_in
from tests.view_helpers import router_payload

TIMEOUT_MS = 400
SLOW = {
    "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
    "postgresql": "SELECT pg_sleep(30)",
}


@pytest.fixture(scope="module", params=BACKENDS)
def bounded(request, backend_url):
    """An engine with the schema and a short statement timeout (its own database: others keep theirs)."""
    engine = get_engine(backend_url(request.param))
    schema.prepare(engine)
    set_statement_timeout(engine, TIMEOUT_MS)
    return engine


def test_a_slow_statement_is_ended_at_the_timeout(bounded):
    started = time.perf_counter()
    with pytest.raises(OperationalError) as ended, bounded.connect() as conn:
        conn.execute(text(SLOW[bounded.dialect.name])).all()
    elapsed = time.perf_counter() - started
    assert is_timeout(ended.value), ended.value
    assert TIMEOUT_MS / 1000 * 0.9 <= elapsed < TIMEOUT_MS / 1000 + 1.5, elapsed
    # The connection goes back to the pool healthy; quick statements, and a commit long after the
    # last statement, are not interrupted.
    for _ in range(3):
        with bounded.begin() as conn:
            conn.execute(text("CREATE TEMPORARY TABLE IF NOT EXISTS t (x integer)"))
            conn.execute(text("INSERT INTO t VALUES (1)"))
            time.sleep(TIMEOUT_MS / 1000 * 1.5)
        with bounded.connect() as conn:
            assert conn.execute(text("SELECT 1 + 1")).scalar() == 2


def test_a_quick_statement_is_never_interrupted(bounded):
    with bounded.connect() as conn:
        # ~100k rows: well under the timeout, through many progress-handler calls on SQLite.
        n = conn.execute(text("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000) "
                              "SELECT count(*) FROM c")).scalar()
    assert n == 100000


def test_a_new_value_applies_to_pooled_connections_and_zero_means_no_limit(backend_url):
    engine = get_engine(backend_url("sqlite"))
    count = text("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000) SELECT count(*) FROM c")
    set_statement_timeout(engine, 1)
    with pytest.raises(OperationalError), engine.connect() as conn:
        conn.execute(count).scalar()
    set_statement_timeout(engine, 0)
    with engine.connect() as conn:
        assert conn.execute(count).scalar() == 300000


def test_is_timeout_tells_other_errors_apart():
    assert not is_timeout(ValueError("interrupted"))
    assert not is_timeout(None)


def test_the_page_says_query_timeout(demo_engine, monkeypatch):
    """The overview whose data read runs past the timeout: "查询超时" in the page, in time, no 500."""
    import app as module

    url = demo_engine.url.render_as_string(hide_password=False)
    server = module.create_app(Settings(database_url=url, prewarm=False, statement_timeout_ms=TIMEOUT_MS))
    import pages.overview as overview  # registered by the app just made (Dash refuses it before)
    read = overview.read_overview

    def slow_read(rt, scope, filters):
        with rt.engine.connect() as conn:
            conn.execute(text(SLOW[rt.engine.dialect.name])).all()
        return read(rt, scope, filters)

    monkeypatch.setattr(overview, "read_overview", slow_read)
    try:
        client = signed_in(server)
        started = time.perf_counter()
        resp = client.post("/_dash-update-component", json=router_payload("/region/520300"))
        elapsed = time.perf_counter() - started
    finally:
        set_statement_timeout(demo_engine, Settings().statement_timeout_ms)  # the shared engine's own
    assert resp.status_code < 500, resp.get_data(as_text=True)[:500]
    body = resp.get_data(as_text=True)
    assert "查询超时" in body, body[:1000]
    assert elapsed < TIMEOUT_MS / 1000 + 5, elapsed
