"""Widgets of the admin pages (系统管理): the tabs, the tables and the form rows."""
from __future__ import annotations

import dash_ag_grid as dag
from dash import dcc, html

from . import theme

# AG Grid's own words in Chinese (pagination and the column filter).
LOCALE = {
    "page": "第", "to": "至", "of": "共", "more": "更多", "next": "下一页", "last": "末页", "first": "首页",
    "previous": "上一页", "pageSizeSelectorLabel": "每页行数：", "pageLastRowUnknown": "?",
    "firstPage": "首页", "lastPage": "末页", "nextPage": "下一页", "previousPage": "上一页",
    "noRowsToShow": "没有记录", "loadingOoo": "加载中…", "filterOoo": "筛选…", "applyFilter": "应用",
    "resetFilter": "重置", "clearFilter": "清除", "equals": "等于", "notEqual": "不等于", "contains": "包含",
    "notContains": "不包含", "startsWith": "开头是", "endsWith": "结尾是", "blank": "为空", "notBlank": "不为空",
    "andCondition": "且", "orCondition": "或", "searchOoo": "搜索…",
}

TABS = [("admin_users", "用户", "bi-people"), ("admin_tokens", "显示令牌", "bi-display"),
        ("admin_audit", "审计日志", "bi-journal-text"), ("admin_settings", "预警与排名设置", "bi-sliders"),
        ("admin_playlists", "播放列表", "bi-collection-play")]


def admin_page(current: str, urls, body: list, *, page_id: str):
    """An admin page: its title, the tabs (links built by `urls`, the URL grammar) and its body."""
    hrefs = {route: urls.build(route) for route, _, _ in TABS}
    tabs = html.Nav(
        [dcc.Link([html.I(className=f"bi {icon} me-1"), label], href=hrefs[route],
                  className="crumb" + (" crumb-current" if route == current else "")) for route, label, icon in TABS],
        className="breadcrumb-bar admin-tabs",
    )
    return html.Div([html.Div([html.H1("系统管理", className="page-title"), tabs], className="page-head"), *body],
                    className="page admin", id=page_id)


def table(grid_id: str, columns: list[tuple[str, str, int]], rows: list[dict], *, fit: bool = False):
    """A sortable, filterable table; columns are (field, header, flex). `fit`: as tall as its rows
    (a page of them at most), for tables that are often short."""
    params = {"backgroundColor": theme.PANEL, "foregroundColor": theme.TEXT, "accentColor": theme.ACCENT,
              "headerBackgroundColor": "#123a66", "headerTextColor": theme.TEXT, "fontFamily": theme.FONT_FAMILY,
              "borderColor": "rgba(51, 201, 255, 0.22)", "fontSize": 14, "headerFontSize": 14}
    import json

    return dag.AgGrid(
        id=grid_id, rowData=rows,
        columnDefs=[{"field": f, "headerName": h, "flex": w, "filter": True, "sortable": True} for f, h, w in columns],
        dashGridOptions={"theme": {"function": f"themeQuartz.withParams({json.dumps(params, ensure_ascii=False)})"},
                         "pagination": True, "paginationPageSize": 20, "suppressCellFocus": True,
                         "localeText": LOCALE, **({"domLayout": "autoHeight"} if fit else {})},
        className="admin-grid", style={"width": "100%"} if fit else {"height": "560px", "width": "100%"},
    )


def beijing(moment) -> str:
    """A stored (naive UTC) time as 北京时间, the time every user of the cockpit reads."""
    from datetime import timedelta

    return "" if moment is None else f"{moment + timedelta(hours=8):%Y-%m-%d %H:%M:%S}"


def field(label: str, control) -> html.Div:
    return html.Div([html.Label(label, className="filter-label"), control], className="admin-field")
