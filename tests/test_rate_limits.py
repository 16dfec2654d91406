"""Per-user rate limits (issue 16, "Load held"): a client asking for new view after new view, or
export after export, is refused with "请求过于频繁，请稍后再试" once over its budget, while other users
and the cached views are served as before; the counts are shared by workers through Redis, and a
Redis that does not answer never turns a request into a 500.

Budgets are tiny here (3 new views, 2 exports); each test spends the budgets of its own users.
"""
from __future__ import annotations

import hashlib

import flask
import pytest
from werkzeug.exceptions import TooManyRequests

import access
from auth.limits import LIMITED_TEXT, init_limits
from settings import Settings, SettingsError
from tests.conftest import signed_in
from tests.view_helpers import drawn_of, router_payload
from views.runtime import EXTENSION

REDIS_URL = "redis://127.0.0.1:6379/14"
DEAD_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
STALLED = "/export/list?view=%2Fprojects%3Fentry%3Dstalled%26key%3Dred&format=csv"


def make_app(url: str, **settings):
    import app as module

    settings = {"rate_views": "3/minute", "rate_exports": "2/minute", **settings}
    return module.create_app(Settings(database_url=url, prewarm=False, **settings))


def new_view(client, day: int, region: int = 520000, **environ):
    """The overview of `region` from a date no other request of the module asks for: not cached."""
    search = f"?from=2023-01-{day:02d}&to=2024-12-31"
    path = "/" if region == 520000 else f"/region/{region}"
    return client.post("/_dash-update-component", json=router_payload(path, search), **environ)


def served(resp) -> bool:
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200, body[:500]
    return LIMITED_TEXT not in body and drawn_of(resp.get_json()) is not None


def refused(resp) -> bool:
    body = resp.get_data(as_text=True)
    assert resp.status_code < 500, body[:500]
    return LIMITED_TEXT in body and "ov-drawn" not in body


@pytest.fixture(scope="module")
def limited(demo_sqlite_url):
    return make_app(demo_sqlite_url)


def test_new_views_over_the_budget_are_refused_others_and_cached_views_are_not(limited):
    heavy = signed_in(limited, role="analyst", region=520000)
    other = signed_in(limited, role="analyst", region=520300)
    for day in (1, 2, 3):
        assert served(new_view(heavy, day))
    assert refused(new_view(heavy, 4))
    # Nothing the browser sends moves the count to another budget: not its address, not a header.
    assert refused(new_view(heavy, 5, environ_base={"REMOTE_ADDR": "10.9.8.7"},
                            headers={"X-Forwarded-For": "10.1.2.3", "X-Real-IP": "10.1.2.4"}))
    # Another user at the same moment is served, new views included.
    assert served(new_view(other, 1, region=520300))
    assert served(new_view(other, 2, region=520300))
    # The limited user still gets what the cache holds: the views already computed.
    for day in (1, 3):
        assert served(new_view(heavy, day))


def test_the_refused_view_was_not_computed(limited):
    rt = limited.extensions[EXTENSION]
    heavy = signed_in(limited, role="analyst", region=520100)
    calls = []
    compute = lambda: calls.append(1) or "value"  # noqa: E731
    with limited.test_request_context("/_dash-update-component", method="POST"):
        flask.g.actor = access.Actor(name="test-direct", role="analyst", region=520000)
        for n in range(3):
            flask.g.pop("view_charged", None)
            assert rt.cached("rate-test", ("direct", n), compute) == "value"
        # Several misses in one request pay once: this request has paid already.
        assert rt.cached("rate-test", ("direct", "same-request"), compute) == "value"
        flask.g.pop("view_charged", None)
        with pytest.raises(TooManyRequests):
            rt.cached("rate-test", ("direct", "over"), compute)
        assert len(calls) == 4
        assert rt.cached("rate-test", ("direct", 0), compute) == "value"  # cached: free
    assert len(calls) == 4
    assert served(new_view(heavy, 1, region=520100))  # another user's budget is whole


def test_background_work_is_never_limited(limited):
    rt = limited.extensions[EXTENSION]
    with limited.app_context():  # the prewarm thread: an app, no request
        for n in range(10):
            assert rt.cached("rate-test", ("prewarm", n), lambda: n) == n


def test_exports_over_the_budget_get_429_in_chinese(limited):
    heavy = signed_in(limited, role="analyst", region=520600)
    other = signed_in(limited, role="analyst", region=520500)
    view = STALLED.replace("red&", "red%26region%3D520600&")
    for _ in range(2):
        resp = heavy.get(view)
        assert resp.status_code == 200 and resp.mimetype == "text/csv", resp.data[:300]
    resp = heavy.get(view)
    assert resp.status_code == 429
    assert resp.get_data(as_text=True) == LIMITED_TEXT and resp.headers["Retry-After"] == "60"
    assert heavy.get("/export/deck?region=520600").status_code == 429  # one budget for every export
    assert other.get(STALLED.replace("red&", "red%26region%3D520500&")).status_code == 200


@pytest.mark.parametrize("field", ["rate_views", "rate_exports"])
def test_a_rate_that_is_not_a_rate_stops_the_start(field):
    # Checked first thing when the limiter is made (create_app), before it touches the app.
    with pytest.raises(SettingsError, match=f"COCKPIT_{field.upper()}='sixty'"):
        init_limits(flask.Flask("bare"), Settings(**{field: "sixty"}))


# ------------------------------------------------------------------ shared through Redis

def redis_client(url: str):
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {url}")
    return client


def test_two_workers_share_the_count_through_redis(demo_sqlite_url):
    store = redis_client(REDIS_URL)
    # This deployment's keys: limits' prefix, then Flask-Limiter's with the digest of the database.
    prefix = f"LIMITS:LIMITER/cockpit:{hashlib.sha256(demo_sqlite_url.encode()).hexdigest()[:12]}"
    first, second = (make_app(demo_sqlite_url, cache_redis_url=REDIS_URL) for _ in range(2))
    a, b = signed_in(first, role="analyst", region=520000), signed_in(second, role="analyst", region=520000)
    try:
        # Days no other test asks for: the two workers share the view cache too.
        assert served(new_view(a, 11)) and served(new_view(a, 12))
        assert served(new_view(b, 13))
        assert refused(new_view(b, 14))  # the fourth new view, whichever worker is asked
        assert refused(new_view(a, 15))
        assert store.get(f"{prefix}/user:test-analyst-520000/views/3/1/minute") == b"5", "not counted in Redis"
        assert served(new_view(a, 12))  # cached
    finally:
        digest = prefix.rsplit(":", 1)[1]
        for pattern in (f"{prefix}/*", f"cockpit:{digest}:*"):  # the counts, the views cached
            for key in store.scan_iter(pattern):
                store.delete(key)


def test_a_redis_that_does_not_answer_is_no_500_and_limits_in_memory(demo_sqlite_url):
    server = make_app(demo_sqlite_url, cache_redis_url=DEAD_REDIS_URL)
    client = signed_in(server, role="analyst", region=520000)
    # An export request is counted before its handler runs (the view cache needs Redis too, so
    # the handler's own answer is not the point here): served by the in-memory fallback.
    statuses = [client.get("/export/screen?view=%2F&format=nothing").status_code for _ in range(3)]
    assert all(s < 500 for s in statuses) and statuses[2] == 429 and 429 not in statuses[:2], statuses
    rt = server.extensions[EXTENSION]
    with server.test_request_context("/_dash-update-component", method="POST"):
        flask.g.actor = access.Actor(name="test-dead-redis", role="analyst", region=520000)
        for _ in range(3):
            flask.g.pop("view_charged", None)
            rt.charge_miss()
        flask.g.pop("view_charged", None)
        with pytest.raises(TooManyRequests):
            rt.charge_miss()
