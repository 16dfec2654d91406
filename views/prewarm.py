"""Compute the views a wall opens first (the province and its cities, default filters) into the cache.

Once per deployment and data version: the worker that claims the key in the shared cache does
it; with an in-process cache every worker has its own cache and warms it.
"""
from __future__ import annotations

import logging
import time

from data_access.schema import state as schema_state
from data_access.scope import Filters
from urls import chain_state

from .catalog import read_catalog
from .chains import prewarm_atlas
from .overview import read_overview
from .rankings import rank_table
from .rankings import years as rank_years
from .runtime import Runtime
from .warnings import read_settings, read_warnings

log = logging.getLogger("cockpit")
LEVELS = ("province", "city")


def prewarm(rt: Runtime) -> int:
    """Returns how many regions it warmed (0 when another worker has the claim or no data)."""
    if schema_state(rt.engine) != "current":
        return 0
    catalog = read_catalog(rt)
    if catalog.first is None:  # no projects
        return 0
    if not rt.cache.add(f"prewarm/{rt.data_version()}", 1, timeout=24 * 3600):
        return 0
    started = time.perf_counter()
    start, end = catalog.this_year
    filters = Filters(date_from=start, date_to=end)
    chain_filters = chain_state({}, cutoff=catalog.cutoff, first=catalog.first, plan=catalog.plan,
                                links_of=catalog.links_of).filters
    index = rt.regions()
    codes = [int(r.adcode) for r in catalog.regions.itertuples() if r.level in LEVELS]
    for code in codes:
        read_overview(rt, index.get(code), filters)
        prewarm_atlas(rt, index.get(code), chain_filters)
    # The screens a leader opens next: 预警 (every record, the page's default) and 考核排名 (the
    # latest target year), for the province; cities' warnings are sums of the same counts.
    values = read_settings(rt)
    province = index.get(None)
    read_warnings(rt, province, Filters())
    if rank_years(rt):
        rank_table(rt, province, max(rank_years(rt)), values)
    log.info("prewarmed %d regions' default views in %.1f s", len(codes), time.perf_counter() - started)
    return len(codes)
