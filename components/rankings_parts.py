"""Widgets of the rankings screen (考核排名): the formula, the combined-score chart and the table.
Pure functions of views.rankings.RankingsView; links are passed in."""
from __future__ import annotations

import dash_ag_grid as dag
import pandas as pd
from dash import html

from data_access.rankings import MEASURE_LABELS, MEASURE_UNITS, MEASURES

from . import theme
from .admin import LOCALE
from .units import fmt_count, fmt_int, fmt_rate, fmt_yi
from .warnings_parts import grid_theme

LIGHT_COLOURS = {"green": "#2fbf71", "yellow": "#e8b03a", "red": "#d9534f", None: "#4f6a8c"}
LIGHT_WORDS = {"green": "绿", "yellow": "黄", "red": "红", None: "—"}


def formula(view) -> html.Div:
    w = view.weights
    parts = " + ".join(f"{w[m]}% × {MEASURE_LABELS[m]}完成率" for m in MEASURES)
    return html.Div([
        html.Div([html.B("综合得分 = "), parts], id="rk-formula"),
        html.Div(f"单项完成率 = 1月1日至 {view.ranking.as_of} 的完成数 ÷ 年度目标，计分时最高按 {view.cap}% 计；"
                 f"时序进度 = 当年已过天数 ÷ 全年天数 = {view.ranking.progress}%。"
                 f"完成率不低于时序进度为绿，低 {view.tolerance} 个百分点以内为黄，更低为红；"
                 "排名变化与上月末（同一年度）相比。口径与总览一致：已终止项目不计，不受筛选影响。", className="muted small"),
    ], className="rank-formula")


def score_chart(rows: pd.DataFrame) -> dict:
    """Combined score per region, best at the top; bars coloured by the region's worst light.
    customdata carries the adcode (a click drills into a city's ranking)."""
    data = rows[rows["score"].notna()].iloc[::-1]
    colours = []
    for r in data.itertuples():
        lights = {getattr(r, f"{m}_light") for m in MEASURES}
        colours.append(LIGHT_COLOURS["red" if "red" in lights else "yellow" if "yellow" in lights else "green"])
    texts = [f"{s}" for s in data["score"]]
    trace = {"type": "bar", "orientation": "h", "x": [float(s) for s in data["score"]], "y": data["name"].tolist(),
             "text": texts, "textposition": "outside", "marker": {"color": colours},
             "customdata": [int(a) for a in data["adcode"]],
             "hovertemplate": "%{y}：综合得分 %{text}<extra></extra>", "cliponaxis": False}
    layout = theme.base_layout(
        margin={"l": 8, "r": 48, "t": 8, "b": 24},
        xaxis={"title": {"text": "综合得分"}, "gridcolor": theme.GRID, "zeroline": False},
        yaxis={"automargin": True}, bargap=0.25, showlegend=False)
    return {"data": [trace], "layout": layout}


def _light_style(field: str) -> dict:
    return {"styleConditions": [
        {"condition": f"params.data.{field} == '{word}'", "style": {"color": colour, "fontWeight": "bold"}}
        for key, colour in LIGHT_COLOURS.items() if key for word in [LIGHT_WORDS[key]]
    ]}


def ranking_rows(view, region_href) -> list[dict]:
    """Grid rows: per measure achieved / target, completion, gap against 时序进度, light, rank."""
    out = []
    for r in view.rows.itertuples():
        href = region_href(int(r.adcode))
        row = {"name": f"[{r.name}]({href})" if href else r.name, "adcode": int(r.adcode),
               "score": None if r.score is None else float(r.score), "rank": r.rank,
               "change": _change(r.rank_change)}
        for m in MEASURES:
            fmt = fmt_yi if MEASURE_UNITS[m] == "亿元" else fmt_count
            target, gap = getattr(r, f"{m}_target"), getattr(r, f"{m}_gap")
            row[f"{m}_done"] = f"{fmt(getattr(r, f'{m}_done'))} / {'—' if target is None else fmt(target)}"
            pct = getattr(r, f"{m}_pct")
            row[f"{m}_pct"] = None if pct is None else float(pct)
            row[f"{m}_pct_text"] = fmt_rate(pct)
            row[f"{m}_gap"] = "—" if gap is None else f"{'+' if gap > 0 else ''}{fmt(gap)}"
            row[f"{m}_light"] = LIGHT_WORDS[getattr(r, f"{m}_light")]
            row[f"{m}_rank"] = getattr(r, f"{m}_rank")
        out.append(row)
    return out


def _change(value) -> str:
    if value is None or pd.isna(value):
        return "—"
    value = int(value)
    return f"↑{value}" if value > 0 else f"↓{-value}" if value < 0 else "－"


def ranking_grid(grid_id: str, rows: list[dict], *, complete: bool, scale: float = 1.0):
    groups = []
    for m in MEASURES:
        unit = MEASURE_UNITS[m]
        children = [
            {"field": f"{m}_done", "headerName": f"完成/目标({unit})", "width": 170, "type": "rightAligned",
             "sortable": False},
            {"field": f"{m}_pct", "headerName": "完成率", "width": 95, "type": "rightAligned",
             "valueFormatter": {"function": f"params.data.{m}_pct_text"}, "cellStyle": _light_style(f"{m}_light")},
            {"field": f"{m}_gap", "headerName": f"较时序进度({unit})", "width": 130, "type": "rightAligned",
             "sortable": False},
        ]
        if complete:
            children.append({"field": f"{m}_rank", "headerName": "排名", "width": 70, "type": "rightAligned"})
        groups.append({"headerName": MEASURE_LABELS[m], "children": children})
    first = [{"field": "rank", "headerName": "综合排名", "width": 110, "pinned": "left", "sort": "asc"}] if complete else []
    first += [{"field": "name", "headerName": "地区", "width": 170, "pinned": "left", "cellRenderer": "markdown"},
              {"field": "score", "headerName": "综合得分", "width": 95, "type": "rightAligned",
               "valueFormatter": {"function": "params.value == null ? '—' : d3.format('.2f')(params.value)"}}]
    if complete:
        first.append({"field": "change", "headerName": "较上月末", "width": 90})
    return dag.AgGrid(
        id=grid_id, rowData=rows, columnDefs=first + groups,
        defaultColDef={"sortable": True, "resizable": True, "filter": False, "suppressMovable": True},
        dashGridOptions={"theme": grid_theme(scale), "suppressCellFocus": True, "localeText": LOCALE,
                         "domLayout": "autoHeight"},
        className="rank-grid", style={"width": "100%"},
    )


def own_row_note(view) -> html.Div | None:
    if view.complete:
        return None
    return html.Div("县级账号只显示本县的完成情况；排名由同市各县数据得出，不向县级账号显示。", className="muted small",
                    id="rk-own-row")


def headline(view) -> list:
    """The region's own three completions as short lines (the city's or the province's own target)."""
    n = len(view.rows)
    return [html.Span(f"{view.ranking.year}年 · 截至 {view.ranking.as_of} · 时序进度 {view.ranking.progress}% · "
                      f"共 {fmt_int(n)} 个地区", className="period", id="rk-period")]
