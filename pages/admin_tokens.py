"""系统管理 · 显示令牌: passes for walls and meeting-room screens, made and revoked by admins.

A token is shown once, as the URL the screen opens; only its SHA-256 is kept. Revoking it ends
its screens' access at their next request.
"""
from __future__ import annotations

import dash
import flask
from dash import Input, Output, State, callback, dcc, html, no_update
from sqlalchemy.exc import IntegrityError

import access
from auth.credentials import digest, new_token
from auth.guard import address
from components.admin import admin_page, beijing, field, table
from components.panels import message, panel, refusal
from data_access import accounts, playlists
from urls import ROUTES
from views.catalog import read_catalog
from views.runtime import current

PAGE = "admin_tokens"



def layout(**_query):
    try:
        grant = current().grant(require="admin")
    except access.Denied as exc:
        return refusal("无权访问系统管理", str(exc), current().urls.build("overview"), "返回总览")
    rt = current()
    regions = [{"label": r.name, "value": int(r.adcode)} for r in grant.regions(read_catalog(rt).regions).itertuples()]
    tokens = _mine(grant)
    form = panel("新建显示令牌", [
        field("名称", dcc.Input(id="at-name", maxLength=64, className="form-control", placeholder="如：省政府三楼会议室大屏")),
        field("地区", dcc.Dropdown(id="at-region", options=regions, value=grant.root.adcode, clearable=False)),
        field("播放列表（可选）", dcc.Dropdown(id="at-playlist", options=_playlist_options(), value=None,
                                        placeholder="不绑定：打开总览")),
        html.Button("创建令牌", id="at-create", className="btn btn-outline-info"),
    ], cls="admin-form")
    revoke = panel("撤销显示令牌", [
        field("令牌", dcc.Dropdown(id="at-pick", options=_options(tokens))),
        html.Button("撤销", id="at-revoke", className="btn btn-outline-danger"),
    ], cls="admin-form")
    return admin_page(PAGE, rt.urls, [
        html.Div(id="at-message"),
        html.Div([form, revoke], className="admin-forms"),
        panel("显示令牌", [html.Div(_table(tokens), id="at-table")]),
    ], page_id="admin-tokens")


dash.register_page(__name__, path=ROUTES[PAGE][0], name="显示令牌", title="显示令牌 · 系统管理", layout=layout)


def _playlist_options() -> list[dict]:
    """The playlists a token may be bound to: the default one and every stored one (issue 13)."""
    with current().engine.connect() as conn:
        stored = playlists.list_playlists(conn)
    names = [r["name"] for r in stored if r["name"] != playlists.DEFAULT_NAME]
    return [{"label": "默认播放列表 (default)", "value": playlists.DEFAULT_NAME},
            *({"label": f"{r['title']} ({r['name']})", "value": r["name"]} for r in stored if r["name"] in names)]


def _mine(grant) -> list[dict]:
    with current().engine.connect() as conn:
        return [t for t in accounts.list_tokens(conn) if grant.allows(t["region_adcode"])]


def _options(tokens: list[dict]) -> list[dict]:
    return [{"label": t["name"], "value": t["name"]} for t in tokens if t["revoked_at"] is None]


def _table(tokens: list[dict]):
    rows = [{"name": t["name"], "region": t["region_name"], "playlist": t["playlist"] or "—",
             "by": t["created_by"], "created": beijing(t["created_at"]),
             "state": f"已撤销 {beijing(t['revoked_at'])}" if t["revoked_at"] else "有效"} for t in tokens]
    return table("at-grid", [("name", "名称", 3), ("region", "地区", 2), ("playlist", "播放列表", 2), ("by", "创建人", 2),
                             ("created", "创建于", 2), ("state", "状态", 2)], rows)


@callback(
    Output("at-message", "children", allow_duplicate=True),
    Output("at-table", "children", allow_duplicate=True),
    Output("at-pick", "options", allow_duplicate=True),
    Input("at-create", "n_clicks"), Input("at-revoke", "n_clicks"),
    State("at-name", "value"), State("at-region", "value"), State("at-playlist", "value"), State("at-pick", "value"),
    prevent_initial_call=True,
)
def manage(create, revoke, name, region, playlist, picked):
    trigger = dash.ctx.triggered_id
    if trigger not in ("at-create", "at-revoke"):
        return no_update, no_update, no_update
    try:
        grant = current().grant(require="admin")
    except access.Denied as exc:
        return message(str(exc), tone="warning"), no_update, no_update
    rt = current()
    if trigger == "at-revoke":
        mine = {t["name"] for t in _mine(grant)}
        if picked not in mine:
            return message("请选择本账号管辖范围内的令牌", tone="warning"), no_update, no_update
        with rt.engine.begin() as conn:
            accounts.revoke_token(conn, picked)
            accounts.audit(conn, actor=grant.actor.name, action="token_revoked", target=picked, address=address())
        tokens = _mine(grant)
        return message(f"已撤销 {picked}：其屏幕在下一次请求时失去访问"), _table(tokens), _options(tokens)
    name = str(name or "").strip()
    if not 2 <= len(name) <= 64:
        return message("名称须为 2–64 个字符", tone="warning"), no_update, no_update
    if not isinstance(region, int) or not grant.allows(region):
        return message("请选择本账号管辖范围内的地区", tone="warning"), no_update, no_update
    if playlist not in (None, "") and (not isinstance(playlist, str)
                                       or playlist not in {o["value"] for o in _playlist_options()}):
        return message("请选择已有的播放列表", tone="warning"), no_update, no_update
    token = new_token()
    try:
        with rt.engine.begin() as conn:
            accounts.create_token(conn, name=name, token_hash=digest(token), region=region,
                                  playlist=playlist or None,
                                  created_by=grant.actor.name)
            accounts.audit(conn, actor=grant.actor.name, action="token_created", region=region, target=name,
                           address=address())
    except IntegrityError:
        return message(f"令牌 {name} 已存在", tone="warning"), no_update, no_update
    url = flask.request.host_url.rstrip("/") + rt.urls.build("display", token=token)
    shown = html.Div([html.Span("已创建。请在大屏浏览器中打开下面的地址（只显示这一次）："), html.Code(url, id="at-url")],
                     className="notice notice-info", role="status")
    tokens = _mine(grant)
    return shown, _table(tokens), _options(tokens)
