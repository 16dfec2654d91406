"""Bar and line charts, as plain figure dicts (fast to serialise, same JSON as go.Figure).

Every label and hover text is formatted by components/units.py and carried as text; bars and
lines are placed at the same rounded values (yi_value), so a chart never rounds on its own.
"""
from __future__ import annotations

import pandas as pd

from . import theme
from .units import fmt_int, fmt_yi, yi_value


def _yi(series: pd.Series) -> list[float]:
    return [yi_value(int(v)) for v in series]


def empty_figure(text: str) -> dict:
    """A chart with nothing to draw: no axes (no −1…1 range, no zero bars), only why."""
    return {"data": [], "layout": theme.base_layout(
        xaxis={"visible": False}, yaxis={"visible": False},
        annotations=[{"text": text, "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5, "showarrow": False,
                      "font": {"size": 16, "color": theme.MUTED}}])}


# A bar from 70 % of the longest holds its label inside; the axis runs to 1.6x the longest, so a
# bar below that leaves at least 57 % of the width for its label outside.
INSIDE_FROM = 0.7
RANGE = 1.6


def ranking_bar(frame: pd.DataFrame, yuan_col: str, label_col: str, *, color: str = theme.ACCENT,
                count_col: str | None = None) -> dict:
    """Horizontal bars of an amount in 亿元, largest on top, each labelled with its value (and count)."""
    ordered = frame.sort_values(yuan_col, ascending=True, kind="stable")
    values = _yi(ordered[yuan_col])
    top = max(values + [0])
    amounts = [fmt_yi(v) for v in ordered[yuan_col]]
    counts = [fmt_int(n) for n in ordered[count_col]] if count_col else None
    hover = [f"{name}：{a} 亿元" + (f"<br>项目数：{n} 个" if counts else "")
             for name, a, n in zip(ordered[label_col], amounts, counts or amounts)]
    trace = {
        "type": "bar",
        "orientation": "h",
        "x": values,
        "y": ordered[label_col].tolist(),
        "text": amounts,
        # Inside the longest bars, outside the others: a label outside the longest bar needs more
        # room than a laptop's panel leaves beside it (it was cut at 1366 px). Never shrunk.
        "textposition": ["inside" if v >= INSIDE_FROM * top else "outside" for v in values],
        "insidetextanchor": "end",
        "insidetextfont": {"size": 14, "color": "#04121f"},
        "outsidetextfont": {"size": 14, "color": theme.TEXT},
        "constraintext": "none",
        "cliponaxis": False,
        "marker": {"color": color},
        "hovertext": hover,
        "hovertemplate": "%{hovertext}<extra></extra>",
    }
    layout = theme.base_layout(
        xaxis={"visible": False, "range": [0, top * RANGE or 1]},
        yaxis={"tickfont": {"size": 14}, "automargin": True},
        bargap=0.3,
    )
    return {"data": [trace], "layout": layout}


def industry_bar(frame: pd.DataFrame) -> dict:
    """Contract value per industry, sorted, with the project count on hover and in the label."""
    fig = ranking_bar(frame, "contract_yuan", "short_name", count_col="projects")
    ordered = frame.sort_values("contract_yuan", ascending=True, kind="stable")
    fig["data"][0]["text"] = [f"{fmt_yi(v)} 亿 · {fmt_int(n)} 个"
                              for v, n in zip(ordered["contract_yuan"], ordered["projects"])]
    if "code" in ordered:
        fig["data"][0]["customdata"] = ordered["code"].tolist()  # a click's list (pages/overview.py)
    return fig


def source_bar(frame: pd.DataFrame) -> dict:
    """Contract value by the investors' source region."""
    return ranking_bar(frame, "contract_yuan", "source_region", color=theme.GOLD, count_col="projects")


def trend_figure(current: pd.DataFrame, previous: pd.DataFrame | None, labels: list[str] | None = None) -> dict:
    """Monthly contract value signed (bars) and funds in place (line), the year before dashed.

    `previous` is the same period a year earlier, month by month; it is drawn against the
    current months so each month compares with itself a year ago. `labels` name the months
    (overview_parts.month_labels says which days a cut month holds).
    """
    months = labels or current["month"].tolist()

    def series(frame, col, what, when):
        return {"y": _yi(frame[col]), "hovertemplate": "%{hovertext}<extra></extra>",
                "hovertext": [f"{m} {what} {fmt_yi(v)} 亿元" for m, v in zip(when, frame[col])]}

    data = [
        {"type": "bar", "name": "签约合同投资额", "x": months, "marker": {"color": theme.ACCENT},
         **series(current, "contract_yuan", "签约", months)},
        {"type": "scatter", "mode": "lines+markers", "name": "到位资金", "x": months,
         "line": {"color": theme.GOLD, "width": 3}, **series(current, "funds_yuan", "到位", months)},
    ]
    if previous is not None and len(previous) == len(current):
        before = previous["month"].tolist()
        data += [
            {"type": "scatter", "mode": "lines", "name": "上年同期签约", "x": months,
             "line": {"color": theme.ACCENT, "width": 2, "dash": "dot"},
             **series(previous, "contract_yuan", "签约", before)},
            {"type": "scatter", "mode": "lines", "name": "上年同期到位", "x": months,
             "line": {"color": theme.GOLD, "width": 2, "dash": "dot"},
             **series(previous, "funds_yuan", "到位", before)},
        ]
    layout = theme.base_layout(
        xaxis={"type": "category", "gridcolor": theme.GRID, "tickfont": {"size": 12}, "automargin": True},
        yaxis={"title": {"text": "亿元"}, "gridcolor": theme.GRID, "zeroline": False, "rangemode": "tozero"},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "font": {"size": 13}},
        margin={"l": 48, "r": 8, "t": 28, "b": 36},
        barmode="overlay",
    )
    return {"data": data, "layout": layout}
