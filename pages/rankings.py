"""考核排名 (/rankings): the province ranks its cities, a city its counties, on their annual targets
read against 时序进度, with a combined score whose weights are settings (shown with its formula).

The URL holds the region and the year; a click on a city's bar or name opens that city's
ranking of its counties. A county user sees their own row only (views/rankings.py says why).
"""
from __future__ import annotations

import dash
from dash import Input, Output, State, callback, clientside_callback, dcc, html, no_update

from access import Denied
from components import theme
from components.export_menu import export_menu
from components.navigation import breadcrumb_bar, crumbs
from components.panels import message, panel, refusal
from components.rankings_parts import formula, headline, own_row_note, ranking_grid, ranking_rows, score_chart
from components.routing import router_url, screen_scale
from components.shell import NAV_LOCATION
from components.wall import wall_parts
from data_access.scope import UnknownRegion
from urls import ROUTES
from urls.routes import export_hrefs
from views.catalog import read_catalog
from views.rankings import PAGE, RankingsPlace, rankings_place, rankings_query, read_rankings
from views.runtime import current

TITLE = "考核排名 · 贵州省招商引资驾驶舱"


def layout(**kwargs):
    rt = current()
    try:
        place = rankings_place(rt, *router_url(rt.urls.build(PAGE), kwargs))
    except (UnknownRegion, Denied) as exc:
        title = "无权查看该地区" if isinstance(exc, Denied) else "没有这个地区"
        return refusal(title, str(exc), rt.urls.build(PAGE), "返回本地区考核排名")
    return page(place, wall=kwargs.get("wall"))


dash.register_page(__name__, path=ROUTES[PAGE][0], name="考核排名", title=TITLE, layout=layout)


def page(place: RankingsPlace, wall=None):
    rt = current()
    grant = rt.grant()
    scope = place.scope
    view = read_rankings(rt, scope, place.year)
    year = None if place.year == max(place.years or [place.year]) else place.year

    def href(adcode: int | None) -> str:
        return rt.urls.build(PAGE, rankings_query(rt.regions().get(adcode) if adcode else grant.root, year))

    # A city's row opens its counties' ranking; counties have nothing below them.
    drill = {int(a): href(int(a)) for a in view.rows["adcode"]
             if rt.regions().get(int(a)).level == "city" and grant.allows(int(a))}
    trail = [(s.name, None if s.adcode == scope.adcode else href(s.adcode)) for s in grant.trail(scope)]
    what = {"province": "各市（州）", "city": "各县（市、区）", "county": "本县"}[scope.level]
    notices = [message("；".join(place.problems), tone="warning")] if place.problems else []
    years = [{"label": f"{y}年", "value": y} for y in reversed(place.years)]
    year_hrefs = {str(y): rt.urls.build(PAGE, rankings_query(scope, None if y == max(place.years) else y))
                  for y in place.years}
    config = theme.graph_config(f"{what}综合得分", scope.name, view.ranking.as_of)
    chart = panel(f"{what}综合得分", [
        dcc.Graph(id="rk-chart", figure=theme.scaled(score_chart(view.rows), screen_scale()), config=config,
                  className="panel-graph rank-chart"),
        html.Div("点击市（州）查看其各县排名" if scope.level == "province" else "", className="hint"),
    ], cls="rank-chart-panel")
    table = panel(f"{what}年度目标完成情况与排名", [
        own_row_note(view),
        ranking_grid("rk-grid", ranking_rows(view, drill.get), complete=view.complete, scale=screen_scale()),
    ], cls="rank-table-panel")
    return html.Div([
        dcc.Store(id="rk-hrefs", data={str(k): v for k, v in drill.items()}),
        dcc.Store(id="rk-year-hrefs", data=year_hrefs),
        *wall_parts(wall, read_catalog(rt).cutoff),
        html.Div([
            breadcrumb_bar(crumbs(trail)),
            html.H1(f"{scope.name} · 考核排名", className="page-title", id="rk-title"),
            *headline(view),
            dcc.Link([html.I(className="bi bi-exclamation-triangle me-1"), "预警"], className="crumb overview-link",
                     href=rt.urls.build("warnings", {"region": None if scope.level == "province" else scope.adcode})),
            html.Div(export_menu(export_hrefs(rt.urls, rt.urls.build(PAGE, rankings_query(scope, year)))
                                 if grant.actor.may("export") else None, menu_id="rk-export"),
                     className="page-export"),
        ], className="page-head"),
        html.Div([html.Label("考核年度", className="filter-label"),
                  dcc.Dropdown(id="rk-year", options=years, value=place.year, clearable=False, searchable=False,
                               className="filter filter-period")], className="filter-bar"),
        html.Div(notices, id="rk-problems"),
        panel("综合排名计分方法", [formula(view)], cls="rank-formula-panel"),
        html.Div([chart, table], className="rank-grid-layout"),
    ], className="page rankings", id="rankings")


clientside_callback(
    """
    function (click, hrefs) {
        const nu = window.dash_clientside.no_update;
        const point = click && click.points && click.points[0];
        const target = point && hrefs && hrefs[String(point.customdata)];
        return target || nu;
    }
    """,
    Output(NAV_LOCATION, "href", allow_duplicate=True),
    Input("rk-chart", "clickData"),
    State("rk-hrefs", "data"),
    prevent_initial_call=True,
)


@callback(
    Output(NAV_LOCATION, "href", allow_duplicate=True),
    Input("rk-year", "value"),
    State("rk-year-hrefs", "data"),
    prevent_initial_call=True,
)
def choose_year(year, hrefs):
    """A year goes to the link the server wrote for it (the browser builds no URL)."""
    if not isinstance(hrefs, dict) or not isinstance(year, int) or isinstance(year, bool):
        return no_update
    target = hrefs.get(str(year))
    return target if isinstance(target, str) else no_update
