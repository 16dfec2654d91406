"""The chain page (/chains): the ten key industries' chains at a glance, one chain in depth, its
gaps against the plan, where in the region its links lie, and who could fill the weakest one.

The URL holds the whole state (urls.chain_state). A click on a link anywhere, or a change of a
control, goes to the URL the server wrote for it; once the page is on screen it is redrawn in
place like the overview (components/routing.py), so a copied link opens the same view and the
back button steps back through the clicks.
"""
from __future__ import annotations

from dataclasses import replace

import dash
from dash import Input, Output, State, callback, clientside_callback, dcc, html, no_update
from dash.exceptions import PreventUpdate

from access import Denied
from components.chain_controls import chain_controls
from components.chain_parts import OUTPUTS, Frame, parts
from components.panels import refusal
from components.routing import is_mounted, mounted_store, router_url, screen_scale
from components.shell import NAV_LOCATION
from components.wall import wall_parts
from data_access.scope import UnknownRegion
from urls import ROUTES, chain_query, chain_state, list_link_query, period_dates, search
from views.catalog import read_catalog
from views.chains import read_chain_view
from views.runtime import current

PAGE = "chains"
TITLE = "产业链图谱 · 贵州省招商引资驾驶舱"


def _view(pathname: str, search_text: str):
    """(view, frame) of a chain URL; UnknownRegion or Denied for a region not to be shown."""
    rt = current()
    location = rt.urls.parse(pathname, search_text)
    if location.route != PAGE:
        raise UnknownRegion("不是产业链页面的地址")
    grant = rt.grant()
    scope = grant.scope(location.query.get("region"))
    catalog = read_catalog(rt)
    state = chain_state(location.query, cutoff=catalog.cutoff, first=catalog.first, plan=catalog.plan,
                        links_of=catalog.links_of)
    if location.problems:
        state = replace(state, problems=location.problems + state.problems)
    query = chain_query(scope.adcode, state.filters, industry=state.industry, link=state.link,
                        measure=state.measure, plan=catalog.plan)
    frame = Frame(grant=grant, urls=rt.urls, query=query, search=search(PAGE, query),
                  regions=grant.regions(catalog.regions), origins=catalog.origins, plan=catalog.plan,
                  scale=screen_scale(), can_list=grant.actor.may("lists"), can_export=grant.actor.may("export"))
    view = read_chain_view(rt, scope, state)
    # A county user sees their county's column only, not their neighbours' (the grid is cached
    # for the region, whoever asks).
    return replace(view, grid=grant.only_visible(view.grid, column="region")), frame


def layout(drawn_view=None, **kwargs):
    try:
        view, frame = _view(*router_url(current().urls.build(PAGE), kwargs))
    except (UnknownRegion, Denied) as exc:
        title = "无权查看该地区" if isinstance(exc, Denied) else "没有这个地区"
        return refusal(title, str(exc), current().urls.build(PAGE), "返回产业链图谱")
    if is_mounted(drawn_view, PAGE):
        return no_update  # on screen already: `redraw` updates it in place
    return page(view, frame, wall=kwargs.get("wall"))


dash.register_page(__name__, path=ROUTES[PAGE][0], name="产业链图谱", title=TITLE, layout=layout)


def page(view, frame: Frame, wall=None):
    p = parts(view, frame)
    catalog = read_catalog(current())
    f = view.state.filters
    return html.Div(
        [
            dcc.Location(id="ch-location", refresh=False),
            mounted_store(PAGE),
            dcc.Store(id="ch-drawn", data=p[("ch-drawn", "data")]),
            dcc.Store(id="ch-link-hrefs", data=p[("ch-link-hrefs", "data")]),
            *wall_parts(wall, catalog.cutoff),
            html.Div(p[("ch-head", "children")], className="page-head", id="ch-head"),
            chain_controls(scope=view.scope, regions=frame.regions, period=view.state.period, plan=catalog.plan,
                           date_from=f.date_from, date_to=f.date_to, channel=f.channel, origin=f.origin,
                           origins=list(catalog.origins), measure=view.state.measure, min_date=catalog.first,
                           max_date=catalog.cutoff),
            html.Div(p[("ch-notices", "children")], id="ch-notices"),
            html.Div(p[("ch-panels", "children")], className="chains-grid", id="ch-panels"),
        ],
        className="page chains",
        id="chains",
    )


# ------------------------------------------------------------------ callbacks

# A click on a link in any chart goes to the link the server wrote for it (industry and link set).
# The heat-map's cells are the exception: they open their projects (`heat_cell` below).
clientside_callback(
    """
    function (atlas, diagram, gap, hrefs) {
        const nu = window.dash_clientside.no_update;
        const trig = window.dash_clientside.callback_context.triggered;
        const click = trig && trig.length ? trig[0].value : null;
        const point = click && click.points && click.points[0];
        const target = point && hrefs && hrefs[String(point.customdata)];
        if (!target) { return nu; }
        return target === window.location.pathname + window.location.search ? nu : target;
    }
    """,
    Output(NAV_LOCATION, "href", allow_duplicate=True),
    Input("ch-atlas", "clickData"),
    Input("ch-diagram", "clickData"),
    Input("ch-gap", "clickData"),
    State("ch-link-hrefs", "data"),
    prevent_initial_call=True,
)


def _cell(click) -> tuple[str, int, int] | None:
    """(link key, link id, region) of a heat-map click: its customdata 'INDUSTRY:link@region'."""
    points = click.get("points") if isinstance(click, dict) else None
    data = points[0].get("customdata") if isinstance(points, list) and points and isinstance(points[0], dict) else None
    key, _, region = data.partition("@") if isinstance(data, str) and len(data) < 40 else ("", "", "")
    link = key.partition(":")[2]
    if not (link.isascii() and link.isdigit() and region.isascii() and region.isdigit() and len(region) == 6):
        return None
    return key, int(link), int(region)


@callback(
    Output(NAV_LOCATION, "href", allow_duplicate=True),
    Input("ch-heat", "clickData"),
    State("ch-drawn", "data"),
    State("ch-link-hrefs", "data"),
    prevent_initial_call=True,
)
def heat_cell(click, drawn, hrefs):
    """A heat-map cell (a region × a link) opens the list of exactly its projects, under the page's
    period, channel and origin (data_access/project_list.py 'link' entry, in the cell's region):
    its footer is the cell's number. Who may not see project names goes to the link, as before;
    a region outside the actor's grant (a forged click) goes nowhere."""
    cell = _cell(click)
    if cell is None or not isinstance(drawn, str):
        return no_update
    key, link, region = cell
    rt = current()
    grant = rt.grant()
    if not grant.actor.may("lists"):
        target = hrefs.get(key) if isinstance(hrefs, dict) else None
        return target if isinstance(target, str) else no_update
    try:
        grant.scope(region)
    except (UnknownRegion, Denied):
        return no_update
    catalog = read_catalog(rt)
    if link not in {i for ids in catalog.links_of.values() for i in ids}:
        return no_update
    state = chain_state(rt.urls.parse(rt.urls.build(PAGE), drawn).query, cutoff=catalog.cutoff, first=catalog.first,
                        plan=catalog.plan, links_of=catalog.links_of)
    f = state.filters
    query = {"from": f.date_from.isoformat() if f.date_from else None,
             "to": f.date_to.isoformat() if f.date_to else None, "channel": f.channel, "origin": f.origin}
    return rt.urls.build("projects", list_link_query(region, query, "link", link))


@callback(
    Output(NAV_LOCATION, "href", allow_duplicate=True),
    Input("ch-region", "value"),
    Input("ch-period", "value"),
    Input("ch-dates", "start_date"),
    Input("ch-dates", "end_date"),
    Input("ch-channel", "value"),
    Input("ch-origin", "value"),
    Input("ch-measure", "value"),
    State("ch-drawn", "data"),
    prevent_initial_call=True,
)
def apply_controls(region, period, start, end, channel, origin, measure, drawn):
    if not isinstance(drawn, str) or not isinstance(period, str) or not isinstance(measure, str):
        return no_update
    rt = current()
    catalog = read_catalog(rt)
    try:
        scope = rt.grant().scope(region if isinstance(region, (int, str)) else None)
    except (UnknownRegion, Denied):
        return no_update
    if dash.ctx.triggered_id == "ch-period" and period != "custom":
        start, end = period_dates(period, catalog.cutoff, catalog.first, catalog.plan)
    current_query = rt.urls.parse(rt.urls.build(PAGE), drawn).query
    query = {**current_query, "from": str(start)[:10] if start else None, "to": str(end)[:10] if end else None,
             "channel": channel, "origin": origin, "measure": measure}
    query = {k: v if isinstance(v, str) else None for k, v in query.items()}
    state = chain_state(query, cutoff=catalog.cutoff, first=catalog.first, plan=catalog.plan,
                        links_of=catalog.links_of)
    wanted = chain_query(scope.adcode, state.filters, industry=state.industry, link=state.link,
                         measure=state.measure, plan=catalog.plan)
    if search(PAGE, wanted) == drawn:
        return no_update
    return rt.urls.build(PAGE, wanted)


@callback(
    [Output(cid, prop) for cid, prop in OUTPUTS],
    Input("ch-location", "pathname"),
    Input("ch-location", "search"),
    State("ch-drawn", "data"),
    prevent_initial_call=True,
)
def redraw(pathname, search_text, drawn):
    """The new URL's chain view, sent to the page on screen."""
    if not isinstance(drawn, str) or not isinstance(pathname, str):
        raise PreventUpdate
    try:
        view, frame = _view(pathname, search_text if isinstance(search_text, str) else "")
    except (UnknownRegion, Denied):
        raise PreventUpdate from None  # another page, or a refusal: the router shows it
    if frame.search == drawn:
        raise PreventUpdate
    p = parts(view, frame)
    return [p[key] for key in OUTPUTS]
