"""Where, what and from whom: the attributes of generated projects before their lifecycle.

A project is drawn as: signing day → city (city_weights.csv) → industry (city_profiles.csv) →
chain link (weak links drawn far less often; some links absent from some cities) → county
(bigger for urban districts and park counties, much bigger for the link's hub counties) → park
→ source region and investor origin → contract size → channel.
"""
from __future__ import annotations

import math
from datetime import date

import numpy as np

from . import dates as D
from .context import Choice, Context
from .money import WAN_PER_YI
from .names import GUIZHOU_ORIGIN_WEIGHTS, ORIGINS, STATE_LINKS

# Signed projects per year (2019: the published 5210, active at the year's end) and the published
# 2019 contract total. 2019 is drawn with a surplus that build._calibrate_2019 trims once the
# lifecycle shows which of its projects were given up within the year.
PROJECTS_PER_YEAR = {2019: 5210, 2020: 5480, 2021: 5860, 2022: 5530, 2023: 5720, 2024: 5610, 2025: 5940}
CONTRACT_2019_YUAN = 752_300_000_000  # 7523 亿 (domain.md §5)
SURPLUS_2019 = 60

# Source regions: share of projects, and contract size relative to the average (→ ~40 % 粤港澳 by value).
REGION_COUNT_SHARE = {
    "粤港澳大湾区": 0.335, "长三角": 0.19, "京津冀": 0.09, "成渝": 0.11, "其他省外": 0.145, "省内": 0.09, "境外": 0.04,
}
REGION_SIZE = {
    "粤港澳大湾区": 1.15, "长三角": 1.1, "京津冀": 1.3, "成渝": 0.85, "其他省外": 0.8, "省内": 0.6, "境外": 1.05,
}
REGION_YEAR = {2019: 0.88, 2020: 0.95, 2021: 1.1, 2022: 1.12, 2023: 1.06, 2024: 1.04, 2025: 1.04}  # 粤港澳 only
REGION_INDUSTRY = {
    ("省内", "FOOD"): 1.8, ("省内", "LIQUOR"): 1.8, ("成渝", "FOOD"): 1.3, ("成渝", "LIQUOR"): 1.5,
    ("京津冀", "ENERGY"): 2.0, ("京津冀", "POWER"): 2.2, ("京津冀", "BIGDATA"): 1.4, ("粤港澳大湾区", "BIGDATA"): 1.3,
    ("粤港澳大湾区", "EQUIP"): 1.2, ("长三角", "EQUIP"): 1.3, ("长三角", "CHEM"): 1.3, ("境外", "ENERGY"): 0.2,
    ("境外", "POWER"): 0.3,
}

# Contract size: lognormal body, multiplied by city, link, region and year factors, its tail
# compressed above 25 亿. Calibrated to a mean of ~1.65 亿 with ~35 % ≥ 1 亿, ~7.5 % ≥ 5 亿, ~2.7 % ≥ 10 亿:
# domain.md's ~11 % ≥ 5 亿 and ~5 % ≥ 10 亿 cannot coexist with a 1.4–1.7 亿 mean (the projects ≥ 10 亿
# alone would add > 1 亿 to it), and the mean is the published one (2019: 7523 亿 / 5210).
SIZE_MU = math.log(0.66)
SIZE_SIGMA = 1.40
SIZE_KNEE_YI = 25.0  # above it the tail is compressed: a few projects a year beyond 50 亿
SIZE_TAIL = 0.65
SIZE_MIN_WAN = 500
SIZE_MAX_WAN = 250 * WAN_PER_YI
YEAR_SIZE = {2019: 0.9, 2020: 0.96, 2021: 0.99, 2022: 1.01, 2023: 0.97, 2024: 0.95, 2025: 0.97}
OTHER_SIZE = 0.85

CHANNEL_BASE = {
    "产业链招商": 0.25, "以商招商": 0.19, "园区招商": 0.15, "领导带头招商": 0.08, "展会招商": 0.08, "其他": 0.10,
}
RESIDENT_WEIGHT = 0.5  # 驻点招商 among eligible (Shenzhen / Guangdong) investors after the published window
CLOUD_WEIGHT = 0.018  # 云招商 from 2021 on (2020 is the published set)


def link_year_factor(name: str, year: int) -> float:
    if name in ("锂盐", "电池级磷源/磷酸铁", "正极材料", "负极/电解液/隔膜", "电芯/电池包", "硫酸锰/四氧化三锰"):
        return {2019: 0.4, 2020: 0.6, 2021: 1.3, 2022: 1.8, 2023: 1.6, 2024: 1.2, 2025: 1.1}[year]
    if name == "数据中心/智算中心" and year >= 2023:
        return 1.5
    if name in ("风电/光伏", "储能") and year >= 2021:
        return 1.4
    return 1.0


class Sampler:
    """Cached weighted choices over the reference data."""

    def __init__(self, ctx: Context, rng: np.random.Generator):
        self.ctx = ctx
        self.city = Choice(ctx.cities, [ctx.city_share_projects[c] for c in ctx.cities])
        # Link size factor from the plan: target money per target project, relative to the median link.
        link_mean = {}
        for lid, link in ctx.links.items():
            if link.target_contract_yuan and link.target_projects:
                link_mean[lid] = link.target_contract_yuan / link.target_projects / 1e8
        ref = float(np.median(list(link_mean.values()))) if link_mean else 1.0
        self.link_size = {lid: (link_mean.get(lid, ref) / ref) ** 0.55 for lid in ctx.links}
        # Per (city, link) presence: a link may be missing from a city (more often a weak link),
        # never from a city holding one of its hub counties.
        self.city_link = {}
        for city in ctx.cities:
            for lid in sorted(ctx.links):
                link = ctx.links[lid]
                hub_city = any(ctx.counties[c].city == city for c in link.hub_counties)
                u, g = rng.random(), rng.normal()
                if hub_city:
                    f = math.exp(0.3 + 0.3 * g)
                elif u < (0.55 if link.is_weak else 0.3):
                    f = 0.0
                else:
                    f = math.exp(-0.6 + 0.5 * g)
                self.city_link[(city, lid)] = f
        self._industry: dict = {}
        self._link: dict = {}
        self._county: dict = {}
        self._park: dict = {}
        self._region: dict = {}
        self._origin: dict = {}
        # City size factor: the city's mean contract (city_weights.csv) relative to the average, divided
        # by what its industry and link mix alone would give, so that the generated means follow the CSV.
        shares = ctx.city_share_projects
        mean = sum(shares[c] * ctx.city_mean_contract_yi[c] for c in ctx.cities) / sum(shares.values())
        mix = {c: self._mix_factor(c) for c in ctx.cities}
        avg_mix = sum(shares[c] * mix[c] for c in ctx.cities) / sum(shares.values())
        self.city_size = {c: ctx.city_mean_contract_yi[c] / mean * avg_mix / mix[c] for c in ctx.cities}

    def _mix_factor(self, city: int, year: int = 2022) -> float:
        """Expected size factor of a city's projects from its industry and chain-link mix."""
        prof = self.ctx.city_profile[city]
        total = sum(prof.values())
        out = 0.0
        for code, w in prof.items():
            ids = self.ctx.links_of_industry.get(code) or []
            if not ids:
                out += w / total * OTHER_SIZE
                continue
            self.link(city, code, year, 0.0)
            choice = self._link[(city, code, year, False)]
            prev = 0.0
            for lid, cum in zip(choice.items, choice.cum):
                out += w / total * (cum - prev) / choice.total * self.link_size[lid]
                prev = cum
        return out

    def industry(self, city: int, u: float, exclude: tuple[str, ...] = ()) -> str:
        key = (city, exclude)
        if key not in self._industry:
            prof = self.ctx.city_profile[city]
            codes = [c for c in self.ctx.industries if c not in exclude]
            self._industry[key] = Choice(codes, [prof.get(c, 0.0) for c in codes])
        return self._industry[key].pick(u)

    def link(self, city: int, industry: str, year: int, u: float, private: bool = False) -> int | None:
        """A chain link of the industry; `private` leaves out the state monopolies (STATE_LINKS)."""
        ids = self.ctx.links_of_industry.get(industry) or []
        if private:
            ids = [lid for lid in ids if self.ctx.links[lid].name not in STATE_LINKS]
        if not ids:
            return None
        key = (city, industry, year, private)
        if key not in self._link:
            base = []
            for lid in ids:
                link = self.ctx.links[lid]
                w = (link.target_projects or 15) ** 0.7 * (0.3 if link.is_weak else 1.0)
                w *= 0.3 if link.name in STATE_LINKS else 1.0
                base.append(w * link_year_factor(link.name, year))
            weights = [b * self.city_link[(city, lid)] for b, lid in zip(base, ids)]
            self._link[key] = Choice(ids, weights if sum(weights) > 0 else base)
        return self._link[key].pick(u)

    def county(self, city: int, industry: str, link: int | None, u: float) -> int:
        key = (city, industry, link)
        if key not in self._county:
            hubs = set(self.ctx.links[link].hub_counties) if link else set()
            items, weights = [], []
            for c in self.ctx.counties_of_city[city]:
                county = self.ctx.counties[c]
                w = county.base_weight
                if c in hubs:
                    w *= 6.0
                if any(industry in p["lead"] for p in county.parks):
                    w *= 1.8
                items.append(c)
                weights.append(w)
            self._county[key] = Choice(items, weights)
        return self._county[key].pick(u)

    def park(self, county: int, industry: str, u_in: float, u: float) -> int | None:
        parks = self.ctx.counties[county].parks
        if not parks or u_in >= (0.95 if industry != "OTHER" else 0.72):
            return None
        key = (county, industry)
        if key not in self._park:
            weights = [(1 + 2 * (industry in p["lead"])) * (1.4 if p["is_platform"] else 1.0) for p in parks]
            self._park[key] = Choice([p["id"] for p in parks], weights)
        return self._park[key].pick(u)

    def region(self, year: int, industry: str, u: float) -> str:
        key = (year, industry)
        if key not in self._region:
            items = list(REGION_COUNT_SHARE)
            weights = []
            for r in items:
                w = REGION_COUNT_SHARE[r] * REGION_INDUSTRY.get((r, industry), 1.0)
                if r == "粤港澳大湾区":
                    w *= REGION_YEAR[year]
                weights.append(w)
            self._region[key] = Choice(items, weights)
        return self._region[key].pick(u)

    def origin(self, region: str, u: float) -> tuple[str, str | None]:
        if region not in self._origin:
            if region == "省内":
                pool = [("贵州省", self.ctx.city_names[c], w) for c, w in GUIZHOU_ORIGIN_WEIGHTS.items()
                        if c in self.ctx.city_names]
            else:
                pool = ORIGINS[region]
            self._origin[region] = Choice([(p, c) for p, c, _ in pool], [w for _, _, w in pool])
        return self._origin[region].pick(u)

    def size_wan(self, z: float, city: int, link: int | None, region: str, year: int, extra: float = 1.0) -> int:
        yi = math.exp(SIZE_MU + SIZE_SIGMA * z)
        yi *= self.city_size[city] * (self.link_size[link] if link else OTHER_SIZE)
        yi *= REGION_SIZE[region] * YEAR_SIZE[year] * extra
        if yi > SIZE_KNEE_YI:
            yi = SIZE_KNEE_YI * (yi / SIZE_KNEE_YI) ** SIZE_TAIL
        wan = int(round(yi * WAN_PER_YI))
        return max(SIZE_MIN_WAN, min(SIZE_MAX_WAN, wan))


_CHANNELS: dict[tuple, Choice] = {}


def channel_for(signed: date, origin: tuple[str, str | None], industry: str, size_wan: int, has_park: bool,
                u: float) -> str:
    """The channel of a general project (never 驻点招商 inside the published window, never 云招商 in 2020)."""
    size_class = 2 if size_wan >= 10 * WAN_PER_YI else 1 if size_wan >= 5 * WAN_PER_YI else 0
    kind = industry if industry in ("OTHER", "BIGDATA", "LIQUOR") else ""
    cloud = signed >= date(2021, 1, 1)
    province, city = origin
    resident = (city == "深圳市" and D.SZ_REPORT_END < signed < D.GUANGDONG_TEAM_START) or (
        province == "广东省" and signed >= D.GUANGDONG_TEAM_START
    )
    key = (size_class, kind, has_park, cloud, resident)
    if key not in _CHANNELS:
        weights = dict(CHANNEL_BASE)
        weights["领导带头招商"] *= (1.0, 1.8, 3.0)[size_class]
        if kind == "OTHER":
            weights["产业链招商"] *= 0.3
        elif kind:
            weights["展会招商"] *= 1.6
        if not has_park:
            weights["园区招商"] *= 0.3
        if cloud:
            weights["云招商"] = CLOUD_WEIGHT
        if resident:
            weights["驻点招商"] = RESIDENT_WEIGHT
        _CHANNELS[key] = Choice(list(weights), list(weights.values()))
    return _CHANNELS[key].pick(u)


def expo_date(year: int, industry: str, u1: float, u2: float, current: date) -> date:
    """Signing day of an expo project: most are signed at 数博会 (May) or 酒博会 (September)."""
    big_data = 0.7 if industry == "BIGDATA" else (0.15 if industry in ("LIQUOR", "FOOD") else 0.45)
    liquor = 0.7 if industry in ("LIQUOR", "FOOD") else (0.15 if industry == "BIGDATA" else 0.35)
    windows = D.expo_windows(year)
    if u1 < big_data:
        lo, hi = windows["数博会"]
    elif u1 < big_data + liquor:
        lo, hi = windows["酒博会"]
    else:
        return current
    return date.fromordinal(lo.toordinal() + min(int(u2 * ((hi - lo).days + 1)), (hi - lo).days))


def draw_projects(ctx: Context, sampler: Sampler, rng: np.random.Generator, signed: np.ndarray,
                  group: str, *, exclude_industries: tuple[str, ...] = (), industry_weights=None,
                  private: bool = False) -> list[dict]:
    """Projects signed on the given days, with place, industry, origin and size (channel left to the caller).

    Projects of a state monopoly link get a state-owned investor from Guizhou or Beijing; `private`
    (for sets whose investors are given, e.g. Shenzhen's) leaves those links out.
    """
    n = len(signed)
    U = rng.random((n, 10))
    Z = rng.normal(size=n)
    out = []
    for i in range(n):
        day = D.d(signed[i])
        year = day.year
        city = sampler.city.pick(U[i, 0])
        if industry_weights is not None:
            industry = industry_weights(city).pick(U[i, 1])
        else:
            industry = sampler.industry(city, U[i, 1], exclude_industries)
        link = sampler.link(city, industry, year, U[i, 2], private)
        county = sampler.county(city, industry, link, U[i, 3])
        park = sampler.park(county, industry, U[i, 4], U[i, 5])
        state = link is not None and ctx.links[link].name in STATE_LINKS
        if state:
            region = "省内" if U[i, 6] < 0.6 else "京津冀"
        else:
            region = sampler.region(year, industry, U[i, 6])
        origin = sampler.origin(region, U[i, 7])
        out.append({
            "group": group, "signed": day, "city": city, "county": county, "industry": industry, "link": link,
            "park": park, "region": region, "origin": origin, "z": float(Z[i]), "u_channel": float(U[i, 8]),
            "u_extra": float(U[i, 9]), "state": state,
        })
    return out


def general_projects(ctx: Context, sampler: Sampler, rng: np.random.Generator,
                     special_per_year: dict[int, int], surplus: dict[int, int] | None = None) -> list[dict]:
    """The bulk of the data: every year's projects except the published sets drawn elsewhere,
    plus `surplus` projects in a year that is trimmed later."""
    out: list[dict] = []
    for year in D.YEARS:
        n = PROJECTS_PER_YEAR[year] - special_per_year.get(year, 0) + (surplus or {}).get(year, 0)
        ords = D.days(date(year, 1, 1), date(year, 12, 31))
        signed = np.sort(D.draw(rng, ords, D.signing_weights(ords), n))
        projects = draw_projects(ctx, sampler, rng, signed, "general")
        U = rng.random((len(projects), 2))
        for p, (u1, u2) in zip(projects, U):
            p["size_wan"] = sampler.size_wan(p["z"], p["city"], p["link"], p["region"], year)
            p["channel"] = channel_for(p["signed"], p["origin"], p["industry"], p["size_wan"], p["park"] is not None,
                                       p["u_channel"])
            if p["channel"] == "展会招商":
                p["signed"] = expo_date(year, p["industry"], float(u1), float(u2), p["signed"])
        out.extend(projects)
    return out
