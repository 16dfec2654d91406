"""Chain-link targets of the 2021–2025 plan (十四五) for the province and each city (chain_link_target).

The province's targets are the plan's own (chain_links.csv, loaded into chain_link). A city gets
its expected share of the industry: its weight in the industry (city_profiles.csv) times its share
of the province's projects, for the project target, or of its contract value (share of projects ×
mean contract, city_weights.csv), for the money target, normalised over the nine cities. Rounded
to whole projects and 0.1 亿, the cities sum to about the province; a share that rounds to zero is
a zero target (the plan asks nothing of that city there). Links without a province target (the
state monopolies, 烟叶种植) get no rows. No random draws: the targets follow from the reference data.
"""
from __future__ import annotations

from datetime import date

from .context import Context
from .money import YI

PLAN_START = date(2021, 1, 1)
PLAN_END = date(2025, 12, 31)
CONTRACT_STEP = YI // 10


def _shares(ctx: Context, industry: str, by_value: bool) -> dict[int, float]:
    weights = {
        c: ctx.city_profile[c].get(industry, 0.0) * ctx.city_share_projects[c]
        * (ctx.city_mean_contract_yi[c] if by_value else 1.0)
        for c in ctx.cities
    }
    total = sum(weights.values())
    return {c: w / total for c, w in weights.items()} if total else {c: 0.0 for c in ctx.cities}


def build(ctx: Context) -> list[dict]:
    rows = []
    for lid in sorted(ctx.links):
        link = ctx.links[lid]
        if link.target_contract_yuan is None and link.target_projects is None:
            continue
        period = {"chain_link_id": lid, "period_start": PLAN_START, "period_end": PLAN_END}
        rows.append({**period, "region_adcode": ctx.province, "target_contract_yuan": link.target_contract_yuan,
                     "target_projects": link.target_projects})
        by_count, by_value = _shares(ctx, link.industry, False), _shares(ctx, link.industry, True)
        for city in ctx.cities:
            contract = projects = None
            if link.target_contract_yuan is not None:
                contract = int(round(link.target_contract_yuan * by_value[city] / CONTRACT_STEP)) * CONTRACT_STEP
            if link.target_projects is not None:
                projects = int(round(link.target_projects * by_count[city]))
            rows.append({**period, "region_adcode": city, "target_contract_yuan": contract,
                         "target_projects": projects})
    return rows
