"""Bar and line charts, as plain figure dicts (fast to serialise, same JSON as go.Figure)."""
from __future__ import annotations

import pandas as pd

from . import theme
from .units import YUAN_PER_YI


def _yi(series: pd.Series) -> list[float]:
    return [round(int(v) / YUAN_PER_YI, 2) for v in series]


def ranking_bar(frame: pd.DataFrame, value_col: str, label_col: str, unit: str, *,
                color: str = theme.ACCENT, extra_col: str | None = None, extra_label: str = "") -> dict:
    """Horizontal bars, largest on top, each labelled with its value."""
    ordered = frame.sort_values(value_col, ascending=True, kind="stable")
    values = ordered[value_col].astype(float).round(2).tolist()
    trace = {
        "type": "bar",
        "orientation": "h",
        "x": values,
        "y": ordered[label_col].tolist(),
        "text": [f"{v:,.2f}" for v in values],
        "textposition": "outside",
        "cliponaxis": False,
        "marker": {"color": color},
        "hovertemplate": "%{y}：%{x:,.2f} " + unit + "<extra></extra>",
    }
    if extra_col:
        trace["customdata"] = ordered[extra_col].tolist()
        trace["hovertemplate"] = "%{y}：%{x:,.2f} " + unit + f"<br>{extra_label}：%{{customdata:,}}<extra></extra>"
    layout = theme.base_layout(
        xaxis={"visible": False, "range": [0, max(values + [0]) * 1.45 or 1]},
        yaxis={"tickfont": {"size": 14}, "automargin": True},
        bargap=0.3,
    )
    return {"data": [trace], "layout": layout}


def industry_bar(frame: pd.DataFrame) -> dict:
    """Contract value per industry, sorted, with the project count on hover and in the label."""
    data = frame.assign(contract_yi=_yi(frame["contract_yuan"]))
    fig = ranking_bar(data, "contract_yi", "short_name", "亿元", extra_col="projects", extra_label="项目数")
    ordered = data.sort_values("contract_yi", ascending=True, kind="stable")
    fig["data"][0]["text"] = [f"{v:,.2f} 亿 · {n:,} 个" for v, n in zip(ordered["contract_yi"], ordered["projects"])]
    return fig


def source_bar(frame: pd.DataFrame) -> dict:
    """Contract value by the investors' source region."""
    data = frame.assign(contract_yi=_yi(frame["contract_yuan"]))
    return ranking_bar(data, "contract_yi", "source_region", "亿元", color=theme.GOLD,
                       extra_col="projects", extra_label="项目数")


def trend_figure(current: pd.DataFrame, previous: pd.DataFrame | None) -> dict:
    """Monthly contract value signed (bars) and funds in place (line), the year before dashed.

    `previous` is the same period a year earlier, month by month; it is drawn against the
    current months so each month compares with itself a year ago.
    """
    months = current["month"].tolist()
    data = [
        {"type": "bar", "name": "签约合同投资额", "x": months, "y": _yi(current["contract_yuan"]),
         "marker": {"color": theme.ACCENT}, "hovertemplate": "%{x} 签约 %{y:,.2f} 亿元<extra></extra>"},
        {"type": "scatter", "mode": "lines+markers", "name": "到位资金", "x": months, "y": _yi(current["funds_yuan"]),
         "line": {"color": theme.GOLD, "width": 3}, "hovertemplate": "%{x} 到位 %{y:,.2f} 亿元<extra></extra>"},
    ]
    if previous is not None and len(previous) == len(current):
        data += [
            {"type": "scatter", "mode": "lines", "name": "上年同期签约", "x": months,
             "y": _yi(previous["contract_yuan"]), "customdata": previous["month"].tolist(),
             "line": {"color": theme.ACCENT, "width": 2, "dash": "dot"},
             "hovertemplate": "%{customdata} 签约 %{y:,.2f} 亿元<extra></extra>"},
            {"type": "scatter", "mode": "lines", "name": "上年同期到位", "x": months,
             "y": _yi(previous["funds_yuan"]), "customdata": previous["month"].tolist(),
             "line": {"color": theme.GOLD, "width": 2, "dash": "dot"},
             "hovertemplate": "%{customdata} 到位 %{y:,.2f} 亿元<extra></extra>"},
        ]
    layout = theme.base_layout(
        xaxis={"type": "category", "gridcolor": theme.GRID, "tickfont": {"size": 12}},
        yaxis={"title": {"text": "亿元"}, "gridcolor": theme.GRID, "zeroline": False},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "font": {"size": 13}},
        margin={"l": 48, "r": 8, "t": 28, "b": 36},
        barmode="overlay",
    )
    return {"data": data, "layout": layout}
