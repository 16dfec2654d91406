"""The overview: a region's figures, map, funnel, industries, trend, origins and activity.

One layout serves `/` (the province) and `/region/<adcode>`; the URL holds the whole state
(region and filters), so a copied link opens the same view and the back button works.
"""
from __future__ import annotations

import calendar
from decimal import Decimal

import dash
import flask
import pandas as pd
from dash import Input, Output, Patch, State, callback, clientside_callback, dcc, html, no_update

from components import maps, theme
from components.charts import industry_bar, source_bar, trend_figure
from components.funnel import funnel_figure, measure_style
from components.kpi import kpi_card
from components.navigation import breadcrumb, filter_bar
from components.panels import message, panel, parks_table, stalled_list
from components.targets import target_bars
from components.units import YUAN_PER_YI, change, change_points, fmt_int, fmt_pct, fmt_yi, pct
from data_access.config import database_url
from data_access.db import get_engine
from data_access.scope import UnknownRegion, lineage, resolve_scope
from pages.overview_data import overview_data, static_options
from pages.url_state import parse, period_range, search_of

TITLE = "贵州省招商引资驾驶舱"


def layout(adcode=None, **query):
    url = database_url()
    engine = get_engine(url)
    try:
        scope = resolve_scope(engine, adcode)
    except UnknownRegion as exc:
        return not_found(str(exc))
    options = static_options(url)
    state = parse(query, options["cutoff"], options["first"], {c for c, *_ in options["industries"]})
    data = overview_data(url, scope, state.filters)
    map_frame = _map_frame(data["regions"])
    search = search_of(state.filters, period_range("this_year", options["cutoff"], options["first"]))
    return html.Div(
        [
            dcc.Store(id="ov-map-data", data=_map_store(map_frame)),
            dcc.Store(id="ov-funnel-data", data=data["funnel"].to_dict("list")),
            # The filters this view was drawn with, so mounting the filter bar changes nothing.
            dcc.Store(id="ov-search", data=search),
            dcc.Store(id="ov-periods", data={
                key: [d.isoformat() for d in period_range(key, options["cutoff"], options["first"])]
                for key in ("this_year", "last_year", "all")
            }),
            html.Div(
                [breadcrumb(_trail(engine, scope, search)),
                 html.H1(f"{scope.name} · 招商引资总览", className="page-title"),
                 html.Div(f"统计期间 {state.filters.date_from} 至 {data['as_of']}", className="period",
                          id="ov-period"),
                 dcc.Link([html.I(className="bi bi-diagram-3 me-1"), "本地区产业链"], className="crumb overview-link",
                          id="ov-chains-link",
                          href=dash.get_relative_path("/chains" if scope.level == "province"
                                                      else f"/chains?region={scope.adcode}"))],
                className="page-head",
            ),
            filter_bar(period=state.period, date_from=state.filters.date_from, date_to=state.filters.date_to,
                       channel=state.filters.channel, origin=state.filters.origin, industry=state.filters.industry,
                       origins=options["origins"], industries=[(c, n) for c, n, *_ in options["industries"]],
                       min_date=options["first"], max_date=options["cutoff"]),
            *([message("；".join(state.problems), tone="warning")] if state.problems else []),
            _kpis(data),
            html.Div(_panels(scope, data, map_frame), className="overview-grid"),
        ],
        className="page overview",
        id="overview",
    )


dash.register_page(__name__, path="/", name="总览", title=TITLE, layout=layout)
dash.register_page("region", path_template="/region/<adcode>", name="地区", title=TITLE, layout=layout)


def not_found(reason: str):
    return html.Div(
        [html.H1("没有这个地区"), html.P(reason, className="muted"),
         dcc.Link([html.I(className="bi bi-house me-1"), "返回全省总览"], href=dash.get_relative_path("/"),
                  className="btn btn-outline-info")],
        className="not-found", id="region-not-found",
    )


def _trail(engine, scope, search: str) -> list[tuple[str, str | None]]:
    trail = []
    for s in lineage(engine, scope):
        href = dash.get_relative_path("/" if s.level == "province" else f"/region/{s.adcode}") + search
        trail.append((s.name, None if s.adcode == scope.adcode else href))
    return trail


def _map_store(frame) -> dict:
    return {metric: frame[metric].astype(float).round(2).tolist() for metric in maps.METRICS}


def _map_frame(regions):
    frame = regions.copy()
    frame["contract_yi"] = frame["contract_yuan"] / YUAN_PER_YI
    frame["funds_yi"] = frame["funds_yuan"] / YUAN_PER_YI
    safe = frame["projects"].where(frame["projects"] > 0)
    frame["start_rate"] = (frame["started"] * 100 / safe).fillna(0)
    frame["production_rate"] = (frame["producing"] * 100 / safe).fillna(0)
    return frame


def _kpis(data: dict):
    t = data["totals"]
    prev = data["previous"]["totals"] if data["previous"] else None

    def delta(key):
        return change(t[key], prev[key]) if prev else None

    def rate(num, den, source):
        return pct(source[num], source[den]) if source else None

    def delta_rate(num, den):
        return change_points(rate(num, den, t), rate(num, den, prev)) if prev else None

    cards = [
        kpi_card("签约项目数", fmt_int(t["projects"]), "个", delta=delta("projects"), card_id="kpi-projects"),
        kpi_card("合同投资额", fmt_yi(t["contract_yuan"]), "亿元", delta=delta("contract_yuan"), card_id="kpi-contract"),
        kpi_card("到位资金", fmt_yi(t["funds_in_period_yuan"]), "亿元", delta=delta("funds_in_period_yuan"),
                 card_id="kpi-funds"),
        kpi_card("资金到位率", fmt_pct(t["funds_to_date_yuan"], t["contract_yuan"]),
                 delta=delta_rate("funds_to_date_yuan", "contract_yuan"), card_id="kpi-funds-rate"),
        kpi_card("开工率", fmt_pct(t["started"], t["projects"]), delta=delta_rate("started", "projects"),
                 note="已开工(含投产)/签约", card_id="kpi-start-rate"),
        kpi_card("投产率", fmt_pct(t["producing"], t["projects"]), delta=delta_rate("producing", "projects"),
                 note="已投产/签约", card_id="kpi-production-rate"),
        kpi_card("入园率", fmt_pct(t["in_park"], t["projects"]), delta=delta_rate("in_park", "projects"),
                 card_id="kpi-park-rate"),
        kpi_card("优强企业项目", fmt_int(t["quality"]), "个", delta=delta("quality"), card_id="kpi-quality"),
        _target_card(data),
    ]
    return html.Div(cards, className="kpi-strip")


def _elapsed(as_of) -> Decimal:
    return pct(as_of.timetuple().tm_yday, 366 if calendar.isleap(as_of.year) else 365)


def _target_card(data: dict):
    as_of, target = data["as_of"], data["target"]
    if not target:
        return kpi_card(f"{as_of.year}年目标完成率", "—", note="未设定年度目标", card_id="kpi-target")
    done = pct(data["year_totals"]["contract_yuan"], target["contract_yuan"])
    elapsed = _elapsed(as_of)
    return kpi_card(f"{as_of.year}年目标完成率", f"{done}%", note=f"合同额 · 时序进度 {elapsed}%", card_id="kpi-target",
                    tone="warn" if done < elapsed else "ok")


def _targets(data: dict):
    as_of, target = data["as_of"], data["target"]
    if not target:
        return message(f"{as_of.year}年未设定年度目标", msg_id="ov-targets")
    year = data["year_totals"]
    rows = [
        ("合同投资额", f"{fmt_yi(year['contract_yuan'])} / {fmt_yi(target['contract_yuan'])} 亿元",
         pct(year["contract_yuan"], target["contract_yuan"])),
        ("到位资金", f"{fmt_yi(year['funds_in_period_yuan'])} / {fmt_yi(target['funds_yuan'])} 亿元",
         pct(year["funds_in_period_yuan"], target["funds_yuan"])),
        ("签约项目数", f"{fmt_int(year['projects'])} / {fmt_int(target['projects'])} 个",
         pct(year["projects"], target["projects"])),
    ]
    return target_bars(rows, _elapsed(as_of), as_of.year)


def _panels(scope, data: dict, map_frame):
    cutoff, name = data["as_of"], scope.name
    layer = "city" if scope.level == "province" else "county"
    map_fig = maps.choropleth(map_frame, dash.get_asset_url(f"geo/guizhou-{'cities' if layer == 'city' else 'counties'}.geojson"),
                              focus=scope.adcode if scope.level == "county" else None)
    topojson = dash.get_asset_url(theme.TOPOJSON_DIR)
    level_word = {"province": "各市（州）", "city": "各县（市、区）", "county": "本县及周边"}[scope.level]
    durations, totals = data["durations"], data["totals"]
    prev_trend = data["previous"]["trend"] if data["previous"] else None
    activity = data["activity"]
    prev_activity = data["previous"]["activity"] if data["previous"] else None

    scale = _screen_scale()

    def graph(gid, fig, title, cls="panel-graph", **extra):
        return dcc.Graph(id=gid, figure=theme.scaled(fig, scale), config=theme.graph_config(title, name, cutoff, **extra),
                         className=cls)

    map_panel = panel(
        f"{level_word}分布",
        [
            dcc.RadioItems(id="ov-map-metric", options=[{"label": v[0], "value": k} for k, v in maps.METRICS.items()],
                           value=maps.DEFAULT_METRIC, inline=True, className="segmented"),
            html.Div(
                [graph("ov-map", map_fig, f"{level_word}分布地图", cls="panel-graph map-graph", topojson_url=topojson),
                 *([html.Div([html.H3("本县园区", className="sub-title"), parks_table(data["parks"])],
                             className="map-aside")] if data["parks"] is not None else [])],
                className="map-row",
            ),
            html.Div("点击地图下钻；面包屑或浏览器后退返回上级", className="hint"),
        ],
        cls="area-map",
    )
    funnel_panel = panel(
        "项目转化漏斗",
        [
            dcc.RadioItems(id="ov-funnel-measure", options=[{"label": "按项目数", "value": "projects"},
                                                            {"label": "按合同额", "value": "contract"}],
                           value="projects", inline=True, className="segmented"),
            graph("ov-funnel", funnel_figure(data["funnel"]), "签约开工投产漏斗"),
            html.Div(
                [html.Span(["签约→开工 转化 ", html.B(fmt_pct(totals["started"], totals["projects"])),
                            " · 中位 ", html.B(_days(durations["sign_to_start_days"]))]),
                 html.Span(["开工→投产 转化 ", html.B(fmt_pct(totals["producing"], totals["started"])),
                            " · 中位 ", html.B(_days(durations["start_to_production_days"]))])],
                className="durations", id="ov-durations",
            ),
            stalled_list(data["stalled"]),
        ],
        cls="area-funnel",
    )
    industries = data["industries"]
    key, other = industries[industries["is_key"]], industries[~industries["is_key"]]
    side = panel(
        "十大工业产业合同投资额",
        [graph("ov-industries", industry_bar(key), "十大工业产业合同投资额"),
         html.Div(f"另有其他产业 {fmt_yi(other['contract_yuan'].sum())} 亿元 · {fmt_int(other['projects'].sum())} 个项目",
                  className="hint", id="ov-other-industries")],
        cls="area-side",
    )
    trend_panel = panel("月度签约与到位资金（亿元）",
                        [graph("ov-trend", trend_figure(data["trend"], prev_trend), "月度签约与到位资金")],
                        cls="area-trend")
    sources_panel = panel("投资来源地区（合同额，亿元）",
                          [graph("ov-sources", source_bar(data["sources"]), "投资来源地区")], cls="area-sources")
    def activity_card(key, label, card_id):
        delta = change(activity[key], prev_activity[key]) if prev_activity else None
        return kpi_card(label, fmt_int(activity[key]), "家次", card_id=card_id, delta=delta)

    activity_panel = panel(
        "招商活动与年度目标",
        [
            html.Div(
                [activity_card("enterprise_visits", "拜访企业", "act-enterprise"),
                 activity_card("association_visits", "拜访商协会", "act-association"),
                 activity_card("inspections", "赴黔考察", "act-inspections")],
                className="activity-cards",
            ),
            _targets(data),
        ],
        cls="area-activity",
    )
    return [map_panel, funnel_panel, side, trend_panel, sources_panel, activity_panel]


def _screen_scale() -> float:
    """Text scale for the viewer's screen, reported by assets/viewport.js in a cookie."""
    return theme.screen_scale(flask.request.cookies.get("cockpit_vw")) if flask.has_request_context() else 1.0


def _days(value) -> str:
    return "—" if value is None else f"{value:g} 天"


# ------------------------------------------------------------------ callbacks

# Drill-down: a click on a region navigates to it; the router then renders the new view.
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
    Output("ov-map", "figure"),
    Input("ov-map-metric", "value"),
    State("ov-map-data", "data"),
    prevent_initial_call=True,
)
def recolour_map(metric, values):
    if not metric or not values or metric not in maps.METRICS:
        return no_update
    patch = Patch()
    for key, value in theme.scaled(maps.metric_style(metric, values[metric]), _screen_scale()).items():
        patch["data"][0][key] = value
    return patch


@callback(
    Output("ov-funnel", "figure"),
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


# Filters rewrite the query string in the browser; the router then renders the new view. Done
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
