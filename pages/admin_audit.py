"""系统管理 · 审计日志: who did what, when and from where, filtered by user, action and dates.

An admin reads the events of their own region and below, and those that name no region
(sign-ins, account changes).
"""
from __future__ import annotations

from datetime import date, datetime

import dash
from dash import Input, Output, callback, dcc, html, no_update

import access
from components.admin import admin_page, beijing, field, table
from components.export_menu import export_menu
from components.panels import message, panel, refusal
from components.routing import router_url
from components.shell import NAV_LOCATION
from data_access import accounts
from urls import ROUTES
from urls.routes import table_export_hrefs
from views.runtime import current

PAGE = "admin_audit"
ACTIONS = accounts.AUDIT_ACTIONS
LIMIT = 500



def layout(**kwargs):
    try:
        grant = current().grant(require="admin")
    except access.Denied as exc:
        return refusal("无权访问系统管理", str(exc), current().urls.build("overview"), "返回总览")
    rt = current()
    # The filters are the URL's (a filtered log can be linked); bad values are ignored.
    query = _query(rt.urls.parse(*router_url(rt.urls.build(PAGE), kwargs)).query)
    filters = panel("筛选", [html.Div([
        field("用户", dcc.Input(id="aa-user", maxLength=64, className="form-control", debounce=True,
                              value=query["user"])),
        field("操作", dcc.Dropdown(id="aa-action", options=[{"label": v, "value": k} for k, v in ACTIONS.items()],
                                 value=query["action"])),
        field("日期", dcc.DatePickerRange(id="aa-dates", display_format="YYYY-MM-DD",
                                        start_date=query["since"] and query["since"].date(),
                                        end_date=query["until"] and query["until"].date(),
                                        start_date_placeholder_text="开始日期", end_date_placeholder_text="结束日期")),
    ], className="admin-filters")], cls="admin-form")
    view = rt.urls.build(PAGE, {"user": query["user"], "action": query["action"],
                                "from": query["since"] and query["since"].date().isoformat(),
                                "to": query["until"] and query["until"].date().isoformat()})
    exports = html.Div(export_menu(table_export_hrefs(rt.urls, view), menu_id="aa-export"), className="page-export")
    return admin_page(PAGE, rt.urls, [exports, filters, html.Div(id="aa-message"),
                                   panel(f"审计日志（最近 {LIMIT} 条）", [html.Div(_table(grant, query), id="aa-table")])],
                      page_id="admin-audit")


dash.register_page(__name__, path=ROUTES[PAGE][0], name="审计日志", title="审计日志 · 系统管理", layout=layout)


def _day(value) -> datetime | None:
    try:
        return datetime.combine(date.fromisoformat(str(value)[:10]), datetime.min.time()) if value else None
    except ValueError:
        return None


def _table(grant, query: dict):
    rt = current()
    with rt.engine.connect() as conn:
        events = accounts.audit_events(conn, actor=query.get("user"), action=query.get("action"),
                                       since=query.get("since"), until=query.get("until"),
                                       regions=None if grant.root.level == "province" else set(grant.visible),
                                       limit=LIMIT)
    names = {s.adcode: s.name for s in grant.index.regions.values()}
    rows = [{"at": beijing(e["at"]), "actor": e["actor"], "action": ACTIONS.get(e["action"], e["action"]),
             "region": names.get(e["region_adcode"], "—") if e["region_adcode"] else "—",
             "target": e["target"] or "", "detail": e["detail"] or "", "address": e["address"] or ""} for e in events]
    return table("aa-grid", [("at", "时间（北京时间）", 2), ("actor", "用户", 2), ("action", "操作", 2), ("region", "地区", 1),
                             ("target", "对象", 3), ("detail", "说明", 3), ("address", "来源地址", 2)], rows)


def _query(values: dict) -> dict:
    user, action = values.get("user"), values.get("action")
    return {"user": str(user).strip()[:64] if isinstance(user, str) and user.strip() else None,
            "action": action if action in ACTIONS else None,
            "since": _day(values.get("from")), "until": _day(values.get("to"))}


@callback(
    Output(NAV_LOCATION, "href", allow_duplicate=True),
    Output("aa-table", "children"),
    Output("aa-message", "children"),
    Input("aa-user", "value"), Input("aa-action", "value"), Input("aa-dates", "start_date"),
    Input("aa-dates", "end_date"),
    prevent_initial_call=True,
)
def refilter(user, action, start, end):
    """A change of the filters is a new URL (replaced in place) and the table for it."""
    try:
        grant = current().grant(require="admin")
    except access.Denied as exc:
        return no_update, no_update, message(str(exc), tone="warning")
    query = _query({"user": user, "action": action, "from": start, "to": end})
    href = current().urls.build(PAGE, {"user": query["user"], "action": query["action"],
                                       "from": query["since"] and query["since"].date().isoformat(),
                                       "to": query["until"] and query["until"].date().isoformat()})
    return href, _table(grant, query), None
