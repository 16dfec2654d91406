"""Before every request: find its actor (session cookie, display token session, or single
sign-on header) or refuse it. Deny by default: only the sign-in page, health checks and static
files are open."""
from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict
from datetime import timedelta

import flask
from flask import g, jsonify, redirect, request
from sqlalchemy.exc import SQLAlchemyError

from access import Actor
from data_access import accounts
from views.runtime import current

from .credentials import digest

log = logging.getLogger("cockpit")
COOKIE = "cockpit_session"
OPEN_PATHS = {"/login", "/login/demo", "/health", "/ready", "/_favicon.ico", "/favicon.ico"}
OPEN_PREFIXES = ("/assets/", "/_dash-component-suites/", "/vendor/", "/plotly-bundle/")
DISPLAY = re.compile(r"/display/[A-Za-z0-9_\-]{1,100}")  # a display token's one segment, nothing below it
# Refresh a session's last-seen time at most this often: a write per request would serialise
# every reader behind SQLite's write lock.
TOUCH_EVERY = timedelta(seconds=60)


def is_open(path: str) -> bool:
    return path in OPEN_PATHS or path.startswith(OPEN_PREFIXES) or DISPLAY.fullmatch(path) is not None


def resolve_actor():
    g.actor = None
    if is_open(request.path):
        return None
    rt = current()
    try:
        g.actor = _from_sso(rt) or _from_session(rt)
    except SQLAlchemyError:
        g.actor = _recently_seen()
        if g.actor is None:
            log.exception("reading the session failed")
            return jsonify(error="服务暂不可用"), 503
        log.warning("database unreachable: %s served from the session checked at most %s ago",
                    g.actor.name, OUTAGE_GRACE)
    if g.actor is not None:
        if g.actor.may("import") and request.path.endswith("/_dash-update-component"):
            # A ledger arrives base64-encoded in the upload callback's body (pages/data_manage.py).
            request.max_content_length = max(rt.settings.max_request_bytes,
                                              rt.settings.max_upload_bytes * 4 // 3 + 65536)
        return None
    if request.path.startswith(("/_dash-", "/api/")) or request.method != "GET":
        return jsonify(error="请先登录"), 401
    target = request.full_path if request.query_string else request.path
    return redirect(rt.urls.build("login", {"next": target if target != "/" else None}))


# While the database is unreachable, a session it confirmed within OUTAGE_GRACE is still honoured
# in this worker, so cached views keep being served (issue 16); nothing new is trusted meanwhile:
# no sign-in, no unknown cookie. Bounded, oldest forgotten first.
OUTAGE_GRACE = timedelta(minutes=10)
_SEEN_MAX = 10_000
_seen: OrderedDict[str, tuple[float, Actor]] = OrderedDict()
_seen_lock = threading.Lock()


def _remember(token_hash: str, actor: Actor) -> None:
    with _seen_lock:
        _seen[token_hash] = (time.monotonic(), actor)
        _seen.move_to_end(token_hash)
        while len(_seen) > _SEEN_MAX:
            _seen.popitem(last=False)


def _recently_seen() -> Actor | None:
    token = request.cookies.get(COOKIE)
    if not token or len(token) > 100:
        return None
    token_hash = digest(token)
    with _seen_lock:
        found = _seen.get(token_hash)
    if found is None or time.monotonic() - found[0] > OUTAGE_GRACE.total_seconds():
        return None
    g.session_hash = token_hash
    return found[1]


def _from_session(rt) -> Actor | None:
    token = request.cookies.get(COOKIE)
    if not token or len(token) > 100:
        return None
    token_hash = digest(token)
    with rt.engine.connect() as conn:
        row = accounts.session_holder(conn, token_hash)
    if row is None or row["ended_at"] is not None:
        return None
    now = accounts.utcnow()
    settings = rt.settings
    # A wall opened with a display token runs unattended for days: it ends only when the token
    # is revoked. A person's session ends after the idle time and the absolute maximum.
    expired = row["user_id"] is not None and (
        now - row["last_seen_at"] > timedelta(minutes=settings.session_idle_minutes)
        or now - row["created_at"] > timedelta(hours=settings.session_max_hours))
    if expired:
        _end(rt, token_hash)
        return None
    if row["user_id"] is not None:
        if row["disabled"]:
            _end(rt, token_hash)
            return None
        actor = Actor(name=row["username"], role=row["role"], region=row["region_adcode"], user_id=row["user_id"],
                      label=row["display_name"])
    elif row["token_id"] is not None and row["revoked_at"] is None:
        actor = Actor(name=f"屏幕:{row['token_name']}", role="viewer", region=row["token_region"], kind="display",
                      token_id=row["token_id"], playlist=row["playlist"], label=f"大屏 · {row['token_name']}")
    else:
        _end(rt, token_hash)
        return None
    if now - row["last_seen_at"] > TOUCH_EVERY and not rt.read_only:
        with rt.engine.begin() as conn:
            accounts.touch_session(conn, token_hash, now)
    g.session_hash = token_hash
    _remember(token_hash, actor)
    return actor


def _from_sso(rt) -> Actor | None:
    header = rt.settings.sso_header
    name = request.headers.get(header, "").strip() if header else ""
    if not name:
        return None
    with rt.engine.connect() as conn:
        user = accounts.user_by_name(conn, name[:64])
    if user is None or user["disabled"]:
        audit(rt, actor=name[:64], action="login_failed", detail="统一身份认证用户不存在或已停用")
        return None
    return Actor(name=user["username"], role=user["role"], region=user["region_adcode"], user_id=user["id"],
                 label=user["display_name"])


def _end(rt, token_hash: str) -> None:
    if rt.read_only:
        return
    with rt.engine.begin() as conn:
        accounts.end_session(conn, token_hash)


def address() -> str | None:
    return request.remote_addr if flask.has_request_context() else None


def audit(rt, **event) -> None:
    """Record an event; a database that cannot take it (read-only, down) must not break the page."""
    if rt.read_only:
        log.info("audit (read-only database, not kept): %s", event)
        return
    try:
        with rt.engine.begin() as conn:
            accounts.audit(conn, address=address(), **event)
    except SQLAlchemyError:
        log.exception("writing the audit log failed: %s", event)


def audit_denial(actor: Actor, adcode: int) -> None:
    """A region refused to an actor: who, which region, through which page or callback."""
    if not flask.has_request_context():
        return
    where = request.path
    if where.startswith("/_dash-update-component"):
        body = request.get_json(silent=True)
        where = str(body.get("output"))[:150] if isinstance(body, dict) else where
    audit(current(), actor=actor.name, action="denied", region=adcode, target=where)
