"""系统管理 · 播放列表 (issue 13): the walls' playlists, made, edited and deleted by admins.

A playlist is an ordered list of cockpit views, each shown for its dwell time (5–3600 s); a
display token may be bound to one (显示令牌). Every URL is checked by the URL grammar and stored as
it writes it. An admin below the province may only put views of their own region in a playlist,
and only a provincial admin may store (override) or delete the "default" playlist, which every
wall without a playlist of its own plays. Every change is audited.
"""
from __future__ import annotations

import dash
from dash import ALL, Input, Output, State, callback, dcc, html, no_update

import access
from auth.guard import address
from components.admin import admin_page, beijing, field
from components.panels import message, panel, refusal
from components.playlist_admin import (DOWN, DWELL, LABEL, REMOVE, UP, URL, item_rows, playlist_table,
                                       reorder)
from data_access import accounts
from data_access import playlists as store
from data_access.playlists import DEFAULT_NAME, PlaylistError, StoredPlaylist
from data_access.vocab import PROVINCE_ADCODE
from urls import ROUTES
from views import playlists as wall
from views.runtime import current

PAGE = "admin_playlists"
OPS = {UP: "up", DOWN: "down", REMOVE: "remove"}


def layout(name=None, **_query):
    rt = current()
    try:
        grant = rt.grant(require="admin")
    except access.Denied as exc:
        return refusal("无权访问系统管理", str(exc), rt.urls.build("overview"), "返回总览")
    name = str(name or "")[:64] or None
    if name is not None and not store.NAME.fullmatch(name):
        name = "?"  # no playlist has such a name: said so below, never looked up
    with rt.engine.connect() as conn:
        stored = store.get_playlist(conn, name) if name else None
        has_default = store.get_playlist(conn, DEFAULT_NAME) is not None
    notice = None
    if stored is not None:
        items = [{"url": i.url, "dwell": i.dwell_seconds, "label": i.label or ""} for i in stored.items]
        title, heading = stored.title, f"编辑播放列表 {stored.name}"
    elif name == DEFAULT_NAME:
        builtin = wall.builtin_default(rt, grant)
        items = [{"url": i.url, "dwell": i.dwell_seconds, "label": i.label or ""} for i in builtin.items]
        title, heading = builtin.title, "以内置默认播放列表为底稿新建 default（保存后替代内置列表）"
    else:
        if name:
            notice = message(f"没有播放列表“{name}”，可在下面新建", tone="warning")
        name, items, title, heading = None, [{"url": "", "dwell": 20, "label": ""}], "", "新建播放列表"
    builtin_note = html.P([
        "未保存名为 default 的播放列表时，大屏播放内置默认列表（总览 → 合同投资额前三的下级地区 → 签约未开工项目 → "
        "十大产业链图谱 → 预警，按数据实时生成）。",
        dcc.Link("以内置列表为底稿编辑", href=rt.urls.build(PAGE, {"name": DEFAULT_NAME}), className="ms-2 me-3"),
        html.A("预览内置列表", href=rt.urls.build("wall"), target="_blank", rel="noopener"),
    ], className="muted small") if not has_default else None
    editor = panel(heading, [
        html.Div([
            field("名称（小写字母、数字、连字符）", dcc.Input(id="ap-name", value=name or "", maxLength=64,
                                                  disabled=name is not None, className="form-control",
                                                  placeholder="如 lobby")),
            field("标题", dcc.Input(id="ap-title", value=title, maxLength=100, className="form-control",
                                  placeholder="如：省政府大厅")),
        ], className="admin-forms"),
        html.Div("页面（地址 · 停留秒数 5–3600 · 说明）", className="filter-label mt-2"),
        html.Div(item_rows(items), id="ap-items"),
        html.Div([
            html.Button("添加页面", id="ap-add", className="btn btn-outline-secondary me-2"),
            html.Button("保存", id="ap-save", className="btn btn-outline-info me-2"),
            dcc.ConfirmDialogProvider(html.Button("删除播放列表", className="btn btn-outline-danger"),
                                      id="ap-delete", message="确定删除该播放列表？绑定它的显示令牌须先改绑或撤销。")
            if stored is not None else None,
            html.A("预览", href=_play_href(rt, name), target="_blank", rel="noopener", className="ms-3")
            if name else None,
        ], className="admin-actions", style={"display": "flex", "alignItems": "center", "flexWrap": "wrap",
                                             "gap": "0.5rem"}),
    ], cls="admin-form")
    return admin_page(PAGE, rt.urls, [
        html.Div(notice, id="ap-message"),
        panel("播放列表", [html.Div(_table(rt), id="ap-list-box"), builtin_note,
                        dcc.Link("新建播放列表", href=rt.urls.build(PAGE))]),
        editor,
    ], page_id="admin-playlists")


dash.register_page(__name__, path=ROUTES[PAGE][0], name="播放列表", title="播放列表 · 系统管理", layout=layout)


def _play_href(rt, name: str | None) -> str:
    return rt.urls.build("wall") if name in (None, DEFAULT_NAME) else rt.urls.build("playlist", playlist=name)


def _table(rt):
    with rt.engine.connect() as conn:
        rows = store.list_playlists(conn)
    return playlist_table([{"name": r["name"], "title": r["title"], "items": r["items"], "by": r["updated_by"],
                            "at": beijing(r["updated_at"]), "edit": rt.urls.build(PAGE, {"name": r["name"]}),
                            "play": _play_href(rt, r["name"])} for r in rows])


def _may_change(rt, grant: access.Grant, name: str, items) -> str | None:
    """Why this admin may not store or delete a playlist with these items (None: they may)."""
    if grant.root.adcode == PROVINCE_ADCODE:
        return None
    if name == DEFAULT_NAME:
        return "只有省级系统管理员可以修改默认播放列表"
    played = wall.playable(rt, grant, StoredPlaylist(name, name, tuple(items)))
    if played.skipped:
        return f"播放列表中有 {played.skipped} 个页面不在本账号的管辖范围（{grant.root.name}）内"
    return None


def _rows(urls, dwells, labels) -> list[dict]:
    if not all(isinstance(v, list) for v in (urls, dwells, labels)) or not len(urls) == len(dwells) == len(labels):
        return []
    return [{"url": str(u or "")[:500], "dwell": d, "label": str(lab or "")[:100]}
            for u, d, lab in zip(urls, dwells, labels)]


@callback(
    Output("ap-items", "children"),
    Input("ap-add", "n_clicks"),
    Input({"role": UP, "i": ALL}, "n_clicks"),
    Input({"role": DOWN, "i": ALL}, "n_clicks"),
    Input({"role": REMOVE, "i": ALL}, "n_clicks"),
    State({"role": URL, "i": ALL}, "value"),
    State({"role": DWELL, "i": ALL}, "value"),
    State({"role": LABEL, "i": ALL}, "value"),
    prevent_initial_call=True,
)
def edit_items(add, ups, downs, removes, urls, dwells, labels):
    trigger = dash.ctx.triggered_id
    clicked = dash.ctx.triggered[0]["value"] if dash.ctx.triggered else None
    if not clicked:
        return no_update  # a row drawn anew, not a click
    try:
        current().grant(require="admin")
    except access.Denied:
        return no_update
    rows = _rows(urls, dwells, labels)
    if trigger == "ap-add":
        if len(rows) >= store.MAX_ITEMS:
            return no_update
        return item_rows(reorder(rows, "add", -1))
    if isinstance(trigger, dict) and trigger.get("role") in OPS and isinstance(trigger.get("i"), int):
        return item_rows(reorder(rows, OPS[trigger["role"]], trigger["i"]))
    return no_update


@callback(
    Output("ap-message", "children", allow_duplicate=True),
    Output("ap-list-box", "children", allow_duplicate=True),
    Output("ap-name", "disabled"),
    Input("ap-save", "n_clicks"),
    State("ap-name", "value"), State("ap-title", "value"),
    State({"role": URL, "i": ALL}, "value"),
    State({"role": DWELL, "i": ALL}, "value"),
    State({"role": LABEL, "i": ALL}, "value"),
    prevent_initial_call=True,
)
def save(clicks, name, title, urls, dwells, labels):
    if not clicks:
        return no_update, no_update, no_update
    rt = current()
    try:
        grant = rt.grant(require="admin")
    except access.Denied as exc:
        return message(str(exc), tone="warning"), no_update, no_update
    try:
        name = store.check_name(name)
        items = wall.check_items(rt, _rows(urls, dwells, labels))
        playlist = store.check_playlist(name, title, items)
    except PlaylistError as exc:
        return message(str(exc), tone="warning"), no_update, no_update
    with rt.engine.connect() as conn:
        before = store.get_playlist(conn, name)
    refused = _may_change(rt, grant, name, playlist.items) or (
        before is not None and _may_change(rt, grant, name, before.items))
    if refused:
        return message(refused, tone="warning"), no_update, no_update
    with rt.engine.begin() as conn:
        created = store.save_playlist(conn, playlist, by=grant.actor.name)
        accounts.audit(conn, actor=grant.actor.name, action="playlist_saved", target=name,
                       detail=f"{'新建' if created else '修改'}：{len(playlist.items)} 个页面", address=address())
    link = html.A("预览", href=_play_href(rt, name), target="_blank", rel="noopener", className="ms-2")
    return (html.Div([html.Span(f"已保存播放列表 {name}（{len(playlist.items)} 个页面）"), link],
                     className="notice notice-info", role="status"), _table(rt), True)


@callback(
    Output("ap-message", "children", allow_duplicate=True),
    Output("ap-list-box", "children", allow_duplicate=True),
    Input("ap-delete", "submit_n_clicks"),
    State("ap-name", "value"),
    prevent_initial_call=True,
)
def delete(confirmed, name):
    if not confirmed:
        return no_update, no_update
    rt = current()
    try:
        grant = rt.grant(require="admin")
    except access.Denied as exc:
        return message(str(exc), tone="warning"), no_update
    name = str(name or "")[:64]
    if not store.NAME.fullmatch(name):
        return message("没有这个播放列表", tone="warning"), no_update
    with rt.engine.connect() as conn:
        before = store.get_playlist(conn, name)
        tokens = store.bound_tokens(conn, name)
    if before is None:
        return message(f"没有播放列表“{name}”", tone="warning"), no_update
    refused = _may_change(rt, grant, name, before.items)
    if refused:
        return message(refused, tone="warning"), no_update
    if tokens and name != DEFAULT_NAME:
        return message(f"显示令牌 {'、'.join(tokens[:5])} 绑定了该播放列表，请先撤销或改绑", tone="warning"), no_update
    with rt.engine.begin() as conn:
        store.delete_playlist(conn, name)
        accounts.audit(conn, actor=grant.actor.name, action="playlist_deleted", target=name,
                       detail=f"{len(before.items)} 个页面", address=address())
    note = "，大屏改为播放内置默认列表" if name == DEFAULT_NAME else ""
    return message(f"已删除播放列表 {name}{note}"), _table(rt)
