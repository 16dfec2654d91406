"""Breadcrumb and filter bar of the region views."""
from __future__ import annotations

from dash import dcc, html

from data_access.vocab import CHANNELS

# Dash's dropdowns say "Search", "Select All"… unless told otherwise (Dash 4's `labels`).
DROPDOWN_LABELS = {"select_all": "全选", "deselect_all": "全不选", "selected_count": "已选 {num_selected} 项",
                   "search": "搜索", "clear_search": "清除搜索", "clear_selection": "清除选择",
                   "no_options_found": "没有匹配的选项"}

PERIODS = [
    {"label": "本年", "value": "this_year"},
    {"label": "上年", "value": "last_year"},
    {"label": "全部记录", "value": "all"},
    {"label": "自定义", "value": "custom"},
]


def breadcrumb(trail: list[tuple[str, str | None]]):
    """`trail` is [(name, href)], province first; the last item (href None) is where we are."""
    return breadcrumb_bar(crumbs(trail))


def breadcrumb_bar(items: list):
    return html.Nav(items, className="breadcrumb-bar", id="breadcrumb", **{"aria-label": "地区层级"})


def crumbs(trail: list[tuple[str, str | None]]) -> list:
    """The breadcrumb's items: links up, then the current region."""
    items = []
    for i, (name, href) in enumerate(trail):
        if i:
            items.append(html.Span("›", className="crumb-sep"))
        if href is None:
            items.append(html.Span(name, className="crumb crumb-current"))
        else:
            items.append(dcc.Link(name, href=href, className="crumb"))
    return items


def origin_choices(current: str | None, origins: list[str]) -> list[str]:
    """The origin dropdown's options: the known origins, and the one in the URL even if unknown."""
    return list(dict.fromkeys(([current] if current else []) + origins))


def common_filters(prefix: str, *, periods: list[dict], period: str, period_class: str, date_from, date_to,
                   channel, origin, origins: list[str], min_date, max_date) -> list:
    """Period, dates, channel and investor origin: the filters both screens share, ids `<prefix>-…`."""
    return [
        html.Label("统计期间", className="filter-label"),
        dcc.Dropdown(id=f"{prefix}-period", options=periods, value=period, clearable=False, searchable=False,
                     className=f"filter {period_class}", labels=DROPDOWN_LABELS),
        # Chinese month and weekday names come from assets/datepicker_zh.js; weeks start on Monday.
        dcc.DatePickerRange(
            id=f"{prefix}-dates", start_date=date_from, end_date=date_to, min_date_allowed=min_date,
            max_date_allowed=max_date, display_format="YYYY-MM-DD", className="filter filter-dates",
            start_date_placeholder_text="开始日期", end_date_placeholder_text="结束日期", first_day_of_week=1,
            month_format="YYYY年MMMM",
        ),
        dcc.Dropdown(id=f"{prefix}-channel", options=list(CHANNELS), value=channel, placeholder="招商方式（全部）",
                     className="filter", labels=DROPDOWN_LABELS),
        dcc.Dropdown(id=f"{prefix}-origin", options=origin_choices(origin, origins), value=origin,
                     placeholder="投资方来源地（全部）", className="filter", labels=DROPDOWN_LABELS),
    ]


def filter_bar(*, period: str, date_from, date_to, channel, origin, industry, origins: list[str],
               industries: list[tuple[str, str]], min_date, max_date):
    """The filters applied to every panel; each change rewrites the URL (pages/overview.py)."""
    return html.Div(
        [
            *common_filters("f", periods=PERIODS, period=period, period_class="filter-period", date_from=date_from,
                            date_to=date_to, channel=channel, origin=origin, origins=origins, min_date=min_date,
                            max_date=max_date),
            dcc.Dropdown(id="f-industry", options=[{"label": n, "value": c} for c, n in industries],
                         value=industry, placeholder="产业（全部）", className="filter", labels=DROPDOWN_LABELS),
        ],
        className="filter-bar",
    )
