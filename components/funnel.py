"""The signed → started → in-production funnel, by project count or by contract value."""
from __future__ import annotations

import pandas as pd

from data_access.glossary import MEASURES as GLOSSARY_MEASURES

from . import theme
from .units import fmt_int, fmt_pct, fmt_yi, yi_value

FUNNEL_COLORS = [theme.ACCENT, "#2390d0", theme.GOLD]
MEASURES = {m.key: (m.label, m.unit) for m in GLOSSARY_MEASURES.values()}


def _exact(frame: pd.DataFrame, measure: str) -> list[int]:
    """The steps' exact values: project counts, or contract value in yuan (shares read off these)."""
    return [int(v) for v in frame["projects" if measure == "projects" else "contract_yuan"]]


def step_rates(values: list[int]) -> list[str]:
    """Each step's conversion from the one before ('—' for the first and where nothing converts)."""
    return ["—"] + [fmt_pct(b, a) if a else "—" for a, b in zip(values, values[1:])]


def funnel_values(frame: pd.DataFrame, measure: str) -> list[float]:
    """The plotted widths: counts, or 亿元 rounded as their labels are."""
    values = _exact(frame, measure)
    return values if measure == "projects" else [yi_value(v) for v in values]


def funnel_texts(frame: pd.DataFrame, measure: str) -> list[str]:
    """'2,769 个 · 46.80%': the step's value and its share of all signed."""
    exact = _exact(frame, measure)
    unit = MEASURES[measure][1]
    shares = ["100%"] + [fmt_pct(v, exact[0]) if exact[0] else "—" for v in exact[1:]]
    amounts = [fmt_int(v) if measure == "projects" else fmt_yi(v) for v in exact]
    return [f"{a} {unit} · {s}" for a, s in zip(amounts, shares)]


def measure_style(frame: pd.DataFrame, measure: str) -> dict:
    """The trace properties that change between counting projects and counting money."""
    values = funnel_values(frame, measure)
    return {"x": values, "text": funnel_texts(frame, measure), "customdata": step_rates(_exact(frame, measure)),
            "textposition": text_positions(values)}


def text_positions(values: list[float]) -> list[str]:
    """Inside a step as wide as a third of the first (plotly shrinks the label a little where it
    must), outside a narrow one: a centred step's outside label has only the margin beside it,
    which on a laptop is too short for '2,741 个 · 46.28%' and cut it."""
    top = max(values, default=0) or 1
    return ["inside" if v >= top * 0.3 else "outside" for v in values]


def funnel_figure(frame: pd.DataFrame, measure: str = "projects") -> dict:
    """`frame` as data_access.queries.funnel returns it: stage, label, projects, contract_yuan."""
    trace = {
        "type": "funnel",
        "y": frame["label"].tolist(),
        **measure_style(frame, measure),
        "textinfo": "text",
        "constraintext": "inside",
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
