"""The frame around every page: title, navigation and the data cut-off date."""
from __future__ import annotations

from datetime import date

import dash
from dash import dcc, html

NAV = [("总览", "/", "bi-map"), ("产业链图谱", "/chains", "bi-diagram-3")]


def header(cutoff: date, source: str) -> html.Header:
    return html.Header(
        [
            html.Div(
                [html.I(className="bi bi-speedometer2 me-2"), "贵州省招商引资驾驶舱"],
                className="brand",
            ),
            html.Nav(
                [
                    dcc.Link([html.I(className=f"bi {icon} me-1"), label], href=dash.get_relative_path(path),
                             className="nav-link")
                    for label, path, icon in NAV
                ],
                className="cockpit-nav",
            ),
            html.Div(
                [
                    html.Span("数据截至 ", className="muted"),
                    html.Span(cutoff.isoformat(), id="data-cutoff"),
                    html.Span(f" · {source}", className="muted") if source else None,
                ],
                className="cutoff",
            ),
        ],
        className="cockpit-header",
    )
