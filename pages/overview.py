"""The overview: a region's figures, map, funnel, industries, trend, origins and activity.

One layout serves `/` (the actor's own region: the province for a provincial user) and
`/region/<adcode>`; the URL holds the whole state (region and filters), so a copied link opens
the same view and the back button works.

A first load or a copied link renders the page from its layout. Once the overview is on screen,
a drill click, the breadcrumb, the back button or a filter change only changes the URL: the page
router then leaves the page mounted (components/routing.py) and `redraw` sends the new heading,
KPIs and map to the components already there, then `redraw_panels` the panels below. Graphs
are re-plotted in place, and the map is drawn before the rest.
"""
from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, Patch, State, callback, clientside_callback, dcc, html, no_update
from dash.exceptions import PreventUpdate

from access import Denied
from components import maps, theme
from components.funnel import measure_style
from components.navigation import breadcrumb_bar, filter_bar
from components.overview_parts import (
    DRAWN_PART, FILTER_OUTPUTS, HEAD_OUTPUTS, PANEL_OUTPUTS, Frame, head_parts, panel_parts,
)
from components.panels import panel, refusal
from components.routing import MAP_DRILL_JS, is_mounted, mounted_store, router_url, screen_scale
from components.shell import NAV_LOCATION
from components.wall import wall_parts
from data_access.scope import UnknownRegion
from urls import ROUTES, filter_query, overview_state, period_range, search
from views.catalog import read_catalog
from views.overview import Place, overview_place, read_overview
from views.runtime import current

PAGE = "overview"
TITLE = "贵州省招商引资驾驶舱"


def layout(drawn_view=None, **kwargs):
    adcode = kwargs.pop("adcode", None)
    try:
        fallback = current().urls.build("region", adcode=adcode) if adcode else current().urls.build("overview")
        place = overview_place(current(), *router_url(fallback, kwargs))
    except (UnknownRegion, Denied) as exc:
        return refused(exc)
    if is_mounted(drawn_view, PAGE):
        return no_update  # on screen already: `redraw` updates it in place
    return page(place, wall=kwargs.get("wall"))


dash.register_page(__name__, path=ROUTES["overview"][0], name="总览", title=TITLE, layout=layout)
dash.register_page("region", path_template=ROUTES["region"][0], name="地区", title=TITLE, layout=layout)


def refused(exc: Exception):
    rt = current()
    if isinstance(exc, Denied):
        return refusal("无权查看该地区", str(exc), rt.urls.build("overview"), "返回本地区总览")
    return refusal("没有这个地区", str(exc), rt.urls.build("overview"), "返回总览", page_id="region-not-found")


def _frame(place: Place) -> Frame:
    rt = current()
    grant = rt.grant()
    return Frame(place=place, grant=grant, urls=rt.urls, geo_url=dash.get_asset_url("geo/"),
                 topojson_url=dash.get_asset_url(theme.TOPOJSON_DIR), scale=screen_scale(),
                 origins=read_catalog(rt).origins, can_list=grant.actor.may("lists"),
                 can_export=grant.actor.may("export"))


def page(place: Place, wall=None):
    """The overview's components, each holding its part (components/overview_parts.py)."""
    rt = current()
    data, frame, catalog = read_overview(rt, place.scope, place.filters), _frame(place), read_catalog(rt)
    parts = {**head_parts(data, frame, maps.DEFAULT_METRIC), **panel_parts(data, frame, "projects")}

    def part(cid, prop="children"):
        return parts[(cid, prop)]

    def graph(gid, cls="panel-graph"):
        return dcc.Graph(id=gid, figure=part(gid, "figure"), config=part(gid, "config"), className=cls)

    cutoff, first = catalog.cutoff, catalog.first
    map_panel = panel(
        part("ov-map-title"),
        [
            dcc.RadioItems(id="ov-map-metric", options=[{"label": v[0], "value": k} for k, v in maps.METRICS.items()],
                           value=maps.DEFAULT_METRIC, inline=True, className="segmented"),
            html.Div([graph("ov-map", cls="panel-graph map-graph"),
                      html.Div(part("ov-map-aside"), id="ov-map-aside", className="map-aside")],
                     className="map-row"),
            html.Div([html.Span("点击地图下钻；面包屑或浏览器后退返回上级"),
                      html.Span(part("ov-map-list"), id="ov-map-list", className="map-list-link")], className="hint"),
        ],
        cls="area-map", title_id="ov-map-title", info="map",
    )
    funnel_panel = panel(
        "项目转化漏斗",
        [
            dcc.RadioItems(id="ov-funnel-measure", options=[{"label": "按项目数", "value": "projects"},
                                                            {"label": "按合同投资额", "value": "contract"}],
                           value="projects", inline=True, className="segmented"),
            graph("ov-funnel"),
            html.Div(part("ov-durations"), className="durations", id="ov-durations"),
            html.Div(part("ov-stalled-box"), id="ov-stalled-box"),
        ],
        cls="area-funnel", info="funnel",
    )
    side = panel("十大工业产业合同投资额",
                 [graph("ov-industries"), html.Div(part("ov-other-industries"), className="hint", id="ov-other-industries")],
                 cls="area-side", info="industries")
    trend_panel = panel("月度签约与到位资金（亿元）", [graph("ov-trend")], cls="area-trend", info="trend")
    sources_panel = panel("投资来源地区（合同投资额，亿元）", [graph("ov-sources")], cls="area-sources", info="sources")
    activity_panel = panel(
        "招商活动与年度目标",
        [html.Div(part("ov-activity"), className="activity-cards", id="ov-activity"),
         html.Div(part("ov-targets-box"), id="ov-targets-box")],
        cls="area-activity", info="activity",
    )
    return html.Div(
        [
            # Follows the URL like the router's own; being part of the page, it triggers `redraw`
            # only while the overview is on screen.
            dcc.Location(id="ov-location", refresh=False),
            mounted_store(PAGE),
            dcc.Store(id="ov-drawn", data=part(*DRAWN_PART)),
            dcc.Store(id="ov-panels-drawn", data=part("ov-panels-drawn", "data")),
            dcc.Store(id="ov-map-data", data=part("ov-map-data", "data")),
            dcc.Store(id="ov-region-hrefs", data=part("ov-region-hrefs", "data")),
            dcc.Store(id="ov-funnel-data", data=part("ov-funnel-data", "data")),
            # Where a click on a chart's point leads: the projects behind it (analysts and up).
            dcc.Store(id="ov-list-hrefs", data=part("ov-list-hrefs", "data")),
            # The filters this view was drawn with, so mounting the filter bar changes nothing.
            dcc.Store(id="ov-search", data=part("ov-search", "data")),
            *wall_parts(wall, cutoff),
            html.Div(
                [breadcrumb_bar(part("breadcrumb")),
                 html.H1(part("ov-title"), className="page-title", id="ov-title"),
                 html.Div(part("ov-period"), className="period", id="ov-period"),
                 dcc.Link([html.I(className="bi bi-diagram-3 me-1"), "本地区产业链"], className="crumb overview-link",
                          id="ov-chains-link", href=part("ov-chains-link", "href")),
                 dcc.Link([html.I(className="bi bi-info-circle me-1"), "指标说明"], className="crumb definitions-link",
                          id="ov-definitions-link", href=rt.urls.build("definitions")),
                 html.Div(part("ov-export"), id="ov-export", className="page-export")],
                className="page-head",
            ),
            filter_bar(period=part("f-period", "value"), date_from=part("f-dates", "start_date"),
                       date_to=part("f-dates", "end_date"), channel=part("f-channel", "value"),
                       origin=part("f-origin", "value"), industry=part("f-industry", "value"),
                       origins=list(catalog.origins), industries=[(c, n) for c, n, *_ in catalog.industries],
                       min_date=first, max_date=cutoff),
            html.Div(part("ov-problems"), id="ov-problems"),
            html.Div(part("ov-kpis"), className="kpi-strip", id="ov-kpis"),
            html.Div([map_panel, funnel_panel, side, trend_panel, sources_panel, activity_panel],
                     className="overview-grid"),
        ],
        className="page overview",
        id="overview",
    )


# ------------------------------------------------------------------ callbacks

# Drill-down: a click on a region goes to the link the server wrote for it.
clientside_callback(
    MAP_DRILL_JS,
    Output(NAV_LOCATION, "href", allow_duplicate=True),
    Input("ov-map", "clickData"),
    State("ov-region-hrefs", "data"),
    prevent_initial_call=True,
)


# Drill to detail: a click on a funnel step, an industry or source bar or a month of the trend
# goes to the list the server wrote for that point (none on a viewer's screen).
clientside_callback(
    """
    function (funnel, industries, sources, trend, hrefs) {
        const nu = window.dash_clientside.no_update;
        const trig = window.dash_clientside.callback_context.triggered;
        const which = trig && trig.length ? trig[0].prop_id.split('.')[0] : null;
        const click = trig && trig.length ? trig[0].value : null;
        const p = click && click.points && click.points[0];
        if (!p || !hrefs) { return nu; }
        const key = which === 'ov-funnel' ? 'funnel:' + p.pointNumber
            : which === 'ov-industries' ? 'industry:' + p.customdata
            : which === 'ov-sources' ? 'source:' + p.y
            : which === 'ov-trend' ? 'trend:' + p.curveNumber + ':' + p.pointNumber : null;
        return (key && hrefs[key]) || nu;
    }
    """,
    Output(NAV_LOCATION, "href", allow_duplicate=True),
    Input("ov-funnel", "clickData"),
    Input("ov-industries", "clickData"),
    Input("ov-sources", "clickData"),
    Input("ov-trend", "clickData"),
    State("ov-list-hrefs", "data"),
    prevent_initial_call=True,
)


@callback(
    Output("ov-map", "figure", allow_duplicate=True),
    Input("ov-map-metric", "value"),
    State("ov-map-data", "data"),
    prevent_initial_call=True,
)
def recolour_map(metric, values):
    if not isinstance(metric, str) or metric not in maps.METRICS or not isinstance(values, dict):
        return no_update
    column, locations, hover = values.get(metric), values.get("locations"), values.get("hover")
    lists = (column, locations, hover)
    if not all(isinstance(x, list) for x in lists) or len({len(x) for x in lists}) != 1:
        return no_update
    if not all(v is None or isinstance(v, (int, float)) for v in column):
        return no_update
    if not all(isinstance(x, str) for x in locations):
        return no_update
    if not all(isinstance(h, list) and len(h) == 2 and all(isinstance(x, str) for x in h) for h in hover):
        return no_update
    patch = Patch()
    for index, style in maps.metric_style(metric, column, locations, hover).items():
        for key, value in theme.scaled(style, screen_scale()).items():
            patch["data"][index][key] = value
    patch["layout"]["annotations"] = theme.scaled(maps.no_data_note(column), screen_scale())
    return patch


@callback(
    Output("ov-funnel", "figure", allow_duplicate=True),
    Input("ov-funnel-measure", "value"),
    State("ov-funnel-data", "data"),
    prevent_initial_call=True,
)
def switch_funnel(measure, frame):
    if measure not in ("projects", "contract") or not isinstance(frame, dict):
        return no_update
    try:
        table = pd.DataFrame(frame)[["label", "projects", "contract_yuan"]].astype(
            {"projects": "int64", "contract_yuan": "int64"})
    except (KeyError, ValueError, TypeError):
        return no_update
    patch = Patch()
    for key, value in measure_style(table, measure).items():
        patch["data"][0][key] = value
    return patch


@callback(
    Output(NAV_LOCATION, "href", allow_duplicate=True),
    Input("f-period", "value"),
    Input("f-dates", "start_date"),
    Input("f-dates", "end_date"),
    Input("f-channel", "value"),
    Input("f-origin", "value"),
    Input("f-industry", "value"),
    State("ov-drawn", "data"),
    prevent_initial_call=True,
)
def apply_filters(period, start, end, channel, origin, industry, drawn):
    """Filters rewrite the URL (through the grammar); `redraw` then shows the new view."""
    if not isinstance(drawn, dict) or not isinstance(period, str):
        return no_update
    rt = current()
    catalog = read_catalog(rt)
    if dash.ctx.triggered_id == "f-period" and period != "custom":
        start, end = period_range(period, catalog.cutoff, catalog.first)
    query = {"from": str(start)[:10] if start else None, "to": str(end)[:10] if end else None,
             "channel": channel, "origin": origin, "industry": industry}
    query = {k: v if isinstance(v, str) else None for k, v in query.items()}
    try:
        scope = rt.grant().scope(drawn.get("adcode"))
    except (UnknownRegion, Denied):
        return no_update
    state = overview_state(query, cutoff=catalog.cutoff, first=catalog.first, industries=catalog.industry_codes)
    wanted = filter_query(state.filters, catalog.this_year)
    if search("overview", wanted) == drawn.get("search"):
        return no_update
    return rt.urls.overview(scope.adcode, wanted)


@callback(
    [Output(cid, prop, allow_duplicate=(cid, prop) == ("ov-map", "figure")) for cid, prop in HEAD_OUTPUTS],
    Input("ov-location", "pathname"),
    Input("ov-location", "search"),
    State("ov-drawn", "data"),
    State("ov-map-metric", "value"),
    prevent_initial_call=True,
)
def redraw(pathname, search, drawn, metric):
    """The new URL's heading, KPIs and map, sent to the overview on screen."""
    if not isinstance(drawn, dict) or not isinstance(pathname, str):
        raise PreventUpdate  # not on screen: the router renders the page
    try:
        place = overview_place(current(), pathname, search if isinstance(search, str) else "")
    except (UnknownRegion, Denied):
        raise PreventUpdate from None  # another page, or a refusal: the router shows it
    if place.key == drawn:
        raise PreventUpdate  # what is on screen (the page has just mounted)
    rt = current()
    parts = head_parts(read_overview(rt, place.scope, place.filters), _frame(place),
                       metric if isinstance(metric, str) else maps.DEFAULT_METRIC)
    if place.search == drawn.get("search"):
        # Same filters (a drill): leave the filter bar alone rather than re-fire its callback.
        parts.update(dict.fromkeys(FILTER_OUTPUTS, no_update))
    return [parts[key] for key in HEAD_OUTPUTS]


@callback(
    [Output(cid, prop, allow_duplicate=(cid, prop) == ("ov-funnel", "figure")) for cid, prop in PANEL_OUTPUTS],
    Input("ov-drawn", "data"),
    State("ov-panels-drawn", "data"),
    State("ov-funnel-measure", "value"),
    prevent_initial_call=True,
)
def redraw_panels(drawn, panels_drawn, measure):
    """The panels below the map follow once the map is drawn (its data is cached by then)."""
    if not isinstance(drawn, dict) or drawn == panels_drawn:
        raise PreventUpdate
    rt = current()
    adcode, search = drawn.get("adcode"), drawn.get("search")
    if not isinstance(search, str) or not isinstance(adcode, int):
        raise PreventUpdate
    try:
        place = overview_place(rt, rt.urls.overview(adcode), search)
    except (UnknownRegion, Denied):
        raise PreventUpdate from None
    parts = panel_parts(read_overview(rt, place.scope, place.filters), _frame(place),
                        measure if isinstance(measure, str) else "projects")
    return [parts[key] for key in PANEL_OUTPUTS]
