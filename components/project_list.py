"""The project list (/projects): a server-side paged dash-ag-grid, its heading and its footer total.

The grid uses AG Grid's infinite row model with pagination: it asks the server for each page
(sort and column filters included) and never holds more than a page, so a list of a million
rows opens as fast as one of a hundred. Each row's name links to the project's file; the link
is written by the server (the row's `href`); assets/project_link.js only draws and follows it.
"""
from __future__ import annotations

import dash_ag_grid as dag
import pandas as pd
from dash import dcc, html

from data_access.project_list import SET_COLUMNS

from .chain_tables import DATE_WIDTH, YI_FORMAT, _grid_theme
from .units import fmt_int, fmt_yi, yi_value

# The options the server reads (urls/list_filters.py): text contains; one of a few values (a
# community grid has no set filter: "equals", up to five joined by 或); ranges with their bounds
# included, money compared as shown.
TEXT_FILTER = {"filter": "agTextColumnFilter",
               "filterParams": {"filterOptions": ["contains"], "maxNumConditions": 1, "buttons": ["reset"],
                                "debounceMs": 400}}
SET_FILTER = {"filter": "agTextColumnFilter",
              "filterParams": {"filterOptions": ["equals"], "maxNumConditions": 5, "numAlwaysVisibleConditions": 1,
                               "defaultJoinOperator": "OR", "buttons": ["reset"], "debounceMs": 600}}
NUMBER_FILTER = {"filter": "agNumberColumnFilter",
                 "filterParams": {"filterOptions": ["greaterThanOrEqual", "lessThanOrEqual", "inRange", "equals"],
                                  "inRangeInclusive": True, "maxNumConditions": 1, "buttons": ["reset"],
                                  "debounceMs": 400}}
DATE_FILTER = {"filter": "agDateColumnFilter",
               "filterParams": {"filterOptions": ["greaterThan", "lessThan", "inRange", "equals"],
                                "inRangeInclusive": True, "maxNumConditions": 1, "buttons": ["reset", "apply"],
                                "minValidYear": 2000, "maxValidYear": 2099}}
# AG Grid's own words, in Chinese (its menus would otherwise say "Contains", "Page 1 of 30"...).
LOCALE = {
    "contains": "包含", "equals": "等于", "greaterThan": "晚于", "lessThan": "早于", "inRange": "介于",
    "greaterThanOrEqual": "不小于", "lessThanOrEqual": "不大于", "applyFilter": "应用", "dateFormatOoo": "年-月-日",
    "filterOoo": "筛选…", "inRangeStart": "从", "inRangeEnd": "到", "resetFilter": "重置", "page": "第",
    "of": "/", "to": "–", "more": "更多", "firstPage": "首页", "previousPage": "上一页", "nextPage": "下一页",
    "lastPage": "末页", "pageSizeSelectorLabel": "每页", "loadingOoo": "加载中…", "noRowsToShow": "没有符合条件的项目",
    "andCondition": "且", "orCondition": "或", "blanks": "空白",
}


def funds_label(entry_kind: str) -> str:
    """The funds column's meaning: the period's money for a 到位资金 entry, else money to date."""
    return "期内到位资金(亿元)" if entry_kind in ("funds", "month_funds") else "累计到位资金(亿元)"


def columns(entry_kind: str, scale: float) -> list[dict]:
    date_width = round(DATE_WIDTH * scale)

    # Widths in proportion (px at 1920 wide); the grid fits them to its width (columnSize).
    def text(col, name, flex, **kw):
        return {"field": col, "colId": col, "headerName": name, "width": round(100 * flex * scale),
                "tooltipField": col, **(SET_FILTER if col in SET_COLUMNS else TEXT_FILTER), **kw}

    def money(col, name):
        return {"field": col, "colId": col, "headerName": name, "type": "rightAligned", "width": round(150 * scale),
                "valueFormatter": YI_FORMAT, **NUMBER_FILTER}

    def day(col, name):
        return {"field": col, "colId": col, "headerName": name, "width": max(round(100 * scale), date_width),
                **DATE_FILTER}

    return [
        text("name", "项目名称", 2.6, cellRenderer="ProjectLink"),  # assets/project_link.js
        text("investor", "投资方", 2.2),
        text("county", "县(市、区)", 1.1),
        text("park", "园区", 1.5),
        text("industry", "行业", 0.9),
        text("link", "产业链环节", 1.4),
        text("channel", "招商方式", 1.1),
        text("status", "项目状态", 1.0),
        money("contract", "合同投资额(亿元)"),
        money("funds", funds_label(entry_kind)),
        day("signed_on", "签约日期"),
        day("started_on", "开工日期"),
        day("production_on", "投产日期"),
        text("unit", "责任单位", 1.6),
    ]


def grid_rows(frame: pd.DataFrame, href_of) -> list[dict]:
    """The grid's rows: money as 亿元 rounded by the one rule, dates as ISO text, the name a link."""
    out = []
    for r in frame.itertuples(index=False):
        out.append({
            "code": r.code, "name": r.name, "href": href_of(r.code),
            "investor": r.investor, "county": r.county, "park": r.park, "industry": r.industry, "link": r.link,
            "channel": r.channel, "status": r.status, "contract": yi_value(r.contract_yuan),
            "funds": yi_value(r.funds_yuan), "signed_on": _iso(r.signed_on), "started_on": _iso(r.started_on),
            "production_on": _iso(r.production_on), "unit": r.unit,
        })
    return out


def _iso(value) -> str | None:
    return None if value is None or pd.isna(value) else str(value)[:10]


def list_grid(grid_id: str, *, entry_kind: str, sort: str, page: int, page_size: int, scale: float,
              filter_model: dict | None = None):
    """The grid; `sort`, `page` (1-based) and the column filters' model are the URL's, applied
    before the first request."""
    column, descending = sort.lstrip("-"), sort.startswith("-")
    options = {
        "theme": _grid_theme(scale), "rowModelType": "infinite", "pagination": True,
        "paginationPageSize": page_size, "cacheBlockSize": page_size, "maxBlocksInCache": 4,
        "paginationPageSizeSelector": False, "suppressCellFocus": True, "animateRows": False,
        "localeText": LOCALE, "tooltipShowDelay": 300,
        "initialState": {"sort": {"sortModel": [{"colId": column, "sort": "desc" if descending else "asc"}]},
                         "pagination": {"page": page - 1, "pageSize": page_size},
                         **({"filter": {"filterModel": filter_model}} if filter_model else {})},
    }
    return dag.AgGrid(
        id=grid_id, columnDefs=columns(entry_kind, scale), rowModelType="infinite", columnSize="responsiveSizeToFit",
        defaultColDef={"sortable": True, "resizable": True, "suppressMovable": True,
                       "sortingOrder": ["desc", "asc"], "suppressHeaderMenuButton": True},
        dashGridOptions=options, className="project-grid",
        # The URL's page: AG Grid's initial state does not page an infinite model by itself.
        **({"paginationGoTo": page - 1} if page > 1 else {}), style={"height": "100%", "width": "100%"},
    )


def footer(totals, entry_kind: str, filtered=None, filter_words: str = "") -> list:
    """The list's total: count and sums, equal to the figure that was clicked; with column filters,
    what they leave (`filter_words` says which)."""
    parts = [html.Span(["共 ", html.B(fmt_int(totals.projects), id="pl-total-count"), " 个项目"]),
             html.Span(["合同投资额 ", html.B(fmt_yi(totals.contract_yuan), id="pl-total-contract"), " 亿元"]),
             html.Span([funds_label(entry_kind).replace("(亿元)", " "), html.B(fmt_yi(totals.funds_yuan),
                                                                             id="pl-total-funds"), " 亿元"])]
    if filtered is not None:
        parts.append(html.Span(["列筛选后 ", html.B(fmt_int(filtered.projects), id="pl-filtered-count"), " 个 · ",
                                html.B(fmt_yi(filtered.contract_yuan), id="pl-filtered-contract"), " 亿元",
                                f"（{filter_words}）" if filter_words else ""], className="muted", id="pl-filtered"))
    return parts


def list_head(title: str, period: str, back_href: str, back_label: str, notes: list) -> list:
    return [
        html.H1(title, className="page-title", id="pl-title"),
        html.Div(period, className="period", id="pl-period"),
        dcc.Link([html.I(className="bi bi-arrow-left me-1"), back_label], href=back_href,
                 className="crumb overview-link", id="pl-back"),
        *notes,
    ]
