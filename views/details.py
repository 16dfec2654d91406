"""Drill to detail: the projects behind a figure, a project's file and the header's search.

Each function starts by asking the access layer: project names are for roles with permission
'lists' (analysts and up), and a region outside the actor's grant is refused before anything is
read. Lists and files are cached like the screens, by (scope, filters, entry, data version).
A refusal is recorded through access.DENIAL_HOOKS (the audit log); viewing is not.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import pandas as pd
from sqlalchemy import select

import access
from data_access import chains
from data_access import project_file as pf
from data_access import project_list as pl
from data_access import search as finder
from data_access.models import Project
from data_access.scope import RegionScope, UnknownRegion
from urls import ListState, list_filters, list_query, list_state
from urls import search as query_string

from .catalog import read_catalog
from .runtime import Runtime

PAGE_SIZE = 100
LISTS = "lists"


class NotFound(LookupError):
    """No such project, or one outside the actor's region: the page says the same for both."""


def _refuse(grant: access.Grant, adcode: int, reason: str) -> None:
    for hook in access.DENIAL_HOOKS:
        hook(grant.actor, adcode)
    raise access.Denied(reason)


def lists_grant(rt: Runtime) -> access.Grant:
    """The grant of an actor who may see project names; Denied (and audited) for anyone else."""
    grant = rt.grant()
    if not grant.actor.may(LISTS):
        _refuse(grant, grant.root.adcode, f"{access.ROLE_NAMES.get(grant.actor.role, grant.actor.role)}"
                                          "无权查看项目清单和项目档案（需业务人员及以上权限）")
    return grant


# ------------------------------------------------------------------ lists

@dataclass(frozen=True)
class ListPlace:
    """Where a list URL points, as the actor of the request may see it."""
    scope: RegionScope
    state: ListState
    spec: pl.ListSpec
    title: str           # which figure, in words: "签约未开工 · 超6个月"; its column filters after it
    query: dict          # the list's canonical query (urls.list_query), sort, page and column filters included
    search: str
    columns: tuple[pl.ColumnFilter, ...] = ()   # the grid's column filters (urls/list_filters.py)
    figure: str = ""     # the title without the column filters (the page's heading: the grid changes them)

    @property
    def problems(self) -> tuple[str, ...]:
        return self.state.problems


def list_place(rt: Runtime, pathname: str, search_text: str) -> ListPlace:
    """Raises UnknownRegion (no such region, not a list URL) or access.Denied."""
    location = rt.urls.parse(pathname, search_text)
    if location.route != "projects":
        raise UnknownRegion("不是项目清单的地址")
    grant = lists_grant(rt)
    scope = grant.scope(location.query.get("region"))
    catalog = read_catalog(rt)
    links = {i for ids in catalog.links_of.values() for i in ids}
    state = list_state(location.query, cutoff=catalog.cutoff, first=catalog.first,
                       industries=catalog.industry_codes, links=links)
    columns, column_problems = list_filters.parse(location.query)
    if location.problems or column_problems:
        state = replace(state, problems=location.problems + state.problems + column_problems)
    query = {**list_query(scope.adcode, state.filters, catalog.this_year, entry=state.entry, key=state.key,
                          sort=state.sort, page=state.page), **list_filters.query(columns)}
    spec = pl.ListSpec(scope, state.filters, pl.Entry(state.entry, state.key))
    title = entry_title(rt, spec.entry)  # an export's title: the figure and its column filters
    if columns:
        title += f"（筛选：{list_filters.words(columns)}）"
    return ListPlace(scope=scope, state=state, spec=spec, title=title, query=query,
                     search=query_string("projects", query), columns=columns, figure=entry_title(rt, spec.entry))


def list_url(rt: Runtime, place: ListPlace, *, sort: str | None = None, page: int | None = None,
             columns: tuple[pl.ColumnFilter, ...] | None = None) -> str:
    """The same list with another sort, page or column filters (the grid writes its state back
    to the URL)."""
    query = dict(place.query)
    if sort is not None:
        query["sort"] = None if sort == "-contract" else sort
    if page is not None:
        query["page"] = None if page == 1 else page
    if columns is not None:
        query = {k: v for k, v in query.items() if k not in list_filters.QUERY_KEYS}
        query.update(list_filters.query(columns))
    return rt.urls.build("projects", query)


STALL_WORDS = {"": "签约未开工（全部待开工）", "yellow": "签约未开工 · 3–6个月", "red": "签约未开工 · 超6个月"}
ENTRY_WORDS = {"all": "签约项目", "started": "已开工(含投产)项目", "producing": "已投产项目", "in_park": "入园项目",
               "quality": "优强企业项目", "funds": "期内有到位资金的项目"}


def entry_title(rt: Runtime, entry: pl.Entry) -> str:
    kind, key = entry.kind, entry.key
    if kind in ENTRY_WORDS:
        return ENTRY_WORDS[kind]
    if kind == "stalled":
        return STALL_WORDS[key]
    if kind == "industry":
        names = {code: name for code, name, *_ in read_catalog(rt).industries}
        return f"产业 · {names.get(key, key)}"
    if kind == "source":
        return f"来源地区 · {key}"
    if kind == "month":
        return f"{key[:4]}年{int(key[4:])}月签约项目"
    if kind == "month_funds":
        return f"{key[:4]}年{int(key[4:])}月有到位资金的项目"
    name = _link_name(rt, int(key))
    return {"link": f"产业链环节 · {name}", "link_started": f"产业链环节 · {name} · 已开工(含投产)",
            "link_pipeline": f"产业链环节 · {name} · 签约未开工"}[kind]


def _link_name(rt: Runtime, link_id: int) -> str:
    def read() -> dict[int, str]:
        links = chains.chain_links(rt.engine)
        return dict(zip(links["link_id"].astype(int), links["name"]))

    return rt.memo("link-names", read).get(link_id, str(link_id))


def list_totals(rt: Runtime, spec: pl.ListSpec, filters: tuple[pl.ColumnFilter, ...] = ()) -> pl.ListTotals:
    return rt.cached("list-totals", (spec, filters), lambda: pl.totals(rt.engine, spec, filters))


def list_page(rt: Runtime, spec: pl.ListSpec, *, sort: pl.Sort, filters: tuple[pl.ColumnFilter, ...] = (),
              offset: int = 0, limit: int = PAGE_SIZE) -> pd.DataFrame:
    return rt.cached("list-page", (spec, sort, filters, offset, limit),
                     lambda: pl.page(rt.engine, spec, sort=sort, filters=filters, offset=offset, limit=limit))


def list_count(rt: Runtime, place: ListPlace) -> int:
    """How many rows a list state holds under its column filters; not cached (an export states it)."""
    return pl.totals(rt.engine, place.spec, place.columns).projects


def list_rows(rt: Runtime, place: ListPlace) -> Iterator[dict]:
    """Every row of a list state, in its order and under its column filters, read a batch at a
    time (the Excel export's); not cached."""
    sort = pl.Sort(place.state.sort_column, place.state.descending)
    return pl.stream(rt.engine, place.spec, sort=sort, filters=place.columns)


# ------------------------------------------------------------------ a project's file

def project_file(rt: Runtime, code: str) -> pf.ProjectFile:
    """The file of a project inside the actor's region; NotFound for a missing one and for one
    outside the region alike (the refusal of the latter is audited, never shown as such)."""
    grant = lists_grant(rt)
    text = str(code or "")[:24]
    found = rt.cached("project-file", (grant.root, text), lambda: pf.read_project(rt.engine, text, grant.root))
    if found is None:
        with rt.engine.connect() as conn:
            county = conn.scalar(select(Project.county_adcode).where(Project.code == text))
        if county is not None:
            for hook in access.DENIAL_HOOKS:
                hook(grant.actor, int(county))
        raise NotFound(f"没有编号为“{text}”的项目，或该项目不在本账号的查看范围（{grant.root.name}）内")
    return found


def overview_of(rt: Runtime, adcode: int) -> str:
    """Where a project's county is shown, if the actor may see it."""
    return rt.urls.overview(adcode if rt.grant().allows(adcode) else None)


# ------------------------------------------------------------------ the header's search

def search(rt: Runtime, text: str) -> list[finder.Hit]:
    grant = lists_grant(rt)
    words = str(text or "").strip()[:finder.MAX_CHARS]
    return rt.cached("search", (grant.root, words), lambda: finder.search(rt.engine, grant.root, words))

