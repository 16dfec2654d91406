"""The gap chart: per link, what it has against its target, sorted by the gap; realised projects
(started or producing) solid, the pipeline (signed, not started) hatched, the target a gold tick."""
from __future__ import annotations

import pandas as pd

from data_access.chains import MEASURES

from . import theme
from .chain_format import MEASURE_LABELS, amount, fmt_number, link_hover, link_key


def gap_order(links: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Largest shortfall first; links without a target after them, largest first."""
    actual_col, _ = MEASURES[measure]
    gap = pd.to_numeric(links[f"gap_{measure}"], errors="coerce")
    ranked = links.assign(_has=gap.notna(), _gap=gap.fillna(0), _actual=links[actual_col])
    return ranked.sort_values(["_has", "_gap", "_actual"], ascending=[False, False, False], kind="stable")


def _gap_text(gap, measure: str) -> str:
    if gap is None or pd.isna(gap):
        return "无目标"
    unit = "亿" if measure == "contract" else "个"
    return f"{'缺' if gap > 0 else '超'} {fmt_number(abs(gap), measure)}{unit}"


def gap_figure(links: pd.DataFrame, measure: str, *, selected_link: int | None = None) -> dict:
    """`links`: data_access.chains.link_coverage for one industry."""
    ordered = gap_order(links, measure)
    kind = "contract_yuan" if measure == "contract" else "projects"
    names = [("▶ " if int(i) == selected_link else "") + n for i, n in zip(ordered["link_id"], ordered["name"])]
    realised = [amount(v, measure) for v in ordered[f"realised_{kind}"]]
    pipeline = [amount(v, measure) for v in ordered[f"pipeline_{kind}"]]
    _, target_col = MEASURES[measure]
    targets = [None if pd.isna(t) else amount(t, measure) for t in ordered[target_col]]
    colours = [theme.COVERAGE_FILL[c] for c in ordered[f"class_{measure}"]]
    keys = [link_key(c, i) for c, i in zip(ordered["industry_code"], ordered["link_id"])]
    hover = [link_hover(row, measure) for row in ordered.to_dict("records")]
    label, unit = MEASURE_LABELS[measure]
    ends = [max(r + p, t or 0) for r, p, t in zip(realised, pipeline, targets)]
    bar = {"type": "bar", "orientation": "h", "y": names, "customdata": keys, "hovertext": hover,
           "hovertemplate": "%{hovertext}<extra></extra>"}
    hatch = {"shape": "/", "fgcolor": theme.BG, "size": 6, "solidity": 0.3}
    # The bars take their class's colour; the legend shows the two kinds in a neutral one.
    legend_only = {"type": "bar", "orientation": "h", "x": [None], "y": names[:1], "hoverinfo": "skip"}
    data = [
        {**legend_only, "name": "已开工（含投产）", "marker": {"color": theme.MUTED}},
        {**legend_only, "name": "签约未开工", "marker": {"color": theme.MUTED, "opacity": 0.55, "pattern": hatch}},
        {**bar, "x": realised, "marker": {"color": colours}, "showlegend": False},
        {**bar, "x": pipeline, "marker": {"color": colours, "opacity": 0.55, "pattern": hatch}, "showlegend": False},
    ]
    has_targets = any(t is not None for t in targets)
    if has_targets:
        data.append({"type": "scatter", "mode": "markers", "name": "目标", "y": names, "x": targets, "customdata": keys,
                     "hovertext": hover, "hovertemplate": "%{hovertext}<extra></extra>",
                     "marker": {"symbol": "line-ns-open", "size": 20, "color": theme.GOLD,
                                "line": {"color": theme.GOLD, "width": 3}}})
        labels = [_gap_text(g, measure) for g in ordered[f"gap_{measure}"]]
    else:  # nothing to fall short of: label what there is
        labels = [fmt_number(int(r) + int(p), measure)
                  for r, p in zip(ordered[f"realised_{kind}"], ordered[f"pipeline_{kind}"])]
    data.append({"type": "scatter", "mode": "text", "y": names, "x": ends, "customdata": keys, "showlegend": False,
                 "text": labels, "textposition": "middle right", "textfont": {"size": 14, "color": theme.TEXT},
                 "hoverinfo": "skip", "cliponaxis": False})
    layout = theme.base_layout(
        barmode="stack", bargap=0.28,
        xaxis={"title": {"text": f"{label}（{unit}）", "font": {"size": 14}}, "gridcolor": theme.GRID,
               "zeroline": False, "range": [0, max(ends + [0]) * 1.4 or 1], "fixedrange": True,
               "tickfont": {"size": 14}, "nticks": 5},
        yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"size": 14}, "fixedrange": True},
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom", "font": {"size": 14}},
        margin={"l": 8, "r": 8, "t": 30, "b": 40},
        dragmode=False,
    )
    return {"data": data, "layout": layout}
