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
from datetime import date

import pandas as pd
from dash import dcc, html

from urls import FILTER_KEYS, list_link_query
from urls.routes import export_hrefs

from . import maps, theme
from .charts import empty_figure, industry_bar, source_bar, trend_figure
from .export_menu import export_menu
from .funnel import MEASURES, funnel_figure
from .info import info, period_text
from .navigation import crumbs, origin_choices
from .overview_cards import KPI_LISTS, activity_cards, kpis, target_panel
from .panels import message, parks_table, stalled_list
from .units import DASH, fmt_int, fmt_pct, fmt_rate, fmt_yi, pct, yi_value

NO_PROJECTS = "无符合条件的项目"

# The view on screen (region and filters); callbacks write it.
DRAWN_PART = ("ov-drawn", "data")
FILTER_OUTPUTS = [("f-period", "value"), ("f-dates", "start_date"), ("f-dates", "end_date"), ("f-channel", "value"),
                  ("f-origin", "value"), ("f-origin", "options"), ("f-industry", "value")]
HEAD_OUTPUTS = [
    DRAWN_PART, ("ov-search", "data"), ("ov-map-data", "data"), ("ov-region-hrefs", "data"),
    ("breadcrumb", "children"), ("ov-title", "children"), ("ov-period", "children"), ("ov-chains-link", "href"),
    ("ov-problems", "children"), ("ov-kpis", "children"), ("ov-map-title", "children"), ("ov-map", "figure"),
    ("ov-map", "config"), ("ov-map-aside", "children"), ("ov-map-list", "children"), ("ov-export", "children"),
    *FILTER_OUTPUTS,
]
PANEL_OUTPUTS = [
    ("ov-panels-drawn", "data"), ("ov-list-hrefs", "data"), ("ov-funnel-data", "data"), ("ov-funnel", "figure"), ("ov-funnel", "config"),
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
    can_list: bool = True          # project names (the stalled list): analysts and up
    can_export: bool = False       # 导出 (screen, deck): analysts and up


# ------------------------------------------------------------------ the lists behind the figures

def list_href(data, frame: Frame):
    """href(entry, key) of the projects behind a figure of this view (data_access/project_list.py),
    or None where the actor may not see project lists (a viewer sees no list links)."""
    if not frame.can_list:
        return None
    return lambda entry="all", key="": frame.urls.build(
        "projects", list_link_query(data.scope.adcode, frame.place.query, entry, key))


def click_lists(data, frame: Frame) -> dict[str, str]:
    """Where a click on a chart's point leads: the funnel's steps, the industry and source bars,
    each month of the trend (its bar: signed; its line: funds in place). The browser looks the
    point up here; a viewer's table is empty, so a click leads nowhere."""
    href = list_href(data, frame)
    if href is None:
        return {}
    out = {f"funnel:{i}": href(entry) for i, entry in enumerate(("all", "started", "producing"))}
    out |= {f"industry:{code}": href("industry", code) for code in data.industries["code"]}
    out |= {f"source:{name}": href("source", name) for name in data.sources["source_region"]}
    for i, ym in enumerate(data.trend["ym"]):
        out[f"trend:0:{i}"] = href("month", int(ym))
        out[f"trend:1:{i}"] = href("month_funds", int(ym))
    return out


# ------------------------------------------------------------------ the heading, KPIs and map

def head_parts(data, frame: Frame, metric: str) -> dict:
    """What a drill click must show first: where we are, the headline figures and the map."""
    place, scope, filters = frame.place, data.scope, data.filters
    regions = map_frame(frame.grant.only_visible(data.regions), known=not data.after_data)
    level = "city" if scope.level == "province" else "county"
    geo = f"{frame.geo_url}guizhou-{'cities' if level == 'city' else 'counties'}.geojson"
    map_fig = maps.choropleth(regions, geo, metric if metric in maps.METRICS else maps.DEFAULT_METRIC,
                              focus=scope.adcode if scope.level == "county" and len(regions) > 1 else None,
                              uirevision=scope.adcode)
    word = LEVEL_WORD[scope.level] if len(regions) > 1 else "本县"
    href = list_href(data, frame)
    return {
        DRAWN_PART: place.key,
        ("ov-search", "data"): place.search,
        ("ov-map-data", "data"): {"locations": regions["adcode"].astype(str).tolist(),
                                  "hover": maps.hover_texts(regions),
                                  **{m: maps.metric_values(regions, m) for m in maps.METRICS}},
        # Where a click on each region leads (the browser only looks it up).
        ("ov-region-hrefs", "data"): {str(int(a)): frame.urls.overview(int(a), place.query)
                                      for a in regions["adcode"] if int(a) != scope.adcode},
        ("breadcrumb", "children"): crumbs(_trail(frame, scope)),
        ("ov-title", "children"): f"{scope.name} · 招商引资总览",
        ("ov-period", "children"): _period(data),
        ("ov-export", "children"): _exports(data, frame),
        ("ov-chains-link", "href"): frame.urls.build(
            "chains", {"region": None if scope.level == "province" else scope.adcode}),
        ("ov-problems", "children"): _notices(data, place.problems),
        ("ov-kpis", "children"): kpis(data, None if href is None
                                      else {**{key: href(entry) for key, entry in KPI_LISTS.items()},
                                            "target": _target_list(data, frame)}),
        ("ov-map-title", "children"): f"{word}分布",
        ("ov-map", "figure"): theme.scaled(map_fig, frame.scale),
        ("ov-map", "config"): _config(f"{word}分布地图", data, topojson_url=frame.topojson_url),
        ("ov-map-aside", "children"): [html.H3("本县园区", className="sub-title"), parks_table(data.parks)]
        if data.parks is not None else [],
        # The map's region drills on a click; its projects are one link away.
        ("ov-map-list", "children"): [] if href is None else dcc.Link(
            [html.I(className="bi bi-list-ul me-1"), f"查看{scope.name}项目清单"], href=href(), id="ov-map-list-link"),
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


def map_frame(regions, known: bool = True) -> pd.DataFrame:
    """The map's rows with the METRICS columns (a rate is NaN where a region signed nothing: there
    is nothing to divide, and 0 % would be a false figure) and the texts its hover shows.

    `known` False (a period after the data): no region has any value yet, every one is grey."""
    frame = regions.copy()
    frame["contract_yi"] = [yi_value(v) for v in frame["contract_yuan"]]
    frame["funds_yi"] = [yi_value(v) for v in frame["funds_yuan"]]
    for rate, count in (("start_rate", "started"), ("production_rate", "producing")):
        shares = [pct(n, total) for n, total in zip(frame[count], frame["projects"])]
        frame[rate] = [float("nan") if v is None else float(v) for v in shares]
        frame[f"{rate}_text"] = [fmt_rate(v) for v in shares]
    frame["contract_text"] = [fmt_yi(v) for v in frame["contract_yuan"]]
    frame["funds_text"] = [fmt_yi(v) for v in frame["funds_yuan"]]
    frame["projects_text"] = [fmt_int(v) for v in frame["projects"]]
    if not known:
        for column in maps.METRICS:
            frame[column] = float("nan")
        for column in ("contract_text", "funds_text", "projects_text", "start_rate_text", "production_rate_text"):
            frame[column] = DASH
    return frame


def _period(data) -> str:
    f = data.filters
    text = period_text(f.date_from, f.date_to, data.as_of, data.cutoff, data.first)
    if data.compared is not None:
        text += f" · 同比：{data.compared.date_from} 至 {data.compared.date_to}"
    return text


def _filter_words(data) -> str:
    """The filters that narrow the projects, as a leader would say them."""
    f = data.filters
    names = dict(zip(data.industries["code"], data.industries["name"]))
    words = [f"招商方式“{f.channel}”" if f.channel else "", f"来源地“{f.origin}”" if f.origin else "",
             f"产业“{names.get(f.industry, f.industry)}”" if f.industry else ""]
    return "、".join(w for w in words if w)


def _notices(data, problems) -> list:
    """Bad input first; then why the screen is empty, and what to change."""
    out = [message("；".join(problems), tone="warning")] if problems else []
    if data.after_data:
        out.append(message(f"所选期间在数据截止日 {data.cutoff} 之后，尚无数据：请改选 {data.cutoff} 及以前的期间",
                           tone="warning", msg_id="ov-no-data"))
    elif not data.totals.projects:
        filters = _filter_words(data)
        where = f"{data.scope.name}在所选期间" + (f"按{filters}筛选" if filters else "")
        change_hint = "可取消或放宽筛选条件，或改选更长的统计期间" if filters else "可改选更长的统计期间"
        out.append(message(f"{NO_PROJECTS}：{where}没有签约项目。{change_hint}", tone="warning",
                           msg_id="ov-no-projects"))
    return out


# ------------------------------------------------------------------ the panels below the map

def panel_parts(data, frame: Frame, measure: str) -> dict:
    """The funnel, industries, trend, origins, activity and targets."""
    totals, durations, prev = data.totals, data.durations, data.previous
    industries = data.industries
    key, other = industries[industries["is_key"]], industries[~industries["is_key"]]
    scale = frame.scale
    empty = not totals.projects
    why = "所选期间尚无数据" if data.after_data else NO_PROJECTS
    funnel = empty_figure(why) if empty else funnel_figure(data.funnel, measure if measure in MEASURES
                                                                    else "projects")
    trend_data = data.trend[["contract_yuan", "funds_yuan"]]
    quiet_trend = data.trend.empty or not trend_data.to_numpy().any()
    labels = month_labels(data.trend["ym"].tolist(), data.filters.date_from, data.as_of)
    href = list_href(data, frame)
    return {
        ("ov-panels-drawn", "data"): frame.place.key,
        ("ov-list-hrefs", "data"): click_lists(data, frame),
        ("ov-funnel-data", "data"): data.funnel.to_dict("list"),
        ("ov-funnel", "figure"): theme.scaled(funnel, scale),
        ("ov-funnel", "config"): _config("签约开工投产漏斗", data),
        ("ov-durations", "children"): [
            html.Span(["签约→开工 转化 ", html.B(fmt_pct(totals.started, totals.projects)),
                       " · 中位 ", html.B(_days(durations.sign_to_start_days))]),
            html.Span(["开工→投产 转化 ", html.B(fmt_pct(totals.producing, totals.started)),
                       " · 中位 ", html.B(_days(durations.start_to_production_days))]),
            info("durations"),
        ],
        ("ov-stalled-box", "children"): stalled_list(
            data.stalled, names=frame.can_list,
            lists={k: href("stalled", k) for k in ("", "yellow", "red")} if href else None,
            file_href=lambda code: frame.urls.build("project", code=code)),
        ("ov-industries", "figure"): theme.scaled(empty_figure(why) if empty else industry_bar(key), scale),
        ("ov-industries", "config"): _config("十大工业产业合同投资额", data, units="亿元、个"),
        ("ov-other-industries", "children"):
            f"另有其他产业 {fmt_yi(other['contract_yuan'].sum())} 亿元 · {fmt_int(other['projects'].sum())} 个项目",
        ("ov-trend", "figure"): theme.scaled(
            empty_figure("所选期间没有签约和到位资金" if not data.trend.empty else "所选期间尚无数据")
            if quiet_trend else trend_figure(data.trend, prev.trend if prev else None, labels), scale),
        ("ov-trend", "config"): _config("月度签约与到位资金", data, units="亿元"),
        ("ov-sources", "figure"): theme.scaled(empty_figure(why) if empty else source_bar(data.sources), scale),
        ("ov-sources", "config"): _config("投资来源地区", data, units="亿元"),
        ("ov-activity", "children"): activity_cards(data),
        ("ov-targets-box", "children"): target_panel(data),
    }


def month_labels(months: list[int], date_from: date | None, as_of: date) -> list[str]:
    """'YYYY-MM' per month (YYYYMM), saying which days a month cut by the period holds."""
    labels = []
    for i, ym in enumerate(months):
        year, month = divmod(ym, 100)
        last_day = calendar.monthrange(year, month)[1]
        first = date_from.day if i == 0 and date_from and (date_from.year, date_from.month) == (year, month) else 1
        last = as_of.day if (as_of.year, as_of.month) == (year, month) else last_day
        text = f"{year}-{month:02d}"
        if first > 1 and last < last_day:
            text += f"（{first}–{last}日）"
        elif first > 1:
            text += f"（{first}日起）"
        elif last < last_day:
            text += f"（至{last}日）"
        labels.append(text)
    return labels


def _days(value) -> str:
    return "—" if value is None else f"{value:g} 天"


def _target_list(data, frame: Frame) -> str:
    """The projects behind the target card: signed 1 January to the period's end, every filter off
    (what the card's completion counts)."""
    since = date(data.target_year, 1, 1)
    query = {"from": since.isoformat(), "to": max(since, data.as_of).isoformat()}
    return frame.urls.build("projects", list_link_query(data.scope.adcode, query, "all"))


def _exports(data, frame: Frame):
    """The 导出 menu: this view on screen (PNG, PDF) and its briefing deck."""
    if not frame.can_export:
        return export_menu(None, menu_id="ov-export-menu")
    query = {k: v for k, v in frame.place.query.items() if k in FILTER_KEYS}
    view = frame.urls.overview(data.scope.adcode, query)
    return export_menu(export_hrefs(frame.urls, view, deck={"region": data.scope.adcode, **query}),
                       menu_id="ov-export-menu")


def _config(title: str, data, **extra) -> dict:
    return theme.graph_config(title, data.scope.name, data.as_of, since=data.filters.date_from or data.first, **extra)
