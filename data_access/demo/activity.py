"""Visits (拜访) by the county teams and the provincial team, and enterprises' site inspections
(赴黔考察) hosted in Guizhou.

The Shenzhen resident team's window (2019-11-20 … 2020-12-15) holds exactly the published 30076
enterprise visits, 8267 association visits (all in 深圳市) and 6056 inspections by Shenzhen
enterprises, with channel 驻点招商; no other row of that channel falls in the window. After it the
team goes on in Shenzhen, and from 2021-03 in all of Guangdong (驻粤). The other channels run every
year everywhere. Visits are located where the visited party is; many projects' investors inspected
their site before signing.
"""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from . import dates as D
from .context import Choice, Context
from .enterprises import Registry
from .names import GUANGDONG_TEAM_CITIES, GUIZHOU_ORIGIN_WEIGHTS, ORIGINS, association_names
from .projects import REGION_COUNT_SHARE, Sampler

SZ_ENTERPRISE_VISITS = 30076
SZ_ASSOCIATION_VISITS = 8267
SZ_INSPECTIONS = 6056

# After the window: Shenzhen until 2021-02, then Guangdong; per full year.
RESIDENT_BRIDGE = (3600, 900, 500)  # enterprise visits, association visits, inspections 2020-12-16 … 2021-02-28
RESIDENT_YEAR = (9000, 2200, 2400)
# Other channels, per year, all teams.
OTHER_YEAR = (11000, 2600, 2500)
PROVINCIAL_SHARE = 0.09

VISIT_CHANNELS = {"以商招商": 0.28, "产业链招商": 0.30, "领导带头招商": 0.08, "展会招商": 0.07, "园区招商": 0.12, "其他": 0.07}
ASSOCIATION_CHANNELS = {"以商招商": 0.6, "产业链招商": 0.15, "其他": 0.1, "领导带头招商": 0.05, "展会招商": 0.05}
INSPECTION_CHANNELS = {"以商招商": 0.3, "产业链招商": 0.35, "领导带头招商": 0.1, "展会招商": 0.1, "园区招商": 0.1, "其他": 0.05}
PROSPECTS = 18000  # enterprises visited without a project, spread over origins like the projects
PROSPECTS_SHENZHEN = 6000


def _weekday_weights(ords: np.ndarray, periods: list[tuple[date, date, float]]) -> np.ndarray:
    w = np.zeros(len(ords))
    for i, n in enumerate(ords):
        day = D.d(n)
        for lo, hi, x in periods:
            if lo <= day <= hi:
                w[i] = x * (1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.25)[day.weekday()]
                break
    return w


class Activity:
    def __init__(self, ctx: Context, sampler: Sampler, registry: Registry, projects: list[dict],
                 rng: np.random.Generator):
        self.ctx, self.sampler, self.registry, self.rng = ctx, sampler, registry, rng
        counts: dict[int, int] = {c: 1 for c in ctx.counties}
        for p in projects:
            counts[p["county"]] += 1
        self.team_county = Choice(list(counts), [float(v) for v in counts.values()])
        self.visits: list[dict] = []
        self.inspections: list[dict] = []
        self._assoc: dict[str, list[str]] = {}

    # --- helpers -------------------------------------------------------------------------
    def team(self, channel: str, day: date, county: int | None) -> dict:
        if channel == "驻点招商":
            prefix = "驻深圳招商工作队" if day < D.GUANGDONG_TEAM_START else "驻粤招商工作队"
            name = f"{prefix}省队" if county is None else f"{prefix}{self.ctx.counties[county].short_name}组"
        else:
            name = "贵州省投资促进局" if county is None else f"{self.ctx.counties[county].name}投资促进局"
        city = None if county is None else self.ctx.counties[county].city
        return {"team": name, "county_adcode": county, "city_adcode": city}

    def enterprise_at(self, origin: tuple[str, str | None], u: float) -> int:
        pool = self.registry.by_origin[origin]
        return pool[min(int(u * len(pool)), len(pool) - 1)]

    def association_at(self, origin: tuple[str, str | None], u: float) -> str:
        label = origin[1] or origin[0]
        if label not in self._assoc:
            self._assoc[label] = association_names(label)
        names = self._assoc[label]
        return names[min(int(u * len(names)), len(names) - 1)]

    def general_origin(self, year: int, u1: float, u2: float) -> tuple[str, str | None]:
        return self.sampler.origin(self.sampler.region(year, "OTHER", u1), u2)

    # --- prospects -----------------------------------------------------------------------
    def add_prospects(self) -> None:
        industries = list(self.ctx.industries)
        for region in REGION_COUNT_SHARE:
            if region == "省内":
                pool = [("贵州省", self.ctx.city_names[c], w) for c, w in GUIZHOU_ORIGIN_WEIGHTS.items()]
            else:
                pool = ORIGINS[region]
            total = sum(w for _, _, w in pool)
            for province, city, w in pool:
                n = int(round(PROSPECTS * REGION_COUNT_SHARE[region] * w / total)) + 10
                if city == "深圳市":
                    n += PROSPECTS_SHENZHEN
                self.registry.prospects((province, city), region, industries, n)
        # Guangdong cities the 驻粤 team works in need enough firms.
        for city, _w in GUANGDONG_TEAM_CITIES:
            if len(self.registry.by_origin.get(("广东省", city), [])) < 200:
                self.registry.prospects(("广东省", city), "粤港澳大湾区", industries, 200)

    # --- visits and inspections ------------------------------------------------------------
    def _origins(self, origin, days: list[date], u1: np.ndarray, u2: np.ndarray) -> list[tuple[str, str | None]]:
        """Where the visited parties are: a fixed place, a Choice of places, or (None) all regions."""
        if isinstance(origin, tuple):
            return [origin] * len(days)
        if isinstance(origin, Choice):
            return origin.pick_many(u1)
        out = []
        for day, a, b in zip(days, u1, u2):
            out.append(self.general_origin(day.year, float(a), float(b)))
        return out

    def _teams(self, channels: list[str], days: list[date], u_prov: np.ndarray, u: np.ndarray, share: float):
        counties = self.team_county.pick_many(u)
        return [self.team(ch, day, None if up < share else c)
                for ch, day, up, c in zip(channels, days, u_prov, counties)]

    def _channels(self, channel, days: list[date], u: np.ndarray) -> list[str]:
        if isinstance(channel, str):
            return [channel] * len(days)
        picked = channel.pick_many(u)
        # No 云招商 before it began (February 2020).
        return ["以商招商" if ch == "云招商" and day < D.CLOUD_START else ch for ch, day in zip(picked, days)]

    def add_visits(self, n: int, kind: str, ords: np.ndarray, weights: np.ndarray, channel, origin) -> None:
        if n <= 0:
            return
        days = [D.d(x) for x in D.draw(self.rng, ords, weights, n)]
        U = self.rng.random((n, 7))
        channels = self._channels(channel, days, U[:, 0])
        for i, ch in enumerate(channels):
            if ch == "展会招商" and U[i, 6] < 0.7:  # most expo contacts are made at 数博会 / 酒博会
                lo, _hi = D.expo_windows(days[i].year)["数博会" if U[i, 6] < 0.42 else "酒博会"]
                days[i] = lo + timedelta(days=int(U[i, 6] * 1000) % 4)
        origins = self._origins(origin, days, U[:, 1], U[:, 2])
        teams = self._teams(channels, days, U[:, 3], U[:, 4], PROVINCIAL_SHARE)
        for day, ch, org, team, u in zip(days, channels, origins, teams, U[:, 5]):
            if kind == "enterprise":
                eid, assoc = self.enterprise_at(org, float(u)), None
            else:
                eid, assoc = None, self.association_at(org, float(u))
            self.visits.append({"visited_on": day, "kind": kind, "channel": ch, **team, "enterprise_id": eid,
                                "association_name": assoc, "location_province": org[0], "location_city": org[1]})

    def add_inspections(self, n: int, ords: np.ndarray, weights: np.ndarray, channel, origin) -> None:
        if n <= 0:
            return
        days = [D.d(x) for x in D.draw(self.rng, ords, weights, n)]
        U = self.rng.random((n, 6))
        channels = self._channels(channel, days, U[:, 0])
        origins = self._origins(origin, days, U[:, 1], U[:, 2])
        teams = self._teams(channels, days, U[:, 3], U[:, 4], 0.1)
        for day, ch, org, team, u in zip(days, channels, origins, teams, U[:, 5]):
            self.inspections.append({"inspected_on": day, "enterprise_id": self.enterprise_at(org, float(u)),
                                     "channel": ch, **team})

    def project_inspections(self, projects: list[dict]) -> None:
        """Investors inspecting their site before signing (not for cloud signings)."""
        U = self.rng.random((len(projects), 4))
        for p, u in zip(projects, U):
            if p["channel"] == "云招商" or p["group"] in ("cloud", "cloud_term"):
                continue
            chance = 0.65 if p["group"] in ("sz", "sz_term") else (0.6 if p["size_wan"] >= 50_000 else 0.35)
            if u[0] >= chance:
                continue
            day = p["signed"] - timedelta(days=10 + int(230 * u[1]))
            if p["channel"] == "驻点招商":
                if p["group"] in ("sz", "sz_term"):
                    lo = D.SZ_TEAM_START
                elif p["origin"][1] == "深圳市":
                    lo = D.SZ_REPORT_END + timedelta(days=1)
                else:
                    lo = D.GUANGDONG_TEAM_START
                day = min(max(day, lo), p["signed"])
            if day < D.START:
                continue
            county = None if u[2] < 0.08 else p["county"]
            self.inspections.append({"inspected_on": day, "enterprise_id": p["enterprise_id"],
                                     "channel": p["channel"], **self.team(p["channel"], day, county)})

    def build(self, projects: list[dict]) -> None:
        sz = ("广东省", "深圳市")
        resident = "驻点招商"

        # 1. The Shenzhen window, exact.
        ords = D.days(D.SZ_TEAM_START, D.SZ_REPORT_END)
        periods = [(D.SZ_TEAM_START, date(2020, 1, 19), 1.0), (date(2020, 1, 20), date(2020, 3, 23), 0.08),
                   (D.SZ_SECOND_BATCH, date(2020, 8, 31), 1.25), (date(2020, 9, 1), D.SZ_REPORT_END, 1.15)]
        w = _weekday_weights(ords, periods)
        self.add_visits(SZ_ENTERPRISE_VISITS, "enterprise", ords, w, resident, sz)
        self.add_visits(SZ_ASSOCIATION_VISITS, "association", ords, w, resident, sz)
        before = len(self.inspections)
        self.project_inspections([p for p in projects if p["group"] in ("sz", "sz_term")])
        linked = len(self.inspections) - before
        self.add_inspections(SZ_INSPECTIONS - linked, ords, w, resident, sz)

        # 2. The resident team after the window: Shenzhen, then all of Guangdong.
        gd = Choice([("广东省", c) for c, _ in GUANGDONG_TEAM_CITIES], [float(x) for _, x in GUANGDONG_TEAM_CITIES])
        ords = D.days(D.SZ_REPORT_END + timedelta(days=1), D.GUANGDONG_TEAM_START - timedelta(days=1))
        w = D.signing_weights(ords)
        ne, na, ni = RESIDENT_BRIDGE
        self.add_visits(ne, "enterprise", ords, w, resident, sz)
        self.add_visits(na, "association", ords, w, resident, sz)
        self.add_inspections(ni, ords, w, resident, sz)
        ords = D.days(D.GUANGDONG_TEAM_START, D.CUTOFF)
        w = D.signing_weights(ords)
        years = len(ords) / 365.25
        ne, na, ni = (int(x * years) for x in RESIDENT_YEAR)
        self.add_visits(ne, "enterprise", ords, w, resident, gd)
        self.add_visits(na, "association", ords, w, resident, gd)
        self.add_inspections(ni, ords, w, resident, gd)

        # 3. The other channels, every year (云招商 from 2020; fewer in-person visits under Covid).
        for year in D.YEARS:
            ords = D.days(date(year, 1, 1), date(year, 12, 31))
            w = D.signing_weights(ords)
            channels = dict(VISIT_CHANNELS)
            if year == 2020:
                channels["云招商"] = 0.18
            elif year > 2020:
                channels["云招商"] = 0.08
            vch = Choice(list(channels), list(channels.values()))
            ach = Choice(list(ASSOCIATION_CHANNELS), list(ASSOCIATION_CHANNELS.values()))
            ich = Choice(list(INSPECTION_CHANNELS), list(INSPECTION_CHANNELS.values()))
            ne, na, ni = OTHER_YEAR
            self.add_visits(ne, "enterprise", ords, w, vch, None)
            self.add_visits(na, "association", ords, w, ach, None)
            self.add_inspections(ni, ords, w, ich, None)

        # 4. Investors of the other projects inspecting before signing.
        self.project_inspections([p for p in projects if p["group"] not in ("sz", "sz_term")])

    def rows(self) -> tuple[list[dict], list[dict]]:
        """Visits and inspections in date order (stable), numbered from 1."""
        out = []
        for rows, key in ((self.visits, "visited_on"), (self.inspections, "inspected_on")):
            ordered = sorted(rows, key=lambda r: r[key])  # stable: ties keep generation order
            for k, r in enumerate(ordered, start=1):
                r["id"] = k
            out.append(ordered)
        return out[0], out[1]
