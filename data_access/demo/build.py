"""The demo data set, generated in one pass from the reference data and a fixed seed.

Each part draws from its own random stream (seeded from SEED and the part's name), so the data is
the same on every run and on every backend, and changing one part leaves the others' draws alone.
"""
from __future__ import annotations

import zlib
from collections import Counter
from datetime import date

import numpy as np
from sqlalchemy import Connection

from . import activity, funding, leads, link_targets, progress, published, targets
from . import dates as D
from .context import Context, load_context
from .enterprises import Registry
from .money import WAN, WAN_PER_YI, rescale
from .names import (
    BATTERY_LINKS, EMERGING_BATTERY, OTHER_PRODUCTS, SERVICE_LINKS, product_phrase, project_name,
)
from .projects import CONTRACT_2019_YUAN, PROJECTS_PER_YEAR, SURPLUS_2019, Sampler, general_projects

SEED = 20191120
GENERATOR_VERSION = "1.2"  # 1.1: 2019 and the events counted under the lifecycle rule; 1.2: update dates

GROUP_ORDER = {"named": 0, "sz": 1, "sz_term": 2, "cloud": 3, "cloud_term": 4, "general": 5}


def stream(name: str) -> np.random.Generator:
    return np.random.default_rng([SEED, zlib.crc32(name.encode("utf-8"))])


def _calibrate_2019(projects: list[dict], rng: np.random.Generator) -> list[dict]:
    """2019 as published (domain.md §5): 5210 projects, 7523 亿, counted as the cockpit counts them:
    signed in 2019 and not terminated by 2019-12-31 (data_access/lifecycle.py).

    Which projects are given up in the year is only known once the lifecycle is drawn, so 2019 is
    drawn with a surplus (projects.SURPLUS_2019); the surplus of those still active at the year's
    end is dropped at random among the general projects, and those general projects absorb the
    rest of the contract total. Their construction times were drawn from the sizes before this
    rescale (a change of well under 1 %, immaterial to a duration).
    """
    year_end = date(2019, 12, 31)

    def active(p: dict) -> bool:
        return p["signed"].year == 2019 and (p["terminated_on"] is None or p["terminated_on"] > year_end)

    free = [i for i, p in enumerate(projects) if active(p) and p["group"] == "general" and not p.get("fixed_size")]
    excess = sum(active(p) for p in projects) - PROJECTS_PER_YEAR[2019]
    if excess < 0 or excess > len(free):
        raise RuntimeError(f"2019 drawn with too small a surplus: {excess} active projects too many")
    dropped = {free[k] for k in rng.choice(len(free), size=excess, replace=False)}
    kept = [p for i, p in enumerate(projects) if i not in dropped]
    in_2019 = [p for p in kept if active(p)]
    fixed = sum(p["size_wan"] for p in in_2019 if p["group"] != "general" or p.get("fixed_size"))
    free_kept = [p for p in in_2019 if p["group"] == "general" and not p.get("fixed_size")]
    sizes = rescale([p["size_wan"] for p in free_kept], CONTRACT_2019_YUAN // WAN - fixed, minimum=500)
    for p, v in zip(free_kept, sizes):
        p["size_wan"] = v
    return kept


def _chain_action(ctx: Context, link_id: int | None, u: float) -> str | None:
    if link_id is None:
        return None
    link = ctx.links[link_id]
    if link.is_weak:
        return "补链" if u < 0.85 else "建链"
    if link.stage == "down":
        return "延链" if u < 0.7 else ("强链" if u < 0.95 else "建链")
    return "强链" if u < 0.88 else ("延链" if u < 0.94 else "建链")


def _finish(ctx: Context, projects: list[dict], registry: Registry, rng: np.random.Generator) -> list[dict]:
    """Names, codes, output, unit and status of every project; returns the project table's rows."""
    U = rng.random((len(projects), 12))
    seq: Counter = Counter()
    rows = []
    for p, u in zip(projects, U):
        year = p["signed"].year
        seq[year] += 1
        link = ctx.links[p["link"]] if p["link"] else None
        if "name" in p:
            name, industrial = p["name"], p["is_industrial"]
        else:
            root = registry.roots[p["enterprise_id"]]
            if link is None:
                industrial = bool(u[0] < 0.2)
                pool = [ph for ph, ind in OTHER_PRODUCTS if ind == industrial]
                phrase = pool[min(int(u[1] * len(pool)), len(pool) - 1)]
            else:
                phrase, _ = product_phrase(link.name, float(u[1]), float(u[2]))
                industrial = p["industry"] != "OTHER" and link.name not in SERVICE_LINKS
            name = project_name(root, phrase, industrial, float(u[3]), p["industry"])
        contract_yi = p["size_wan"] / WAN_PER_YI
        life = p.get("fixed_life", {})
        if "expected_output_yuan" in life:
            output, jobs, tax = life["expected_output_yuan"], life["expected_jobs"], life["expected_tax_yuan"]
        elif u[4] < 0.08:
            output = jobs = tax = None
        elif industrial:
            output = int(round(p["size_wan"] * (0.8 + 1.4 * u[5]))) * WAN
            tax = int(round(output / WAN * (0.03 + 0.04 * u[6]))) * WAN
            per_yi = (25 + 95 * u[7]) * (0.3 if p["industry"] in ("ENERGY", "POWER") else 1.0)
            jobs = max(8, int(round(contract_yi * per_yi)))
        else:
            output = int(round(p["size_wan"] * (0.15 + 0.45 * u[5]))) * WAN
            tax = int(round(output / WAN * (0.05 + 0.05 * u[6]))) * WAN
            jobs = max(5, int(round(contract_yi * (15 + 65 * u[7]))))
        county = ctx.counties[p["county"]]
        if p["park"] is not None and u[8] < 0.55:
            unit = f"{ctx.parks[p['park']]['name']}管委会"
        else:
            unit = f"{county.name}投资促进局"
        rows.append({
            "id": p["id"],
            "code": f"ZS{year}{p['county']}{seq[year]:05d}",
            "name": name,
            "enterprise_id": p["enterprise_id"],
            "industry_code": p["industry"],
            "chain_link_id": p["link"],
            "chain_action": _chain_action(ctx, p["link"], float(u[9])),
            "emerging_label": EMERGING_BATTERY if link is not None and link.name in BATTERY_LINKS else None,
            "county_adcode": p["county"],
            "city_adcode": p["city"],
            "park_id": p["park"],
            "channel": p["channel"],
            "contract_yuan": p["size_wan"] * WAN,
            "signed_on": p["signed"],
            "planned_start_on": p["planned_start_on"],
            "started_on": p["started_on"],
            "planned_production_on": p["planned_production_on"],
            "production_on": p["production_on"],
            "terminated_on": p["terminated_on"],
            "status": progress.status(p),
            "is_industrial": bool(industrial),
            "expected_output_yuan": output,
            "expected_jobs": jobs,
            "expected_tax_yuan": tax,
            "responsible_unit": unit,
        })
    return rows


def generate(conn: Connection) -> dict[str, list[dict]]:
    """All demo rows, by table name, for a database whose reference tables are loaded."""
    ctx = load_context(conn)
    sampler = Sampler(ctx, stream("sampler"))
    special = (
        published.named_projects(ctx, sampler, stream("named"))
        + published.shenzhen_team(ctx, sampler, stream("shenzhen"))
        + published.cloud_2020(ctx, sampler, stream("cloud"))
    )
    per_year = Counter(p["signed"].year for p in special)
    projects = special + general_projects(ctx, sampler, stream("general"), per_year, surplus={2019: SURPLUS_2019})
    progress.assign(projects, stream("lifecycle"))
    projects = _calibrate_2019(projects, stream("calibrate-2019"))

    order = sorted(range(len(projects)), key=lambda i: (projects[i]["signed"], GROUP_ORDER[projects[i]["group"]], i))
    projects = [projects[i] for i in order]
    registry = Registry(stream("enterprises"))
    for p in projects:
        if "enterprise" in p:
            registry.namer.taken.add(p["enterprise"]["name"])
    for pid, p in enumerate(projects, start=1):
        p["id"] = pid
        p["enterprise_id"] = registry.investor_for(p)
    project_rows = _finish(ctx, projects, registry, stream("details"))
    progress.update_dates(project_rows, stream("updates"))

    funds = funding.tranches(projects, stream("funding"))
    funding.calibrate_shenzhen(projects, funds)
    funding_rows = funding.rows(projects, funds)

    act = activity.Activity(ctx, sampler, registry, projects, stream("activity"))
    act.add_prospects()
    act.build(projects)
    visit_rows, inspection_rows = act.rows()
    registry.finish_tags()

    _record_investors(project_rows, registry.rows)
    _place_funding(funding_rows, project_rows)
    target_rows = targets.build(ctx, projects, funding_rows, stream("targets"))
    lead_rows = leads.build(ctx, registry, projects, visit_rows, inspection_rows, stream("leads"))
    info = [
        {"key": "data_cutoff", "value": D.CUTOFF.isoformat()},
        {"key": "source", "value": "demo"},
        {"key": "demo_seed", "value": str(SEED)},
        {"key": "generator_version", "value": GENERATOR_VERSION},
    ]
    return {
        "enterprise": registry.rows,
        "project": project_rows,
        "funding": funding_rows,
        "visit": visit_rows,
        "inspection": inspection_rows,
        "annual_target": target_rows,
        "chain_link_target": link_targets.build(ctx),
        "lead": lead_rows,
        "dataset_info": info,
    }


def _record_investors(project_rows: list[dict], enterprise_rows: list[dict]) -> None:
    """Copy each investor's origin and 优强 tags onto its projects, as the platform records them."""
    by_id = {e["id"]: e for e in enterprise_rows}
    for row in project_rows:
        e = by_id[row["enterprise_id"]]
        row.update(origin_province=e["origin_province"], origin_city=e["origin_city"],
                   source_region=e["source_region"], quality_tags=e["quality_tags"])


def _place_funding(funding_rows: list[dict], project_rows: list[dict]) -> None:
    place = {p["id"]: (p["county_adcode"], p["city_adcode"]) for p in project_rows}
    for row in funding_rows:
        row["county_adcode"], row["city_adcode"] = place[row["project_id"]]
