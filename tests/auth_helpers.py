"""Signing in the way a browser does, for the security tests (tests/test_auth.py,
tests/test_scope_matrix.py, tests/browser/test_security.py).

A user is written with data_access.accounts and an argon2 hash from auth.credentials; a client
then signs in through the real sign-in form: GET /login (the form and its CSRF cookie), POST
/login with the form's csrf_token. Nothing here reaches into a session row to sign in.
"""
from __future__ import annotations

import html
import json
import re
import uuid
from datetime import datetime, timezone

from sqlalchemy import text

SESSION_COOKIE = "cockpit_session"
PASSWORD = "Zunyi-2024-secret!"

_HIDDEN = re.compile(r"<input\b[^>]*>", re.I)


def unique(prefix: str) -> str:
    """A user (or token) name no other test uses: tests share the session's demo databases."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def engine_of(server):
    from views.runtime import EXTENSION

    return server.extensions[EXTENSION].engine


def make_user(engine, username: str, *, role: str = "analyst", region: int | None = 520000,
              password: str | None = PASSWORD, disabled: bool = False) -> int:
    """A user with an argon2 hash of `password` (None: no password at all)."""
    from auth.credentials import hash_password
    from data_access import accounts

    with engine.begin() as conn:
        user_id = accounts.create_user(conn, username=username, role=role, region=region,
                                       password_hash=hash_password(password) if password else None)
        if disabled:
            accounts.update_user(conn, username, disabled=True)
    return user_id


def update_user(engine, username: str, **values) -> None:
    from data_access import accounts

    with engine.begin() as conn:
        assert accounts.update_user(conn, username, **values)


# ------------------------------------------------------------------ the sign-in form

def form_fields(page: str) -> dict[str, str]:
    """name → value of every <input> with a name and a value in an HTML page."""
    out = {}
    for tag in _HIDDEN.findall(page):
        name = re.search(r'\bname="([^"]*)"', tag)
        value = re.search(r'\bvalue="([^"]*)"', tag)
        if name and value and name.group(1) not in out:
            out[name.group(1)] = html.unescape(value.group(1))
    return out


def login_csrf(client, path: str = "/login") -> str:
    """The CSRF token of the sign-in form (the GET also sets the browser's CSRF cookie)."""
    resp = client.get(path)
    assert resp.status_code == 200, (path, resp.status_code)
    token = form_fields(resp.get_data(as_text=True)).get("csrf_token")
    assert token, "the sign-in form has no csrf_token field"
    return token


def post_login(client, username: str, password: str, *, next: str | None = None, csrf: str | None = None,
               headers: dict | None = None):
    """POST the sign-in form (a fresh CSRF token from GET /login unless one is given)."""
    data = {"username": username, "password": password,
            "csrf_token": login_csrf(client) if csrf is None else csrf}
    if next is not None:
        data["next"] = next
    return client.post("/login", data=data, headers=headers or {})


def login(client, username: str, password: str = PASSWORD, *, next: str | None = None):
    """Sign a test client in; asserts that it worked and returns the response (a redirect)."""
    resp = post_login(client, username, password, next=next)
    assert resp.status_code in (302, 303), (resp.status_code, resp.get_data(as_text=True)[:300])
    assert session_cookie(client), "no session cookie after signing in"
    return resp


def signed_in_client(server, username: str, password: str = PASSWORD):
    client = server.test_client()
    login(client, username, password)
    return client


def session_cookie(client) -> str | None:
    cookie = client.get_cookie(SESSION_COOKIE)
    return cookie.value if cookie is not None and cookie.value else None


def set_cookie_header(resp, name: str = SESSION_COOKIE) -> str | None:
    """The Set-Cookie header that sets `name` (its attributes are what the browser keeps)."""
    return next((h for h in resp.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")), None)


def find_prop(node, **match):
    """The first Dash node (JSON) whose props include all of `match`."""
    if isinstance(node, dict):
        props = node.get("props")
        if isinstance(props, dict) and all(props.get(k) == v for k, v in match.items()):
            return node
        for value in node.values():
            hit = find_prop(value, **match)
            if hit is not None:
                return hit
    elif isinstance(node, list):
        for value in node:
            hit = find_prop(value, **match)
            if hit is not None:
                return hit
    return None


def logout_token(client) -> str:
    """The sign-out form's token, read from the page header (the app's layout) as a browser has it."""
    resp = client.get("/_dash-layout")
    assert resp.status_code == 200, resp.status_code
    node = find_prop(resp.get_json(), name="csrf_token")
    assert node is not None, "no sign-out form (csrf_token) in the page header"
    return node["props"]["value"]


def logout(client):
    return client.post("/logout", data={"csrf_token": logout_token(client)})


# ------------------------------------------------------------------ reading responses

def is_login_redirect(resp) -> bool:
    return resp.status_code in (302, 303) and "/login" in resp.headers.get("Location", "")


def refused(resp) -> bool:
    """A request without a valid session: a redirect to the sign-in page, or 401."""
    return resp.status_code == 401 or is_login_redirect(resp)


def audit_rows(engine, *, actor: str | None = None, action: str | None = None, target: str | None = None,
               since: datetime | None = None) -> list[dict]:
    """Rows of audit_log, read with plain SQL (not through data_access)."""
    conds, params = ["1 = 1"], {}
    for column, value in (("actor", actor), ("action", action), ("target", target)):
        if value is not None:
            conds.append(f"{column} = :{column}")
            params[column] = value
    if since is not None:
        conds.append("at >= :since")
        params["since"] = since
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(
            text(f"SELECT * FROM audit_log WHERE {' AND '.join(conds)} ORDER BY id"), params).mappings()]


def body_text(resp) -> str:
    """A response body as text; JSON bodies with their \\u escapes undone, so Chinese is searchable."""
    raw = resp.get_data(as_text=True)
    if resp.is_json and raw:
        try:
            return json.dumps(resp.get_json(), ensure_ascii=False)
        except ValueError:
            return raw
    return raw


# ------------------------------------------------------------------ callbacks as the browser sends them

def find_dependency(client, component_id: str, prop_name: str) -> dict:
    """The /_dash-dependencies entry of the callback with this input."""
    resp = client.get("/_dash-dependencies")
    assert resp.status_code == 200, resp.status_code
    for dep in resp.get_json():
        if any(i["id"] == component_id and i["property"] == prop_name for i in dep["inputs"]):
            return dep
    raise AssertionError(f"no callback takes {component_id}.{prop_name}")


def outputs_of(key: str):
    """The outputs a browser sends for a callback's output key (a dict for a single output)."""
    parts = key[2:-2].split("...") if key.startswith("..") else [key]
    outs = []
    for part in parts:
        cid, prop_name = part.rsplit(".", 1)
        outs.append({"id": json.loads(cid) if cid.startswith("{") else cid, "property": prop_name})
    return outs if key.startswith("..") else outs[0]


def dependency_payload(dep: dict, values: dict, changed: str) -> dict:
    """A callback request from its /_dash-dependencies entry; `values` maps "id.prop" to a value."""
    def filled(specs):
        return [{"id": s["id"], "property": s["property"], "value": values.get(f"{s['id']}.{s['property']}")}
                for s in specs]
    return {"output": dep["output"], "outputs": outputs_of(dep["output"]), "inputs": filled(dep["inputs"]),
            "state": filled(dep.get("state", [])), "changedPropIds": [changed], "parsedChangedPropsIds": [changed]}
