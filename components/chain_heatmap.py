"""Link × region heat map within one industry: which cities (or a city's counties) carry which
links. Colour is the amount on a square-root scale, so small carriers stay visible beside 贵阳."""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from . import theme
from .chain_format import MEASURE_LABELS, amount, fmt_amount, fmt_number, link_key, row_coverage
from .legibility import scale_colour, text_on
from .units import YUAN_PER_YI


CROWDED = 10  # more regions than this: their names are slanted to fit
FONT = 14     # every text of the chart, at 1920 px (read at 3 m)
COLOURSCALE = [[0, "#0d2240"], [0.02, theme.SEQUENTIAL[0][1]], *theme.SEQUENTIAL[1:]]


def cell_text(value, measure: str) -> str:
    """A cell's number in at most four characters where it can be ("140.63" → "141", "49.13" →
    "49.1"), so 14-px digits fit a cell; the hover keeps the exact figure."""
    if measure != "contract":
        return fmt_number(value, measure)
    yi = Decimal(int(value)) / YUAN_PER_YI
    places = Decimal("1") if yi >= 100 else Decimal("0.1") if yi >= 1 else Decimal("0.01")
    return f"{yi.quantize(places, ROUND_HALF_UP):,}"


def _label(short_name: str) -> str:
    """A column label of at most three characters where the name allows: 黔西南州 → 黔西南."""
    return short_name[:-1] if len(short_name) > 3 and short_name[-1] in "州市区县" else short_name


def heatmap_figure(grid: pd.DataFrame, measure: str, *, focus_region: int | None = None,
                   selected_link: int | None = None) -> dict:
    """`grid`: data_access.chains.link_regions (every link × region pair, the rule applied)."""
    kind = "contract_yuan" if measure == "contract" else "projects"
    links = grid.drop_duplicates("link_id").sort_values("sort_order").to_dict("records")
    regions = grid.drop_duplicates("region")[["region", "region_short", "region_name"]].to_dict("records")
    cell = {(r["link_id"], r["region"]): r for r in grid.to_dict("records")}
    z, text, keys, hover = [], [], [], []
    for link in links:
        zr, tr, kr, hr = [], [], [], []
        for reg in regions:
            row = cell[(link["link_id"], reg["region"])]
            value = amount(row[kind], measure)
            zr.append(math.sqrt(value))
            tr.append("" if not row["projects"] else cell_text(row[kind], measure))
            # The link and, after '@', the cell's region: a click opens the cell's projects (pages/chains.py).
            kr.append(f'{link_key(link["industry_code"], link["link_id"])}@{int(reg["region"])}')
            hr.append(
                f"<b>{reg['region_name']} · {link['name']}</b><br>项目 {int(row['projects']):,} 个 · "
                f"合同投资额 {fmt_amount(row['contract_yuan'], 'contract')}<br>"
                f"目标 {fmt_amount(row['target_' + kind], measure)} · 覆盖率 {row_coverage(row, measure)}"
                f" · {row['class_' + measure]}"
            )
        z.append(zr)
        text.append(tr)
        keys.append(kr)
        hover.append(hr)
    label, unit = MEASURE_LABELS[measure]
    ymax = max((v for r in z for v in r), default=0) or 1
    names = [("▶ " if int(r["link_id"]) == selected_link else "") + r["name"] for r in links]
    trace = {
        "type": "heatmap", "z": z, "x": [_label(r["region_short"]) for r in regions], "y": names, "text": text,
        "customdata": keys, "hovertext": hover,
        "hovertemplate": "%{hovertext}<extra></extra>",
        "colorscale": COLOURSCALE, "zmin": 0, "zmax": ymax, "xgap": 2, "ygap": 2, "showscale": False,
    }
    # The numbers as a text layer of their own: a heat-map's text takes one colour, and a cell's
    # number must read on its own fill (light on dark cells, dark on the pale ones, contrast >= 4.5).
    # Clicks and hovers go to the heat-map below (hoverinfo skip).
    cells = [(x, y, t, z[i][j]) for i, (y, row) in enumerate(zip(names, text))
             for j, (x, t) in enumerate(zip(trace["x"], row)) if t]
    numbers = {
        "type": "scatter", "mode": "text", "x": [c[0] for c in cells], "y": [c[1] for c in cells],
        "text": [c[2] for c in cells], "hoverinfo": "skip", "showlegend": False, "cliponaxis": False,
        "textfont": {"size": FONT, "family": theme.FONT_FAMILY,
                     "color": [text_on(scale_colour(COLOURSCALE, c[3], 0, ymax)) for c in cells]},
    }
    shapes = []
    codes = [r["region"] for r in regions]
    if focus_region in codes:
        c = codes.index(focus_region)
        shapes.append({"type": "rect", "xref": "x", "yref": "paper", "x0": c - 0.5, "x1": c + 0.5, "y0": 0, "y1": 1,
                       "line": {"color": theme.SELECTED_LINE, "width": 2}})
    layout = theme.base_layout(
        xaxis={"side": "top", "tickfont": {"size": FONT}, "showgrid": False, "fixedrange": True, "automargin": True,
               "tickangle": 0 if len(regions) <= CROWDED else -45},
        yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"size": FONT}, "showgrid": False,
               "fixedrange": True},
        margin={"l": 8, "r": 8, "t": 28, "b": 26},
        shapes=shapes,
        annotations=[{"text": f"格内数字：{label}（{unit}）；空格为空白", "xref": "paper", "yref": "paper", "x": 0,
                      "y": 0, "yanchor": "top", "yshift": -4, "showarrow": False,
                      "font": {"size": FONT, "color": theme.MUTED}}],
        dragmode=False,
    )
    return {"data": [trace, numbers], "layout": layout}
