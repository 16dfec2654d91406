"""A slow query under the real gunicorn ends with a clear message before the worker timeout
(issue 16, "Faults survived").

gunicorn runs with the repository's gunicorn.conf.py on PostgreSQL; the overview's data read is
made slow the way tests/test_statement_timeout.py does it (a `pg_sleep` before the read), here in
a WSGI module that wraps `app:server` so the workers of a separate process carry the hook. With
COCKPIT_STATEMENT_TIMEOUT_MS at 1 s and a worker timeout of 10 s, the page says "查询超时" after
about a second, the worker lives on (no "WORKER TIMEOUT", no new worker) and serves the next
request. Without a statement timeout the same request holds the worker until gunicorn kills it:
the log check below would catch that.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from tests.test_deploy import (clean_env, free_port, http, postgres_url, require_gunicorn,  # noqa: F401 (fixture)
                               serving, tail, wait_until_healthy)
from tests.view_helpers import router_payload

ROOT = Path(__file__).resolve().parent.parent
STATEMENT_TIMEOUT_MS = 1000
WORKER_TIMEOUT_S = 10
SLEEP_S = 60  # far beyond both: only the statement timeout can end it in time
TIMEOUT_TEXT = "查询超时"

pytestmark = pytest.mark.slow

# `app:server` with the overview's data read made slow in every worker (the hook of
# tests/test_statement_timeout.py); the pages module exists once the app is made.
SLOW_WSGI = f"""
from sqlalchemy import text

import app

server = app.server
import pages.overview as overview

_read = overview.read_overview


def slow_read(rt, scope, filters):
    with rt.engine.connect() as conn:
        conn.execute(text("SELECT pg_sleep({SLEEP_S})")).all()
    return _read(rt, scope, filters)


overview.read_overview = slow_read
"""


def session_cookie(database_url: str) -> str:
    """A signed-in analyst of the province, written straight into the served database."""
    from auth.credentials import digest, new_token
    from data_access import accounts
    from data_access.db import get_engine

    engine = get_engine(database_url)
    token = new_token()
    with engine.begin() as conn:
        user_id = accounts.create_user(conn, username="slow-query-test", role="analyst", region=520000,
                                       password_hash=None)
        accounts.start_session(conn, digest(token), user_id=user_id)
    engine.dispose()
    return token


def post_view(port: int, token: str, path: str, timeout: float) -> tuple[int, str, float]:
    import urllib.error
    import urllib.request

    from auth.guard import COOKIE

    body = json.dumps(router_payload(path)).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}/_dash-update-component", data=body,
                                 headers={"Content-Type": "application/json", "Cookie": f"{COOKIE}={token}"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            status, text = resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        status, text = exc.code, exc.read().decode(errors="replace")
    return status, text, time.perf_counter() - started


def gunicorn(tmp_path: Path, database_url: str, statement_timeout_ms: int):
    """The real gunicorn on the repository's config, two workers, the slow WSGI module."""
    require_gunicorn()
    (tmp_path / "slow_wsgi.py").write_text(SLOW_WSGI)
    port, log = free_port(), tmp_path / "gunicorn.log"
    args = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "-w", "2",
            "--timeout", str(WORKER_TIMEOUT_S), "-b", f"127.0.0.1:{port}", "slow_wsgi:server"]
    env = clean_env(COCKPIT_DATABASE_URL=database_url, COCKPIT_AUTO_UPGRADE="1",
                    COCKPIT_STATEMENT_TIMEOUT_MS=str(statement_timeout_ms), PYTHONPATH=f"{tmp_path}:{ROOT}")
    return port, log, serving(args, env, log)


def test_a_slow_query_says_query_timeout_long_before_the_worker_timeout(tmp_path, postgres_url):  # noqa: F811
    port, log, server = gunicorn(tmp_path, postgres_url, STATEMENT_TIMEOUT_MS)
    with server as proc:
        wait_until_healthy(proc, port, log)
        assert http(f"http://127.0.0.1:{port}/ready")[0] == 200, tail(log)
        token = session_cookie(postgres_url)
        for path in ("/region/520300", "/region/520100", "/"):  # both workers, more than once
            status, text, elapsed = post_view(port, token, path, timeout=WORKER_TIMEOUT_S * 3)
            assert status == 200, (status, text[:500], tail(log))
            assert TIMEOUT_TEXT in text, text[:1000]
            assert STATEMENT_TIMEOUT_MS / 1000 * 0.9 <= elapsed < STATEMENT_TIMEOUT_MS / 1000 + 3, elapsed
        # The workers (and their pooled connections) serve on: quick requests answer at once.
        for _ in range(4):
            assert http(f"http://127.0.0.1:{port}/ready", timeout=5)[0] == 200
        time.sleep(1)
        assert proc.poll() is None, tail(log)
    text = tail(log, 10**6)
    assert text.count("Booting worker") == 2, f"a worker was replaced:\n{tail(log)}"
    for bad in ("WORKER TIMEOUT", "Worker exited", '" 500 '):
        assert bad not in text, f"{bad!r} in the gunicorn log:\n{tail(log)}"
    # The operator reads why in the log (the app logs the failed callback with its cause).
    assert text.count("canceling statement due to statement timeout") >= 3, tail(log)


def test_without_a_statement_timeout_gunicorn_kills_the_worker(tmp_path, postgres_url):  # noqa: F811
    """The control: what the statement timeout saves the page from, and what the log check sees."""
    port, log, server = gunicorn(tmp_path, postgres_url, 0)
    with server as proc:
        wait_until_healthy(proc, port, log)
        token = session_cookie(postgres_url)
        started = time.perf_counter()
        try:
            status, text, _ = post_view(port, token, "/region/520300", timeout=WORKER_TIMEOUT_S * 3)
        except OSError:  # the worker is killed mid-request: the connection drops
            status, text = None, ""
        assert time.perf_counter() - started >= WORKER_TIMEOUT_S * 0.9
        assert status != 200 and TIMEOUT_TEXT not in text, (status, text[:500])
        deadline = time.monotonic() + 10
        while "WORKER TIMEOUT" not in tail(log, 10**6) and time.monotonic() < deadline:
            time.sleep(0.2)
    assert "WORKER TIMEOUT" in tail(log, 10**6), tail(log)
