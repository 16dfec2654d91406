"""项目清单 (/projects): the projects behind a figure of the overview or the chain page.

The URL names the figure (region, entry, key, filters) and the list's sort and page, so a list
can be linked, put in a playlist and exported. The grid asks the server for each page; every
request is checked against the session again (a viewer, or a county user asking for another
region, gets a refusal and no row), and the grid's sort and page are written back into the URL
the server builds (history.replaceState: the page is not redrawn).

Also here: the header's search box callback (components/shell.py draws the box).
"""
from __future__ import annotations

import dash
from dash import Input, Output, State, callback, clientside_callback, dcc, html, no_update

from access import Denied
from components.export_menu import export_menu
from components.info import period_text
from components.panels import message, refusal
from components.project_list import footer, grid_rows, list_grid, list_head
from components.routing import router_url, screen_scale
from components.search_results import SEARCH_INPUT, SEARCH_RESULTS, search_results
from components.wall import wall_parts
from data_access.project_list import SORTABLE, BadEntry, Sort
from data_access.scope import UnknownRegion
from urls import ROUTES, filter_query, list_filters
from urls.routes import list_export_hrefs
from views.catalog import read_catalog
from views.details import PAGE_SIZE, list_page, list_place, list_totals, list_url, search
from views.runtime import current

PAGE = "projects"
TITLE = "项目清单 · 贵州省招商引资驾驶舱"
MAX_BLOCK = 500  # rows per request at most: the grid asks for one page


def layout(**kwargs):
    rt = current()
    try:
        place = list_place(rt, *router_url(rt.urls.build(PAGE), kwargs))
    except Denied as exc:
        return refusal("无权查看项目清单", str(exc), rt.urls.build("overview"), "返回总览")
    except UnknownRegion as exc:
        return refusal("没有这个地区", str(exc), rt.urls.build("overview"), "返回总览", page_id="region-not-found")
    return page(place, wall=kwargs.get("wall"))


dash.register_page(__name__, path=ROUTES[PAGE][0], name="项目清单", title=TITLE, layout=layout)


def page(place, wall=None):
    rt = current()
    catalog = read_catalog(rt)
    f = place.state.filters
    entry = place.spec.entry
    as_of = f.as_of(catalog.cutoff)
    words = [w for w in (f"招商方式“{f.channel}”" if f.channel else "", f"来源地“{f.origin}”" if f.origin else "",
                         f"产业“{f.industry}”" if f.industry and not entry.kind.startswith("link") else "") if w]
    period = period_text(f.date_from, f.date_to, as_of, catalog.cutoff, catalog.first)
    if words:
        period += " · 筛选：" + "、".join(words)
    notes = [message("；".join(place.problems), tone="warning", msg_id="pl-problems")] if place.problems else []
    if entry.kind.startswith("link"):
        back = rt.urls.build("chains", {"region": place.query["region"], "link": entry.key,
                                         "from": f.date_from.isoformat() if f.date_from else None,
                                         "to": f.date_to.isoformat() if f.date_to else None,
                                         "channel": f.channel, "origin": f.origin})
        back_label = "返回产业链图谱"
    else:
        back = rt.urls.overview(place.scope.adcode, filter_query(f, catalog.this_year))
        back_label = "返回本地区总览"
    totals = list_totals(rt, place.spec)
    shown = list_totals(rt, place.spec, place.columns) if place.columns else None
    return html.Div(
        [
            dcc.Store(id="pl-drawn", data=place.search),
            dcc.Store(id="pl-url"),
            dcc.Store(id="pl-url-applied"),
            # Whether the grid has been sent to the URL's page (it starts on the first).
            dcc.Store(id="pl-paged", data=place.state.page == 1),
            *wall_parts(wall, catalog.cutoff),
            html.Div([*list_head(f"{place.scope.name} · {place.figure}", period, back, back_label, notes),
                      html.Div(export_menu(list_export_hrefs(rt.urls, rt.urls.build(PAGE, place.query))
                                           if rt.grant().actor.may("export") else None, menu_id="pl-export"),
                               className="page-export")],
                     className="page-head", id="pl-head"),
            html.Div(id="pl-message"),
            html.Div(list_grid("pl-grid", entry_kind=entry.kind, sort=place.state.sort, page=place.state.page,
                               page_size=PAGE_SIZE, scale=screen_scale(),
                               filter_model=list_filters.grid_model(place.columns)),
                     className="grid-box project-grid-box"),
            html.Div(footer(totals, entry.kind, shown, list_filters.words(place.columns)), className="list-footer",
                     id="pl-footer"),
            html.Div("点击项目名称查看项目档案；列标题排序，漏斗图标筛选（在服务器上完成，合计随筛选更新）",
                     className="hint"),
        ],
        className="page projects", id="projects",
    )


# ------------------------------------------------------------------ callbacks

def _sort(model) -> Sort | None:
    if not model:
        return Sort()
    if not isinstance(model, list) or not isinstance(model[0], dict):
        return None
    col, way = model[0].get("colId"), model[0].get("sort")
    if col not in SORTABLE or way not in ("asc", "desc"):
        return None
    return Sort(col, way == "desc")


EMPTY = {"rowData": [], "rowCount": 0}


@callback(
    Output("pl-grid", "getRowsResponse"),
    Output("pl-footer", "children"),
    Output("pl-url", "data"),
    Output("pl-message", "children"),
    Output("pl-grid", "paginationGoTo"),
    Output("pl-paged", "data"),
    Input("pl-grid", "getRowsRequest"),
    State("pl-drawn", "data"),
    State("pl-paged", "data"),
    prevent_initial_call=True,
)
def rows(request, drawn, paged):
    """One page of the list, from the server, for the actor of the request only.

    The first answer of a URL with a page beyond the first also sends the grid to that page
    (it knows how many pages there are only from this answer)."""
    if not isinstance(request, dict) or not isinstance(drawn, str):
        return (no_update,) * 6
    *answer, url, message_ = _rows(request, drawn)
    place_page = _page_of(drawn)
    if paged is False and place_page > 1 and request.get("startRow") == 0 and answer[0] is not EMPTY:
        return answer[0], answer[1], no_update, message_, place_page - 1, True
    return answer[0], answer[1], url, message_, no_update, no_update if paged else True


def _page_of(drawn: str) -> int:
    text = current().urls.parse(current().urls.build(PAGE), drawn).query.get("page", "1")
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) <= 100_000 else 1


def _rows(request: dict, drawn: str):
    rt = current()
    try:
        place = list_place(rt, rt.urls.build(PAGE), drawn)
    except (Denied, UnknownRegion) as exc:
        return EMPTY, [], no_update, message(str(exc), tone="warning", msg_id="pl-refused")
    start, end = request.get("startRow"), request.get("endRow")
    sort = _sort(request.get("sortModel"))
    if (not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or start < 0
            or not 0 < end - start <= MAX_BLOCK or sort is None):
        return EMPTY, no_update, no_update, message("清单请求无效，已忽略", tone="warning", msg_id="pl-bad-request")
    try:
        filters = list_filters.from_grid(request.get("filterModel"))
    except list_filters.BadFilter as exc:
        return EMPTY, no_update, no_update, message(f"筛选条件无效：{exc}", tone="warning", msg_id="pl-bad-request")
    try:
        frame = list_page(rt, place.spec, sort=sort, filters=filters, offset=start, limit=end - start)
        total = list_totals(rt, place.spec)
        shown = list_totals(rt, place.spec, filters) if filters else total
    except BadEntry as exc:
        return EMPTY, no_update, no_update, message(str(exc), tone="warning", msg_id="pl-bad-request")
    href = lambda code: rt.urls.build("project", code=code)  # noqa: E731
    sort_text = ("-" if sort.descending else "") + sort.column
    url = list_url(rt, place, sort=sort_text, page=start // PAGE_SIZE + 1, columns=filters)
    return ({"rowData": grid_rows(frame, href), "rowCount": shown.projects},
            footer(total, place.spec.entry.kind, shown if filters else None, list_filters.words(filters)), url, None)


# The grid's sort and page, written back into the address bar as the server wrote the URL.
clientside_callback(
    """
    function (url) {
        if (url && url !== window.location.pathname + window.location.search) {
            window.history.replaceState(window.history.state, '', url);
        }
        return url || null;
    }
    """,
    Output("pl-url-applied", "data"),
    Input("pl-url", "data"),
    prevent_initial_call=True,
)


@callback(
    Output(SEARCH_RESULTS, "children"),
    Input(SEARCH_INPUT, "value"),
    prevent_initial_call=True,
)
def find(text):
    """The header's search: projects and enterprises within the actor's region."""
    if not isinstance(text, str) or not text.strip():
        return []
    rt = current()
    try:
        hits = search(rt, text)
    except Denied as exc:
        return message(str(exc), tone="warning", msg_id="search-refused")
    return search_results(hits, lambda code: rt.urls.build("project", code=code), text.strip()[:40])
