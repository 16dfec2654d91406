"""One industry's chain as a left-to-right diagram: a column of link nodes per stage, arrows
between the stages, each node coloured by its coverage class and labelled with its figures."""
from __future__ import annotations

import pandas as pd

from . import theme
from .chain_format import (
    STAGE_LABELS, STAGE_ORDER, class_heat, class_index, legend_annotations, link_hover, link_key, row_coverage,
)
from .units import fmt_yi

MIN_ROWS = 4
ARROW_WIDTH = 0.22  # of a node column's width


DENSE_ROWS = 6  # from this many nodes in a column, a node's figures lose their spaces (three short lines)


def _node_text(row, measure: str, dense: bool) -> str:
    """Name, then projects · contract value, then in production · coverage (tighter when dense)."""
    n, yi, producing = int(row["projects"]), fmt_yi(int(row["contract_yuan"])), int(row["producing"])
    coverage = row_coverage(row, measure)
    if dense:
        return f"<b>{row['name']}</b><br>{n:,}个·{yi}亿<br>投产{producing:,}·覆盖{coverage}"
    return f"<b>{row['name']}</b><br>{n:,}个 · {yi}亿<br>投产 {producing:,} · 覆盖 {coverage}"


def diagram_figure(links: pd.DataFrame, measure: str, *, selected_link: int | None = None) -> dict:
    """`links`: data_access.chains.link_coverage for one industry."""
    records = links.sort_values("sort_order", kind="stable").to_dict("records")
    by_stage = {s: [r for r in records if r["stage"] == s] for s in STAGE_ORDER}
    rows = max(MIN_ROWS, *(len(f) for f in by_stage.values()))
    # Columns: node, arrow, node, arrow, node; given as edges so the arrow columns can be narrow.
    edges = [0.0]
    for k in range(len(STAGE_ORDER)):
        edges.append(edges[-1] + 1.0)
        if k < len(STAGE_ORDER) - 1:
            edges.append(edges[-1] + ARROW_WIDTH)
    ncols = len(edges) - 1
    z = [[None] * ncols for _ in range(rows)]
    text = [[""] * ncols for _ in range(rows)]
    keys = [[""] * ncols for _ in range(rows)]
    hover = [[""] * ncols for _ in range(rows)]
    shapes, annotations = [], []
    for k, stage in enumerate(STAGE_ORDER):
        col = 2 * k
        frame = by_stage[stage]
        top = (rows - len(frame)) // 2  # centred in its column
        for j, row in enumerate(frame):
            r = top + j
            z[r][col] = class_index(row[f"class_{measure}"])
            text[r][col] = _node_text(row, measure, rows >= DENSE_ROWS)
            keys[r][col] = link_key(row["industry_code"], row["link_id"])
            hover[r][col] = link_hover(row, measure)
            outline = None
            if int(row["link_id"]) == selected_link:
                outline = (theme.SELECTED_LINE, 3, "solid")
            elif row["is_weak"]:
                outline = (theme.WEAK_LINK_LINE, 2, "dot")
            if outline:
                colour, width, dash = outline
                shapes.append({"type": "rect", "xref": "x", "yref": "y", "x0": edges[col] + 0.02,
                               "x1": edges[col + 1] - 0.02, "y0": r + 0.06, "y1": r + 0.94, "layer": "above",
                               "line": {"color": colour, "width": width, "dash": dash}})
        if k < len(STAGE_ORDER) - 1:
            lo, hi = edges[col + 1], edges[col + 2]
            annotations.append({"x": hi - 0.03, "y": rows / 2, "ax": lo + 0.03, "ay": rows / 2, "xref": "x",
                                "yref": "y", "axref": "x", "ayref": "y", "text": "", "showarrow": True,
                                "arrowhead": 2, "arrowsize": 1.2, "arrowwidth": 3, "arrowcolor": theme.ACCENT})
    trace = class_heat(z, text, keys, hover, 14)
    trace.update({"x": edges, "y": list(range(rows + 1)), "xgap": 0, "ygap": 6})
    centres = [(edges[2 * k] + edges[2 * k + 1]) / 2 for k in range(len(STAGE_ORDER))]
    layout = theme.base_layout(
        xaxis={"tickvals": centres, "ticktext": [f"<b>{STAGE_LABELS[s]}</b>（{len(by_stage[s])}）" for s in STAGE_ORDER],
               "side": "top", "showgrid": False, "zeroline": False, "range": [edges[0], edges[-1]],
               "tickfont": {"size": 15, "color": theme.ACCENT}, "fixedrange": True},
        yaxis={"visible": False, "range": [rows, 0], "fixedrange": True},
        margin={"l": 4, "r": 4, "t": 30, "b": 28},
        shapes=shapes,
        annotations=annotations + legend_annotations(y=0, size=14),
        dragmode=False,
    )
    return {"data": [trace], "layout": layout}
