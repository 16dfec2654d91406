"""The sign-in page, one-click demo accounts (demo data only), sign-out and display tokens."""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask import Blueprint, abort, g, make_response, redirect, render_template, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.exc import SQLAlchemyError

from data_access import accounts
from views.catalog import read_catalog
from views.runtime import current

from . import demo
from .credentials import digest, new_token, same, sign, verify_password
from .guard import COOKIE, audit

blueprint = Blueprint("auth", __name__, template_folder="templates")
CSRF_COOKIE = "cockpit_csrf"
CSRF_SECONDS = 3600


# ------------------------------------------------------------------ CSRF on the sign-in form

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current().secret, salt="login-form")


def _form_token(nonce: str) -> str:
    return _serializer().dumps(nonce)


def _csrf_ok() -> bool:
    """The form's token is ours, recent, and made for this browser (the nonce of its cookie)."""
    nonce = request.cookies.get(CSRF_COOKIE, "")
    try:
        signed = _serializer().loads(request.form.get("csrf_token", ""), max_age=CSRF_SECONDS)
    except BadSignature:
        return False
    return bool(nonce) and isinstance(signed, str) and same(signed, nonce)


def logout_token(session_hash: str) -> str:
    """The sign-out form's token: bound to the session, so another site cannot end it."""
    return sign(current().secret, "logout:" + session_hash)


# ------------------------------------------------------------------ pages

def _safe_next(target: str | None) -> str:
    """Only a path of this cockpit: never another host (//x, \\x, a scheme) nor the sign-in page."""
    rt = current()
    home = rt.urls.build("overview")
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")) or any(
            c in target for c in "\r\n\\"):
        return home
    path, _, query = target.partition("?")
    location = rt.urls.parse(path, "?" + query)
    # Never back into signing in or out, nor onto a display token (it would replace the session).
    return target if location.route not in (None, "login", "login_demo", "logout", "display") else home


def _page(status: int = 200, *, error: str | None = None, username: str = ""):
    rt = current()
    nonce = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(16)
    try:
        is_demo = read_catalog(rt).source == "演示数据"
    except SQLAlchemyError:
        is_demo = False
    body = render_template(
        "login.html", error=error, username=username, csrf_token=_form_token(nonce),
        next=_safe_next(request.values.get("next")), demo_accounts=demo.ACCOUNTS if is_demo else [],
        action=rt.urls.build("login"), demo_action=rt.urls.build("login_demo"),
    )
    response = current_app_response(body, status)
    response.set_cookie(CSRF_COOKIE, nonce, max_age=CSRF_SECONDS, httponly=True, samesite="Strict",
                        secure=_secure(), path="/")
    return response


def _secure() -> bool:
    """Cookies go with Secure when the cockpit is served over TLS (or the setting says it is)."""
    return current().settings.secure_cookies or request.is_secure


def current_app_response(body: str, status: int):
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get("/login")
def login_page():
    return _page()


@blueprint.post("/login")
def login():
    rt = current()
    if not _csrf_ok():
        return _page(400, error="表单已过期，请重新输入后登录")
    username = request.form.get("username", "").strip()[:64]
    password = request.form.get("password", "")[:200]
    if not username or not password:
        return _page(400, error="请输入用户名和密码", username=username)
    with rt.engine.connect() as conn:
        recent = accounts.failures_since(conn, username, accounts.utcnow() - timedelta(minutes=1))
        user = accounts.user_by_name(conn, username)
    if recent >= rt.settings.login_failures:
        audit(rt, actor=username, action="login_locked")
        return _page(429, error="登录失败次数过多，请一分钟后再试", username=username)
    ok = verify_password(user["password_hash"] if user else None, password)
    if not ok or user["disabled"]:
        audit(rt, actor=username, action="login_failed", detail="账号已停用" if ok else "用户名或密码错误")
        return _page(401, error="用户名或密码错误", username=username)
    return _sign_in(user, _safe_next(request.form.get("next")))


@blueprint.post("/login/demo")
def demo_login():
    rt = current()
    if read_catalog(rt).source != "演示数据":
        abort(404)
    if not _csrf_ok():
        return _page(400, error="表单已过期，请重新选择")
    account = demo.by_key(request.form.get("account", ""))
    if account is None:
        return _page(400, error="没有这个演示账号")
    user = demo.ensure(rt.engine, account)
    return _sign_in(user, _safe_next(request.form.get("next")))


def _sign_in(user, target: str):
    rt = current()
    token = new_token()
    with rt.engine.begin() as conn:
        accounts.start_session(conn, digest(token), user_id=user["id"], address=request.remote_addr)
        accounts.audit(conn, actor=user["username"], action="login", region=user["region_adcode"],
                       address=request.remote_addr)
    response = redirect(target)
    response.set_cookie(COOKIE, token, httponly=True, samesite="Lax", secure=_secure(), path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@blueprint.post("/logout")
def logout():
    rt = current()
    session_hash = g.get("session_hash")
    if session_hash is None or not same(request.form.get("csrf_token", ""), logout_token(session_hash)):
        abort(400)
    with rt.engine.begin() as conn:
        accounts.end_session(conn, session_hash)
        accounts.audit(conn, actor=g.actor.name, action="logout", address=request.remote_addr)
    response = redirect(rt.urls.build("login"))
    response.delete_cookie(COOKIE, path="/")
    return response


@blueprint.get("/display/<token>")
def display(token: str):
    """A wall or meeting-room screen opened with its display token: no typing, read-only."""
    rt = current()
    with rt.engine.connect() as conn:
        row = accounts.token_by_hash(conn, digest(token[:100]))
    if row is None or row["revoked_at"] is not None:
        audit(rt, actor="屏幕", action="login_failed", detail="显示令牌无效或已撤销")
        return current_app_response("<!DOCTYPE html><meta charset=utf-8><title>无效的显示令牌</title>"
                                    "<p>该显示令牌无效或已撤销，请联系系统管理员。</p>", 403)
    session = new_token()
    with rt.engine.begin() as conn:
        accounts.start_session(conn, digest(session), display_token_id=row["id"], address=request.remote_addr)
        accounts.audit(conn, actor=f"屏幕:{row['name']}", action="login", region=row["region_adcode"],
                       address=request.remote_addr)
    target = rt.urls.overview(row["region_adcode"])
    if row["playlist"]:  # a wall bound to a playlist plays it (web/wall.py; "default": the default one)
        target = rt.urls.build("wall") if row["playlist"] == "default" else rt.urls.build(
            "playlist", playlist=row["playlist"])
    response = redirect(target)
    response.set_cookie(COOKIE, session, httponly=True, samesite="Lax", secure=_secure(), path="/")
    return response
