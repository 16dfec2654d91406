"""The overview's parts for one view: what each component of the screen shows.

Both ways of drawing the overview take their content from here: the page layout (a first load
or a copied link) places every part in the page, and a drill click or a filter change while the
overview is on screen sends the same parts to the components already mounted (pages/overview.py).
Parts are keyed by (component id, property), so the two ways cannot drift apart. Everything is
a function of the view's data; links come from the URL grammar the caller passes in.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from decimal import Decimal

from dash import html

from data_access.glossary import HEADLINES

from . import maps, theme
from .charts import industry_bar, source_bar, trend_figure
from .funnel import MEASURES, funnel_figure
from .kpi import kpi_card
from .navigation import crumbs, origin_choices
from .panels import message, parks_table, stalled_list
from .targets import target_bars
from .units import YUAN_PER_YI, change, change_points, fmt_int, fmt_pct, fmt_yi, pct

# The view on screen (region and filters); callbacks write it.
DRAWN_PART = ("ov-drawn", "data")
FILTER_OUTPUTS = [("f-period", "value"), ("f-dates", "start_date"), ("f-dates", "end_date"), ("f-channel", "value"),
                  ("f-origin", "value"), ("f-origin", "options"), ("f-industry", "value")]
HEAD_OUTPUTS = [
    DRAWN_PART, ("ov-search", "data"), ("ov-map-data", "data"), ("ov-region-hrefs", "data"),
    ("breadcrumb", "children"), ("ov-title", "children"), ("ov-period", "children"), ("ov-chains-link", "href"),
    ("ov-problems", "children"), ("ov-kpis", "children"), ("ov-map-title", "children"), ("ov-map", "figure"),
    ("ov-map", "config"), ("ov-map-aside", "children"), *FILTER_OUTPUTS,
]
PANEL_OUTPUTS = [
    ("ov-panels-drawn", "data"), ("ov-funnel-data", "data"), ("ov-funnel", "figure"), ("ov-funnel", "config"),
    ("ov-durations", "children"), ("ov-stalled-box", "children"), ("ov-industries", "figure"),
    ("ov-industries", "config"), ("ov-other-industries", "children"), ("ov-trend", "figure"), ("ov-trend", "config"),
    ("ov-sources", "figure"), ("ov-sources", "config"), ("ov-activity", "children"), ("ov-targets-box", "children"),
]
LEVEL_WORD = {"province": "各市（州）", "city": "各县（市、区）", "county": "本县及周边"}


@dataclass(frozen=True)
class Frame:
    """What the parts need besides the view's data: where the view is and how to draw it."""
    place: object          # views.overview.Place
    grant: object          # access.Grant: which regions the map and the breadcrumb may show
    urls: object           # urls.Urls
    geo_url: str           # the boundaries' asset folder URL
    topojson_url: str
    scale: float
    origins: tuple[str, ...] = ()  # the origin filter's choices


# ------------------------------------------------------------------ the heading, KPIs and map

def head_parts(data, frame: Frame, metric: str) -> dict:
    """What a drill click must show first: where we are, the headline figures and the map."""
    place, scope, filters = frame.place, data.scope, data.filters
    regions = map_frame(frame.grant.only_visible(data.regions))
    level = "city" if scope.level == "province" else "county"
    geo = f"{frame.geo_url}guizhou-{'cities' if level == 'city' else 'counties'}.geojson"
    map_fig = maps.choropleth(regions, geo, metric if metric in maps.METRICS else maps.DEFAULT_METRIC,
                              focus=scope.adcode if scope.level == "county" and len(regions) > 1 else None,
                              uirevision=scope.adcode)
    word = LEVEL_WORD[scope.level] if len(regions) > 1 else "本县"
    return {
        DRAWN_PART: place.key,
        ("ov-search", "data"): place.search,
        ("ov-map-data", "data"): {m: regions[m].astype(float).round(2).tolist() for m in maps.METRICS},
        # Where a click on each region leads (the browser only looks it up).
        ("ov-region-hrefs", "data"): {str(int(a)): frame.urls.overview(int(a), place.query)
                                      for a in regions["adcode"] if int(a) != scope.adcode},
        ("breadcrumb", "children"): crumbs(_trail(frame, scope)),
        ("ov-title", "children"): f"{scope.name} · 招商引资总览",
        ("ov-period", "children"): f"统计期间 {filters.date_from or '最早记录'} 至 {data.as_of}",
        ("ov-chains-link", "href"): frame.urls.build(
            "chains", {"region": None if scope.level == "province" else scope.adcode}),
        ("ov-problems", "children"): [message("；".join(place.problems), tone="warning")] if place.problems else [],
        ("ov-kpis", "children"): kpis(data),
        ("ov-map-title", "children"): f"{word}分布",
        ("ov-map", "figure"): theme.scaled(map_fig, frame.scale),
        ("ov-map", "config"): _config(f"{word}分布地图", data, topojson_url=frame.topojson_url),
        ("ov-map-aside", "children"): [html.H3("本县园区", className="sub-title"), parks_table(data.parks)]
        if data.parks is not None else [],
        # The filter bar follows the URL (the back button may change filters too).
        ("f-period", "value"): place.period,
        ("f-dates", "start_date"): filters.date_from,
        ("f-dates", "end_date"): filters.date_to,
        ("f-channel", "value"): filters.channel,
        ("f-origin", "value"): filters.origin,
        ("f-origin", "options"): origin_choices(filters.origin, list(frame.origins)),
        ("f-industry", "value"): filters.industry,
    }


def _trail(frame: Frame, scope) -> list[tuple[str, str | None]]:
    return [(s.name, None if s.adcode == scope.adcode else frame.urls.overview(s.adcode, frame.place.query))
            for s in frame.grant.trail(scope)]


def map_frame(regions):
    frame = regions.copy()
    frame["contract_yi"] = frame["contract_yuan"] / YUAN_PER_YI
    frame["funds_yi"] = frame["funds_yuan"] / YUAN_PER_YI
    safe = frame["projects"].where(frame["projects"] > 0)
    frame["start_rate"] = (frame["started"] * 100 / safe).fillna(0)
    frame["production_rate"] = (frame["producing"] * 100 / safe).fillna(0)
    return frame


def kpis(data) -> list:
    t = data.totals
    prev = data.previous.totals if data.previous else None

    def delta(key):
        return change(getattr(t, key), getattr(prev, key)) if prev else None

    def rate(num, den, source):
        return pct(getattr(source, num), getattr(source, den)) if source else None

    def delta_rate(num, den):
        return change_points(rate(num, den, t), rate(num, den, prev)) if prev else None

    def card(key, value, **kw):
        label, unit = HEADLINES[key]
        return kpi_card(label, value, "" if unit == "%" else unit, card_id=f"kpi-{key.replace('_', '-')}", **kw)

    return [
        card("projects", fmt_int(t.projects), delta=delta("projects")),
        card("contract", fmt_yi(t.contract_yuan), delta=delta("contract_yuan")),
        card("funds", fmt_yi(t.funds_in_period_yuan), delta=delta("funds_in_period_yuan")),
        card("funds_rate", fmt_pct(t.funds_to_date_yuan, t.contract_yuan),
             delta=delta_rate("funds_to_date_yuan", "contract_yuan")),
        card("start_rate", fmt_pct(t.started, t.projects), delta=delta_rate("started", "projects"),
             note="已开工(含投产)/签约"),
        card("production_rate", fmt_pct(t.producing, t.projects), delta=delta_rate("producing", "projects"),
             note="已投产/签约"),
        card("park_rate", fmt_pct(t.in_park, t.projects), delta=delta_rate("in_park", "projects")),
        card("quality", fmt_int(t.quality), delta=delta("quality")),
        _target_card(data),
    ]


def _elapsed(as_of) -> Decimal:
    return pct(as_of.timetuple().tm_yday, 366 if calendar.isleap(as_of.year) else 365)


def _target_card(data):
    as_of, target = data.as_of, data.target
    if not target:
        return kpi_card(f"{as_of.year}年目标完成率", "—", note="未设定年度目标", card_id="kpi-target")
    done = pct(data.year_totals.contract_yuan, target.contract_yuan)
    elapsed = _elapsed(as_of)
    return kpi_card(f"{as_of.year}年目标完成率", f"{done}%", note=f"合同投资额 · 时序进度 {elapsed}%",
                    card_id="kpi-target", tone="warn" if done < elapsed else "ok")


# ------------------------------------------------------------------ the panels below the map

def panel_parts(data, frame: Frame, measure: str) -> dict:
    """The funnel, industries, trend, origins, activity and targets."""
    totals, durations, prev = data.totals, data.durations, data.previous
    industries = data.industries
    key, other = industries[industries["is_key"]], industries[~industries["is_key"]]
    funnel = funnel_figure(data.funnel, measure if measure in MEASURES else "projects")
    scale = frame.scale
    return {
        ("ov-panels-drawn", "data"): frame.place.key,
        ("ov-funnel-data", "data"): data.funnel.to_dict("list"),
        ("ov-funnel", "figure"): theme.scaled(funnel, scale),
        ("ov-funnel", "config"): _config("签约开工投产漏斗", data),
        ("ov-durations", "children"): [
            html.Span(["签约→开工 转化 ", html.B(fmt_pct(totals.started, totals.projects)),
                       " · 中位 ", html.B(_days(durations.sign_to_start_days))]),
            html.Span(["开工→投产 转化 ", html.B(fmt_pct(totals.producing, totals.started)),
                       " · 中位 ", html.B(_days(durations.start_to_production_days))]),
        ],
        ("ov-stalled-box", "children"): stalled_list(data.stalled),
        ("ov-industries", "figure"): theme.scaled(industry_bar(key), scale),
        ("ov-industries", "config"): _config("十大工业产业合同投资额", data),
        ("ov-other-industries", "children"):
            f"另有其他产业 {fmt_yi(other['contract_yuan'].sum())} 亿元 · {fmt_int(other['projects'].sum())} 个项目",
        ("ov-trend", "figure"): theme.scaled(trend_figure(data.trend, prev.trend if prev else None), scale),
        ("ov-trend", "config"): _config("月度签约与到位资金", data),
        ("ov-sources", "figure"): theme.scaled(source_bar(data.sources), scale),
        ("ov-sources", "config"): _config("投资来源地区", data),
        ("ov-activity", "children"): _activity(data),
        ("ov-targets-box", "children"): _targets(data),
    }


def _activity(data) -> list:
    activity = data.activity
    prev = data.previous.activity if data.previous else None

    def card(key, label, card_id):
        return kpi_card(label, fmt_int(getattr(activity, key)), "家次", card_id=card_id,
                        delta=change(getattr(activity, key), getattr(prev, key)) if prev else None)

    return [card("enterprise_visits", "拜访企业", "act-enterprise"),
            card("association_visits", "拜访商协会", "act-association"),
            card("inspections", "赴黔考察", "act-inspections")]


def _targets(data):
    as_of, target = data.as_of, data.target
    if not target:
        return message(f"{as_of.year}年未设定年度目标", msg_id="ov-targets")
    year = data.year_totals
    rows = [
        ("合同投资额", f"{fmt_yi(year.contract_yuan)} / {fmt_yi(target.contract_yuan)} 亿元",
         pct(year.contract_yuan, target.contract_yuan)),
        ("到位资金", f"{fmt_yi(year.funds_in_period_yuan)} / {fmt_yi(target.funds_yuan)} 亿元",
         pct(year.funds_in_period_yuan, target.funds_yuan)),
        ("签约项目数", f"{fmt_int(year.projects)} / {fmt_int(target.projects)} 个",
         pct(year.projects, target.projects)),
    ]
    return target_bars(rows, _elapsed(as_of), as_of.year)


def _days(value) -> str:
    return "—" if value is None else f"{value:g} 天"


def _config(title: str, data, **extra) -> dict:
    return theme.graph_config(title, data.scope.name, data.as_of, **extra)
