"""Controls of the chain page: region, period (the plan period first), channel, origin and measure.

Ids differ from the overview's filter bar (components/navigation.py): callbacks are global in a
multi-page Dash app, and the overview's would otherwise rewrite this page's URL.
"""
from __future__ import annotations

from dash import dcc, html


from urls.views import PLAN_PERIOD

from .chain_format import MEASURE_LABELS
from .navigation import DROPDOWN_LABELS, PERIODS, common_filters


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


def period_options(plan: tuple | None) -> list[dict]:
    return ([{"label": f"规划期（{plan[0].year}–{plan[1].year}）", "value": PLAN_PERIOD}] if plan else []) + PERIODS


def chain_controls(*, scope, regions, period: str, plan: tuple | None, date_from, date_to, channel, origin,
                   origins: list[str], measure: str, min_date, max_date):
    """`regions`: the regions the actor may see (access.Grant.regions)."""
    periods = period_options(plan)
    return html.Div(
        [
            dcc.Dropdown(id="ch-region", options=region_options(regions, scope), value=scope.adcode, clearable=False,
                         className="filter filter-region", labels=DROPDOWN_LABELS),
            *common_filters("ch", periods=periods, period=period, period_class="filter-period-wide",
                            date_from=date_from, date_to=date_to, channel=channel, origin=origin, origins=origins,
                            min_date=min_date, max_date=max_date),
            html.Label("覆盖率按", className="filter-label"),
            dcc.RadioItems(id="ch-measure", options=[{"label": v[0], "value": k} for k, v in MEASURE_LABELS.items()],
                           value=measure, inline=True, className="segmented"),
        ],
        className="filter-bar chain-filters",
    )
