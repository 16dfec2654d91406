"""Panels, messages and small tables of the cockpit screens."""
from __future__ import annotations

import pandas as pd
from dash import dcc, html

from .info import info as info_mark
from .units import fmt_int, fmt_yi


def panel(title, body, *, cls: str = "", panel_id: str | None = None, title_id: str | None = None,
          info: str | None = None):
    """A titled panel; `info` is the glossary key of what it shows (the ⓘ beside the title, outside
    the heading itself, so the heading stays the panel's name)."""
    props = {"id": panel_id} if panel_id else {}
    heading = html.H2(title, className="panel-title", **({"id": title_id} if title_id else {}))
    if info:
        heading = html.Div([heading, info_mark(info)], className="panel-head")
    return html.Section([heading, *(body if isinstance(body, list) else [body])],
                        className=f"panel {cls}".strip(), **props)


def message(text: str, tone: str = "info", *, msg_id: str | None = None):
    """A one-line notice: `info` for an explanation (an empty chart's why), `warning` for bad input."""
    icon = {"info": "bi-info-circle", "warning": "bi-exclamation-triangle"}[tone]
    props = {"id": msg_id} if msg_id else {}
    return html.Div([html.I(className=f"bi {icon} me-2"), text], className=f"notice notice-{tone}", role="status",
                    **props)


def stalled_list(stalled, *, names: bool = True, lists: dict[str, str] | None = None, file_href=None):
    """签约未开工 warning lights and the largest stalled projects (domain.md §6); `stalled` is
    views.overview.Stalled. Without `names` (a viewer's screen) the lights only: project names
    are for analysts and up. `lists` ('red', 'yellow', '': the list behind each count) and
    `file_href(code)` (a project's file) make the counts and rows links."""
    lists = lists if names and lists else {}

    def count(key, body, **kw):
        href = lists.get(key)
        return dcc.Link(body, href=href, id=f"ov-stalled-list-{key or 'all'}", **kw) if href else html.Span(body, **kw)

    head = html.Div(
        [
            html.Span(["签约未开工 ", info_mark("stalled")], className="stall-title"),
            count("red", [html.I(className="bi bi-circle-fill light-red"), f" 超6个月 {fmt_int(stalled.red)}"]),
            count("yellow", [html.I(className="bi bi-circle-fill light-yellow"), f" 3–6个月 {fmt_int(stalled.yellow)}"]),
            count("", f"待开工共 {fmt_int(stalled.pipeline)} 个", className="muted"),
        ],
        className="stall-head",
    )
    top: pd.DataFrame = stalled.top
    if not names:
        return html.Div([head, html.Div("项目清单需业务人员及以上权限", className="muted small", id="ov-stalled-closed")],
                        className="stalled", id="ov-stalled")
    if top.empty:
        return html.Div([head, html.Div("没有超过3个月未开工的项目", className="muted small")], className="stalled",
                        id="ov-stalled")
    rows = [
        html.Tr([
            html.Td(html.I(className=f"bi bi-circle-fill {'light-red' if r.days > 180 else 'light-yellow'}")),
            html.Td(dcc.Link(r.name, href=file_href(r.code)) if file_href else r.name, className="stall-name",
                    title=f"{r.code} · {r.county}"),
            html.Td(r.county, className="muted"),
            html.Td(f"{fmt_yi(r.contract_yuan)} 亿", className="num"),
            html.Td(f"{r.days} 天", className="num muted"),
        ])
        for r in top.itertuples()
    ]
    return html.Div([head, html.Table(html.Tbody(rows), className="stall-table")], className="stalled",
                    id="ov-stalled")


def parks_table(parks: pd.DataFrame):
    if parks.empty:
        return html.Div("本县没有登记的园区", className="muted")
    rows = [
        html.Tr([html.Td(r.name, title=f"{r.level}{r.kind}"), html.Td(f"{fmt_int(r.projects)} 个", className="num"),
                 html.Td(f"{fmt_yi(r.contract_yuan)} 亿", className="num")])
        for r in parks.itertuples()
    ]
    return html.Table(html.Tbody(rows), className="parks-table", id="ov-parks")


def refusal(title: str, reason: str, href: str, label: str, *, page_id: str = "page-refused"):
    """A page that cannot be shown (no such region, no permission): why, and a way back."""
    return html.Div(
        [html.H1(title), html.P(reason, className="muted"),
         dcc.Link([html.I(className="bi bi-house me-1"), label], href=href, className="btn btn-outline-info")],
        className="not-found", id=page_id,
    )
