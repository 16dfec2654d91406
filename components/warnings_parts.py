"""Widgets of the warnings screen (预警): the rule cards, the map of red warnings, the list grid
and the regions behind their targets. Pure functions of the view's data; every link is passed
in, built by the URL grammar."""
from __future__ import annotations

import json
import re

import dash_ag_grid as dag
import pandas as pd
from dash import dcc, html

from data_access.rankings import MEASURE_UNITS
from data_access.settings_store import Values
from data_access.warnings import LIGHT_LABELS, RULE_LABELS, RULES

from . import theme
from .admin import LOCALE
from .units import fmt_count, fmt_int, fmt_pct, fmt_rate, fmt_yi, yi_value

RED_SCALE = [[0.0, "#1b3656"], [0.2, "#6b3a4a"], [0.6, "#c0414f"], [1.0, "#ff6b6b"]]


def rule_notes(values: Values) -> dict[str, str]:
    """Each rule's thresholds as a leader reads them (from the settings in force)."""
    planned = "，或已过计划开工日期" if values["warn.stall_planned"] else ""
    return {
        "stall": f"签约超{values['warn.stall_yellow_months']}个月未开工{planned}为黄灯，"
                 f"超{values['warn.stall_red_months']}个月为红灯",
        "production": f"已过计划投产日期仍未投产为黄灯，超期{values['warn.production_red_months']}个月为红灯",
        "funds": f"签约超{values['warn.funds_yellow_months']}个月资金到位率仍低于{values['warn.funds_min_pct']}%为黄灯，"
                 f"超{values['warn.funds_red_months']}个月为红灯",
        "idle": f"项目记录超{values['warn.idle_yellow_months']}个月未更新为黄灯，"
                f"超{values['warn.idle_red_months']}个月为红灯（未投产、有更新日期的项目）",
        "target": f"年度目标完成率低于时序进度为黄灯，低{values['warn.target_tolerance_pts']}个百分点以上为红灯"
                  "（全口径，不受筛选影响）",
    }


def rule_cards(totals: dict[str, int], behind: pd.DataFrame, values: Values, hrefs: dict[tuple[str, str | None], str],
               selected: tuple[str, str | None], *, blank: bool = False) -> list:
    """One card per rule: its red and yellow counts, each a link to its list (`hrefs` keyed by
    (rule, light)); the fifth card counts regions behind their targets."""
    notes = rule_notes(values)
    cards = []
    for rule in RULES:
        red, yellow = totals[f"{rule}_red"], totals[f"{rule}_yellow"]

        def count(light: str | None, value: int, cls: str):
            text = "—" if blank else fmt_int(value)
            current = selected == (rule, light)
            return dcc.Link([html.I(className=f"bi bi-circle-fill {cls} me-1"), LIGHT_LABELS.get(light, "全部"), " ",
                             html.B(text, className="warn-num")],
                            href=hrefs[(rule, light)], id=f"wn-{rule}-{light or 'all'}",
                            className="warn-count" + (" warn-selected" if current else ""))

        cards.append(html.Div([
            dcc.Link(html.Div(RULE_LABELS[rule], className="warn-title"), href=hrefs[(rule, None)],
                     className="warn-title-link"),
            html.Div([count("red", red, "light-red"), count("yellow", yellow, "light-yellow")], className="warn-counts"),
            html.Div(notes[rule], className="warn-note muted", title=notes[rule]),
        ], className="warn-card" + (" warn-card-selected" if selected[0] == rule else ""), id=f"wn-card-{rule}"))
    regions_red = behind.loc[behind["light"] == "red", "adcode"].nunique() if len(behind) else 0
    regions_yellow = behind["adcode"].nunique() - regions_red if len(behind) else 0
    cards.append(html.Div([
        html.Div(RULE_LABELS["target"], className="warn-title"),
        html.Div([html.Span([html.I(className="bi bi-circle-fill light-red me-1"), "红灯 ",
                             html.B(fmt_int(regions_red), className="warn-num"), " 个地区"], className="warn-count",
                            id="wn-target-red"),
                  html.Span([html.I(className="bi bi-circle-fill light-yellow me-1"), "黄灯 ",
                             html.B(fmt_int(regions_yellow), className="warn-num"), " 个地区"], className="warn-count",
                            id="wn-target-yellow")], className="warn-counts"),
        html.Div(notes["target"], className="warn-note muted", title=notes["target"]),
    ], className="warn-card", id="wn-card-target"))
    return cards


def red_map(regions: pd.DataFrame, geojson_url: str, *, uirevision) -> dict:
    """The regions coloured by their red warnings (every project rule), as a plain figure dict
    (components/maps.py explains why plain)."""
    locations = regions["adcode"].astype(str).tolist()
    hover = []
    for r in regions.itertuples():
        lines = [f"<b>{r.name}</b>", f"红灯合计：{fmt_int(r.red)}　黄灯合计：{fmt_int(r.yellow)}"]
        lines += [f"{RULE_LABELS[rule]}：红 {fmt_int(getattr(r, f'{rule}_red'))} · 黄 {fmt_int(getattr(r, f'{rule}_yellow'))}"
                  for rule in RULES]
        hover.append([r.name, "<br>".join(lines)])
    z = [int(v) for v in regions["red"]]
    trace = {"type": "choropleth", "geojson": geojson_url, "featureidkey": "id", "locations": locations, "z": z,
             "customdata": hover, "hovertemplate": "%{customdata[1]}<extra></extra>",
             "colorscale": RED_SCALE, "zmin": 0, "zmax": max(z + [1]),
             "marker": {"line": {"color": theme.BG, "width": 1.2}},
             "colorbar": {"title": {"text": "红灯预警<br>（个）", "side": "top"}, "thickness": 14, "len": 0.55,
                          "x": 0.01, "xanchor": "left", "y": 0.02, "yanchor": "bottom", "outlinewidth": 0,
                          "tickfont": {"color": theme.TEXT}}}
    labels = {"type": "scattergeo", "lon": regions["label_lon"].tolist(), "lat": regions["label_lat"].tolist(),
              "text": [f"{s}<br>{fmt_int(n)}" for s, n in zip(regions["short_name"], regions["red"])], "mode": "text",
              "textfont": {"family": theme.FONT_FAMILY, "size": 14 if len(regions) <= 10 else 11, "color": "#ffffff",
                           "shadow": "0px 0px 4px #000000"},
              "hoverinfo": "skip", "showlegend": False}
    layout = theme.base_layout(geo={"visible": False, "fitbounds": "locations", "projection": {"type": "mercator"},
                                    "bgcolor": "rgba(0,0,0,0)"}, dragmode=False, uirevision=uirevision)
    return {"data": [trace, labels], "layout": layout}


def grid_theme(scale: float = 1.0) -> dict:
    params = {"backgroundColor": theme.PANEL, "foregroundColor": theme.TEXT, "accentColor": theme.ACCENT,
              "headerBackgroundColor": "#123a66", "headerTextColor": theme.TEXT, "fontFamily": theme.FONT_FAMILY,
              "borderColor": "rgba(51, 201, 255, 0.22)", "oddRowBackgroundColor": "rgba(255, 255, 255, 0.03)",
              "fontSize": round(13 * scale), "headerFontSize": round(13 * scale), "rowHeight": round(30 * scale),
              "headerHeight": round(32 * scale)}
    return {"function": f"themeQuartz.withParams({json.dumps(params, ensure_ascii=False)})"}


LIGHT_STYLE = {"styleConditions": [
    {"condition": "params.value == '红灯'", "style": {"color": "#ff5c5c", "fontWeight": "bold"}},
    {"condition": "params.value == '黄灯'", "style": {"color": "#ffc857", "fontWeight": "bold"}},
]}
YI_FORMAT = {"function": "params.value == null ? '—' : d3.format(',.2f')(params.value)"}


def list_columns(rule: str) -> list[dict]:
    """The list's columns: what every rule shows, and the dates the rule judges by."""
    days_label = {"stall": "签约至今(天)", "production": "超过计划投产(天)", "funds": "签约至今(天)",
                  "idle": "未更新(天)"}[rule]
    dates = {"stall": [("signed_on", "签约日期"), ("planned_start_on", "计划开工")],
             "production": [("started_on", "开工日期"), ("planned_production_on", "计划投产")],
             "funds": [("signed_on", "签约日期")],
             "idle": [("updated_on", "最近更新"), ("signed_on", "签约日期")]}[rule]
    columns = [
        {"field": "light", "headerName": "预警", "width": 80, "cellStyle": LIGHT_STYLE},
        {"field": "name", "headerName": "项目名称", "flex": 2.6, "cellRenderer": "markdown", "tooltipField": "title",
         "minWidth": 220},
        {"field": "investor", "headerName": "投资方", "flex": 2, "tooltipField": "investor"},
        {"field": "county", "headerName": "县区", "flex": 1},
        {"field": "industry", "headerName": "产业", "flex": 0.8},
        {"field": "contract_yi", "headerName": "合同投资额(亿元)", "flex": 1.3, "type": "rightAligned",
         "valueFormatter": YI_FORMAT},
    ]
    if rule == "funds":
        columns += [{"field": "funds_yi", "headerName": "累计到位(亿元)", "flex": 1.2, "type": "rightAligned",
                     "valueFormatter": YI_FORMAT, "sortable": False},
                    {"field": "funds_rate", "headerName": "到位率", "flex": 0.9, "type": "rightAligned",
                     "sortable": False}]
    columns += [{"field": f, "headerName": h, "flex": 1.1} for f, h in dates]
    columns += [{"field": "days", "headerName": days_label, "flex": 1.1, "type": "rightAligned"},
                {"field": "responsible_unit", "headerName": "责任单位", "flex": 1.8, "tooltipField": "responsible_unit"}]
    return columns


# Grid fields → the list's sortable SQL columns (data_access/warnings.py LIST_COLUMNS).
SORT_FIELDS = {"light": "light", "name": "name", "investor": "investor", "county": "county", "industry": "industry",
               "contract_yi": "contract_yuan", "signed_on": "signed_on", "planned_start_on": "planned_start_on",
               "started_on": "started_on", "planned_production_on": "planned_production_on",
               "updated_on": "updated_on", "days": "days", "responsible_unit": "responsible_unit"}


def list_grid(grid_id: str, rule: str, scale: float = 1.0):
    """The list, paged on the server: AG Grid's infinite row model asks for blocks of rows
    (pages/warnings.py answers), sorting is done in the database."""
    return dag.AgGrid(
        id=grid_id, columnDefs=list_columns(rule), rowModelType="infinite",
        defaultColDef={"sortable": True, "resizable": True, "filter": False, "suppressMovable": True},
        dashGridOptions={"theme": grid_theme(scale), "pagination": True, "paginationPageSize": 20,
                         "cacheBlockSize": 100, "maxBlocksInCache": 20, "rowBuffer": 0,
                         "suppressCellFocus": True, "localeText": LOCALE, "tooltipShowDelay": 300},
        className="warn-grid", style={"height": "640px", "width": "100%"},
    )


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~])")


def _md(text: str) -> str:
    """Plain text for a markdown cell: no character of it can make a link or markup."""
    return _MARKDOWN.sub(r"\\\1", str(text))


def list_rows(frame: pd.DataFrame, project_href) -> list[dict]:
    """Grid rows of a page of a list; `project_href(code)` is the project file's URL."""
    rows = []
    for r in frame.itertuples():
        rows.append({
            "light": LIGHT_LABELS[r.light], "code": r.code,
            "name": f"[{_md(r.name)}]({project_href(r.code)})", "title": f"{r.name}（{r.code}）",
            "investor": r.investor, "county": r.county, "industry": r.industry,
            "contract_yi": yi_value(r.contract_yuan), "funds_yi": yi_value(r.funds_yuan),
            "funds_rate": fmt_pct(r.funds_yuan, r.contract_yuan),
            "signed_on": _iso(r.signed_on), "planned_start_on": _iso(r.planned_start_on),
            "started_on": _iso(r.started_on), "planned_production_on": _iso(r.planned_production_on),
            "updated_on": _iso(r.updated_on), "days": None if pd.isna(r.days) else int(r.days),
            "responsible_unit": r.responsible_unit or "—",
        })
    return rows


def _iso(value) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value)[:10]


def behind_table(behind: pd.DataFrame, year: int, progress, hrefs: dict[int, str]):
    """Regions below 时序进度 on a target: region, measure, achieved / target, completion, gap."""
    if behind.empty:
        return html.Div(f"{year}年各地区年度目标完成率均不低于时序进度（{progress}%）", className="muted",
                        id="wn-behind")
    rows = []
    for r in behind.sort_values(["light", "pct"], ascending=[True, True]).itertuples():
        money = MEASURE_UNITS[r.measure] == "亿元"
        fmt = fmt_yi if money else fmt_count
        name = dcc.Link(r.name, href=hrefs[int(r.adcode)]) if int(r.adcode) in hrefs else r.name
        rows.append(html.Tr([
            html.Td(html.I(className=f"bi bi-circle-fill light-{r.light}")), html.Td(name), html.Td(r.label),
            html.Td(f"{fmt(r.done)} / {fmt(r.target)} {MEASURE_UNITS[r.measure]}", className="num"),
            html.Td(fmt_rate(r.pct), className="num"),
            html.Td(f"{fmt(r.gap)} {MEASURE_UNITS[r.measure]}", className="num muted"),
        ]))
    head = html.Tr([html.Th(""), html.Th("地区"), html.Th("指标"), html.Th("完成 / 目标", className="num"),
                    html.Th("完成率", className="num"), html.Th("较时序进度", className="num")])
    return html.Div([html.Div(f"{year}年 · 时序进度 {progress}%", className="muted small"),
                     html.Table([html.Thead(head), html.Tbody(rows)], className="warn-behind-table")],
                    id="wn-behind")
