"""The chain page (/chains): the ten key industries' chains at a glance, one chain in depth, its
gaps against the plan, where in the region its links lie, and who could fill the weakest one.

The URL holds the whole state (pages/chains_state.py): a click on a link anywhere writes its
industry and id into the query string and the page is drawn again from it, so a copied link
opens the same view and the back button steps back through the clicks.
"""
from __future__ import annotations

import json
from urllib.parse import urlencode

import dash
import flask
from dash import Input, Output, State, callback, clientside_callback, dcc, html, no_update

from components import theme
from components.chain_atlas import atlas_figure
from components.chain_controls import chain_controls
from components.chain_diagram import diagram_figure
from components.chain_format import MEASURE_LABELS
from components.chain_gap import gap_figure
from components.chain_heatmap import heatmap_figure
from components.chain_tables import candidates_grid, link_summary, projects_grid
from components.navigation import breadcrumb
from components.panels import message, panel
from data_access import chains
from data_access.config import database_url
from data_access.db import get_engine
from data_access.scope import UnknownRegion, lineage, resolve_scope
from pages.chains_data import atlas_data, chain_options, link_data, region_grid
from pages.chains_state import SEARCH_KEYS, chain_search, parse_chain_query, period_dates, query_of
from pages.overview import not_found

TITLE = "产业链图谱 · 贵州省招商引资驾驶舱"
GRAPH = "panel-graph"
MEASURE_TARGET = {m: target for m, (_, target) in chains.MEASURES.items()}


def layout(region=None, industry=None, link=None, measure=None, **query):
    url = database_url()
    engine = get_engine(url)
    try:
        scope = resolve_scope(engine, region)
    except UnknownRegion as exc:
        return not_found(str(exc))
    opts = chain_options(url)
    state = parse_chain_query({**query, "industry": industry, "link": link, "measure": measure},
                              cutoff=opts["cutoff"], first=opts["first"], plan=opts["plan"], links_of=opts["links_of"])
    atlas = atlas_data(url, scope, state.filters)
    links, as_of = atlas["links"], atlas["as_of"]
    code = state.industry or opts["industry_order"][0]
    chain = links[links["industry_code"] == code]
    link_id = state.link or chains.weakest_link(chain, state.measure)
    view = {"url": url, "engine": engine, "scope": scope, "state": state, "opts": opts, "links": links,
            "chain": chain, "code": code, "link_id": link_id, "as_of": as_of, "scale": _screen_scale(),
            "plan": chains.plan_for(engine, as_of)}
    search = chain_search(scope.adcode, state.filters, industry=state.industry, link=state.link,
                          measure=state.measure, plan=opts["plan"])
    f = state.filters
    return html.Div(
        [
            html.Div(
                [html.H1(f"{scope.name} · 产业链图谱与补链", className="page-title"),
                 breadcrumb(_trail(engine, scope, search)),
                 html.Div(_period_text(f.date_from, as_of, view["plan"]), className="period", id="ch-period-text"),
                 dcc.Link([html.I(className="bi bi-map me-1"), "本地区总览"], className="crumb overview-link",
                          href=dash.get_relative_path("/" if scope.level == "province" else f"/region/{scope.adcode}"))
                 ],
                className="page-head",
            ),
            chain_controls(scope=scope, regions=opts["regions"], period=state.period, plan=opts["plan"],
                           date_from=f.date_from, date_to=f.date_to, channel=f.channel, origin=f.origin,
                           origins=opts["origins"], measure=state.measure, min_date=opts["first"],
                           max_date=opts["cutoff"]),
            *_notices(view),
            html.Div(_panels(view), className="chains-grid"),
        ],
        className="page chains",
        id="chains",
    )


dash.register_page(__name__, path="/chains", name="产业链图谱", title=TITLE, layout=layout)


def _screen_scale() -> float:
    """Text scale for the viewer's screen, reported by assets/viewport.js in a cookie."""
    return theme.screen_scale(flask.request.cookies.get("cockpit_vw")) if flask.has_request_context() else 1.0


def _trail(engine, scope, search: str) -> list[tuple[str, str | None]]:
    """Province › city › county, each a link to the same view (industry, link, filters) of that region."""
    rest = {k: v for k, v in query_of(search).items() if k != "region"}
    trail = []
    for s in lineage(engine, scope):
        params = ({} if s.level == "province" else {"region": s.adcode}) | rest
        href = dash.get_relative_path("/chains") + ("?" + urlencode(params) if params else "")
        trail.append((s.name, None if s.adcode == scope.adcode else href))
    return trail


def _period_text(start, as_of, plan) -> str:
    text = f"统计期间 {start or '最早记录'} 至 {as_of}"
    return text + (f" · 目标：{plan.start.year}–{plan.end.year} 规划期" if plan else " · 无可比规划目标")


def _notices(view: dict) -> list:
    state, scope = view["state"], view["scope"]
    out = [message("；".join(state.problems), tone="warning")] if state.problems else []
    notes = []
    if scope.level == "county":
        notes.append("县级未分解产业链目标：环节按有无项目显示（空白 / 未设目标），右侧热力图为本市各县对比")
    if state.filters.channel or state.filters.origin:
        notes.append("已按招商方式或来源地筛选：实际值只计筛选部分，目标未按此分解，覆盖率即其对目标的贡献")
    plan = view["plan"]
    if plan is None:
        notes.append("统计期末不在任何规划期内，没有可比目标")
    elif (state.filters.date_from, state.filters.date_to) != (plan.start, plan.end):
        notes.append(f"目标按统计期间天数占 {plan.start.year}–{plan.end.year} 规划期的比例折算")
    if notes:
        out.append(message("；".join(notes), msg_id="ch-notes"))
    return out


def _graph(view: dict, gid: str, figure: dict, title: str):
    config = theme.graph_config(title, view["scope"].name, view["as_of"])
    return dcc.Graph(id=gid, figure=theme.scaled(figure, view["scale"]), config=config, className=GRAPH)


def _panels(view: dict) -> list:
    state, scope, links, chain = view["state"], view["scope"], view["links"], view["chain"]
    measure, link_id = state.measure, view["link_id"]
    label = MEASURE_LABELS[measure][0]
    industry_name = chain["industry_name"].iloc[0]
    rollup = chains.industry_rollup(links, measure)
    atlas_panel = panel(
        f"十大产业链图谱 · 按{label}覆盖率（点击环节看补链）",
        [_graph(view, "ch-atlas", atlas_figure(links, rollup, measure, selected_industry=view["code"],
                                               selected_link=link_id), "十大产业链图谱")],
        cls="area-atlas",
    )
    counts = chain[f"class_{measure}"].value_counts()
    summary = " · ".join(f"{c} {int(counts.get(c, 0))}" for c in chains.CLASSES if counts.get(c, 0))
    diagram_panel = panel(
        f"{industry_name}产业链（{len(chain)} 个环节：{summary}）",
        [_graph(view, "ch-diagram", diagram_figure(chain, measure, selected_link=link_id), f"{industry_name}产业链图")],
        cls="area-diagram",
    )
    targeted = bool(chain[MEASURE_TARGET[measure]].map(chains.has_target).any())
    gap_body = (_graph(view, "ch-gap", gap_figure(chain, measure, selected_link=link_id), f"{industry_name}产业链缺口")
                if targeted or chain["projects"].sum()
                else message("本地区该产业既没有统计期内的项目，也没有分解目标，缺口无从比较", msg_id="ch-gap-empty"))
    gap_title = f"缺口：已有与目标（{label}）" if targeted else f"各环节已有项目（{label}；未分解目标）"
    gap_panel = panel(gap_title, [gap_body], cls="area-gap")
    grid = region_grid(view["url"], scope, state.filters, view["code"])
    level = "各县（市、区）" if scope.level != "province" else "各市（州）"
    heat_body = (_graph(view, "ch-heat", heatmap_figure(grid, measure, selected_link=link_id,
                                                        focus_region=scope.adcode if scope.level == "county" else None),
                        f"{industry_name}环节{level}分布")
                 if grid["projects"].sum() else message(f"{level}在该产业统计期内都没有项目", msg_id="ch-heat-empty"))
    heat_panel = panel(f"环节 × {level}", [heat_body], cls="area-heat")
    return [atlas_panel, diagram_panel, gap_panel, heat_panel, _fill_panel(view)]


def _fill_panel(view: dict):
    detail = link_data(view["url"], view["scope"], view["state"].filters, view["link_id"])
    info, chain = detail["info"], view["chain"]
    row = chain[chain["link_id"] == view["link_id"]].iloc[0]
    projects, candidates = detail["projects"], detail["candidates"]
    project_body = (projects_grid(projects, view["scale"]) if len(projects)
                    else message("该环节在本地区统计期内没有在库项目（空白）", msg_id="ch-projects-empty"))
    candidate_body = (candidates_grid(candidates, view["scale"]) if len(candidates)
                      else message("目标企业库中该环节在本地区没有线索或在谈企业，可由产业链招商补充",
                                   msg_id="ch-candidates-empty"))
    return panel(
        f"补链：{info['name']}",
        [
            link_summary(info, row, detail["stages"], view["state"].measure),
            html.Div(
                [html.Div([html.H3(f"候选企业（按推荐分，前 {len(candidates)} 家）", className="sub-title"),
                           html.Div(candidate_body, className="grid-box")],
                          className="fill-part", id="ch-candidates-box"),
                 html.Div([html.H3(f"在库项目（{int(row['projects']):,} 个）", className="sub-title"),
                           html.Div(project_body, className="grid-box")], className="fill-part", id="ch-projects-box")],
                className="fill-parts",
            ),
        ],
        cls="area-fill", panel_id="ch-fill",
    )


# ------------------------------------------------------------------ callbacks

# A click on a link in any chart selects it (and its industry): the URL changes, the page follows.
clientside_callback(
    """
    function (atlas, diagram, gap, heat, search) {
        const ORDER = %s;
        const nu = window.dash_clientside.no_update;
        const trig = window.dash_clientside.callback_context.triggered;
        if (!trig || !trig.length) { return nu; }
        const click = trig[0].value;
        if (!click || !click.points || !click.points.length) { return nu; }
        const key = click.points[0].customdata;
        if (typeof key !== "string" || key.indexOf(":") < 0) { return nu; }
        const [industry, link] = key.split(":");
        const current = new URLSearchParams(search || "");
        current.set("industry", industry);
        current.set("link", link);
        // The order of pages/chains_state.chain_search, so the server finds nothing to rewrite.
        const params = new URLSearchParams();
        for (const k of ORDER) { if (current.get(k)) { params.set(k, current.get(k)); } }
        const next = "?" + params.toString();
        return next === search ? nu : next;
    }
    """ % json.dumps(SEARCH_KEYS),
    Output("_pages_location", "search", allow_duplicate=True),
    Input("ch-atlas", "clickData"),
    Input("ch-diagram", "clickData"),
    Input("ch-gap", "clickData"),
    Input("ch-heat", "clickData"),
    State("_pages_location", "search"),
    prevent_initial_call=True,
)


@callback(
    Output("_pages_location", "search", allow_duplicate=True),
    Input("ch-region", "value"),
    Input("ch-period", "value"),
    Input("ch-dates", "start_date"),
    Input("ch-dates", "end_date"),
    Input("ch-channel", "value"),
    Input("ch-origin", "value"),
    Input("ch-measure", "value"),
    State("_pages_location", "search"),
    prevent_initial_call=True,
)
def apply_controls(region, period, start, end, channel, origin, measure, current_search):
    if not region or not period or not measure:
        return no_update
    opts = chain_options(database_url())
    if dash.ctx.triggered_id == "ch-period" and period != "custom":
        start, end = period_dates(period, opts["cutoff"], opts["first"], opts["plan"])
    current = query_of(current_search)
    query = {**current, "from": str(start)[:10] if start else None, "to": str(end)[:10] if end else None,
             "channel": channel, "origin": origin, "measure": measure}
    state = parse_chain_query(query, cutoff=opts["cutoff"], first=opts["first"], plan=opts["plan"],
                              links_of=opts["links_of"])
    search = chain_search(int(region), state.filters, industry=state.industry, link=state.link, measure=state.measure,
                          plan=opts["plan"])
    return no_update if search == (current_search or "") else search
