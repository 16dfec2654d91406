"""The signed → started → in-production funnel, by project count or by contract value."""
from __future__ import annotations

import pandas as pd

from data_access.glossary import MEASURES as GLOSSARY_MEASURES

from . import theme
from .units import YUAN_PER_YI, fmt_pct

FUNNEL_COLORS = [theme.ACCENT, "#2390d0", theme.GOLD]
MEASURES = {m.key: (m.label, m.unit) for m in GLOSSARY_MEASURES.values()}


def step_rates(values: list[float]) -> list[str]:
    """Each step's conversion from the one before ('—' for the first and where nothing converts)."""
    return ["—"] + [fmt_pct(b, a) if a else "—" for a, b in zip(values, values[1:])]


def funnel_values(frame: pd.DataFrame, measure: str) -> list[float]:
    if measure == "projects":
        return [int(v) for v in frame["projects"]]
    return [round(int(v) / YUAN_PER_YI, 2) for v in frame["contract_yuan"]]


def funnel_texts(frame: pd.DataFrame, measure: str) -> list[str]:
    """'2,769 个 · 46.80%': the step's value and its share of all signed."""
    values = funnel_values(frame, measure)
    unit = MEASURES[measure][1]
    shares = ["100%"] + [fmt_pct(v, values[0]) if values[0] else "—" for v in values[1:]]
    return [f"{v:,} {unit} · {s}" if measure == "projects" else f"{v:,.2f} {unit} · {s}"
            for v, s in zip(values, shares)]


def measure_style(frame: pd.DataFrame, measure: str) -> dict:
    """The trace properties that change between counting projects and counting money."""
    values = funnel_values(frame, measure)
    return {"x": values, "text": funnel_texts(frame, measure), "customdata": step_rates(values)}


def funnel_figure(frame: pd.DataFrame, measure: str = "projects") -> dict:
    """`frame` as data_access.queries.funnel returns it: stage, label, projects, contract_yuan."""
    trace = {
        "type": "funnel",
        "y": frame["label"].tolist(),
        **measure_style(frame, measure),
        "textinfo": "text",
        # A narrow step (few projects in production yet) cannot hold its label inside.
        "textposition": "auto",
        "insidetextfont": {"size": 14, "color": "#04121f"},
        "outsidetextfont": {"size": 14, "color": theme.TEXT},
        "marker": {"color": FUNNEL_COLORS},
        "connector": {"fillcolor": "rgba(51, 201, 255, 0.12)", "line": {"width": 0}},
        "hovertemplate": "%{y}：%{text}<br>较上一环节：%{customdata}<extra></extra>",
    }
    layout = theme.base_layout(
        yaxis={"tickfont": {"size": 15}, "automargin": True},
        margin={"l": 8, "r": 8, "t": 4, "b": 4},
    )
    return {"data": [trace], "layout": layout}
