"""A project's file (/project/<code>): its stages on a timeline, money by date against the
contract, the investor, its place on a small map, visits and inspections, and its warnings.

Pure functions of data_access.project_file.ProjectFile; links come from the caller.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
from dash import dcc, html

from . import theme
from .panels import message, panel
from .units import DASH, fmt_int, fmt_pct, fmt_yi, yi_value

LIGHT = {"red": "light-red", "yellow": "light-yellow"}
VISIT_KIND = {"enterprise": "拜访企业", "association": "拜访商协会"}
MAX_ROWS = 30  # visits, inspections and other projects shown; the count says how many there are


def _day(d) -> str:
    return DASH if d is None or pd.isna(d) else str(d)[:10]


def timeline_figure(stages, as_of: date) -> dict:
    """签约 → 计划开工 → 开工 → 计划投产 → 投产 as five steps: events filled, plans hollow, a step
    not reached hollow grey; a late event (or a plan passed without it) red, with its delay."""
    labels = [s.label for s in stages]
    colors, symbols, texts = [], [], []
    for s in stages:
        late = s.late_days is not None
        reached = s.on is not None
        colors.append(theme.DANGER if late else theme.MUTED if (s.planned or not reached) else theme.ACCENT)
        symbols.append("diamond-open" if s.planned else ("circle" if reached else "circle-open"))
        when = _day(s.on) if reached else ("未定" if s.planned else f"尚未{s.label}")
        texts.append(when + (f"<br><b>逾期 {s.late_days} 天</b>" if late else ""))
    trace = {"type": "scatter", "mode": "markers+text", "x": labels, "y": [0] * len(labels), "text": texts,
             "textposition": "bottom center", "cliponaxis": False,
             "textfont": {"size": 14, "color": [c if c == theme.DANGER else theme.TEXT for c in colors]},
             "marker": {"size": 22, "color": colors, "symbol": symbols, "line": {"width": 3, "color": colors}},
             "hovertext": [f"{label}：{t.replace('<br>', ' · ').replace('<b>', '').replace('</b>', '')}"
                           for label, t in zip(labels, texts)],
             "hovertemplate": "%{hovertext}<extra></extra>"}
    line = {"type": "scatter", "mode": "lines", "x": labels, "y": [0] * len(labels), "hoverinfo": "skip",
            "line": {"color": "rgba(51, 201, 255, 0.35)", "width": 4}}
    layout = theme.base_layout(
        xaxis={"type": "category", "side": "top", "tickfont": {"size": 15}, "showgrid": False},
        yaxis={"visible": False, "range": [-1.6, 0.6]}, showlegend=False,
        margin={"l": 50, "r": 50, "t": 30, "b": 4},
        annotations=[{"xref": "paper", "yref": "paper", "x": 1, "y": 0, "xanchor": "right", "yanchor": "bottom",
                      "showarrow": False, "text": f"截至 {as_of}", "font": {"size": 12, "color": theme.MUTED}}],
    )
    return {"data": [line, trace], "layout": layout}


def funds_figure(funding: pd.DataFrame, contract_yuan: int) -> dict:
    """Money in place by date (bars) and accumulated (step line), against the contract value."""
    days = [_day(d) for d in funding["received_on"]]
    cumulative = [yi_value(v) for v in funding["cumulative_yuan"]]
    data = [
        {"type": "bar", "name": "当日到位", "x": days, "y": [yi_value(v) for v in funding["amount_yuan"]],
         "marker": {"color": theme.ACCENT}, "hovertext": [f"{d} 到位 {fmt_yi(v)} 亿元" for d, v in
                                                           zip(days, funding["amount_yuan"])],
         "hovertemplate": "%{hovertext}<extra></extra>"},
        {"type": "scatter", "mode": "lines+markers", "line": {"shape": "hv", "color": theme.GOLD, "width": 3},
         "name": "累计到位", "x": days, "y": cumulative,
         "hovertext": [f"{d} 累计 {fmt_yi(v)} 亿元（{fmt_pct(v, contract_yuan)}）" for d, v in
                       zip(days, funding["cumulative_yuan"])], "hovertemplate": "%{hovertext}<extra></extra>"},
    ]
    layout = theme.base_layout(
        xaxis={"type": "date", "gridcolor": theme.GRID},
        yaxis={"title": {"text": "亿元"}, "gridcolor": theme.GRID, "rangemode": "tozero"},
        shapes=[{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": yi_value(contract_yuan),
                 "y1": yi_value(contract_yuan), "line": {"color": theme.DANGER, "dash": "dash", "width": 2}}],
        annotations=[{"xref": "paper", "x": 1, "y": yi_value(contract_yuan), "xanchor": "right", "yanchor": "bottom",
                      "text": f"合同投资额 {fmt_yi(contract_yuan)} 亿元", "showarrow": False,
                      "font": {"color": theme.DANGER, "size": 13}}],
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        margin={"l": 48, "r": 8, "t": 28, "b": 32}, bargap=0.4,
    )
    return {"data": data, "layout": layout}


def place_map(counties: pd.DataFrame, county: int, geojson_url: str) -> dict:
    """The province's counties, the project's county highlighted (`counties`: adcode, short_name)."""
    locations = counties["adcode"].astype(str).tolist()
    trace = {"type": "choropleth", "geojson": geojson_url, "featureidkey": "id", "locations": locations,
             "z": [1 if int(a) == int(county) else 0 for a in counties["adcode"]],
             "colorscale": [[0, "#16355c"], [1, theme.GOLD]], "zmin": 0, "zmax": 1, "showscale": False,
             "marker": {"line": {"color": theme.BG, "width": 0.6}},
             "customdata": counties["name"].tolist(), "hovertemplate": "%{customdata}<extra></extra>"}
    layout = theme.base_layout(geo={"visible": False, "fitbounds": "locations", "projection": {"type": "mercator"},
                                    "bgcolor": "rgba(0,0,0,0)"},
                               dragmode=False, margin={"l": 0, "r": 0, "t": 0, "b": 0})
    return {"data": [trace], "layout": layout}


def _facts(rows: list[tuple[str, object]], fid: str):
    return html.Dl([item for label, value in rows
                    for item in (html.Dt(label), html.Dd(value if value not in (None, "") else DASH))],
                   className="facts", id=fid)


def warning_list(warnings) -> html.Div:
    if not warnings:
        return html.Div([html.I(className="bi bi-check-circle me-1"), "无预警"], className="muted", id="pf-warnings")
    return html.Div([html.Div([html.I(className=f"bi bi-circle-fill {LIGHT[w.light]} me-2"), w.text],
                              className=f"pf-warning pf-warning-{w.light}") for w in warnings], id="pf-warnings")


def _table(frame: pd.DataFrame, head: list[str], cells, tid: str, empty: str):
    if frame.empty:
        return html.Div(empty, className="muted", id=tid)
    rows = [html.Tr([html.Td(c) for c in cells(r)]) for r in frame.head(MAX_ROWS).itertuples()]
    more = [html.Div(f"另有 {fmt_int(len(frame) - MAX_ROWS)} 条未列出", className="muted small")] \
        if len(frame) > MAX_ROWS else []
    return html.Div([html.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)],
                                className="pf-table"), *more], id=tid)


def file_parts(f, *, href_of, overview_href: str, counties: pd.DataFrame, geo_url: str, topojson_url: str,
               scale: float) -> list:
    """The file's panels; `href_of(code)` is another project's file link."""
    r = f.record
    funds = f.funds_yuan
    as_of = f.as_of
    status = "已终止" if r["terminated_on"] and r["terminated_on"] <= as_of else r["status"]
    config = theme.graph_config(r["name"], r["county"], as_of)
    head = html.Div([
        html.H1(r["name"], className="page-title", id="pf-title"),
        html.Div([html.Span(f"项目编号 {r['code']}", className="muted"), " · ",
                  html.Span(status, className="class-chip", id="pf-status"), " · ",
                  html.Span(f"{r['city']} {r['county']}", id="pf-place"), " · ",
                  html.Span(f"数据截至 {as_of}", className="muted")], className="period"),
        dcc.Link([html.I(className="bi bi-map me-1"), "所在地区总览"], href=overview_href, className="crumb overview-link",
                 id="pf-overview"),
    ], className="page-head")
    investor = _facts([
        ("投资方", html.B(r["investor"], id="pf-investor")),
        ("所在地", f"{r['investor_province']}{r['investor_city'] or ''}"),
        ("来源区域", r["investor_source"]),
        ("企业性质", r["ownership"]),
        ("优强企业", "、".join(r["investor_quality"]) or "—"),
        ("签约时记录", f"{r['origin_city'] or r['origin_province']} · {r['source_region']}"
                       + (f" · {'、'.join(r['quality'])}" if r["quality"] else "")),
    ], "pf-investor-facts")
    project = _facts([
        ("合同投资额", html.B(f"{fmt_yi(r['contract_yuan'])} 亿元", id="pf-contract")),
        ("累计到位资金", html.Span(f"{fmt_yi(funds)} 亿元（{fmt_pct(funds, r['contract_yuan'])}）", id="pf-funds")),
        ("所属产业", r["industry"] + (f" · {r['emerging_label']}" if r["emerging_label"] else "")),
        ("产业链环节", f"{r['link']}（{r['link_stage_name']}）" if r["link"] else None),
        ("招引类型", r["chain_action"]),
        ("招商方式", r["channel"]),
        ("园区", f"{r['park']}（{r['park_level']}{r['park_kind']}）" if r["park"] else "未入园"),
        ("责任单位", html.Span(r["responsible_unit"] or DASH, id="pf-unit")),
        ("预计年产值", f"{fmt_yi(r['expected_output_yuan'])} 亿元" if r["expected_output_yuan"] else None),
        ("预计就业", f"{fmt_int(r['expected_jobs'])} 人" if r["expected_jobs"] else None),
        ("预计年纳税", f"{fmt_yi(r['expected_tax_yuan'])} 亿元" if r["expected_tax_yuan"] else None),
    ], "pf-project-facts")
    timeline = dcc.Graph(id="pf-timeline", figure=theme.scaled(timeline_figure(f.stages, as_of), scale),
                         config=config, className="panel-graph")
    money = (dcc.Graph(id="pf-funds-chart", figure=theme.scaled(funds_figure(f.funding, r["contract_yuan"]), scale),
                       config=config, className="panel-graph")
             if len(f.funding) else message("尚无到位资金记录", msg_id="pf-no-funds"))
    small_map = dcc.Graph(id="pf-map", figure=place_map(counties, r["county_adcode"], f"{geo_url}guizhou-counties.geojson"),
                          config={**config, "topojsonURL": topojson_url, "displayModeBar": False},
                          className="panel-graph pf-map")
    others = _table(f.others, ["项目", "县(市、区)", "合同投资额(亿元)", "签约日期", "状态"],
                    lambda o: [dcc.Link(o.name, href=href_of(o.code)), o.county, fmt_yi(o.contract_yuan),
                               _day(o.signed_on), o.status],
                    "pf-others", "该投资方在本账号查看范围内没有其他项目")
    visits = _table(f.visits, ["日期", "类型", "招商团队", "招商方式"],
                    lambda v: [_day(v.visited_on), VISIT_KIND.get(v.kind, v.kind), v.team, v.channel],
                    "pf-visits", "没有拜访该企业的记录")
    inspections = _table(f.inspections, ["日期", "接待县(市、区)", "招商团队", "招商方式"],
                         lambda i: [_day(i.inspected_on), i.county or "省级", i.team, i.channel],
                         "pf-inspections", "该企业没有赴黔考察记录")
    return [
        head,
        html.Div([
            panel("预警", [warning_list(f.warnings)], cls="pf-area-warnings"),
            panel("项目进度（签约 → 计划开工 → 开工 → 计划投产 → 投产）", [timeline], cls="pf-area-timeline"),
            panel("项目信息", [project], cls="pf-area-project"),
            panel("投资方", [investor], cls="pf-area-investor"),
            panel(f"所在地：{r['city']} {r['county']}", [small_map], cls="pf-area-map"),
            panel("到位资金（按到账日期，对照合同投资额）", [money], cls="pf-area-funds"),
            panel(f"该投资方在贵州的其他项目（{fmt_int(len(f.others))} 个）", [others], cls="pf-area-others"),
            panel(f"拜访记录（{fmt_int(len(f.visits))} 次）", [visits], cls="pf-area-visits"),
            panel(f"赴黔考察（{fmt_int(len(f.inspections))} 次）", [inspections], cls="pf-area-inspections"),
        ], className="project-file-grid"),
    ]
