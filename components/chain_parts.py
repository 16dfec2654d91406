"""The chain page's parts for one view (views.chains.ChainView): heading, notices and panels.

Like the overview's parts, they serve both the first render of the page and its redraw in
place (pages/chains.py), keyed by (component id, property).
"""
from __future__ import annotations

from dataclasses import dataclass

from dash import dcc, html

from data_access import chains
from urls import list_link_query
from urls.routes import export_hrefs

from . import theme
from .chain_atlas import atlas_figure
from .chain_diagram import diagram_figure
from .chain_format import MEASURE_LABELS
from .chain_gap import gap_figure
from .chain_heatmap import heatmap_figure
from .chain_tables import candidates_grid, link_summary, projects_grid
from .export_menu import export_menu
from .chain_controls import period_options, region_options
from .info import period_text
from .navigation import breadcrumb_bar, crumbs, origin_choices
from .panels import message, panel

GRAPH = "panel-graph"
MEASURE_TARGET = {m: target for m, (_, target) in chains.MEASURES.items()}
CONTROL_OUTPUTS = [
    ("ch-region", "value"), ("ch-region", "options"), ("ch-period", "value"), ("ch-period", "options"),
    ("ch-dates", "start_date"), ("ch-dates", "end_date"), ("ch-channel", "value"), ("ch-origin", "value"),
    ("ch-origin", "options"), ("ch-measure", "value"),
]
OUTPUTS = [("ch-drawn", "data"), ("ch-link-hrefs", "data"), ("ch-head", "children"), ("ch-notices", "children"),
           ("ch-panels", "children"), *CONTROL_OUTPUTS]


@dataclass(frozen=True)
class Frame:
    grant: object    # access.Grant
    urls: object     # urls.Urls
    query: dict      # the view's canonical query (urls.chain_query)
    search: str
    regions: object  # the regions the actor may see (DataFrame)
    origins: tuple[str, ...]
    plan: tuple | None  # the default plan window (the period menu's first choice)
    scale: float
    cutoff: object = None  # the data's last day (views.catalog)
    first: object = None   # the first signing on record
    can_list: bool = True  # project and candidate lists: analysts and up (access.PERMISSIONS)
    can_export: bool = False  # 导出本屏: analysts and up


def parts(view, frame: Frame) -> dict:
    state, scope, f = view.state, view.scope, view.state.filters
    rest = {k: v for k, v in frame.query.items() if k != "region"}
    link_hrefs = {
        f"{code}:{link}": frame.urls.build("chains", {**frame.query, "industry": code, "link": link})
        for code, link in zip(view.links["industry_code"], view.links["link_id"].astype(int))
    }
    head = [
        html.H1(f"{scope.name} · 产业链图谱与补链", className="page-title"),
        breadcrumb_bar(crumbs([
            (s.name, None if s.adcode == scope.adcode else
             frame.urls.build("chains", {**rest, "region": None if s.level == "province" else s.adcode}))
            for s in frame.grant.trail(scope)])),
        html.Div(_period_text(f, view.as_of, view.plan, frame), className="period", id="ch-period-text"),
        dcc.Link([html.I(className="bi bi-map me-1"), "本地区总览"], className="crumb overview-link",
                 href=frame.urls.overview(scope.adcode)),
        html.Div(export_menu(export_hrefs(frame.urls, frame.urls.build("chains", frame.query))
                             if frame.can_export else None, menu_id="ch-export"), className="page-export"),
    ]
    return {
        ("ch-drawn", "data"): frame.search,
        ("ch-link-hrefs", "data"): link_hrefs,
        ("ch-head", "children"): head,
        ("ch-notices", "children"): _notices(view),
        ("ch-panels", "children"): _panels(
            view, frame.scale, frame.can_list, link_lists(view, frame),
            (lambda code: frame.urls.build("project", code=code)) if frame.can_list else None),
        ("ch-region", "value"): scope.adcode,
        ("ch-region", "options"): region_options(frame.regions, scope),
        ("ch-period", "value"): state.period,
        ("ch-period", "options"): period_options(frame.plan),
        ("ch-dates", "start_date"): f.date_from,
        ("ch-dates", "end_date"): f.date_to,
        ("ch-channel", "value"): f.channel,
        ("ch-origin", "value"): f.origin,
        ("ch-origin", "options"): origin_choices(f.origin, list(frame.origins)),
        ("ch-measure", "value"): state.measure,
    }


def _period_text(filters, as_of, plan, frame: Frame) -> str:
    text = period_text(filters.date_from, filters.date_to, as_of, frame.cutoff or as_of, frame.first)
    return text + (f" · 目标：{plan.start.year}–{plan.end.year} 规划期" if plan else " · 无可比规划目标")


def _notices(view) -> list:
    state, scope = view.state, view.scope
    out = [message("；".join(state.problems), tone="warning")] if state.problems else []
    notes = []
    if scope.level == "county":
        notes.append("县级未分解产业链目标：环节按有无项目显示（空白 / 未设目标），右侧热力图为本市各县对比")
    if state.filters.channel or state.filters.origin:
        notes.append("已按招商方式或来源地筛选：实际值只计筛选部分，目标未按此分解，覆盖率即其对目标的贡献")
    plan = view.plan
    if plan is None:
        notes.append("统计期末不在任何规划期内，没有可比目标")
    elif (state.filters.date_from, state.filters.date_to) != (plan.start, plan.end):
        notes.append(f"目标按统计期间天数占 {plan.start.year}–{plan.end.year} 规划期的比例折算")
    if notes:
        out.append(message("；".join(notes), msg_id="ch-notes"))
    return out


def _graph(view, gid: str, figure: dict, title: str, scale: float):
    config = theme.graph_config(title, view.scope.name, view.as_of, since=view.state.filters.date_from)
    return dcc.Graph(id=gid, figure=theme.scaled(figure, scale), config=config, className=GRAPH)


def _panels(view, scale: float, can_list: bool = True, lists: dict[str, str] | None = None,
            file_href=None) -> list:
    state, scope, links, chain = view.state, view.scope, view.links, view.chain
    measure, link_id = state.measure, view.link_id
    label = MEASURE_LABELS[measure][0]
    industry_name = chain["industry_name"].iloc[0]
    rollup = chains.industry_rollup(links, measure)
    atlas_panel = panel(
        f"十大产业链图谱 · 按{label}覆盖率（点击环节看补链）",
        [_graph(view, "ch-atlas", atlas_figure(links, rollup, measure, selected_industry=view.code,
                                               selected_link=link_id), "十大产业链图谱", scale)],
        cls="area-atlas", info="coverage",
    )
    counts = chain[f"class_{measure}"].value_counts()
    summary = " · ".join(f"{c} {int(counts.get(c, 0))}" for c in chains.CLASSES if counts.get(c, 0))
    diagram_panel = panel(
        f"{industry_name}产业链（{len(chain)} 个环节：{summary}）",
        [_graph(view, "ch-diagram", diagram_figure(chain, measure, selected_link=link_id), f"{industry_name}产业链图",
                scale)],
        cls="area-diagram", info="coverage",
    )
    targeted = bool(chain[MEASURE_TARGET[measure]].map(chains.has_target).any())
    gap_body = (_graph(view, "ch-gap", gap_figure(chain, measure, selected_link=link_id), f"{industry_name}产业链缺口",
                       scale)
                if targeted or chain["projects"].sum()
                else message("本地区该产业既没有统计期内的项目，也没有分解目标，缺口无从比较", msg_id="ch-gap-empty"))
    gap_title = f"缺口：已有与目标（{label}）" if targeted else f"各环节已有项目（{label}；未分解目标）"
    gap_panel = panel(gap_title, [gap_body], cls="area-gap", info="gap")
    grid = view.grid
    level = "各县（市、区）" if scope.level != "province" else "各市（州）"
    heat_body = (_graph(view, "ch-heat", heatmap_figure(grid, measure, selected_link=link_id,
                                                        focus_region=scope.adcode if scope.level == "county" else None),
                        f"{industry_name}环节{level}分布", scale)
                 if grid["projects"].sum() else message(f"{level}在该产业统计期内都没有项目", msg_id="ch-heat-empty"))
    heat_panel = panel(f"环节 × {level}", [heat_body], cls="area-heat", info="heat")
    return [atlas_panel, diagram_panel, gap_panel, heat_panel, _fill_panel(view, scale, can_list, lists, file_href)]


def link_lists(view, frame: Frame) -> dict[str, str] | None:
    """The lists behind the selected link's figures (all, realised, pipeline), under the page's
    region, period, channel and origin (data_access/project_list.py 'link' entries)."""
    if not frame.can_list or view.link_id is None:
        return None
    f = view.state.filters
    query = {"from": f.date_from.isoformat() if f.date_from else None,
             "to": f.date_to.isoformat() if f.date_to else None, "channel": f.channel, "origin": f.origin}

    def href(entry):
        return frame.urls.build("projects", list_link_query(view.scope.adcode, query, entry, view.link_id))

    return {"ch-sum-actual": href("link"), "ch-sum-realised": href("link_started"),
            "ch-sum-pipeline": href("link_pipeline"), "ch-projects-list": href("link")}


def _fill_panel(view, scale: float, can_list: bool = True, lists: dict[str, str] | None = None, file_href=None):
    detail = view.detail
    info, chain = detail.info, view.chain
    row = chain[chain["link_id"] == view.link_id].iloc[0]
    projects, candidates = detail.projects, detail.candidates
    if not can_list:
        # A viewer sees the link's figures, not the names of projects and enterprises.
        closed = "项目与企业清单需业务人员及以上权限"
        project_body = message(closed, msg_id="ch-projects-closed")
        candidate_body = message(closed, msg_id="ch-candidates-closed")
    else:
        project_body = (projects_grid(projects, scale, file_href) if len(projects)
                        else message("该环节在本地区统计期内没有在库项目（空白）", msg_id="ch-projects-empty"))
        candidate_body = (candidates_grid(candidates, scale) if len(candidates)
                          else message("目标企业库中该环节在本地区没有线索或在谈企业，可由产业链招商补充",
                                       msg_id="ch-candidates-empty"))
    return panel(
        f"补链：{info['name']}",
        [
            link_summary(info, row, detail.stages, view.state.measure, lists),
            html.Div(
                [html.Div([html.H3(f"候选企业（按推荐分，前 {len(candidates)} 家）", className="sub-title"),
                           html.Div(candidate_body, className="grid-box")],
                          className="fill-part", id="ch-candidates-box"),
                 html.Div([html.H3([f"在库项目（{int(row['projects']):,} 个）",
                                    dcc.Link(" 全部清单 ›", href=lists["ch-projects-list"], id="ch-projects-list",
                                             className="sub-link") if lists else None], className="sub-title"),
                           html.Div(project_body, className="grid-box")], className="fill-part", id="ch-projects-box")],
                className="fill-parts",
            ),
        ],
        cls="area-fill", panel_id="ch-fill", info="candidates",
    )
