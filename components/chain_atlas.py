"""The ten-industry atlas: every key industry's chain on one screen, a column each, its links from
上游 (top) to 下游 (bottom), each cell coloured by its coverage class, 短板 links outlined."""
from __future__ import annotations

import pandas as pd

from . import theme
from .chain_format import class_heat, class_index, fmt_coverage, legend_annotations, link_hover, link_key, wrap


def atlas_figure(links: pd.DataFrame, rollup: pd.DataFrame, measure: str, *, selected_industry: str | None = None,
                 selected_link: int | None = None) -> dict:
    """`links`: data_access.chains.link_coverage for all industries; `rollup`: industry_rollup of it.

    A column per industry, its links top to bottom in plan order (上游 first); a line marks where
    one stage ends and the next begins.
    """
    by_industry: dict[str, list[dict]] = {}
    for row in links.sort_values("sort_order", kind="stable").to_dict("records"):
        by_industry.setdefault(row["industry_code"], []).append(row)
    industries = list(dict.fromkeys(links["industry_code"]))
    depth = max(len(rows) for rows in by_industry.values())
    z = [[None] * len(industries) for _ in range(depth)]
    text = [[""] * len(industries) for _ in range(depth)]
    keys = [[""] * len(industries) for _ in range(depth)]
    hover = [[""] * len(industries) for _ in range(depth)]
    shapes, where = [], {}
    for c, code in enumerate(industries):
        previous = None
        for r, row in enumerate(by_industry[code]):
            z[r][c] = class_index(row[f"class_{measure}"])
            text[r][c] = wrap(row["name"], WRAP)
            keys[r][c] = link_key(code, row["link_id"])
            hover[r][c] = link_hover(row, measure)
            where[int(row["link_id"])] = (r, c)
            if row["is_weak"]:
                shapes.append(_cell_outline(r, c, theme.WEAK_LINK_LINE, 2, "dot"))
            if previous is not None and row["stage"] != previous:
                shapes.append({"type": "line", "xref": "x", "yref": "y", "x0": c - 0.5, "x1": c + 0.5,
                               "y0": r - 0.5, "y1": r - 0.5, "line": {"color": theme.ACCENT, "width": 2}})
            previous = row["stage"]
    if selected_link in where:
        shapes.append(_cell_outline(*where[selected_link], theme.SELECTED_LINE, 3, "solid"))
    if selected_industry in industries:
        c = industries.index(selected_industry)
        shapes.append({"type": "rect", "xref": "x", "yref": "paper", "x0": c - 0.5, "x1": c + 0.5, "y0": 0, "y1": 1,
                       "line": {"color": theme.ACCENT, "width": 2}, "layer": "above"})
    names = dict(zip(links["industry_code"], links["industry_short"]))
    coverage = {r.industry_code: fmt_coverage(r.actual, r.target) for r in rollup.itertuples()}
    ticktext = [f"<b>{names[c]}</b> <span style='color:{theme.MUTED}'>{coverage.get(c, '—')}</span>"
                for c in industries]
    trace = class_heat(z, text, keys, hover, 14)
    trace.update({"x": list(range(len(industries))), "y": list(range(depth))})
    layout = theme.base_layout(
        xaxis={"tickvals": list(range(len(industries))), "ticktext": ticktext, "side": "top", "showgrid": False,
               "zeroline": False, "range": [-0.5, len(industries) - 0.5], "tickfont": {"size": 14},
               "fixedrange": True},
        yaxis={"range": [depth - 0.5, -0.5], "visible": False, "fixedrange": True},
        margin={"l": 8, "r": 8, "t": 30, "b": 28},
        shapes=shapes,
        annotations=legend_annotations(y=0, size=14, note="　每列自上而下：上游 → 中游 → 下游（青线分隔）"),
        dragmode=False,
    )
    return {"data": [trace], "layout": layout}


WRAP = 6  # 14-px names in a tenth of 1920 px: six characters a line


def _cell_outline(r: int, c: int, colour: str, width: int, dash: str) -> dict:
    inset = 0.04
    return {"type": "rect", "xref": "x", "yref": "y", "x0": c - 0.5 + inset, "x1": c + 0.5 - inset,
            "y0": r - 0.5 + inset * 2, "y1": r + 0.5 - inset * 2,
            "line": {"color": colour, "width": width, "dash": dash},
            "layer": "above"}
