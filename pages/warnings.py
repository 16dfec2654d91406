"""预警 (/warnings): the early-warning screen for the region in focus.

Counts by rule and light, a map of the cities or counties coloured by red warnings (a click
drills in), the list behind a chosen count (analysts and up: dash-ag-grid, paged and sorted on
the server, each project linking to its file) and the regions behind their annual targets.
The URL holds the whole state (region, filters, rule, light); every link is written by the
server, and the page is rendered anew by the router on each change.
"""
from __future__ import annotations

from dataclasses import replace

import dash
from dash import Input, Output, State, callback, clientside_callback, dcc, html, no_update

from access import Denied
from components import theme
from components.export_menu import export_menu
from components.navigation import DROPDOWN_LABELS, breadcrumb_bar, common_filters, crumbs
from components.overview_parts import LEVEL_WORD
from components.panels import message, panel, refusal
from components.routing import MAP_DRILL_JS, router_url, screen_scale
from components.shell import NAV_LOCATION
from components.info import period_text
from components.warnings_parts import SORT_FIELDS, behind_table, list_grid, list_rows, red_map, rule_cards
from components.wall import wall_parts
from data_access.scope import UnknownRegion
from data_access.warnings import LIGHT_LABELS, LIGHTS, RULE_LABELS, RULES
from urls import ROUTES, overview_state
from urls import search as query_string
from urls.routes import export_hrefs, list_export_hrefs
from views.catalog import read_catalog
from views.runtime import current
from views.warnings import (
    PAGE, WarningsPlace, period_dates, read_warnings, warning_page, warnings_place, warnings_query,
)

TITLE = "预警 · 贵州省招商引资驾驶舱"
PERIOD_OPTIONS = [{"label": "全部在调度项目", "value": "all"}, {"label": "本年签约", "value": "this_year"},
                  {"label": "上年签约", "value": "last_year"}, {"label": "自定义", "value": "custom"}]


def layout(**kwargs):
    rt = current()
    try:
        place = warnings_place(rt, *router_url(rt.urls.build(PAGE), kwargs))
    except (UnknownRegion, Denied) as exc:
        title = "无权查看该地区" if isinstance(exc, Denied) else "没有这个地区"
        return refusal(title, str(exc), rt.urls.build(PAGE), "返回本地区预警")
    return page(place, wall=kwargs.get("wall"))


dash.register_page(__name__, path=ROUTES[PAGE][0], name="预警", title=TITLE, layout=layout)


def _href(place: WarningsPlace, **query) -> str:
    return current().urls.build(PAGE, {**place.query, **query})


def _exports(place: WarningsPlace, can_list: bool) -> dict[str, str]:
    """The screen, and for roles that see lists the list on screen as Excel and CSV."""
    rt = current()
    view = rt.urls.build(PAGE, place.with_list(place.rule, place.light))
    return list_export_hrefs(rt.urls, view, "export_warnings") if can_list else export_hrefs(rt.urls, view)


def page(place: WarningsPlace, wall=None):
    rt = current()
    grant = rt.grant()
    catalog = read_catalog(rt)
    view = read_warnings(rt, place.scope, place.filters)
    scope, f = place.scope, place.filters
    can_list = grant.actor.may("lists")
    regions = grant.only_visible(view.regions)
    # Drill targets: same filters, the list the user is looking at kept.
    keep = {"rule": place.with_list(place.rule, place.light)["rule"], "light": place.light}
    region_hrefs = {str(int(a)): _href(place, region=int(a), **keep) for a in regions["adcode"] if int(a) != scope.adcode}
    list_hrefs = {(rule, light): _href(place, **place.with_list(rule, light)) for rule in RULES
                  for light in (*LIGHTS, None)}
    trail = [(s.name, None if s.adcode == scope.adcode else _href(place, region=None if s.level == "province"
                                                                   else s.adcode, **keep))
             for s in grant.trail(scope)]
    word = LEVEL_WORD[scope.level] if len(regions) > 1 else "本县"
    geo = dash.get_asset_url(f"geo/guizhou-{'cities' if scope.level == 'province' else 'counties'}.geojson")
    figure = theme.scaled(red_map(regions, geo, uirevision=scope.adcode), screen_scale())
    config = theme.graph_config(f"{word}红灯预警分布", scope.name, view.as_of,
                                topojson_url=dash.get_asset_url(theme.TOPOJSON_DIR))
    notices = [message("；".join(place.problems), tone="warning")] if place.problems else []
    if view.after_data:
        notices.append(message(f"所选期间在数据截止日 {view.cutoff} 之后，尚无数据", tone="warning", msg_id="wn-no-data"))
    period = ("全部在调度项目（不限签约日期），" if f.date_from is None and f.date_to is None else
              period_text(f.date_from, f.date_to, view.as_of, view.cutoff, catalog.first) + " 签约的项目，")
    head = html.Div([
        breadcrumb_bar(crumbs(trail)),
        html.H1(f"{scope.name} · 预警", className="page-title", id="wn-title"),
        html.Div(f"{period}按 {view.as_of} 的状态判断；已终止项目不计", className="period", id="wn-period"),
        dcc.Link([html.I(className="bi bi-trophy me-1"), "考核排名"], className="crumb overview-link",
                 href=rt.urls.build("rankings", {"region": None if scope.level == "province" else scope.adcode})),
        html.Div(export_menu(_exports(place, can_list) if grant.actor.may("export") else None,
                             menu_id="wn-export"), className="page-export"),
    ], className="page-head")
    filters = html.Div([
        *common_filters("wf", periods=PERIOD_OPTIONS, period=place.period, period_class="filter-period",
                        date_from=f.date_from, date_to=f.date_to, channel=f.channel, origin=f.origin,
                        origins=list(catalog.origins), min_date=catalog.first, max_date=catalog.cutoff),
        dcc.Dropdown(id="wf-industry", options=[{"label": n, "value": c} for c, n, *_ in catalog.industries],
                     value=f.industry, placeholder="产业（全部）", className="filter", labels=DROPDOWN_LABELS),
    ], className="filter-bar")
    map_panel = panel(f"{word}红灯预警分布", [
        dcc.Graph(id="wn-map", figure=figure, config=config, className="panel-graph map-graph"),
        html.Div("点击地图下钻；面包屑或浏览器后退返回上级", className="hint"),
    ], cls="warn-map")
    title = f"{RULE_LABELS[place.rule]} · {LIGHT_LABELS.get(place.light, '全部')}清单"
    if can_list:
        count = view.totals[f"{place.rule}_{place.light}"] if place.light else sum(
            view.totals[f"{place.rule}_{light}"] for light in LIGHTS)
        body = [html.Div(f"共 {count:,} 个项目 · 点击项目名称查看项目档案 · 点击表头排序", className="muted small",
                         id="wn-list-count"),
                list_grid("wn-grid", place.rule, screen_scale())]
    else:
        body = [html.Div("项目清单需业务人员及以上权限；领导/查看账号可见预警数量与地图", className="muted",
                         id="wn-list-closed")]
    list_panel = panel(title, body, cls="warn-list", title_id="wn-list-title")
    year = view.ranking.year if view.ranking else view.as_of.year
    progress = view.ranking.progress if view.ranking else None
    behind_hrefs = {int(a): _href(place, region=int(a), **keep) for a in view.behind["adcode"]
                    if grant.allows(int(a)) and int(a) != scope.adcode}
    behind_panel = panel(RULE_LABELS["target"], [
        behind_table(grant.only_visible(view.behind), year, progress, behind_hrefs) if view.ranking is not None
        else html.Div(f"{year}年未设定年度目标", className="muted", id="wn-behind"),
    ], cls="warn-behind")
    return html.Div([
        dcc.Store(id="wn-drawn", data=place.search),
        dcc.Store(id="wn-region-hrefs", data=region_hrefs),
        *wall_parts(wall, catalog.cutoff),
        head, filters, html.Div(notices, id="wn-problems"),
        html.Div(rule_cards(view.totals, grant.only_visible(view.behind), view.values, list_hrefs,
                            (place.rule, place.light), blank=view.after_data),
                 className="warn-cards", id="wn-cards"),
        html.Div([map_panel, behind_panel], className="warn-grid-top"),
        list_panel,
    ], className="page warnings", id="warnings")


# ------------------------------------------------------------------ callbacks

clientside_callback(
    MAP_DRILL_JS,
    Output(NAV_LOCATION, "href", allow_duplicate=True),
    Input("wn-map", "clickData"),
    State("wn-region-hrefs", "data"),
    prevent_initial_call=True,
)


@callback(
    Output(NAV_LOCATION, "href", allow_duplicate=True),
    Input("wf-period", "value"),
    Input("wf-dates", "start_date"),
    Input("wf-dates", "end_date"),
    Input("wf-channel", "value"),
    Input("wf-origin", "value"),
    Input("wf-industry", "value"),
    State("wn-drawn", "data"),
    prevent_initial_call=True,
)
def apply_filters(period, start, end, channel, origin, industry, drawn):
    """Filters rewrite the URL (through the grammar); the router then draws the new view."""
    if not isinstance(drawn, str) or not isinstance(period, str):
        return no_update
    rt = current()
    try:
        place = warnings_place(rt, rt.urls.build(PAGE), drawn)
    except (UnknownRegion, Denied):
        return no_update
    catalog = read_catalog(rt)
    if dash.ctx.triggered_id == "wf-period" and period != "custom":
        start, end = period_dates(period, catalog)
    query = {"from": str(start)[:10] if start else None, "to": str(end)[:10] if end else None,
             "channel": channel, "origin": origin, "industry": industry}
    query = {k: v if isinstance(v, str) else None for k, v in query.items()}
    state = overview_state(query, cutoff=catalog.cutoff, first=catalog.first, industries=catalog.industry_codes)
    filters = state.filters if (query["from"] or query["to"]) else replace(state.filters, date_from=None,
                                                                             date_to=None)
    wanted = {**warnings_query(place.scope, filters), **place.with_list(place.rule, place.light)}
    if query_string(PAGE, wanted) == drawn:
        return no_update
    return rt.urls.build(PAGE, wanted)


@callback(
    Output("wn-grid", "getRowsResponse"),
    Input("wn-grid", "getRowsRequest"),
    State("wn-drawn", "data"),
    prevent_initial_call=True,
)
def list_block(request, drawn):
    """A block of the list: the region and the list come from the URL on screen, re-checked
    against the session's grant (a forged body gets a refusal, never another region's rows)."""
    if not isinstance(request, dict) or not isinstance(drawn, str):
        return no_update
    rt = current()
    try:
        rt.grant(require="lists")
        place = warnings_place(rt, rt.urls.build(PAGE), drawn)
    except (UnknownRegion, Denied):
        return {"rowData": [], "rowCount": 0}
    start, end = request.get("startRow"), request.get("endRow")
    if not isinstance(start, int) or not isinstance(end, int) or start < 0 or end <= start:
        return no_update
    sort = []
    for item in request.get("sortModel") or []:
        if isinstance(item, dict) and item.get("colId") in SORT_FIELDS and item.get("sort") in ("asc", "desc"):
            sort.append((SORT_FIELDS[item["colId"]], item["sort"] == "desc"))
    frame, total = warning_page(rt, place, sort=sort, start=start, end=end)
    return {"rowData": list_rows(frame, lambda code: rt.urls.build("project", code=code)), "rowCount": total}
