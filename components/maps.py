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

HOVER = "<br>".join(
    [
        "<b>%{customdata[0]}</b>",
        "合同投资额：%{customdata[1]:,.2f} 亿元",
        "到位资金：%{customdata[2]:,.2f} 亿元",
        "签约项目数：%{customdata[3]:,} 个",
        "开工率：%{customdata[4]:.2f}%",
        "投产率：%{customdata[5]:.2f}%",
    ]
) + "<extra></extra>"


def metric_style(metric: str, values: list[float]) -> dict:
    """The trace properties that change with the colour metric (z, scale, colour bar)."""
    label, unit, is_rate = METRICS[metric]
    style = {
        "z": values,
        "colorscale": theme.RATE_SCALE if is_rate else theme.SEQUENTIAL,
        "zmin": 0,
        # A fixed 0–100 % for rates, so two regions' maps compare; money from zero to its maximum.
        "zmax": 100 if is_rate else max(values + [0]) or 1,
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
    return style


def choropleth(frame: pd.DataFrame, geojson_url: str, metric: str = DEFAULT_METRIC, *,
               focus: int | None = None, geojson: dict | None = None, uirevision: str | int = "map") -> dict:
    """A map of the regions in `frame` coloured by `metric`.

    `frame` has columns adcode, name, short_name, label_lon, label_lat and the METRICS columns.
    `focus` outlines one region (a county among its neighbours). `geojson`, when given, is
    embedded instead of the URL (server-side image export has no browser cache to fetch from).
    `uirevision`: a new value is a new map (fitted to its regions); a recolour keeps it.
    """
    locations = frame["adcode"].astype(str).tolist()
    label_size = 15 if len(frame) <= 10 else 12
    customdata = frame[["name", "contract_yi", "funds_yi", "projects", "start_rate", "production_rate"]]
    trace = {
        "type": "choropleth",
        "geojson": geojson if geojson is not None else geojson_url,
        "featureidkey": "id",
        "locations": locations,
        "customdata": customdata.round(2).values.tolist(),
        "hovertemplate": HOVER,
        "marker": {"line": {"color": theme.BG, "width": 1.2}},
        **metric_style(metric, frame[metric].astype(float).round(2).tolist()),
    }
    data = [trace]
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
    )
    return {"data": data, "layout": layout}
