"""The frame around every page: title, navigation, the data cut-off and the app's own notices."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dash import dcc, html

from .search_results import search_box

NAV = [("总览", "overview", "bi-map"), ("产业链图谱", "chains", "bi-diagram-3"), ("预警", "warnings", "bi-exclamation-triangle"),
       ("考核排名", "rankings", "bi-trophy"), ("指标说明", "definitions", "bi-info-circle")]
# The shell's own Location: callbacks navigate by setting it (a documented dcc pattern); the
# page router and every page's Location follow the history change it makes.
NAV_LOCATION = "nav"
APP_ERROR = "app-error"


@dataclass(frozen=True)
class UserBadge:
    name: str
    role: str                 # the role's Chinese name
    logout_token: str | None  # None for a display token's screen: nothing to sign out of


def _user(user: UserBadge | None, hrefs: dict[str, str]):
    if user is None:
        return None
    parts = [html.Span([html.I(className="bi bi-person-circle me-1"), user.name], className="user-name"),
             html.Span(user.role, className="muted user-role")]
    if "data" in hrefs:
        parts.append(dcc.Link([html.I(className="bi bi-database-up me-1"), "数据管理"], href=hrefs["data"],
                              className="nav-link", id="data-link"))
    if user.logout_token and hrefs.get("search", "on"):
        # A person's header searches projects and enterprises (a wall's has nobody to type);
        # hrefs["search"] = "" hides it (a viewer, whose search is refused anyway).
        parts.insert(0, search_box())
    if "admin" in hrefs:
        parts.append(dcc.Link([html.I(className="bi bi-gear me-1"), "系统管理"], href=hrefs["admin"],
                              className="nav-link", id="admin-link"))
    if user.logout_token:
        # A plain form: signing out is a POST with a token bound to the session (auth/routes.py).
        parts.append(html.Form(
            [dcc.Input(type="hidden", name="csrf_token", value=user.logout_token, id="logout-token"),
             html.Button([html.I(className="bi bi-box-arrow-right me-1"), "退出"], type="submit",
                         className="btn btn-link nav-link", id="logout-button")],
            method="POST", action=hrefs["logout"], className="logout-form"))
    return html.Div(parts, className="user-badge", id="user-badge")


def header(cutoff: date | None, source: str, hrefs: dict[str, str], user: UserBadge | None = None) -> html.Header:
    return html.Header(
        [
            html.Div([html.I(className="bi bi-speedometer2 me-2"), "贵州省招商引资驾驶舱"], className="brand"),
            html.Nav(
                [dcc.Link([html.I(className=f"bi {icon} me-1"), label], href=hrefs[route], className="nav-link")
                 for label, route, icon in NAV if route in hrefs],
                className="cockpit-nav",
            ),
            html.Div(
                [
                    html.Span("数据截至 ", className="muted"),
                    html.Span(cutoff.isoformat() if cutoff else "—", id="data-cutoff"),
                    html.Span(f" · {source}", className="muted") if source else None,
                ],
                className="cutoff",
            ),
            _user(user, hrefs),
        ],
        className="cockpit-header",
    )


GRID_WARMUP = "grid-warmup"


def shell(head, page_container, *, data_version: str, grid_warmup: bool = False):
    """The app's layout: header, a notice line for errors, the page; for a user who may open
    project lists, a hidden box where the grid's code is started ahead (assets/grid_warmup.js)."""
    return html.Div(
        [
            dcc.Location(id=NAV_LOCATION, refresh="callback-nav"),
            # The data version this page was drawn from; assets can compare it with /api/data-version.
            dcc.Store(id="data-version", data=data_version),
            head,
            html.Div(id=APP_ERROR, role="alert"),
            html.Main(page_container, className="cockpit-main"),
            *([html.Div(id=GRID_WARMUP, hidden=True, **{"aria-hidden": "true"})] if grid_warmup else []),
        ],
        className="cockpit",
    )
