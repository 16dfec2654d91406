"""系统管理 · 用户: the admin's list of users in their region, and making and changing them.

Admins only; an admin manages the users of their own region and below (a provincial admin:
everyone). Every change is in the audit log; a change of role or region applies at the user's
next request, disabling or a new password ends their sessions.
"""
from __future__ import annotations

import re

import dash
from dash import Input, Output, State, callback, dcc, html, no_update
from sqlalchemy.exc import IntegrityError

import access
from auth.credentials import hash_password, weak_password
from auth.guard import address
from components.admin import admin_page, beijing, field, table
from components.panels import message, panel, refusal
from data_access import accounts
from urls import ROUTES
from views.catalog import read_catalog
from views.runtime import current

PAGE = "admin_users"
USERNAME = re.compile(r"[\w.\-@]{2,64}")



def layout(**_query):
    try:
        grant = current().grant(require="admin")
    except access.Denied as exc:
        return refusal("无权访问系统管理", str(exc), current().urls.build("overview"), "返回总览")
    rt = current()
    regions = [{"label": r.name, "value": int(r.adcode)} for r in grant.regions(read_catalog(rt).regions).itertuples()]
    roles = [{"label": f"{access.ROLE_NAMES[r]}（{r}）", "value": r} for r in access.ROLES]
    users = _mine(grant)
    form = panel("新建用户", [
        field("用户名", dcc.Input(id="au-username", maxLength=64, className="form-control")),
        field("姓名", dcc.Input(id="au-name", maxLength=64, className="form-control")),
        field("角色", dcc.Dropdown(id="au-role", options=roles, value="viewer", clearable=False)),
        field("地区", dcc.Dropdown(id="au-region", options=regions, value=grant.root.adcode, clearable=False)),
        field("初始密码", dcc.Input(id="au-password", type="password", maxLength=200, className="form-control")),
        html.Button("创建用户", id="au-create", className="btn btn-outline-info"),
    ], cls="admin-form")
    change = panel("修改用户", [
        field("用户", dcc.Dropdown(id="au-pick", options=_user_options(users))),
        field("角色", dcc.Dropdown(id="au-new-role", options=roles)),
        field("地区", dcc.Dropdown(id="au-new-region", options=regions)),
        field("新密码（留空不改）", dcc.Input(id="au-new-password", type="password", maxLength=200,
                                      className="form-control")),
        html.Div([html.Button("保存", id="au-save", className="btn btn-outline-info me-2"),
                  html.Button("停用", id="au-disable", className="btn btn-outline-danger me-2"),
                  html.Button("启用", id="au-enable", className="btn btn-outline-success")]),
    ], cls="admin-form")
    return admin_page(PAGE, current().urls, [
        html.Div(id="au-message"),
        html.Div([form, change], className="admin-forms"),
        panel("用户列表", [html.Div(_table(users), id="au-table")]),
    ], page_id="admin-users")


dash.register_page(__name__, path=ROUTES[PAGE][0], name="用户管理", title="用户 · 系统管理", layout=layout)


def _mine(grant) -> list[dict]:
    with current().engine.connect() as conn:
        users = accounts.list_users(conn)
    # A user without a region is the provincial admins' to place.
    return [u for u in users if (grant.allows(u["region_adcode"]) if u["region_adcode"] is not None
                                 else grant.root.level == "province")]


def _user_options(users: list[dict]) -> list[dict]:
    return [{"label": f"{u['username']}（{u['display_name']}）", "value": u["username"]} for u in users]


def _table(users: list[dict]):
    rows = [{"username": u["username"], "name": u["display_name"], "role": access.ROLE_NAMES.get(u["role"], u["role"]),
             "region": u["region_name"] or "（未分配：无权查看任何数据）", "state": "已停用" if u["disabled"] else "正常",
             "password": "已设置" if u["has_password"] else "无（统一身份认证或演示）",
             "updated": beijing(u["updated_at"])} for u in users]
    return table("au-grid", [("username", "用户名", 2), ("name", "姓名", 2), ("role", "角色", 2), ("region", "地区", 2),
                             ("state", "状态", 1), ("password", "密码", 2), ("updated", "更新于", 2)], rows)


def _done(grant, text: str, tone: str = "info"):
    users = _mine(grant)
    return message(text, tone=tone, msg_id="au-result"), _table(users), _user_options(users)


@callback(
    Output("au-message", "children", allow_duplicate=True),
    Output("au-table", "children", allow_duplicate=True),
    Output("au-pick", "options", allow_duplicate=True),
    Input("au-create", "n_clicks"),
    State("au-username", "value"), State("au-name", "value"), State("au-role", "value"), State("au-region", "value"),
    State("au-password", "value"),
    prevent_initial_call=True,
)
def create(clicks, username, name, role, region, password):
    if not clicks:
        return no_update, no_update, no_update
    try:
        grant = current().grant(require="admin")
    except access.Denied as exc:
        return message(str(exc), tone="warning"), no_update, no_update
    username, name = str(username or "").strip(), str(name or "").strip()
    if not USERNAME.fullmatch(username):
        return message("用户名须为 2–64 位字母、数字、汉字或 . _ - @", tone="warning"), no_update, no_update
    if role not in access.ROLES or not isinstance(region, int) or not grant.allows(region):
        return message("请选择角色和本账号管辖范围内的地区", tone="warning"), no_update, no_update
    problem = weak_password(str(password or ""))
    if problem:
        return message(problem, tone="warning"), no_update, no_update
    rt = current()
    try:
        with rt.engine.begin() as conn:
            accounts.create_user(conn, username=username, role=role, region=region,
                                 password_hash=hash_password(str(password)), display_name=name or username)
            accounts.audit(conn, actor=grant.actor.name, action="user_created", region=region, target=username,
                           detail=f"role={role}", address=address())
    except IntegrityError:
        return message(f"用户 {username} 已存在", tone="warning"), no_update, no_update
    return _done(grant, f"已创建用户 {username}")


@callback(
    Output("au-message", "children", allow_duplicate=True),
    Output("au-table", "children", allow_duplicate=True),
    Output("au-pick", "options", allow_duplicate=True),
    Input("au-save", "n_clicks"), Input("au-disable", "n_clicks"), Input("au-enable", "n_clicks"),
    State("au-pick", "value"), State("au-new-role", "value"), State("au-new-region", "value"),
    State("au-new-password", "value"),
    prevent_initial_call=True,
)
def change(save, disable, enable, username, role, region, password):
    trigger = dash.ctx.triggered_id
    if trigger not in ("au-save", "au-disable", "au-enable") or not isinstance(username, str):
        return no_update, no_update, no_update
    try:
        grant = current().grant(require="admin")
    except access.Denied as exc:
        return message(str(exc), tone="warning"), no_update, no_update
    rt = current()
    with rt.engine.connect() as conn:
        user = accounts.user_by_name(conn, username)
    if user is None or user["username"] not in {u["username"] for u in _mine(grant)}:  # inside the grant
        return message("没有这个用户，或不在本账号的管辖范围内", tone="warning"), no_update, no_update
    values: dict = {}
    if trigger == "au-save":
        if role in access.ROLES:
            values["role"] = role
        if isinstance(region, int):
            if not grant.allows(region):
                return message("只能分配本账号管辖范围内的地区", tone="warning"), no_update, no_update
            values["region_adcode"] = region
        if password:
            problem = weak_password(str(password))
            if problem:
                return message(problem, tone="warning"), no_update, no_update
            values["password_hash"] = hash_password(str(password))
        if not values:
            return message("没有要保存的修改", tone="warning"), no_update, no_update
    else:
        values["disabled"] = trigger == "au-disable"
    with rt.engine.begin() as conn:
        accounts.update_user(conn, username, **values)
        if "password_hash" in values or values.get("disabled"):
            accounts.end_sessions_of(conn, user_id=user["id"])
        what = ", ".join(f"{k}={v}" for k, v in values.items() if k != "password_hash")
        what = what + (", 密码已重置" if "password_hash" in values else "")
        accounts.audit(conn, actor=grant.actor.name, action="user_changed", region=values.get("region_adcode"),
                       target=username, detail=what.strip(", "), address=address())
    return _done(grant, f"已保存 {username}：{what.strip(', ')}")
