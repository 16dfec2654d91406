"""Signing in, sessions, display tokens, the user commands and the audit log, as a browser and an
operator meet them (issue 11).

Every test runs on the demo database of SQLite and again of PostgreSQL (`demo_engine`). Users are
written with data_access.accounts and an argon2 hash from auth.credentials, or with the CLI;
clients sign in through the real form (tests/auth_helpers.py). Times are moved with plain SQL on
login_session and audit_log, never by waiting.
"""
from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from sqlalchemy import text

from settings import Settings
from tests.auth_helpers import (
    PASSWORD, SESSION_COOKIE, audit_rows, body_text, form_fields, is_login_redirect, login, login_csrf, logout,
    dependency_payload, find_dependency, find_prop, logout_token, make_user, post_login, refused, session_cookie,
    set_cookie_header, unique, update_user, utcnow,
)
from tests.view_helpers import find, router_payload, text_of

ROOT = Path(__file__).resolve().parent.parent
SSO_HEADER = "X-Remote-User"
PERIOD = "?from=2024-01-01&to=2024-12-31"


# ------------------------------------------------------------------ fixtures

@pytest.fixture
def cockpit(demo_cockpit):
    """The cockpit (default settings) on the demo database of the current backend."""
    return demo_cockpit


@pytest.fixture
def server(cockpit):
    return cockpit.server


@pytest.fixture
def engine(demo_engine):
    return demo_engine


def url_of(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


_apps: dict[tuple, object] = {}


def app_on(engine, **settings):
    """Another cockpit process on the same database (a second worker, or other settings); made once."""
    import app as module

    key = (url_of(engine), tuple(sorted(settings.items())))
    if key not in _apps:
        _apps[key] = module.create_app(Settings(database_url=url_of(engine), prewarm=False, **settings))
    return _apps[key]


@pytest.fixture
def user(engine):
    """A provincial analyst with a password."""
    name = unique("auth-user")
    make_user(engine, name, role="analyst", region=520000)
    return name


def render(client, pathname: str, search: str = ""):
    """The page router's response for a URL (what the browser gets when it navigates)."""
    return client.post("/_dash-update-component", json=router_payload(pathname, search))


def page_text(resp) -> str:
    assert resp.status_code == 200, (resp.status_code, resp.get_data(as_text=True)[:300])
    return text_of(resp.get_json()["response"]["_pages_content"]["children"])


def title_of(resp) -> str:
    page = resp.get_json()["response"]["_pages_content"]["children"]
    return text_of(find(page, "ov-title"))


def end_state(engine, username: str) -> list:
    """ended_at of the user's sessions."""
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(text(
            "SELECT s.ended_at FROM login_session s JOIN app_user u ON u.id = s.user_id WHERE u.username = :u"),
            {"u": username})]


def move_sessions(engine, username: str, **columns) -> None:
    """Set login_session columns (created_at, last_seen_at) of a user's sessions to given times."""
    sets = ", ".join(f"{c} = :{c}" for c in columns)
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE login_session SET {sets} WHERE user_id = "
                          "(SELECT id FROM app_user WHERE username = :u)"), {**columns, "u": username})


# ------------------------------------------------------------------ the sign-in page

def test_the_sign_in_page_is_a_chinese_form(server):
    client = server.test_client()
    resp = client.get("/login?next=/chains")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert 'lang="zh-CN"' in page and "用户名" in page and "密码" in page and "登录" in page
    fields = form_fields(page)
    assert {"csrf_token", "next"} <= set(fields), fields
    assert re.search(r'<input[^>]*name="username"', page) and re.search(r'<input[^>]*name="password"[^>]*', page)
    assert re.search(r'<input[^>]*type="password"', page)
    assert fields["next"] == "/chains"
    assert resp.headers.get("Cache-Control", "").startswith("no-store")


def test_signing_in_lands_on_next_with_a_safe_cookie(server, engine, user):
    client = server.test_client()
    since = utcnow() - timedelta(seconds=1)
    resp = post_login(client, user, PASSWORD, next="/region/520300?from=2024-01-01&to=2024-12-31")
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/region/520300?from=2024-01-01&to=2024-12-31"
    cookie = set_cookie_header(resp)
    assert cookie, resp.headers
    attrs = [a.strip().lower() for a in cookie.split(";")]
    assert "httponly" in attrs and "samesite=lax" in attrs and "path=/" in attrs
    assert "secure" not in attrs  # secure_cookies is off by default (the tests speak plain HTTP)
    token = session_cookie(client)
    assert len(token) >= 32  # a random token, not a user id
    # The cookie holds only a token: the database keeps its digest, never the token itself.
    with engine.connect() as conn:
        stored = [r[0] for r in conn.execute(text("SELECT token_hash FROM login_session"))]
    assert token not in stored
    assert client.get("/region/520300?from=2024-01-01&to=2024-12-31").status_code == 200
    assert "贵州省" in title_of(render(client, "/"))
    rows = audit_rows(engine, actor=user, action="login", since=since)
    assert len(rows) == 1 and rows[0]["address"]


def test_secure_cookies_are_sent_with_secure(engine, user):
    client = app_on(engine, secure_cookies=True).test_client()
    resp = post_login(client, user, PASSWORD)
    assert resp.status_code == 302
    assert "secure" in [a.strip().lower() for a in set_cookie_header(resp).split(";")]


def test_a_wrong_password_or_name_is_401_in_chinese(server, engine, user):
    since = utcnow() - timedelta(seconds=1)
    for name, password in [(user, "wrong-password-1"), (unique("nobody"), PASSWORD)]:
        client = server.test_client()
        resp = post_login(client, name, password)
        assert resp.status_code == 401
        page = resp.get_data(as_text=True)
        # One message for both: the page does not tell which user names exist.
        assert "用户名或密码错误" in page
        assert session_cookie(client) is None
        assert refused(client.get("/"))
        assert len(audit_rows(engine, actor=name, action="login_failed", since=since)) == 1
    assert not audit_rows(engine, actor=user, action="login", since=since)


def test_an_account_without_a_password_cannot_sign_in_with_one(server, engine):
    name = unique("nopw")
    make_user(engine, name, password=None)
    resp = post_login(server.test_client(), name, "")
    assert resp.status_code in (400, 401)
    resp = post_login(server.test_client(), name, PASSWORD)
    assert resp.status_code == 401


# ------------------------------------------------------------------ lockout

def test_the_sixth_attempt_within_a_minute_is_locked_even_with_the_right_password(server, engine, user):
    since = utcnow() - timedelta(seconds=1)
    for _ in range(5):
        assert post_login(server.test_client(), user, "wrong-password-1").status_code == 401
    resp = post_login(server.test_client(), user, PASSWORD)
    assert resp.status_code == 429
    assert session_cookie(server.test_client()) is None
    assert "登录" in resp.get_data(as_text=True)
    assert len(audit_rows(engine, actor=user, action="login_failed", since=since)) == 5
    assert audit_rows(engine, actor=user, action="login_locked", since=since)
    assert not audit_rows(engine, actor=user, action="login", since=since)
    # Per user name: another user signs in as usual.
    other = unique("auth-other")
    make_user(engine, other)
    login(server.test_client(), other)


def test_the_lockout_ends_a_minute_after_the_failures(server, engine, user):
    for _ in range(5):
        post_login(server.test_client(), user, "wrong-password-1")
    assert post_login(server.test_client(), user, PASSWORD).status_code == 429
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET at = :t WHERE actor = :u"),
                     {"t": utcnow() - timedelta(seconds=61), "u": user})
    login(server.test_client(), user)


def test_the_lockout_holds_across_workers(server, engine, user):
    """Two apps on one database are two workers: failures are counted in the database."""
    workers = [server, app_on(engine)]
    assert workers[1] is not server
    for attempt in range(5):
        assert post_login(workers[attempt % 2].test_client(), user, "wrong-password-1").status_code == 401
    for worker in workers:
        assert post_login(worker.test_client(), user, PASSWORD).status_code == 429


def test_a_sign_in_form_from_one_worker_is_accepted_by_another(server, engine, user):
    """The demo database keeps one secret for every worker: a form served by one posts to another."""
    client = server.test_client()
    csrf = login_csrf(client)
    other = app_on(engine).test_client()
    other.set_cookie("cockpit_csrf", client.get_cookie("cockpit_csrf").value)
    resp = other.post("/login", data={"username": user, "password": PASSWORD, "csrf_token": csrf})
    assert resp.status_code == 302


# ------------------------------------------------------------------ CSRF

@pytest.mark.parametrize("case", ["missing", "wrong", "another browser's", "no cookie"])
def test_a_sign_in_without_this_browsers_csrf_token_is_400(server, engine, user, case):
    since = utcnow() - timedelta(seconds=1)
    client = server.test_client()
    own = login_csrf(client)
    data = {"username": user, "password": PASSWORD}
    if case == "wrong":
        data["csrf_token"] = own[:-4] + ("AAAA" if not own.endswith("AAAA") else "BBBB")
    elif case == "another browser's":
        other = server.test_client()
        data["csrf_token"] = login_csrf(other)  # signed by the cockpit, but for the other browser's cookie
    elif case == "no cookie":
        client = server.test_client()  # never loaded the form: no CSRF cookie
        data["csrf_token"] = own
    resp = client.post("/login", data=data)
    assert resp.status_code == 400
    assert session_cookie(client) is None
    assert not audit_rows(engine, actor=user, action="login", since=since)


DEMO_ACCOUNTS = {  # what each demo button must sign in as: (role, region)
    "省领导": ("viewer", 520000), "遵义": ("analyst", 520300), "仁怀": ("viewer", 520382), "管理员": ("admin", 520000),
}


def test_the_demo_buttons_sign_in_as_their_accounts(server, engine):
    from auth.credentials import digest

    page = server.test_client().get("/login").get_data(as_text=True)
    buttons = re.findall(r'<button[^>]*name="account"[^>]*value="([^"]+)"[^>]*>([^<]+)</button>', page)
    assert len(buttons) == 4, buttons
    seen = set()
    for key, label in buttons:
        client = server.test_client()
        csrf = login_csrf(client)
        resp = client.post("/login/demo", data={"account": key, "csrf_token": csrf})
        assert resp.status_code == 302 and session_cookie(client), (key, resp.status_code)
        with engine.connect() as conn:
            role, region = conn.execute(text(
                "SELECT u.role, u.region_adcode FROM login_session s JOIN app_user u ON u.id = s.user_id "
                "WHERE s.token_hash = :h"), {"h": digest(session_cookie(client))}).one()
        expected = next(v for k, v in DEMO_ACCOUNTS.items() if k in label)
        assert (role, region) == expected, (label, role, region)
        seen.add(expected)
        names = {520000: "贵州省", 520300: "遵义市", 520382: "仁怀市"}
        assert title_of(render(client, "/", PERIOD)) == f"{names[region]} · 招商引资总览"
    assert len(seen) == 4
    bad = server.test_client()
    assert bad.post("/login/demo", data={"account": "root", "csrf_token": login_csrf(bad)}).status_code == 400


def test_demo_sign_in_needs_the_csrf_token_too(server):
    client = server.test_client()
    login_csrf(client)
    resp = client.post("/login/demo", data={"account": "leader"})
    assert resp.status_code == 400 and session_cookie(client) is None


# ------------------------------------------------------------------ open redirects

EVIL_NEXT = [
    "//evil.example", "https://evil.example", "http://evil.example/", "/\\evil.example", "\\\\evil.example",
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "http:evil.example", "/\t/evil.example", "/\n/evil.example",
    " //evil.example", "///evil.example", "/%2F/evil.example", "//evil.example/region/520300",
    "/login?next=//evil.example", "data:text/html,hi", "evil.example",
]


def _stays_inside(location: str) -> None:
    # What a browser does to a Location: drop tabs and newlines, read backslashes as slashes.
    seen = re.sub(r"[\t\r\n]", "", location).replace("\\", "/")
    resolved = urlsplit(urljoin("http://localhost/", seen))
    assert resolved.scheme == "http" and resolved.netloc == "localhost", location
    assert not seen.lstrip().startswith("//"), location
    assert "evil.example" not in resolved.netloc


@pytest.mark.parametrize("target", EVIL_NEXT)
def test_next_never_leaves_the_cockpit(server, engine, target):
    name = unique("redirect")
    make_user(engine, name)
    client = server.test_client()
    # The form shows a safe value, and the POST ignores whatever is sent.
    shown = form_fields(client.get("/login", query_string={"next": target}).get_data(as_text=True)).get("next", "")
    assert "evil" not in shown and not shown.lower().startswith(("javascript", "data"))
    resp = post_login(client, name, PASSWORD, next=target)
    assert resp.status_code == 302
    _stays_inside(resp.headers["Location"])
    assert "evil" not in resp.headers["Location"] or resp.headers["Location"].startswith("/%2F")


def test_a_cockpit_next_is_kept(server, user):
    client = server.test_client()
    resp = post_login(client, user, PASSWORD, next="/chains?region=520300&industry=CHEM")
    assert resp.headers["Location"] == "/chains?region=520300&industry=CHEM"


def test_a_page_without_a_session_asks_to_sign_in_and_comes_back(server, user):
    client = server.test_client()
    resp = client.get("/region/520300?from=2024-01-01")
    assert is_login_redirect(resp)
    query = parse_qs(urlsplit(resp.headers["Location"]).query)
    assert query["next"] == ["/region/520300?from=2024-01-01"]
    back = post_login(client, user, PASSWORD, next=query["next"][0])
    assert back.headers["Location"] == "/region/520300?from=2024-01-01"


# ------------------------------------------------------------------ what needs a session

PAGES = ["/", "/region/520300", "/chains?region=520300", "/admin/users", "/admin/tokens", "/admin/audit",
         "/definitions", "/no-such-page"]
DASH_GETS = ["/_dash-layout", "/_dash-dependencies", "/api/data-version"]


@pytest.mark.parametrize("path", PAGES)
def test_a_page_without_a_session_redirects_to_sign_in(server, path):
    resp = server.test_client().get(path)
    assert is_login_redirect(resp), (resp.status_code, resp.headers.get("Location"))
    location = urlsplit(resp.headers["Location"])
    assert location.path == "/login"
    if path != "/":
        assert parse_qs(location.query)["next"] == [path]


@pytest.mark.parametrize("path", DASH_GETS)
def test_the_apps_endpoints_without_a_session_are_401(server, path):
    resp = server.test_client().get(path)
    assert resp.status_code == 401, resp.status_code
    assert "请先登录" in body_text(resp) or not resp.get_data()


def test_a_callback_without_a_session_is_401_and_computes_nothing(server, cockpit, monkeypatch):
    import views.overview

    read = []
    monkeypatch.setattr(views.overview, "_read", lambda *a: read.append(a) or pytest.fail("computed"))
    for body in [router_payload("/"), router_payload("/region/520300", PERIOD)]:
        resp = server.test_client().post("/_dash-update-component", json=body)
        assert resp.status_code == 401
        assert "遵义" not in body_text(resp) and "kpi" not in body_text(resp)
    resp = server.test_client().post("/api/data-version")
    assert resp.status_code in (401, 405)
    assert read == []


def test_dashs_other_endpoints_need_a_session_too(server):
    for path in ["/_reload-hash", "/_alive_" + "x", "/_dash-not-a-route"]:
        resp = server.test_client().get(path)
        assert refused(resp) or resp.status_code == 404, (path, resp.status_code)
    assert refused(server.test_client().post("/_dash-update-component", data=b"not json"))


@pytest.mark.parametrize("path", ["/login", "/health", "/_favicon.ico", "/vendor/bootstrap.min.css"])
def test_the_open_paths_need_no_session(server, path):
    resp = server.test_client().get(path)
    assert resp.status_code == 200, (path, resp.status_code)


@pytest.mark.parametrize("path", ["/assets/../_dash-layout", "/assets/%2e%2e/_dash-layout", "//_dash-layout",
                                  "/_dash-component-suites/../_dash-layout", "/login/../_dash-layout",
                                  "/display/x/../../_dash-layout", "/vendor/../_dash-layout", "/health/../_dash-layout"])
def test_an_open_prefix_opens_nothing_else(server, path):
    resp = server.test_client().get(path)
    assert resp.status_code != 200 or not resp.is_json, (path, resp.status_code)
    assert "_pages_content" not in body_text(resp) and "ov-" not in body_text(resp)


def test_ready_is_a_probe_not_the_app(server):
    """/ready is open like /health (a load balancer asks it): it answers as a probe, not with the
    app's HTML shell (which any unknown path would get)."""
    resp = server.test_client().get("/ready")
    assert resp.status_code in (200, 503)
    assert "<html" not in resp.get_data(as_text=True).lower()


def test_assets_and_dash_scripts_need_no_session(server, user):
    client = server.test_client()
    login(client, user)
    page = client.get("/").get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"', page)
    styles = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    suites = [s for s in scripts if s.startswith("/_dash-component-suites/")]
    assets = [s for s in styles + scripts if s.startswith("/assets/")]
    assert suites and assets
    anonymous = server.test_client()
    for path in suites[:2] + assets[:2]:
        assert anonymous.get(path).status_code == 200, path


def test_a_cookie_that_is_not_a_session_is_refused(server):
    client = server.test_client()
    for value in ["forged", "x" * 43, "a" * 500]:
        client.set_cookie(SESSION_COOKIE, value)
        assert is_login_redirect(client.get("/"))
        assert render(client, "/").status_code == 401


# ------------------------------------------------------------------ sign-out

def test_signing_out_ends_the_session_on_the_server(server, engine, user):
    since = utcnow() - timedelta(seconds=1)
    client = server.test_client()
    login(client, user)
    stolen = session_cookie(client)
    resp = logout(client)
    assert resp.status_code in (302, 303) and "/login" in resp.headers["Location"]
    assert session_cookie(client) is None  # the browser forgets it
    assert all(ended is not None for ended in end_state(engine, user))
    replay = server.test_client()
    replay.set_cookie(SESSION_COOKIE, stolen)
    assert is_login_redirect(replay.get("/"))
    assert replay.get("/_dash-layout").status_code == 401
    assert render(replay, "/").status_code == 401
    assert len(audit_rows(engine, actor=user, action="logout", since=since)) == 1


def test_signing_out_needs_the_sessions_token(server, user, engine):
    client = server.test_client()
    login(client, user)
    other = server.test_client()
    login(other, user)
    others_token = logout_token(other)
    assert logout_token(client) != others_token
    assert client.post("/logout").status_code == 400
    assert client.post("/logout", data={"csrf_token": "nope"}).status_code == 400
    assert client.post("/logout", data={"csrf_token": others_token}).status_code == 400
    assert render(client, "/").status_code == 200  # still signed in
    assert render(other, "/").status_code == 200
    client.get("/logout")  # a link (GET) cannot sign anyone out
    assert render(client, "/").status_code == 200


def test_signing_out_without_a_session_is_refused(server):
    assert server.test_client().post("/logout", data={"csrf_token": "x"}).status_code in (400, 401)


# ------------------------------------------------------------------ expiry

def test_a_session_idle_longer_than_the_setting_ends(server, engine, user):
    client = server.test_client()
    login(client, user)
    idle = server.extensions["cockpit"].settings.session_idle_minutes
    move_sessions(engine, user, last_seen_at=utcnow() - timedelta(minutes=idle - 1))
    assert render(client, "/").status_code == 200  # still within the idle time
    move_sessions(engine, user, last_seen_at=utcnow() - timedelta(minutes=idle, seconds=5))
    assert is_login_redirect(client.get("/"))
    assert render(client, "/").status_code == 401
    assert all(ended is not None for ended in end_state(engine, user))


def test_a_request_keeps_a_session_alive(server, engine, user):
    client = server.test_client()
    login(client, user)
    idle = server.extensions["cockpit"].settings.session_idle_minutes
    move_sessions(engine, user, last_seen_at=utcnow() - timedelta(minutes=idle - 2))
    assert render(client, "/").status_code == 200
    with engine.connect() as conn:
        seen = conn.scalar(text("SELECT MAX(s.last_seen_at) FROM login_session s JOIN app_user u "
                                "ON u.id = s.user_id WHERE u.username = :u"), {"u": user})
    if isinstance(seen, str):
        from datetime import datetime

        seen = datetime.fromisoformat(seen)
    assert utcnow() - seen < timedelta(minutes=1)


def test_a_session_ends_at_the_absolute_maximum_however_busy(server, engine, user):
    client = server.test_client()
    login(client, user)
    hours = server.extensions["cockpit"].settings.session_max_hours
    move_sessions(engine, user, created_at=utcnow() - timedelta(hours=hours) + timedelta(minutes=5),
                  last_seen_at=utcnow())
    assert render(client, "/").status_code == 200
    move_sessions(engine, user, created_at=utcnow() - timedelta(hours=hours, minutes=1), last_seen_at=utcnow())
    assert is_login_redirect(client.get("/"))
    assert render(client, "/").status_code == 401


def test_tiny_session_settings_end_sessions(engine):
    """session_idle_minutes=0: any pause ends the session (the setting is read, not hard-wired)."""
    name = unique("tiny")
    make_user(engine, name)
    server = app_on(engine, session_idle_minutes=0)
    client = server.test_client()
    login(client, name)
    move_sessions(engine, name, last_seen_at=utcnow() - timedelta(seconds=2))
    assert is_login_redirect(client.get("/"))


# ------------------------------------------------------------------ changes apply at the next request

def test_a_change_of_region_applies_at_the_next_request(server, engine, user):
    client = server.test_client()
    login(client, user)
    assert title_of(render(client, "/region/520100", PERIOD)) == "贵阳市 · 招商引资总览"
    update_user(engine, user, region_adcode=520300)
    assert "无权查看该地区" in page_text(render(client, "/region/520100", PERIOD))
    assert title_of(render(client, "/", PERIOD)) == "遵义市 · 招商引资总览"
    update_user(engine, user, region_adcode=520382)
    assert "无权查看该地区" in page_text(render(client, "/region/520300", PERIOD))
    assert title_of(render(client, "/", PERIOD)) == "仁怀市 · 招商引资总览"


def test_a_change_of_role_applies_at_the_next_request(server, engine):
    name = unique("role")
    make_user(engine, name, role="admin")
    client = server.test_client()
    login(client, name)
    admin_page = render(client, "/admin/users")
    assert admin_page.status_code == 200 and "无权" not in page_text(admin_page)
    update_user(engine, name, role="viewer")
    assert "无权" in page_text(render(client, "/admin/users"))
    # A viewer sees figures but no project lists.
    chains = render(client, "/chains", "?region=520300")
    page = chains.get_json()["response"]["_pages_content"]["children"]
    assert find(page, "ch-projects") is None and find(page, "ch-candidates") is None
    assert find(page, "ch-atlas") is not None


def test_a_disabled_user_is_refused_at_the_next_request(server, engine, user):
    client = server.test_client()
    login(client, user)
    assert render(client, "/").status_code == 200
    update_user(engine, user, disabled=True)
    assert render(client, "/").status_code == 401
    assert is_login_redirect(client.get("/"))
    assert post_login(server.test_client(), user, PASSWORD).status_code == 401
    update_user(engine, user, disabled=False)
    assert render(client, "/").status_code == 401  # the old session stays ended
    login(server.test_client(), user)


def test_a_user_without_a_region_sees_nothing(server, engine):
    name = unique("noregion")
    make_user(engine, name, region=None)
    client = server.test_client()
    login(client, name)
    for path, search in [("/", ""), ("/region/520300", ""), ("/chains", ""), ("/chains", "?region=520382")]:
        resp = render(client, path, search)
        assert resp.status_code in (200, 204, 403)
        if resp.status_code == 200:
            page = resp.get_json()["response"]["_pages_content"]["children"]
            assert find(page, "ov-kpis") is None and find(page, "ch-panels") is None
            assert "无权" in text_of(page)


def test_a_region_taken_away_mid_session_refuses_rather_than_widens(server, engine):
    """A user whose region is removed while signed in sees nothing at the next request, never the
    whole province."""
    name = unique("badregion")
    make_user(engine, name, region=520300)
    client = server.test_client()
    login(client, name)
    with engine.begin() as conn:
        conn.execute(text("UPDATE app_user SET region_adcode = NULL WHERE username = :u"), {"u": name})
    page = render(client, "/")
    assert page.status_code != 200 or find(page.get_json()["response"]["_pages_content"]["children"],
                                           "ov-kpis") is None


# ------------------------------------------------------------------ passwords

def test_passwords_are_stored_only_as_argon2_hashes(engine):
    names = [unique("hash"), unique("hash")]
    for name in names:
        make_user(engine, name)
    with engine.connect() as conn:
        hashes = [conn.scalar(text("SELECT password_hash FROM app_user WHERE username = :u"), {"u": n})
                  for n in names]
        columns = " ".join(str(v) for v in conn.execute(
            text("SELECT * FROM app_user WHERE username = :u"), {"u": names[0]}).one())
    assert all(h.startswith("$argon2id$") for h in hashes), hashes
    assert hashes[0] != hashes[1]  # salted
    assert PASSWORD not in columns


def test_credentials_verify(engine):
    from auth.credentials import digest, hash_password, new_token, verify_password

    stored = hash_password(PASSWORD)
    assert verify_password(stored, PASSWORD) and not verify_password(stored, PASSWORD + "x")
    assert not verify_password(None, PASSWORD) and not verify_password("garbage", PASSWORD)
    a, b = new_token(), new_token()
    assert a != b and len(a) >= 32 and digest(a) != a and len(digest(a)) == 64


# ------------------------------------------------------------------ the secret key

@pytest.fixture(scope="module")
def production_url(demo_sqlite_url, tmp_path_factory):
    """A copy of the demo database posing as real data (dataset_info source is not 'demo')."""
    source = demo_sqlite_url.removeprefix("sqlite:///")
    path = tmp_path_factory.mktemp("production") / "cockpit.db"
    with sqlite3.connect(source) as src, sqlite3.connect(path) as dst:
        src.backup(dst)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE dataset_info SET value = 'import' WHERE key = 'source'")
        conn.execute("DELETE FROM dataset_info WHERE key = 'demo_secret'")
    return f"sqlite:///{path}"


def test_real_data_refuses_to_start_without_a_strong_secret(production_url):
    import app as module
    from settings import SettingsError

    with pytest.raises(SettingsError, match="COCKPIT_SECRET_KEY"):
        module.create_app(Settings(database_url=production_url, prewarm=False))
    with pytest.raises(SettingsError, match="COCKPIT_SECRET_KEY"):
        module.create_app(Settings(database_url=production_url, prewarm=False, secret_key="s" * 31))
    server = module.create_app(Settings(database_url=production_url, prewarm=False, secret_key="k" * 32))
    assert server.test_client().get("/login").status_code == 200
    # No demo accounts on real data: neither buttons nor the demo sign-in.
    client = server.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert "演示" not in page and "/login/demo" not in page
    csrf = login_csrf(client)
    assert client.post("/login/demo", data={"account": "leader", "csrf_token": csrf}).status_code == 404


def test_a_short_secret_is_refused_even_on_demo_data(engine):
    import app as module
    from settings import SettingsError

    with pytest.raises(SettingsError, match="COCKPIT_SECRET_KEY"):
        module.create_app(Settings(database_url=url_of(engine), prewarm=False, secret_key="short"))


def test_the_secret_is_read_from_the_environment():
    assert Settings.from_env({"COCKPIT_SECRET_KEY": "k" * 40}).secret_key == "k" * 40
    settings = Settings.from_env({"COCKPIT_SESSION_IDLE_MINUTES": "5", "COCKPIT_SESSION_MAX_HOURS": "2",
                                  "COCKPIT_LOGIN_FAILURES": "3", "COCKPIT_SSO_HEADER": SSO_HEADER,
                                  "COCKPIT_SECURE_COOKIES": "1"})
    assert (settings.session_idle_minutes, settings.session_max_hours, settings.login_failures,
            settings.sso_header, settings.secure_cookies) == (5, 2, 3, SSO_HEADER, True)
    defaults = Settings()
    assert (defaults.session_idle_minutes, defaults.session_max_hours, defaults.login_failures,
            defaults.sso_header, defaults.secure_cookies) == (30, 12, 5, "", False)


# ------------------------------------------------------------------ single sign-on

def test_single_sign_on_off_ignores_the_header(server, user):
    client = server.test_client()
    headers = {SSO_HEADER: user}
    assert is_login_redirect(client.get("/", headers=headers))
    assert client.post("/_dash-update-component", json=router_payload("/"), headers=headers).status_code == 401
    assert client.get("/_dash-layout", headers={"X-Forwarded-User": user, "Remote-User": user}).status_code == 401


def test_single_sign_on_on_trusts_the_proxys_header(engine):
    name = unique("sso")
    make_user(engine, name, role="viewer", region=520300, password=None)
    server = app_on(engine, sso_header=SSO_HEADER)
    client = server.test_client()
    headers = {SSO_HEADER: name}
    assert client.get("/", headers=headers).status_code == 200
    resp = client.post("/_dash-update-component", json=router_payload("/", PERIOD), headers=headers)
    assert resp.status_code == 200 and title_of(resp) == "遵义市 · 招商引资总览"
    denied = client.post("/_dash-update-component", json=router_payload("/region/520100", PERIOD), headers=headers)
    assert "无权查看该地区" in page_text(denied)
    # Without the header, or with a name the cockpit does not know, or a disabled user: nothing.
    assert is_login_redirect(client.get("/"))
    since = utcnow() - timedelta(seconds=1)
    ghost = unique("ghost")
    assert is_login_redirect(client.get("/", headers={SSO_HEADER: ghost}))
    assert audit_rows(engine, actor=ghost, action="login_failed", since=since)
    update_user(engine, name, disabled=True)
    assert client.post("/_dash-update-component", json=router_payload("/"), headers=headers).status_code == 401


# ------------------------------------------------------------------ the command line

@pytest.fixture
def cli(server):
    runner = server.test_cli_runner()

    def run(*args, input: str | None = None, ok: bool = True):
        result = runner.invoke(args=list(args), input=input)
        if ok:
            assert result.exit_code == 0, (args, result.output, result.exception)
        return result

    return run


def test_users_create_reads_the_password_from_stdin(cli, server, engine):
    name = unique("cli")
    since = utcnow() - timedelta(seconds=1)
    result = cli("users", "create", name, "--role", "analyst", "--region", "520300", input=PASSWORD + "\n")
    assert PASSWORD not in result.output
    with engine.connect() as conn:
        row = conn.execute(text("SELECT password_hash, role, region_adcode, disabled FROM app_user "
                                "WHERE username = :u"), {"u": name}).one()
    assert row[0].startswith("$argon2") and tuple(row[1:3]) == ("analyst", 520300) and not row[3]
    listed = cli("users", "list").output
    line = next(ln for ln in listed.splitlines() if name in ln)
    assert "analyst" in line and "520300" in line
    client = server.test_client()
    login(client, name)
    assert title_of(render(client, "/", PERIOD)) == "遵义市 · 招商引资总览"
    created = audit_rows(engine, action="user_created", target=name, since=since)
    assert len(created) == 1 and created[0]["region_adcode"] == 520300


def test_users_create_refuses_bad_input(cli, engine):
    name = unique("cli-bad")
    assert cli("users", "create", name, "--role", "analyst", "--region", "520300", input="short\n",
               ok=False).exit_code != 0
    assert cli("users", "create", name, "--role", "boss", "--region", "520300", input=PASSWORD + "\n",
               ok=False).exit_code != 0
    assert cli("users", "create", name, "--role", "viewer", "--region", "999999", input=PASSWORD + "\n",
               ok=False).exit_code != 0
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT COUNT(*) FROM app_user WHERE username = :u"), {"u": name}) == 0
    cli("users", "create", name, "--role", "viewer", "--region", "520300", input=PASSWORD + "\n")
    assert cli("users", "create", name, "--role", "viewer", "--region", "520300", input=PASSWORD + "\n",
               ok=False).exit_code != 0


def test_users_set_password_set_role_and_disable(cli, server, engine):
    name = unique("cli-change")
    since = utcnow() - timedelta(seconds=1)
    cli("users", "create", name, "--role", "admin", "--region", "520000", input=PASSWORD + "\n")
    client = server.test_client()
    login(client, name)

    cli("users", "set-role", name, "--role", "viewer", "--region", "520382")
    assert title_of(render(client, "/", PERIOD)) == "仁怀市 · 招商引资总览"

    new_password = "Renhuai-2025-new!"
    cli("users", "set-password", name, input=new_password + "\n")
    assert render(client, "/").status_code == 401  # a new password ends the old sessions
    assert post_login(server.test_client(), name, PASSWORD).status_code == 401
    client = server.test_client()
    login(client, name, new_password)

    cli("users", "disable", name)
    assert render(client, "/").status_code == 401
    assert post_login(server.test_client(), name, new_password).status_code == 401
    line = next(ln for ln in cli("users", "list").output.splitlines() if name in ln)
    assert "disabled" in line

    changed = audit_rows(engine, action="user_changed", target=name, since=since)
    assert len(changed) == 3
    assert cli("users", "disable", unique("nobody"), ok=False).exit_code != 0


def test_the_flask_command_reads_the_database_from_the_environment(engine):
    """`flask --app app users …` as an operator types it, password piped in."""
    name = unique("shell")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COCKPIT_", "FLASK_"))}
    env.update(COCKPIT_DATABASE_URL=url_of(engine), COCKPIT_PREWARM="0", PYTHONDONTWRITEBYTECODE="1")
    flask = [sys.executable, "-m", "flask", "--app", "app"]

    def run(*args, stdin: str = ""):
        return subprocess.run([*flask, *args], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True,
                              timeout=120)

    made = run("users", "create", name, "--role", "viewer", "--region", "520382", stdin=PASSWORD + "\n")
    assert made.returncode == 0, made.stdout + made.stderr
    assert PASSWORD not in made.stdout + made.stderr
    listed = run("users", "list")
    assert listed.returncode == 0 and name in listed.stdout
    with engine.connect() as conn:
        stored = conn.scalar(text("SELECT password_hash FROM app_user WHERE username = :u"), {"u": name})
    assert stored.startswith("$argon2")


# ------------------------------------------------------------------ display tokens

def test_a_display_token_signs_a_screen_in_until_revoked(cli, server, engine):
    name = unique("wall")
    since = utcnow() - timedelta(seconds=1)
    printed = cli("tokens", "create", name, "--region", "520300").output.strip().splitlines()
    url = next(line for line in printed if "/display/" in line)
    path = urlsplit(url.strip()).path
    token = path.rsplit("/", 1)[-1]
    assert len(token) >= 32
    with engine.connect() as conn:
        stored = conn.scalar(text("SELECT token_hash FROM display_token WHERE name = :n"), {"n": name})
    assert stored != token and token not in stored  # only its digest is kept
    listed = cli("tokens", "list").output
    assert name in listed and token not in listed  # shown once, never again

    screen = server.test_client()
    resp = screen.get(path)
    assert resp.status_code == 302 and urlsplit(resp.headers["Location"]).path == "/region/520300"
    assert session_cookie(screen)
    assert screen.get("/region/520300").status_code == 200
    assert title_of(render(screen, "/region/520300", PERIOD)) == "遵义市 · 招商引资总览"
    assert "无权查看该地区" in page_text(render(screen, "/region/520100", PERIOD))
    # A screen is a viewer: figures, no project lists.
    chains = render(screen, "/chains", "?region=520300").get_json()["response"]["_pages_content"]["children"]
    assert find(chains, "ch-atlas") is not None and find(chains, "ch-projects") is None
    assert "无权" in page_text(render(screen, "/admin/users"))

    cli("tokens", "revoke", name)
    assert render(screen, "/region/520300", PERIOD).status_code == 401
    assert is_login_redirect(screen.get("/"))
    again = server.test_client().get(path)
    assert again.status_code in (401, 403, 404) and not session_cookie(server.test_client())
    assert "revoked" in next(ln for ln in cli("tokens", "list").output.splitlines() if name in ln)
    assert audit_rows(engine, action="token_created", target=name, since=since)
    assert audit_rows(engine, action="token_revoked", target=name, since=since)
    assert audit_rows(engine, action="login", actor=f"屏幕:{name}", since=since)

    with_playlist = unique("wall-playlist")
    cli("tokens", "create", with_playlist, "--region", "520382", "--playlist", "lobby")
    line = next(ln for ln in cli("tokens", "list").output.splitlines() if with_playlist in ln)
    assert "lobby" in line and "520382" in line and "active" in line


def test_an_unknown_display_token_signs_nothing_in(server):
    client = server.test_client()
    resp = client.get("/display/" + "A" * 43)
    assert resp.status_code in (401, 403, 404)
    assert session_cookie(client) is None


# ------------------------------------------------------------------ the audit log

def test_every_action_is_audited(cli, server, engine):
    since = utcnow() - timedelta(seconds=1)
    name, token_name = unique("audit"), unique("audit-wall")
    cli("users", "create", name, "--role", "analyst", "--region", "520300", input=PASSWORD + "\n")
    cli("users", "set-role", name, "--role", "analyst", "--region", "520300")
    assert post_login(server.test_client(), name, "wrong-password-1").status_code == 401
    client = server.test_client()
    login(client, name)
    assert "无权查看该地区" in page_text(render(client, "/region/520100", PERIOD))
    logout(client)
    for _ in range(5):
        post_login(server.test_client(), name, "wrong-password-1")
    assert post_login(server.test_client(), name, PASSWORD).status_code == 429
    cli("tokens", "create", token_name, "--region", "520382")
    cli("tokens", "revoke", token_name)

    by_user = {r["action"] for r in audit_rows(engine, actor=name, since=since)}
    assert {"login", "login_failed", "login_locked", "logout", "denied"} <= by_user, by_user
    denied = audit_rows(engine, actor=name, action="denied", since=since)
    assert denied[0]["region_adcode"] == 520100
    assert {r["action"] for r in audit_rows(engine, target=name, since=since)} >= {"user_created", "user_changed"}
    assert {r["action"] for r in audit_rows(engine, target=token_name, since=since)} >= {"token_created",
                                                                                           "token_revoked"}
    logins = audit_rows(engine, actor=name, action="login", since=since)
    assert logins[0]["address"] and logins[0]["at"] is not None


def grid_rows(node_or_response, grid_id: str) -> list[dict]:
    grid = find_prop(node_or_response, id=grid_id)
    return list(grid["props"]["rowData"]) if grid else []


def test_the_audit_page_lists_and_filters_for_admins_only(server, engine):
    admin, manager_name = unique("audit-admin"), unique("audit-manager")
    make_user(engine, admin, role="admin", region=520000)
    make_user(engine, manager_name, role="data_manager", region=520000)
    assert post_login(server.test_client(), manager_name, "wrong-password-1").status_code == 401
    client = server.test_client()
    login(client, admin)
    page = render(client, "/admin/audit")
    assert page.status_code == 200 and "无权" not in page_text(page)
    listed = grid_rows(page.get_json(), "aa-grid")
    assert any(r["actor"] == manager_name and r["action"] in ("登录失败", "login_failed") for r in listed)

    refilter = find_dependency(client, "aa-user", "value")

    def filtered(who, action, as_client=client):
        values = {"aa-user.value": who, "aa-action.value": action}
        return as_client.post("/_dash-update-component", json=dependency_payload(refilter, values, "aa-user.value"))

    rows = grid_rows(filtered(manager_name, "login_failed").get_json(), "aa-grid")
    assert len(rows) == 1 and rows[0]["actor"] == manager_name
    assert grid_rows(filtered(manager_name, "logout").get_json(), "aa-grid") == []
    assert {r["actor"] for r in grid_rows(filtered(admin, None).get_json(), "aa-grid")} == {admin}
    for other in ["/admin/users", "/admin/tokens"]:
        assert "无权" not in page_text(render(client, other))

    manager = server.test_client()
    login(manager, manager_name)
    for other in ["/admin/audit", "/admin/users", "/admin/tokens"]:
        resp = render(manager, other)
        assert "无权" in page_text(resp) and admin not in body_text(resp)
    forged = filtered(admin, None, as_client=manager)
    assert forged.status_code in (200, 204, 401, 403)
    assert admin not in body_text(forged)
    if forged.status_code == 200:
        assert grid_rows(forged.get_json(), "aa-grid") == []


def test_a_city_admin_reads_only_its_regions_events(server, engine):
    """An admin of 遵义市 reads the events of 遵义's regions, not those of a 贵阳 user."""
    city_admin, guiyang_user, zunyi_user = unique("zunyi-admin"), unique("guiyang-user"), unique("zunyi-user")
    make_user(engine, city_admin, role="admin", region=520300)
    make_user(engine, guiyang_user, role="analyst", region=520100)
    make_user(engine, zunyi_user, role="analyst", region=520382)
    g = server.test_client()
    login(g, guiyang_user)  # a sign-in in 贵阳
    assert "无权查看该地区" in page_text(render(g, "/region/520000", PERIOD))  # a refusal of the province
    login(server.test_client(), zunyi_user)  # a sign-in in 仁怀市
    client = server.test_client()
    login(client, city_admin)
    refilter = find_dependency(client, "aa-user", "value")

    def rows_of(who):
        resp = client.post("/_dash-update-component", json=dependency_payload(
            refilter, {"aa-user.value": who, "aa-action.value": None}, "aa-user.value"))
        assert resp.status_code == 200
        return grid_rows(resp.get_json(), "aa-grid")

    assert rows_of(guiyang_user) == []
    assert [r["actor"] for r in rows_of(zunyi_user)] == [zunyi_user]
    page = render(client, "/admin/audit")
    assert guiyang_user not in body_text(page)


# ------------------------------------------------------------------ the admin pages' callbacks

def admin_call(client, input_id: str, values: dict, changed: str):
    dep = find_dependency(client, input_id, "n_clicks")
    return client.post("/_dash-update-component", json=dependency_payload(dep, values, changed))


def user_row(engine, username: str):
    with engine.connect() as conn:
        return conn.execute(text("SELECT role, region_adcode, disabled, password_hash FROM app_user "
                                 "WHERE username = :u"), {"u": username}).first()


def token_row(engine, name: str):
    with engine.connect() as conn:
        return conn.execute(text("SELECT region_adcode, revoked_at FROM display_token WHERE name = :n"),
                            {"n": name}).first()


def create_values(username: str, region: int, role: str = "viewer") -> dict:
    return {"au-create.n_clicks": 1, "au-username.value": username, "au-name.value": "测试",
            "au-role.value": role, "au-region.value": region, "au-password.value": PASSWORD}


def test_an_admin_manages_users_and_tokens_through_the_pages(server, engine):
    admin = unique("page-admin")
    make_user(engine, admin, role="admin", region=520000)
    client = server.test_client()
    login(client, admin)
    since = utcnow() - timedelta(seconds=1)

    name = unique("page-made")
    resp = admin_call(client, "au-create", create_values(name, 520382, role="analyst"), "au-create.n_clicks")
    assert resp.status_code == 200 and name in body_text(resp)
    row = user_row(engine, name)
    assert (row[0], row[1], bool(row[2])) == ("analyst", 520382, False) and row[3].startswith("$argon2")
    made = server.test_client()
    login(made, name)
    assert title_of(render(made, "/", PERIOD)) == "仁怀市 · 招商引资总览"

    change = {"au-pick.value": name, "au-new-role.value": "viewer", "au-new-region.value": 520300,
              "au-new-password.value": None, "au-save.n_clicks": 1}
    assert admin_call(client, "au-save", change, "au-save.n_clicks").status_code == 200
    assert title_of(render(made, "/", PERIOD)) == "遵义市 · 招商引资总览"  # at the next request
    assert admin_call(client, "au-save", {**change, "au-disable.n_clicks": 1},
                      "au-disable.n_clicks").status_code == 200
    assert bool(user_row(engine, name)[2]) and render(made, "/").status_code == 401

    wall = unique("page-wall")
    resp = admin_call(client, "at-create", {"at-create.n_clicks": 1, "at-name.value": wall, "at-region.value": 520300,
                                            "at-playlist.value": None}, "at-create.n_clicks")
    url = re.search(r"https?://[^\s\"]+/display/[A-Za-z0-9_\-]+", body_text(resp)).group(0)
    screen = server.test_client()
    assert screen.get(urlsplit(url).path).status_code == 302
    assert title_of(render(screen, "/region/520300", PERIOD)) == "遵义市 · 招商引资总览"
    resp = admin_call(client, "at-revoke", {"at-revoke.n_clicks": 1, "at-pick.value": wall}, "at-revoke.n_clicks")
    assert resp.status_code == 200 and token_row(engine, wall)[1] is not None
    assert render(screen, "/region/520300", PERIOD).status_code == 401

    actions = {(r["action"], r["target"]) for r in audit_rows(engine, actor=admin, since=since)}
    assert {("user_created", name), ("user_changed", name), ("token_created", wall), ("token_revoked", wall)} <= actions


@pytest.mark.parametrize("role", ["viewer", "analyst", "data_manager"])
def test_the_admin_callbacks_refuse_everyone_else(server, engine, role):
    """A forged click on an admin page's button by a signed-in non-admin changes nothing."""
    name, victim, wall = unique(f"forger-{role}"), unique("victim"), unique("victim-wall")
    make_user(engine, name, role=role, region=520000)
    make_user(engine, victim, role="viewer", region=520382)
    with engine.begin() as conn:
        from auth.credentials import digest, new_token
        from data_access import accounts

        accounts.create_token(conn, name=wall, token_hash=digest(new_token()), region=520300, playlist=None,
                              created_by="test")
    client = server.test_client()
    login(client, name)
    made = unique("forged")
    calls = [
        ("au-create", create_values(made, 520000, role="admin"), "au-create.n_clicks"),
        ("au-save", {"au-pick.value": victim, "au-new-role.value": "admin", "au-new-region.value": 520000,
                     "au-new-password.value": "Forged-pass-123", "au-save.n_clicks": 1}, "au-save.n_clicks"),
        ("au-save", {"au-pick.value": victim, "au-disable.n_clicks": 1}, "au-disable.n_clicks"),
        ("at-create", {"at-create.n_clicks": 1, "at-name.value": made, "at-region.value": 520000},
         "at-create.n_clicks"),
        ("at-revoke", {"at-revoke.n_clicks": 1, "at-pick.value": wall}, "at-revoke.n_clicks"),
    ]
    for input_id, values, changed in calls:
        resp = admin_call(client, input_id, values, changed)
        assert resp.status_code in (200, 204, 401, 403)
        assert "/display/" not in body_text(resp) and "au-grid" not in body_text(resp)
    assert user_row(engine, made) is None and token_row(engine, made) is None
    assert tuple(user_row(engine, victim)[:3]) in (("viewer", 520382, False), ("viewer", 520382, 0))
    assert token_row(engine, wall)[1] is None


def test_a_city_admin_manages_only_its_own_region(server, engine):
    city_admin, provincial, guiyang_wall = unique("city-admin"), unique("provincial"), unique("guiyang-wall")
    make_user(engine, city_admin, role="admin", region=520300)
    make_user(engine, provincial, role="analyst", region=520000)
    with engine.begin() as conn:
        from auth.credentials import digest, new_token
        from data_access import accounts

        accounts.create_token(conn, name=guiyang_wall, token_hash=digest(new_token()), region=520100,
                              playlist=None, created_by="test")
    client = server.test_client()
    login(client, city_admin)
    page = body_text(render(client, "/admin/users"))
    assert provincial not in page  # the list holds the users of 遵义 and below
    assert guiyang_wall not in body_text(render(client, "/admin/tokens"))

    outside = unique("outside")
    admin_call(client, "au-create", create_values(outside, 520100), "au-create.n_clicks")
    admin_call(client, "au-create", create_values(outside, 520000, role="admin"), "au-create.n_clicks")
    assert user_row(engine, outside) is None
    admin_call(client, "au-save", {"au-pick.value": provincial, "au-new-role.value": "viewer",
                                   "au-new-region.value": 520300, "au-save.n_clicks": 1}, "au-save.n_clicks")
    admin_call(client, "au-save", {"au-pick.value": provincial, "au-disable.n_clicks": 1}, "au-disable.n_clicks")
    row = user_row(engine, provincial)
    assert (row[0], row[1], bool(row[2])) == ("analyst", 520000, False)
    admin_call(client, "at-revoke", {"at-revoke.n_clicks": 1, "at-pick.value": guiyang_wall}, "at-revoke.n_clicks")
    admin_call(client, "at-create", {"at-create.n_clicks": 1, "at-name.value": outside, "at-region.value": 520100},
               "at-create.n_clicks")
    assert token_row(engine, guiyang_wall)[1] is None and token_row(engine, outside) is None

    inside = unique("inside")
    admin_call(client, "au-create", create_values(inside, 520382), "au-create.n_clicks")
    assert tuple(user_row(engine, inside)[:2]) == ("viewer", 520382)


# ------------------------------------------------------------------ headers

def _csp_directives(resp) -> dict[str, list[str]]:
    csp = resp.headers.get("Content-Security-Policy", "")
    assert csp, f"no Content-Security-Policy on {resp.request.path}"
    out = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def test_every_response_carries_the_security_headers(server, user):
    anonymous = server.test_client()
    client = server.test_client()
    login(client, user)
    responses = [anonymous.get("/login"), anonymous.get("/"), anonymous.get("/_dash-layout"),
                 anonymous.get("/health"), client.get("/"), client.get("/_dash-layout"),
                 render(client, "/"), client.get("/vendor/bootstrap.min.css")]
    for resp in responses:
        csp = _csp_directives(resp)
        script = csp.get("script-src", csp.get("default-src"))
        assert script and "'self'" in script
        assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script and "*" not in script
        # Every other source is a well-formed hash ('sha256-…'), or browsers drop it silently.
        for source in script:
            assert source == "'self'" or re.fullmatch(r"'sha(256|384|512)-[A-Za-z0-9+/]+={0,2}'", source), source
        assert csp.get("object-src") == ["'none'"]
        assert csp.get("frame-ancestors") == ["'self'"]
        assert resp.headers.get("X-Content-Type-Options") == "nosniff"
        assert resp.headers.get("Referrer-Policy") in ("same-origin", "strict-origin-when-cross-origin", "no-referrer",
                                                       "strict-origin")
        assert not re.search(r"\d", resp.headers.get("Server", "")), resp.headers.get("Server")


def test_the_inline_scripts_of_the_page_are_the_ones_the_policy_allows(server, user):
    import base64
    import hashlib

    client = server.test_client()
    login(client, user)
    resp = client.get("/")
    allowed = set(_csp_directives(resp)["script-src"])
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", resp.get_data(as_text=True), re.S)
    inline = [body for attrs, body in scripts if "src=" not in attrs and "application/json" not in attrs]
    assert inline, "Dash's page has inline scripts (its renderer)"
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in allowed, script[:120]
