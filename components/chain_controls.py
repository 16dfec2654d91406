"""Controls of the chain page: region, period (the plan period first), channel, origin and measure.

Ids differ from the overview's filter bar (components/navigation.py): callbacks are global in a
multi-page Dash app, and the overview's would otherwise rewrite this page's URL.
"""
from __future__ import annotations

from dash import dcc, html

from data_access.vocab import CHANNELS

from .chain_format import MEASURE_LABELS
from .navigation import PERIODS

PLAN_PERIOD = "plan"


def region_options(regions, scope) -> list[dict]:
    """The province, its cities, and the counties of the city in focus (indented under it)."""
    city = scope.adcode if scope.level == "city" else scope.parent_adcode if scope.level == "county" else None
    options = []
    for r in regions.itertuples():
        if r.level in ("province", "city") or (city is not None and int(r.parent_adcode) == city):
            # Indented in the list by level (assets/chains.css), plain in the closed box.
            options.append({"label": html.Span(r.name, className=f"region-option region-{r.level}"),
                            "value": int(r.adcode), "search": r.name})
    return options


def chain_controls(*, scope, regions, period: str, plan: tuple | None, date_from, date_to, channel, origin,
                   origins: list[str], measure: str, min_date, max_date):
    periods = ([{"label": f"规划期（{plan[0].year}–{plan[1].year}）", "value": PLAN_PERIOD}] if plan else []) + PERIODS
    origin_options = list(dict.fromkeys(([origin] if origin else []) + origins))
    return html.Div(
        [
            dcc.Dropdown(id="ch-region", options=region_options(regions, scope), value=scope.adcode, clearable=False,
                         className="filter filter-region"),
            html.Label("统计期间", className="filter-label"),
            dcc.Dropdown(id="ch-period", options=periods, value=period, clearable=False, searchable=False,
                         className="filter filter-period-wide"),
            dcc.DatePickerRange(
                id="ch-dates", start_date=date_from, end_date=date_to, min_date_allowed=min_date,
                max_date_allowed=max_date, display_format="YYYY-MM-DD", className="filter filter-dates",
                start_date_placeholder_text="开始日期", end_date_placeholder_text="结束日期",
            ),
            dcc.Dropdown(id="ch-channel", options=list(CHANNELS), value=channel, placeholder="招商方式（全部）",
                         className="filter"),
            dcc.Dropdown(id="ch-origin", options=origin_options, value=origin, placeholder="投资方来源地（全部）",
                         className="filter"),
            html.Label("覆盖率按", className="filter-label"),
            dcc.RadioItems(id="ch-measure", options=[{"label": v[0], "value": k} for k, v in MEASURE_LABELS.items()],
                           value=measure, inline=True, className="segmented"),
        ],
        className="filter-bar chain-filters",
    )
