"""Choropleth maps of regions, built as plain figure dicts.

The geometry is referenced by URL (a static asset the browser fetches once and caches), not
embedded: a drill click then carries only the regions' figures, never their borders. Plain dicts
also skip plotly's validation and deep copy, 30–40 ms per map with geometry (engineering.md).
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import theme
from .legibility import boxes_overlap, halo_for, scale_colour, text_on

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
        # Horizontal, under the map (the geo domain leaves it a band): at the left it lay over the
        # regions' outlines in a county view, and on a phone it took a third of the width.
        "colorbar": {
            "title": {"text": f"{label}（{unit}）", "side": "top", "font": {"size": 13, "color": theme.MUTED}},
            "orientation": "h",
            "ticksuffix": "%" if is_rate else "",
            "thickness": 10,
            "len": 0.42,
            "lenmode": "fraction",
            "x": 0,
            "xanchor": "left",
            "y": 0,
            "yanchor": "bottom",
            "outlinewidth": 0,
            "nticks": 4,
            "tickfont": {"color": theme.TEXT, "size": 12},
        },
    }
    if locations is None:
        return {0: style}
    labels = {"textfont": label_font(style, values)}
    missing = [i for i, v in enumerate(values) if v is None]
    # Hidden when empty: plotly would hide an empty trace anyway, and say so is honest.
    blank = {"locations": [locations[i] for i in missing], "z": [0] * len(missing),
             "customdata": [hover[i] for i in missing] if hover else [], "visible": bool(missing)}
    return {0: style, 1: blank, LABEL_TRACE: labels}


LABEL_TRACE = 2  # the names' trace: before the focus outline, so a recolour finds it at one index


def label_size(count: int) -> int:
    return 14 if count <= 10 else 12


def label_font(style: dict, values: list) -> dict:
    """The names' font: per region, light or dark text by its fill's luminance (WCAG contrast
    >= 4.5 on the fill), with a halo of the opposite lightness where a name reaches a neighbour."""
    colours = [text_on(scale_colour(style["colorscale"], v, style["zmin"], style["zmax"]) or NO_DATA)
               for v in values]
    return {"family": theme.FONT_FAMILY, "size": label_size(len(values)), "color": colours,
            "shadow": [halo_for(c) for c in colours]}


# ------------------------------------------------------------------ where the names go

GEO_DIR = Path(__file__).resolve().parents[1] / "assets" / "geo"
# The smallest map the names are laid out for: a phone's or a laptop's panel, less the padding
# plotly keeps around a fitted map (measured: 贵阳's counties drawn 173x197 px in a 481x267 graph).
# A larger map only spreads the names.
LABEL_MAP_PX = (300, 220)
MAP_DOMAIN_Y = (0.13, 1.0)  # the band under the map holds the colour bar


@lru_cache(maxsize=1)
def region_bounds() -> dict[str, tuple[float, float, float, float]]:
    """Every region's bounding box (lon0, lat0, lon1, lat1) from the boundary assets."""
    out = {}
    for name in ("guizhou-cities.geojson", "guizhou-counties.geojson"):
        path = GEO_DIR / name
        if not path.exists():
            continue
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            xs, ys = [], []

            def walk(node):
                if node and isinstance(node[0], (int, float)):
                    xs.append(node[0])
                    ys.append(node[1])
                else:
                    for child in node:
                        walk(child)

            walk(feature["geometry"]["coordinates"])
            out[str(feature["id"])] = (min(xs), min(ys), max(xs), max(ys))
    return out


def _merc(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _lat(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def label_layout(frame: pd.DataFrame, size: int, map_px: tuple[int, int] = LABEL_MAP_PX) -> tuple[list, list, list]:
    """(lon, lat, text) of each region's name, moved off a neighbour's or left out (the hover
    still names it) where the map is too small for both.

    The map is fitted to the regions' bounds (mercator), so a name's box in map units follows from
    its length and the font size at the smallest map; larger regions place their names first."""
    bounds = region_bounds()
    codes = frame["adcode"].astype(str).tolist()
    lons, lats, names = frame["label_lon"].tolist(), frame["label_lat"].tolist(), frame["short_name"].tolist()
    known = [bounds[c] for c in codes if c in bounds]
    if not known:
        return lons, lats, names
    x0 = math.radians(min(b[0] for b in known))
    x1 = math.radians(max(b[2] for b in known))
    y0, y1 = _merc(min(b[1] for b in known)), _merc(max(b[3] for b in known))
    width, height = map_px[0], map_px[1] * (MAP_DOMAIN_Y[1] - MAP_DOMAIN_Y[0])
    px = min(width / max(x1 - x0, 1e-9), height / max(y1 - y0, 1e-9))  # pixels per map unit

    def area(i):
        b = bounds.get(codes[i])
        return (b[2] - b[0]) * (b[3] - b[1]) if b else 0.0

    placed, out_lon, out_lat, out_text = [], list(lons), list(lats), list(names)
    for i in sorted(range(len(codes)), key=area, reverse=True):
        x, y = math.radians(lons[i]) * px, _merc(lats[i]) * px
        w, h = len(names[i]) * size + 4, size * 1.45  # the line box Chromium draws
        b = bounds.get(codes[i])
        for dx, dy in ((0, 0), (0, h), (0, -h), (w * 0.6, 0), (-w * 0.6, 0), (w * 0.5, h), (-w * 0.5, h),
                       (w * 0.5, -h), (-w * 0.5, -h), (0, 1.8 * h), (0, -1.8 * h)):
            cx, cy = x + dx, y + dy
            lon, lat = math.degrees(cx / px), _lat(cy / px)
            if b and not (b[0] <= lon <= b[2] and b[1] <= lat <= b[3]):
                continue  # a name outside its region's box would name the neighbour
            box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            if not any(boxes_overlap(box, other) for other in placed):
                placed.append(box)
                out_lon[i], out_lat[i] = lon, lat
                break
        else:
            out_text[i] = ""
    return out_lon, out_lat, out_text


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
    size = label_size(len(frame))
    hover = hover_texts(frame)
    values = metric_values(frame, metric)
    styles = metric_style(metric, values, locations, hover)
    shape = {"type": "choropleth", "geojson": geojson if geojson is not None else geojson_url, "featureidkey": "id",
             "hovertemplate": "%{customdata[1]}<extra></extra>", "marker": {"line": {"color": theme.BG, "width": 1.2}}}
    # A region without a value has z None here (plotly leaves it out) and is drawn by the next trace.
    trace = {**shape, "locations": locations, "customdata": hover, **styles[0]}
    blank = {**shape, "colorscale": [[0, NO_DATA], [1, NO_DATA]], "showscale": False, "zmin": 0, "zmax": 1,
             **styles[1]}
    lon, lat, text = label_layout(frame, size)
    names = {"type": "scattergeo", "lon": lon, "lat": lat, "text": text, "mode": "text",
             "textfont": styles[LABEL_TRACE]["textfont"], "hoverinfo": "skip", "showlegend": False}
    data = [trace, blank, names]
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
    layout = theme.base_layout(
        geo={
            "visible": False,
            "fitbounds": "locations",
            "projection": {"type": "mercator"},
            "bgcolor": "rgba(0,0,0,0)",
            "domain": {"x": [0, 1], "y": list(MAP_DOMAIN_Y)},
        },
        dragmode=False,
        uirevision=uirevision,
        annotations=no_data_note(values),
    )
    return {"data": data, "layout": layout}


def metric_values(frame: pd.DataFrame, metric: str) -> list:
    """The colour values of a metric: floats, None where a region has none."""
    return [None if pd.isna(v) else float(v) for v in frame[metric]]
