"""Link × region heat map within one industry: which cities (or a city's counties) carry which
links. Colour is the amount on a square-root scale, so small carriers stay visible beside 贵阳."""
from __future__ import annotations

import math

import pandas as pd

from . import theme
from .chain_format import MEASURE_LABELS, amount, fmt_amount, fmt_number, link_key, row_coverage


CROWDED = 10  # more regions than this: their names are slanted to fit


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
            tr.append("" if not row["projects"] else fmt_number(row[kind], measure))
            kr.append(link_key(link["industry_code"], link["link_id"]))
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
        "customdata": keys, "hovertext": hover, "texttemplate": "%{text}",
        "hovertemplate": "%{hovertext}<extra></extra>",
        "textfont": {"size": 11}, "colorscale": [[0, "#0d2240"], [0.02, theme.SEQUENTIAL[0][1]], *theme.SEQUENTIAL[1:]],
        "zmin": 0, "zmax": ymax, "xgap": 2, "ygap": 2, "showscale": False,
    }
    shapes = []
    codes = [r["region"] for r in regions]
    if focus_region in codes:
        c = codes.index(focus_region)
        shapes.append({"type": "rect", "xref": "x", "yref": "paper", "x0": c - 0.5, "x1": c + 0.5, "y0": 0, "y1": 1,
                       "line": {"color": theme.SELECTED_LINE, "width": 2}})
    layout = theme.base_layout(
        xaxis={"side": "top", "tickfont": {"size": 11}, "showgrid": False, "fixedrange": True, "automargin": True,
               "tickangle": 0 if len(regions) <= CROWDED else -45},
        yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"size": 12}, "showgrid": False,
               "fixedrange": True},
        margin={"l": 8, "r": 8, "t": 26, "b": 22},
        shapes=shapes,
        annotations=[{"text": f"格内数字：{label}（{unit}）；空格为空白", "xref": "paper", "yref": "paper", "x": 0,
                      "y": 0, "yanchor": "top", "yshift": -4, "showarrow": False,
                      "font": {"size": 11, "color": theme.MUTED}}],
        dragmode=False,
    )
    return {"data": [trace], "layout": layout}
