"""The overview: a region's figures, map, funnel, industries, trend, origins and activity.

One layout serves `/` (the province) and `/region/<adcode>`; the URL holds the whole state
(region and filters), so a copied link opens the same view and the back button works.

A first load or a copied link renders the page from its layout. Once the overview is on screen,
a drill click, the breadcrumb, the back button or a filter change only changes the URL: the page
router then leaves the page mounted (app.py) and `redraw` sends the new heading, KPIs and map to
the components already there, then `redraw_panels` the panels below. Graphs are re-plotted in
place instead of being torn down and built again, and the map is drawn before the rest.
"""
from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, Patch, State, callback, clientside_callback, dcc, html, no_update
from dash.exceptions import PreventUpdate

from components import maps, theme
from components.funnel import measure_style
from components.navigation import breadcrumb_bar, filter_bar
from components.panels import panel
from data_access.scope import UnknownRegion
from pages.overview_view import (
    DRAWN_PART, FILTER_OUTPUTS, HEAD_OUTPUTS, MOUNTED, PANEL_OUTPUTS, View, head_parts, panel_parts, place_of, query_of,
    read_view, region_of, screen_scale,
)
from pages.url_state import period_range

TITLE = "贵州省招商引资驾驶舱"


def layout(adcode=None, drawn_view=None, **query):
    try:
        place = place_of(adcode, query)
    except UnknownRegion as exc:
        return not_found(str(exc))
    if drawn_view:
        # The overview is already on screen: `redraw` updates it in place.
        return no_update
    view = read_view(place)
    return page(view, {**head_parts(view, maps.DEFAULT_METRIC), **panel_parts(view, "projects")})


dash.register_page(__name__, path="/", name="总览", title=TITLE, layout=layout)
dash.register_page("region", path_template="/region/<adcode>", name="地区", title=TITLE, layout=layout)


def not_found(reason: str):
    return html.Div(
        [html.H1("没有这个地区"), html.P(reason, className="muted"),
         dcc.Link([html.I(className="bi bi-house me-1"), "返回全省总览"], href=dash.get_relative_path("/"),
                  className="btn btn-outline-info")],
        className="not-found", id="region-not-found",
    )


def page(view: View, parts: dict):
    """The overview's components, each holding its part (pages/overview_view.py)."""
    def part(cid, prop="children"):
        return parts[(cid, prop)]

    def graph(gid, cls="panel-graph"):
        return dcc.Graph(id=gid, figure=part(gid, "figure"), config=part(gid, "config"), className=cls)

    options = view.options
    cutoff, first = options["cutoff"], options["first"]
    map_panel = panel(
        part("ov-map-title"),
        [
            dcc.RadioItems(id="ov-map-metric", options=[{"label": v[0], "value": k} for k, v in maps.METRICS.items()],
                           value=maps.DEFAULT_METRIC, inline=True, className="segmented"),
            html.Div([graph("ov-map", cls="panel-graph map-graph"),
                      html.Div(part("ov-map-aside"), id="ov-map-aside", className="map-aside")],
                     className="map-row"),
            html.Div("点击地图下钻；面包屑或浏览器后退返回上级", className="hint"),
        ],
        cls="area-map", title_id="ov-map-title",
    )
    funnel_panel = panel(
        "项目转化漏斗",
        [
            dcc.RadioItems(id="ov-funnel-measure", options=[{"label": "按项目数", "value": "projects"},
                                                            {"label": "按合同额", "value": "contract"}],
                           value="projects", inline=True, className="segmented"),
            graph("ov-funnel"),
            html.Div(part("ov-durations"), className="durations", id="ov-durations"),
            html.Div(part("ov-stalled-box"), id="ov-stalled-box"),
        ],
        cls="area-funnel",
    )
    side = panel("十大工业产业合同投资额",
                 [graph("ov-industries"), html.Div(part("ov-other-industries"), className="hint", id="ov-other-industries")],
                 cls="area-side")
    trend_panel = panel("月度签约与到位资金（亿元）", [graph("ov-trend")], cls="area-trend")
    sources_panel = panel("投资来源地区（合同额，亿元）", [graph("ov-sources")], cls="area-sources")
    activity_panel = panel(
        "招商活动与年度目标",
        [html.Div(part("ov-activity"), className="activity-cards", id="ov-activity"),
         html.Div(part("ov-targets-box"), id="ov-targets-box")],
        cls="area-activity",
    )
    return html.Div(
        [
            # Follows the URL like the router's own; being part of the page, it triggers `redraw`
            # only while the overview is on screen.
            dcc.Location(id="ov-location", refresh=False),
            dcc.Store(id=MOUNTED, data=True),
            dcc.Store(id="ov-drawn", data=part(*DRAWN_PART)),
            dcc.Store(id="ov-panels-drawn", data=part("ov-panels-drawn", "data")),
            dcc.Store(id="ov-map-data", data=part("ov-map-data", "data")),
            dcc.Store(id="ov-funnel-data", data=part("ov-funnel-data", "data")),
            # The filters this view was drawn with, so mounting the filter bar changes nothing.
            dcc.Store(id="ov-search", data=part("ov-search", "data")),
            dcc.Store(id="ov-periods", data={
                key: [d.isoformat() for d in period_range(key, cutoff, first)] for key in ("this_year", "last_year", "all")
            }),
            html.Div(
                [breadcrumb_bar(part("breadcrumb")),
                 html.H1(part("ov-title"), className="page-title", id="ov-title"),
                 html.Div(part("ov-period"), className="period", id="ov-period"),
                 dcc.Link([html.I(className="bi bi-diagram-3 me-1"), "本地区产业链"], className="crumb overview-link",
                          id="ov-chains-link", href=part("ov-chains-link", "href"))],
                className="page-head",
            ),
            filter_bar(period=part("f-period", "value"), date_from=part("f-dates", "start_date"),
                       date_to=part("f-dates", "end_date"), channel=part("f-channel", "value"),
                       origin=part("f-origin", "value"), industry=part("f-industry", "value"),
                       origins=options["origins"], industries=[(c, n) for c, n, *_ in options["industries"]],
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

# Drill-down: a click on a region navigates to it; `redraw` then shows it.
clientside_callback(
    """
    function (click, pathname) {
        const nu = window.dash_clientside.no_update;
        if (!click || !click.points || !click.points.length || !click.points[0].location) { return nu; }
        const base = pathname.replace(/(region\\/[^/]*)?$/, "");
        const target = base + "region/" + click.points[0].location;
        return target === pathname ? nu : target;
    }
    """,
    Output("_pages_location", "pathname", allow_duplicate=True),
    Input("ov-map", "clickData"),
    State("_pages_location", "pathname"),
    prevent_initial_call=True,
)


@callback(
    Output("ov-map", "figure", allow_duplicate=True),
    Input("ov-map-metric", "value"),
    State("ov-map-data", "data"),
    prevent_initial_call=True,
)
def recolour_map(metric, values):
    if not metric or not values or metric not in maps.METRICS:
        return no_update
    patch = Patch()
    for key, value in theme.scaled(maps.metric_style(metric, values[metric]), screen_scale()).items():
        patch["data"][0][key] = value
    return patch


@callback(
    Output("ov-funnel", "figure", allow_duplicate=True),
    Input("ov-funnel-measure", "value"),
    State("ov-funnel-data", "data"),
    prevent_initial_call=True,
)
def switch_funnel(measure, frame):
    if measure not in ("projects", "contract") or not frame:
        return no_update
    patch = Patch()
    for key, value in measure_style(pd.DataFrame(frame), measure).items():
        patch["data"][0][key] = value
    return patch


# Filters rewrite the query string in the browser; `redraw` then shows the new view. Done
# client-side so that mounting a view (which "changes" every filter) costs no request.
clientside_callback(
    """
    function (period, start, end, channel, origin, industry, periods, drawn) {
        const nu = window.dash_clientside.no_update;
        if (!period || !periods) { return nu; }
        const fired = (window.dash_clientside.callback_context.triggered || []).map(t => t.prop_id);
        if (fired.some(id => id.startsWith("f-period.")) && period !== "custom") {
            [start, end] = periods[period];
        }
        start = start ? String(start).slice(0, 10) : null;
        end = end ? String(end).slice(0, 10) : null;
        if (start && end && start > end) { return nu; }
        const params = new URLSearchParams();
        const [d0, d1] = periods.this_year;
        if (!(start === d0 && end === d1)) {
            if (start) { params.set("from", start); }
            if (end) { params.set("to", end); }
        }
        if (channel) { params.set("channel", channel); }
        if (origin) { params.set("origin", origin); }
        if (industry) { params.set("industry", industry); }
        const text = params.toString();
        const search = text ? "?" + text : "";
        return search === drawn ? nu : search;
    }
    """,
    Output("_pages_location", "search", allow_duplicate=True),
    Input("f-period", "value"),
    Input("f-dates", "start_date"),
    Input("f-dates", "end_date"),
    Input("f-channel", "value"),
    Input("f-origin", "value"),
    Input("f-industry", "value"),
    State("ov-periods", "data"),
    State("ov-search", "data"),
    prevent_initial_call=True,
)


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
    ours, adcode = region_of(pathname)
    if not ours or not drawn:
        raise PreventUpdate  # leaving for another page: the router renders it
    try:
        place = place_of(adcode, query_of(search))
    except UnknownRegion:
        raise PreventUpdate from None  # the router shows "no such region"
    if place.key == drawn:
        raise PreventUpdate  # what is on screen (the page has just mounted)
    parts = head_parts(read_view(place), metric)
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
    """The panels below the map follow once the map is drawn (its figures are cached by then)."""
    if not drawn or drawn == panels_drawn:
        raise PreventUpdate
    try:
        place = place_of(drawn["adcode"], query_of(drawn["search"]))
    except (UnknownRegion, KeyError, TypeError):
        raise PreventUpdate from None
    parts = panel_parts(read_view(place), measure)
    return [parts[key] for key in PANEL_OUTPUTS]
