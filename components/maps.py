"""Choropleth maps of regions, built as plain figure dicts.

The geometry is referenced by URL (a static asset the browser fetches once and caches), not
embedded: a drill click then carries only the regions' figures, never their borders. Plain dicts
also skip plotly's validation and deep copy, 30–40 ms per map with geometry (engineering.md).
"""
from __future__ import annotations

import pandas as pd

from . import theme

METRICS = {
    # key: (label, unit, is_rate)
    "contract_yi": ("合同投资额", "亿元", False),
    "funds_yi": ("到位资金", "亿元", False),
    "projects": ("签约项目数", "个", False),
    "start_rate": ("开工率", "%", True),
    "production_rate": ("投产率", "%", True),
}
DEFAULT_METRIC = "contract_yi"

NO_DATA = "#3a4a60"  # a region where the colour metric cannot be computed (a rate without projects)
NO_DATA_NOTE = "灰色：无签约项目，比率无从计算"


def hover_texts(frame: pd.DataFrame) -> list[list[str]]:
    """Each region's [name, hover text], every figure formatted by the one rule (components/units.py);
    `frame` has name and the *_text columns of overview_parts.map_frame. The pairs are the traces'
    customdata: a click or a test reads the region's name first, the hover shows the text."""
    return [
        [r.name, f"<b>{r.name}</b><br>合同投资额：{r.contract_text} 亿元<br>到位资金：{r.funds_text} 亿元<br>"
                 f"签约项目数：{r.projects_text} 个<br>开工率：{r.start_rate_text}<br>投产率：{r.production_rate_text}"]
        for r in frame.itertuples()
    ]


def metric_style(metric: str, values: list, locations: list[str] | None = None,
                 hover: list[list[str]] | None = None) -> dict[int, dict]:
    """What changes with the colour metric, per trace index: the coloured regions (0) with their
    scale, and the regions without a value (1), drawn grey rather than as a real 0 %.

    `values` may hold None (no value); `locations` and `hover` are every region's, in order.
    """
    label, unit, is_rate = METRICS[metric]
    known = [v for v in values if v is not None]
    style = {
        "z": values,
        "colorscale": theme.RATE_SCALE if is_rate else theme.SEQUENTIAL,
        "zmin": 0,
        # A fixed 0–100 % for rates, so two regions' maps compare; money from zero to its maximum.
        "zmax": 100 if is_rate else max(known + [0]) or 1,
        "colorbar": {
            "title": {"text": f"{label}<br>（{unit}）", "side": "top"},
            "ticksuffix": "%" if is_rate else "",
            "thickness": 14,
            "len": 0.55,
            "x": 0.01,
            "xanchor": "left",
            "y": 0.02,
            "yanchor": "bottom",
            "outlinewidth": 0,
            "tickfont": {"color": theme.TEXT},
        },
    }
    if locations is None:
        return {0: style}
    missing = [i for i, v in enumerate(values) if v is None]
    # Hidden when empty: plotly would hide an empty trace anyway, and say so is honest.
    blank = {"locations": [locations[i] for i in missing], "z": [0] * len(missing),
             "customdata": [hover[i] for i in missing] if hover else [], "visible": bool(missing)}
    return {0: style, 1: blank}


def no_data_note(values: list) -> list[dict]:
    """The map's key to grey, when a region has no value."""
    if all(v is not None for v in values):
        return []
    return [{"text": f"<span style='color:{NO_DATA}'>■</span> {NO_DATA_NOTE}", "xref": "paper", "yref": "paper",
             "x": 1, "y": 0, "xanchor": "right", "yanchor": "bottom", "showarrow": False,
             "font": {"size": 12, "color": theme.MUTED}}]


def choropleth(frame: pd.DataFrame, geojson_url: str, metric: str = DEFAULT_METRIC, *,
               focus: int | None = None, geojson: dict | None = None, uirevision: str | int = "map") -> dict:
    """A map of the regions in `frame` coloured by `metric`.

    `frame` has columns adcode, name, short_name, label_lon, label_lat, the METRICS columns (NaN
    where a region has no value) and their texts (overview_parts.map_frame).
    `focus` outlines one region (a county among its neighbours). `geojson`, when given, is
    embedded instead of the URL (server-side image export has no browser cache to fetch from).
    `uirevision`: a new value is a new map (fitted to its regions); a recolour keeps it.
    """
    locations = frame["adcode"].astype(str).tolist()
    label_size = 15 if len(frame) <= 10 else 12
    hover = hover_texts(frame)
    values = metric_values(frame, metric)
    styles = metric_style(metric, values, locations, hover)
    shape = {"type": "choropleth", "geojson": geojson if geojson is not None else geojson_url, "featureidkey": "id",
             "hovertemplate": "%{customdata[1]}<extra></extra>", "marker": {"line": {"color": theme.BG, "width": 1.2}}}
    # A region without a value has z None here (plotly leaves it out) and is drawn by the next trace.
    trace = {**shape, "locations": locations, "customdata": hover, **styles[0]}
    blank = {**shape, "colorscale": [[0, NO_DATA], [1, NO_DATA]], "showscale": False, "zmin": 0, "zmax": 1,
             **styles[1]}
    data = [trace, blank]
    if focus is not None:
        data.append(
            {
                "type": "choropleth",
                "geojson": trace["geojson"],
                "featureidkey": "id",
                "locations": [str(focus)],
                "z": [0],
                "colorscale": [[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
                "showscale": False,
                "marker": {"line": {"color": theme.GOLD, "width": 3}},
                "hoverinfo": "skip",
            }
        )
    data.append(
        {
            "type": "scattergeo",
            "lon": frame["label_lon"].tolist(),
            "lat": frame["label_lat"].tolist(),
            "text": frame["short_name"].tolist(),
            "mode": "text",
            # A dark halo keeps white names legible on the palest regions.
            "textfont": {"family": theme.FONT_FAMILY, "size": label_size, "color": "#ffffff",
                         "shadow": "0px 0px 4px #000000"},
            "hoverinfo": "skip",
            "showlegend": False,
        }
    )
    layout = theme.base_layout(
        geo={
            "visible": False,
            "fitbounds": "locations",
            "projection": {"type": "mercator"},
            "bgcolor": "rgba(0,0,0,0)",
        },
        dragmode=False,
        uirevision=uirevision,
        annotations=no_data_note(values),
    )
    return {"data": data, "layout": layout}


def metric_values(frame: pd.DataFrame, metric: str) -> list:
    """The colour values of a metric: floats, None where a region has none."""
    return [None if pd.isna(v) else float(v) for v in frame[metric]]
