"""The chain page's data: the atlas of the ten chains, one chain in depth, its links across the
region's cities or counties, and one link's projects and candidates.

Cached in parts by what a click changes: a new link reuses the atlas and the industry's grid,
a new industry reuses the atlas.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from data_access import chains
from data_access.scope import Filters, RegionScope
from urls import ChainState

from .catalog import read_catalog
from .runtime import Runtime


@dataclass(frozen=True, eq=False)
class LinkDetail:
    info: dict
    projects: pd.DataFrame
    candidates: pd.DataFrame
    stages: dict[str, int]


@dataclass(frozen=True, eq=False)
class ChainView:
    scope: RegionScope
    state: ChainState
    as_of: date
    plan: chains.Plan | None
    links: pd.DataFrame   # every key industry's links with coverage, gap and class
    code: str             # the industry in depth
    chain: pd.DataFrame   # its links
    link_id: int          # the link in focus (the URL's, else the weakest)
    grid: pd.DataFrame    # link × region of the industry
    detail: LinkDetail


def read_chain_view(rt: Runtime, scope: RegionScope, state: ChainState) -> ChainView:
    catalog = read_catalog(rt)
    links, as_of = _atlas(rt, scope, state.filters)
    code = state.industry or catalog.industry_order[0]
    chain = links[links["industry_code"] == code]
    link_id = state.link or chains.weakest_link(chain, state.measure)
    return ChainView(
        scope=scope, state=state, as_of=as_of,
        plan=rt.cached("chain-plan", (as_of,), lambda: chains.plan_for(rt.engine, as_of)),
        links=links, code=code, chain=chain, link_id=link_id,
        grid=rt.cached("chain-grid", (scope, state.filters, code),
                       lambda: chains.link_regions(rt.engine, scope, state.filters, code)),
        detail=rt.cached("chain-link", (scope, state.filters, link_id),
                         lambda: _detail(rt, scope, state.filters, link_id)),
    )


def _atlas(rt: Runtime, scope: RegionScope, filters: Filters) -> tuple[pd.DataFrame, date]:
    return rt.cached("chain-atlas", (scope, filters), lambda: (
        chains.link_coverage(rt.engine, scope, filters), filters.as_of(read_catalog(rt).cutoff)))


def _detail(rt: Runtime, scope: RegionScope, filters: Filters, link_id: int) -> LinkDetail:
    engine = rt.engine
    return LinkDetail(
        info=chains.link_info(engine, link_id),
        projects=chains.link_projects(engine, scope, filters, link_id),
        candidates=chains.link_candidates(engine, scope, filters, link_id),
        stages=chains.lead_stages(engine, scope, filters, link_id),
    )


def prewarm_atlas(rt: Runtime, scope: RegionScope, filters: Filters) -> None:
    _atlas(rt, scope, filters)
