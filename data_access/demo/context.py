"""Reference data the generator draws from, read once from the database and the reference CSVs.

Chain links and parks are read from the database (their ids are what projects point to);
city weights, city industry profiles and the links' hub counties exist only in the CSVs.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from itertools import accumulate

import numpy as np
from sqlalchemy import Connection, select

from .. import reference
from ..models import ChainLink, Industry, Park, Region
from ..vocab import PROVINCE_ADCODE


class Choice:
    """A weighted choice over a fixed list, driven by a uniform number (so draws can be vectorised)."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, items: list, weights: list[float]):
        pairs = [(i, w) for i, w in zip(items, weights) if w > 0]
        if not pairs:
            raise ValueError("no positive weight")
        self.items = [i for i, _ in pairs]
        self.cum = list(accumulate(w for _, w in pairs))
        self.total = self.cum[-1]

    def pick(self, u: float):
        return self.items[min(bisect.bisect_right(self.cum, u * self.total), len(self.items) - 1)]

    def pick_many(self, u: np.ndarray) -> list:
        idx = np.minimum(np.searchsorted(np.asarray(self.cum), u * self.total, side="right"), len(self.items) - 1)
        return [self.items[i] for i in idx]


@dataclass
class County:
    adcode: int
    name: str
    short_name: str
    city: int
    parks: list[dict] = field(default_factory=list)
    base_weight: float = 1.0


@dataclass
class Link:
    id: int
    industry: str
    stage: str
    name: str
    is_weak: bool
    target_contract_yuan: int | None
    target_projects: int | None
    hub_counties: tuple[int, ...]


@dataclass
class Context:
    region_names: dict[int, str]
    cities: list[int]
    city_names: dict[int, str]
    counties: dict[int, County]
    counties_of_city: dict[int, list[int]]
    industries: list[str]
    key_industries: list[str]
    links: dict[int, Link]
    links_of_industry: dict[str, list[int]]
    parks: dict[int, dict]
    city_profile: dict[int, dict[str, float]]
    city_share_projects: dict[int, float]
    city_mean_contract_yi: dict[int, float]

    @property
    def province(self) -> int:
        return PROVINCE_ADCODE


def _csv_or_empty(name: str) -> list[dict[str, str]]:
    try:
        return reference.read_csv(name)
    except FileNotFoundError:
        return []


def load_context(conn: Connection) -> Context:
    regions = conn.execute(
        select(Region.adcode, Region.name, Region.short_name, Region.level, Region.parent_adcode).order_by(
            Region.sort_order, Region.adcode
        )
    ).all()
    region_names = {r.adcode: r.name for r in regions}
    cities = [r.adcode for r in regions if r.level == "city"]
    city_names = {r.adcode: r.name for r in regions if r.level == "city"}
    counties: dict[int, County] = {}
    counties_of_city: dict[int, list[int]] = {c: [] for c in cities}
    for r in regions:
        if r.level == "county":
            counties[r.adcode] = County(r.adcode, r.name, r.short_name, r.parent_adcode)
            counties_of_city[r.parent_adcode].append(r.adcode)

    parks: dict[int, dict] = {}
    park_cols = (Park.id, Park.name, Park.short_name, Park.county_adcode, Park.is_platform, Park.lead_industries)
    for p in conn.execute(select(*park_cols).order_by(Park.id)).mappings():
        park = dict(p)
        park["lead"] = tuple((p["lead_industries"] or "").split(";")) if p["lead_industries"] else ()
        parks[p["id"]] = park
        counties[p["county_adcode"]].parks.append(park)

    industries_rows = conn.execute(select(Industry.code, Industry.is_key).order_by(Industry.sort_order)).all()
    industries = [r.code for r in industries_rows]
    key_industries = [r.code for r in industries_rows if r.is_key]

    hubs: dict[tuple[str, str], tuple[int, ...]] = {}
    for row in _csv_or_empty("chain_links.csv"):
        text = (row.get("hub_counties") or "").strip()
        hubs[(row["industry_code"], row["name"])] = tuple(int(x) for x in text.split(";") if x.strip())
    links: dict[int, Link] = {}
    links_of_industry: dict[str, list[int]] = {code: [] for code in industries}
    for r in conn.execute(
        select(
            ChainLink.id, ChainLink.industry_code, ChainLink.stage, ChainLink.name, ChainLink.is_weak,
            ChainLink.target_contract_yuan, ChainLink.target_projects,
        ).order_by(ChainLink.id)
    ):
        hub = tuple(c for c in hubs.get((r.industry_code, r.name), ()) if c in counties)
        links[r.id] = Link(
            r.id, r.industry_code, r.stage, r.name, bool(r.is_weak), r.target_contract_yuan, r.target_projects, hub
        )
        links_of_industry.setdefault(r.industry_code, []).append(r.id)

    profile: dict[int, dict[str, float]] = {c: {} for c in cities}
    for row in _csv_or_empty("city_profiles.csv"):
        city = int(row["city_adcode"])
        if city in profile and row["industry_code"] in industries:
            profile[city][row["industry_code"]] = float(row["weight"])
    for city in cities:  # a city missing from the CSV gets an even mix
        if not profile[city]:
            profile[city] = {code: 1.0 for code in industries}

    share: dict[int, float] = {}
    mean_yi: dict[int, float] = {}
    for row in _csv_or_empty("city_weights.csv"):
        city = int(row["city_adcode"])
        if city in city_names:
            share[city] = float(row["share_of_projects"])
            mean_yi[city] = float(row["mean_contract_yi"] or 1.5)
    for city in cities:
        share.setdefault(city, 1.0 / len(cities))
        mean_yi.setdefault(city, 1.5)

    ctx = Context(
        region_names, cities, city_names, counties, counties_of_city, industries, key_industries, links,
        links_of_industry, parks, profile, share, mean_yi,
    )
    for county in counties.values():
        county.base_weight = county_base_weight(ctx, county)
    return ctx


def county_base_weight(ctx: Context, county: County) -> float:
    """How much investment a county draws within its city, before industry and chain-link effects.

    Urban districts, above all those of 贵阳 and 遵义, and counties with (national) parks draw more;
    counties without any park draw little, which keeps the 入园率 near the published 85 %.
    """
    name = county.name
    if name.endswith("区") and not name.endswith("特区"):
        w = 1.5
        if county.city in (520100, 520300):
            w *= 1.35
    elif name.endswith("市"):
        w = 1.25
    else:
        w = 1.0
    n_parks = len(county.parks)
    if n_parks:
        w *= 1.0 + 0.35 * min(n_parks, 3)
        if any(p["is_platform"] for p in county.parks):
            w *= 1.3
    else:
        w *= 0.35
    return w
