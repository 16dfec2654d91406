"""Fill the gap (补链): one link's figures, its projects and the ranked candidate enterprises.

Tables are dash-ag-grid grids, sortable, in a dark Quartz theme set by parameters: AG Grid ≥ 33
needs no stylesheet and fetches nothing (the font is named, so no web font is looked up).
"""
from __future__ import annotations

import json

import dash_ag_grid as dag
import pandas as pd
from dash import dcc, html

from data_access.chains import LEAD_OPEN, LEAD_SIGNED, LEAD_TALKS, MEASURES
from data_access.vocab import quality_labels

from . import theme
from .chain_format import MEASURE_LABELS, STAGE_LABELS, fmt_amount, row_coverage
from .units import fmt_int, yi_value

DATE_WIDTH = 92  # px at 1920 wide: a YYYY-MM-DD date and the cell's padding
# The cells hold 亿元 already rounded half up (units.yi_value), so two decimals print them as they are.
YI_FORMAT = {"function": "params.value == null ? '—' : d3.format(',.2f')(params.value)"}


def _grid_theme(scale: float) -> dict:
    params = {
        "backgroundColor": theme.PANEL, "foregroundColor": theme.TEXT, "accentColor": theme.ACCENT,
        "headerBackgroundColor": "#123a66", "headerTextColor": theme.TEXT, "borderColor": "rgba(51, 201, 255, 0.22)",
        "oddRowBackgroundColor": "rgba(255, 255, 255, 0.03)", "fontFamily": theme.FONT_FAMILY,
        "fontSize": round(13 * scale), "headerFontSize": round(13 * scale), "spacing": round(4 * scale),
        "rowHeight": round(28 * scale), "headerHeight": round(30 * scale),
    }
    return {"function": f"themeQuartz.withParams({json.dumps(params, ensure_ascii=False)})"}


def _grid(grid_id: str, columns: list[dict], rows: list[dict], scale: float):
    return dag.AgGrid(
        id=grid_id, columnDefs=columns, rowData=rows,
        defaultColDef={"sortable": True, "resizable": True, "filter": False, "suppressMovable": True},
        dashGridOptions={"theme": _grid_theme(scale), "animateRows": False, "suppressCellFocus": True},
        className="chain-grid", style={"height": "100%", "width": "100%"},
    )


def projects_grid(frame: pd.DataFrame, scale: float, href_of=None):
    """The link's projects (sortable): name, investor, county, state, contract, dates; with
    `href_of(code)` each name links to the project's file."""
    rows = [
        {"name": r.name, "href": href_of(r.code) if href_of else None, "investor": r.investor, "county": r.county, "state": r.state,
         "contract_yi": yi_value(r.contract_yuan), "signed_on": _iso(r.signed_on),
         "started_on": _iso(r.started_on), "production_on": _iso(r.production_on), "code": r.code}
        for r in frame.itertuples()
    ]
    date_width = round(DATE_WIDTH * scale)
    columns = [
        {"field": "name", "headerName": "项目名称", "flex": 2.8, "tooltipField": "name",
         **({"cellRenderer": "ProjectLink"} if href_of else {})},  # assets/project_link.js
        {"field": "investor", "headerName": "投资方", "flex": 2.2, "tooltipField": "investor"},
        {"field": "county", "headerName": "县区", "flex": 1.1},
        {"field": "state", "headerName": "状态", "flex": 1.2},
        {"field": "contract_yi", "headerName": "合同投资额(亿元)", "type": "rightAligned", "flex": 1.6,
         "valueFormatter": YI_FORMAT, "sort": "desc"},
        {"field": "signed_on", "headerName": "签约", "flex": 1.3, "minWidth": date_width},
        {"field": "started_on", "headerName": "开工", "flex": 1.3, "minWidth": date_width},
        {"field": "production_on", "headerName": "投产", "flex": 1.3, "minWidth": date_width},
    ]
    return _grid("ch-projects", columns, rows, scale)


def candidates_grid(frame: pd.DataFrame, scale: float):
    """Open leads for the link, in the ranking of data_access.chains.link_candidates."""
    rows = [
        {"score": int(r.score), "enterprise": r.enterprise,
         "tags": "、".join(quality_labels(int(r.quality_tags))) or "—", "stage": r.stage,
         "origin": r.origin_city or r.origin_province, "region": r.source_region, "visits": int(r.visits),
         "last_visit": _iso(r.last_visit), "team": r.team_county or "省投资促进局",
         "intended_yi": None if pd.isna(r.intended_yuan) else yi_value(r.intended_yuan)}
        for r in frame.itertuples()
    ]
    date_width = round(DATE_WIDTH * scale)
    columns = [
        {"field": "enterprise", "headerName": "企业", "flex": 3, "tooltipField": "enterprise"},
        {"field": "score", "headerName": "推荐分", "type": "rightAligned", "flex": 1.1,
         "headerTooltip": "优强标签（最高40）+ 阶段（在谈30 / 线索10）+ 来源地区（5–15）+ 拜访次数×2（最多20）"},
        {"field": "tags", "headerName": "优强标签", "flex": 1.6, "tooltipField": "tags"},
        {"field": "stage", "headerName": "阶段", "flex": 0.9},
        {"field": "origin", "headerName": "来源地", "flex": 1.2, "tooltipField": "region"},
        {"field": "visits", "headerName": "拜访", "type": "rightAligned", "flex": 0.9},
        {"field": "last_visit", "headerName": "最近拜访", "flex": 1.4, "minWidth": date_width},
        {"field": "intended_yi", "headerName": "意向(亿)", "type": "rightAligned", "flex": 1.4,
         "valueFormatter": YI_FORMAT},
        {"field": "team", "headerName": "跟进单位", "flex": 1.3, "tooltipField": "team"},
    ]
    return _grid("ch-candidates", columns, rows, scale)


def _iso(value) -> str | None:
    return None if value is None or pd.isna(value) else value.isoformat()


def link_summary(info: dict, row, stages: dict[str, int], measure: str, lists: dict[str, str] | None = None):
    """The selected link in one line of figures: target, actual (realised / pipeline), gap, coverage.

    `lists` (analysts and up): the list behind 已有, 已开工(含投产) and 签约未开工, by those fact ids."""
    actual_col, target_col = MEASURES[measure]
    label = MEASURE_LABELS[measure][0]
    cls = row[f"class_{measure}"]
    gap = row[f"gap_{measure}"]
    gap_text = "—" if gap is None or pd.isna(gap) else (
        f"缺 {fmt_amount(gap, measure)}" if gap > 0 else f"超 {fmt_amount(-gap, measure)}")
    kind = "contract_yuan" if measure == "contract" else "projects"
    facts = [
        ("目标", fmt_amount(row[target_col], measure), "ch-sum-target"),
        ("已有", fmt_amount(row[actual_col], measure), "ch-sum-actual"),
        ("已开工(含投产)", fmt_amount(row[f"realised_{kind}"], measure), "ch-sum-realised"),
        ("签约未开工", fmt_amount(row[f"pipeline_{kind}"], measure), "ch-sum-pipeline"),
        ("缺口", gap_text, "ch-sum-gap"),
        ("覆盖率", row_coverage(row, measure), "ch-sum-coverage"),
    ]
    lists = lists or {}

    def value(text, fid):
        shown = html.Span(text, className="fact-value", id=fid)
        return dcc.Link(shown, href=lists[fid], id=f"{fid}-list", title="查看项目清单") if fid in lists else shown

    head = [
        html.Span(cls, className="class-chip", style={"background": theme.COVERAGE_FILL[cls],
                                                      "color": theme.COVERAGE_TEXT[cls]}, id="ch-sum-class"),
        html.Span(f"{info['industry_name']} · {STAGE_LABELS[info['stage']]} · ", className="muted"),
        html.B(info["name"], id="ch-sum-name"),
    ]
    if info["is_weak"]:
        head.append(html.Span(f"短板：{info['weak_note']}", className="weak-note"))
    if info["anchor_firms"]:
        head.append(html.Span(f"龙头：{info['anchor_firms'].replace(';', '、')}", className="muted"))
    return html.Div(
        [
            html.Div(head, className="link-head"),
            html.Div(
                [html.Span([html.Span(f"{name}（{label}）" if name in ("目标", "已有") else name, className="fact-label"),
                            value(text, fid)], className="fact")
                 for name, text, fid in facts]
                + [html.Span([html.Span("目标企业库", className="fact-label"),
                              html.Span(f"线索 {fmt_int(stages[LEAD_OPEN])} · 在谈 {fmt_int(stages[LEAD_TALKS])}"
                                        f" · 已签约 {fmt_int(stages[LEAD_SIGNED])}", className="fact-value",
                                        id="ch-sum-leads")], className="fact")],
                className="link-facts",
            ),
        ],
        className="link-summary", id="ch-link-summary",
    )
