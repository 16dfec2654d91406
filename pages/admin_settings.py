"""系统管理 · 预警与排名设置: the thresholds of the warning rules and the ranking's weights.

Admins see them; only an admin of the province changes them, since they apply to every region.
Every value is checked against its declared bounds (data_access/settings_store.py), the set as
a whole too (red after yellow, weights adding to 100 %); a save is audited with the old and new
values and bumps the data version, so every worker's cached warnings and rankings give way.
"""
from __future__ import annotations

import dash
from dash import ALL, Input, Output, State, callback, dcc, html, no_update

import access
from auth.guard import address
from components.admin import admin_page, beijing, field
from components.panels import message, panel, refusal
from data_access import accounts, settings_store
from data_access.vocab import PROVINCE_ADCODE
from urls import ROUTES
from views.runtime import current

PAGE = "admin_settings"
INPUT = "as-value"


def layout(**_query):
    rt = current()
    try:
        grant = rt.grant(require="admin")
    except access.Denied as exc:
        return refusal("无权访问系统管理", str(exc), rt.urls.build("overview"), "返回总览")
    with rt.engine.connect() as conn:
        values, stored = settings_store.read(conn), {r["key"]: r for r in settings_store.history(conn)}
    editable = grant.root.adcode == PROVINCE_ADCODE
    groups = {}
    for s in settings_store.DECLARED.values():
        changed = stored.get(s.key)
        note = " · ".join(x for x in (s.note, f"默认 {s.default}{s.unit}",
                                      f"{changed['updated_by']} 于 {beijing(changed['updated_at'])} 修改"
                                      if changed else "") if x)
        groups.setdefault(s.group, []).append(field(
            f"{s.label}（{s.unit or '值'}）",
            html.Div([dcc.Input(id={"role": INPUT, "key": s.key}, type="number", min=s.low, max=s.high, step=1,
                                value=values[s.key], disabled=not editable, className="form-control setting-input"),
                      html.Span(note, className="muted small")], className="setting-row")))
    body = [panel(name, rows, cls="admin-form") for name, rows in groups.items()]
    actions = [html.Button("保存", id="as-save", className="btn btn-outline-info me-2"),
               html.Button("恢复默认", id="as-reset", className="btn btn-outline-warning")] if editable else [
        html.Div("这些设置适用于全省，只有省级系统管理员可以修改", className="muted", id="as-readonly")]
    return admin_page(PAGE, rt.urls, [
        html.Div(id="as-message"),
        html.Div(body, className="admin-forms"),
        html.Div(actions, className="admin-actions"),
    ], page_id="admin-settings")


dash.register_page(__name__, path=ROUTES[PAGE][0], name="预警与排名设置", title="预警与排名设置 · 系统管理",
                   layout=layout)


@callback(
    Output("as-message", "children"),
    Output({"role": INPUT, "key": ALL}, "value"),
    Input("as-save", "n_clicks"),
    Input("as-reset", "n_clicks"),
    State({"role": INPUT, "key": ALL}, "value"),
    State({"role": INPUT, "key": ALL}, "id"),
    prevent_initial_call=True,
)
def save(save_clicks, reset_clicks, entered, ids):
    trigger = dash.ctx.triggered_id
    keep = [no_update] * len(ids) if isinstance(ids, list) else []
    if trigger not in ("as-save", "as-reset") or not isinstance(entered, list) or not isinstance(ids, list) \
            or len(entered) != len(ids):
        return no_update, keep
    rt = current()
    try:
        grant = rt.grant(require="admin")
    except access.Denied as exc:
        return message(str(exc), tone="warning"), keep
    if grant.root.adcode != PROVINCE_ADCODE:
        return message("这些设置适用于全省，只有省级系统管理员可以修改", tone="warning"), keep
    keys = [i.get("key") if isinstance(i, dict) else None for i in ids]
    with rt.engine.connect() as conn:
        before = settings_store.read(conn)
    if trigger == "as-reset":
        with rt.engine.begin() as conn:
            settings_store.reset(conn)
            accounts.audit(conn, actor=grant.actor.name, action="settings_reset", target="app_setting",
                           detail=_diff(before.as_dict(), settings_store.defaults().as_dict()), address=address())
        rt.forget_version()
        defaults = settings_store.defaults()
        return message("已恢复全部默认值", msg_id="as-result"), [defaults[k] if k in settings_store.DECLARED else no_update
                                                              for k in keys]
    changes = {k: v for k, v in zip(keys, entered) if isinstance(k, str)}
    checked, problems = settings_store.validate(changes, before)
    if problems:
        return message("；".join(problems), tone="warning", msg_id="as-result"), keep
    changed = {k: v for k, v in checked.items() if before[k] != v}
    if not changed:
        return message("没有要保存的修改", tone="warning", msg_id="as-result"), keep
    with rt.engine.begin() as conn:
        settings_store.write(conn, changed, actor=grant.actor.name)
        accounts.audit(conn, actor=grant.actor.name, action="settings_changed", target="app_setting",
                       detail=_diff(before.as_dict(), {**before.as_dict(), **changed}), address=address())
    rt.forget_version()
    words = "；".join(f"{settings_store.DECLARED[k].label} {before[k]} → {v}" for k, v in changed.items())
    return message(f"已保存：{words}。预警与排名已按新设置重新计算", msg_id="as-result"), keep


def _diff(old: dict, new: dict) -> str:
    return ", ".join(f"{k}: {old[k]}→{new[k]}" for k in new if old.get(k) != new[k]) or "无变化"
