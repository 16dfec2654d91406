"""项目档案 (/project/<code>): one project's file, for analysts and up, inside their region.

A project outside the actor's region answers exactly like a missing one (the refusal is
recorded in the audit log, never shown as such); a viewer is told that files need an
analyst's permission.
"""
from __future__ import annotations

import dash
from dash import html

from access import Denied
from components import theme
from components.panels import refusal
from components.project_file import file_parts
from components.routing import screen_scale
from components.wall import wall_parts
from urls import ROUTES
from views.catalog import read_catalog
from views.details import NotFound, overview_of, project_file
from views.runtime import current

PAGE = "project"


def title(code=None, **_query):
    return f"项目档案 {str(code or '')[:24]} · 贵州省招商引资驾驶舱"


def layout(code=None, **_query):
    rt = current()
    try:
        found = project_file(rt, code)
    except Denied as exc:
        return refusal("无权查看项目档案", str(exc), rt.urls.build("overview"), "返回总览")
    except NotFound as exc:
        return refusal("没有这个项目", str(exc), rt.urls.build("overview"), "返回总览", page_id="project-not-found")
    counties = read_catalog(rt).regions
    counties = counties[counties["level"] == "county"][["adcode", "name"]]
    return html.Div(
        wall_parts(_query.get("wall"), read_catalog(rt).cutoff) + file_parts(found, href_of=lambda c: rt.urls.build("project", code=c),
                   overview_href=overview_of(rt, int(found.record["county_adcode"])), counties=counties,
                   geo_url=dash.get_asset_url("geo/"), topojson_url=dash.get_asset_url(theme.TOPOJSON_DIR),
                   scale=screen_scale()),
        className="page project-file", id="project-file",
    )


dash.register_page(__name__, path_template=ROUTES[PAGE][0], name="项目档案", title=title, layout=layout)
