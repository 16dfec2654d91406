"""What the chain page shows, fetched through data_access.chains and cached per region and filters.

Split by what a click changes: a new link reuses the atlas and the industry's breakdown, a new
industry reuses the atlas. Cache keys hold the database URL, the scope and the filters.
"""
from __future__ import annotations

from data_access import chains
from data_access import overview as ov
from data_access import queries as q
from data_access.db import get_engine
from data_access.scope import Filters, RegionScope
from pages.cache import cache


@cache.memoize()
def chain_options(url: str) -> dict:
    """Regions, filter choices, the data's span and the plan period; they change only with new data."""
    engine = get_engine(url)
    cutoff = q.data_cutoff(engine)
    links = chains.chain_links(engine)
    links_of = {code: set(int(i) for i in group["link_id"]) for code, group in links.groupby("industry_code")}
    return {
        "regions": q.regions(engine),
        "origins": ov.origin_options(engine),
        "first": ov.first_signing(engine),
        "cutoff": cutoff,
        "plan": chains.default_window(engine),
        "links_of": links_of,
        "industry_order": list(dict.fromkeys(links["industry_code"])),
    }


@cache.memoize()
def atlas_data(url: str, scope: RegionScope, filters: Filters) -> dict:
    engine = get_engine(url)
    return {"links": chains.link_coverage(engine, scope, filters),
            "as_of": filters.as_of(q.data_cutoff(engine))}


@cache.memoize()
def region_grid(url: str, scope: RegionScope, filters: Filters, industry: str):
    return chains.link_regions(get_engine(url), scope, filters, industry)


@cache.memoize()
def link_data(url: str, scope: RegionScope, filters: Filters, link_id: int) -> dict:
    engine = get_engine(url)
    return {
        "info": chains.link_info(engine, link_id),
        "projects": chains.link_projects(engine, scope, filters, link_id),
        "candidates": chains.link_candidates(engine, scope, filters, link_id),
        "stages": chains.lead_stages(engine, scope, filters, link_id),
    }


def prewarm(url: str, levels: tuple[str, ...] = ("province", "city")) -> int:
    """Compute the atlas of the default view (the plan period) for the given levels into the cache."""
    from data_access.scope import resolve_scope
    from pages.chains_state import parse_chain_query

    opts = chain_options(url)
    engine = get_engine(url)
    state = parse_chain_query({}, cutoff=opts["cutoff"], first=opts["first"], plan=opts["plan"],
                              links_of=opts["links_of"])
    codes = [int(r.adcode) for r in opts["regions"].itertuples() if r.level in levels]
    for code in codes:
        atlas_data(url, resolve_scope(engine, code), state.filters)
    return len(codes)
