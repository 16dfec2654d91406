"""The header's search box and its results: projects and enterprises, each a link to a file.

The box is part of the header (components/shell.py); the callback that answers it lives with
the project list (pages/projects.py). Links are written by the server.
"""
from __future__ import annotations

from dash import dcc, html

SEARCH_INPUT = "hdr-search"
SEARCH_RESULTS = "hdr-search-results"


def search_box():
    return html.Div(
        [
            html.I(className="bi bi-search search-icon"),
            dcc.Input(id=SEARCH_INPUT, type="text", placeholder="搜索项目、企业或项目编号", debounce=0.4,
                      maxLength=40, autoComplete="off", className="search-input"),
            html.Div(id=SEARCH_RESULTS, className="search-results", role="listbox"),
        ],
        className="header-search",
    )


def search_results(hits, href_of, text: str):
    """`hits` are data_access.search.Hit; `href_of(code)` the file's link."""
    if not hits:
        return html.Div(f"没有找到“{text}”相关的项目或企业（仅搜索本账号查看范围内）", className="search-empty muted",
                        id="search-empty")
    items = [
        dcc.Link([html.I(className=f"bi {'bi-building' if h.kind == 'enterprise' else 'bi-file-earmark-text'} me-2"),
                  html.Span(h.title, className="search-title"), html.Span(h.detail, className="search-detail muted")],
                 href=href_of(h.code), className=f"search-hit search-{h.kind}")
        for h in hits
    ]
    return html.Div(items, className="search-list", id="search-list")
