"""指标说明: every figure's definition (口径) on one page, printed from data_access/glossary.py, the
same text the ⓘ beside each figure shows, so the page cannot say one thing and a tooltip another.
"""
from __future__ import annotations

import dash
from dash import dcc, html

from data_access.glossary import GROUPS, definitions
from urls import ROUTES
from views.runtime import current

TITLE = "指标说明 · 贵州省招商引资驾驶舱"

RULES = [
    "数字一律按精确值四舍五入（“四舍五入”而非“银行家舍入”）：金额以亿元保留两位小数，比率以百分数保留两位小数，"
    "产业链覆盖率保留整数；地图、指标卡、漏斗、图表、表格与悬停提示用同一规则。",
    "统计期间的数字按期末的状态计算，期末为所选结束日，晚于数据截止日时取数据截止日；期末或之前已终止的项目不计入任何数字。",
    "同比与上年同期的相同天数比较；统计期间超过一年或开始日期不明时不显示同比。",
]


def layout(**_query):
    rt = current()
    sections = []
    for group in GROUPS:
        items = [d for d in definitions().values() if d.group == group]
        sections.append(html.Section([html.H2(group), *[_definition(d) for d in items]]))
    return html.Div(
        [
            html.H1("指标说明（口径）", className="page-title"),
            html.P("每个指标卡与图表旁的 ⓘ 显示的就是这里的说明。", className="muted"),
            html.Ul([html.Li(rule) for rule in RULES], className="rules", id="def-rules"),
            *sections,
            dcc.Link([html.I(className="bi bi-house me-1"), "返回总览"], href=rt.urls.build("overview"),
                     className="btn btn-outline-info"),
        ],
        className="page definitions",
        id="definitions",
    )


def _definition(d):
    unit = f"（{d.unit}）" if d.unit else ""
    rows = []
    for name, text in d.lines():
        rows += [html.Dt(name), html.Dd(text)]
    return html.Div([html.H3(f"{d.label}{unit}"), html.Dl(rows)], className="definition", id=f"def-{d.key}")


dash.register_page(__name__, path=ROUTES["definitions"][0], name="指标说明", title=TITLE, layout=layout)
