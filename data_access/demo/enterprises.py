"""Enterprises: the investors of the projects (some invest repeatedly) and the prospects the teams
visit without (yet) a project. Origins are consistent with the source region; 优强企业 tags are
more likely for bigger investors; names are unique.
"""
from __future__ import annotations

import numpy as np

from ..vocab import QualityTag as Q
from .context import Choice
from .money import WAN_PER_YI
from .names import EnterpriseNamer

REPEAT = 0.12  # chance that a project's investor already has a project from the same origin


_HEAVY = Choice(["国有", "民营", "混合所有制"], [0.45, 0.35, 0.2])
_USUAL = Choice(["民营", "国有", "混合所有制", "外资"], [0.72, 0.13, 0.10, 0.05])


def ownership_for(province: str, city: str | None, region: str, industry: str, size_wan: int, u: float) -> str:
    if region == "境外":
        return "外资"
    if province in ("香港特别行政区", "澳门特别行政区"):
        return "港澳台"
    if industry in ("ENERGY", "POWER", "BASEMAT") and size_wan >= 5 * WAN_PER_YI:
        return _HEAVY.pick(u)  # big energy and materials projects: often state-owned groups
    return _USUAL.pick(u)


def tags_for(size_wan: int, ownership: str, u: np.ndarray) -> int:
    """A bit mask of vocab.QualityTag; ~15–20 % of enterprises carry one, bigger investors more often."""
    yi = size_wan / WAN_PER_YI
    p_any = 0.1 if yi < 1 else 0.22 if yi < 5 else 0.4 if yi < 10 else 0.6
    if u[0] >= p_any:
        return 0
    mask = 0
    if yi >= 10 and u[1] < 0.12:
        mask |= Q.GLOBAL500
    if yi >= 5 and u[2] < (0.45 if ownership in ("国有", "混合所有制") else 0.2):
        mask |= Q.CHINA500
    if ownership == "民营" and yi >= 1 and u[3] < 0.3:
        mask |= Q.PRIVATE500
    if u[4] < 0.45:
        mask |= Q.LISTED
    if u[5] < 0.28:
        mask |= Q.LEADER
    if yi < 5 and u[6] < 0.35:
        mask |= Q.SPECIALISED
    if mask == 0:
        mask = Q.SPECIALISED if yi < 5 else Q.LISTED
    return int(mask)


class Registry:
    """The enterprise table being built, with pools by origin for repeat investors and visits."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.namer = EnterpriseNamer(rng)
        self.rows: list[dict] = []
        self.by_name: dict[str, int] = {}
        self.roots: dict[int, str] = {}
        self.investors: dict[tuple[str, str | None], list[int]] = {}
        self.by_origin: dict[tuple[str, str | None], list[int]] = {}
        self.max_size: dict[int, int] = {}
        self.fixed_tags: set[int] = set()

    def _insert(self, row: dict, root: str) -> int:
        eid = len(self.rows) + 1
        row = {"id": eid, **row}
        self.rows.append(row)
        self.by_name[row["name"]] = eid
        self.roots[eid] = root
        self.by_origin.setdefault((row["origin_province"], row["origin_city"]), []).append(eid)
        return eid

    def named(self, spec: dict) -> int:
        """An enterprise given by name (the published investors); the same name gives the same id."""
        if spec["name"] in self.by_name:
            return self.by_name[spec["name"]]
        self.namer.taken.add(spec["name"])
        root = spec["name"]
        for prefix in ("深圳市", "贵州", "香港"):
            root = root.removeprefix(prefix)
        eid = self._insert(dict(spec), root[:2])
        self.fixed_tags.add(eid)
        return eid

    def new(self, province: str, city: str | None, region: str, industry: str, size_wan: int,
            state: bool = False) -> int:
        name, root = self.namer.name(province, city, industry)
        u = self.rng.random(8)
        ownership = "国有" if state else ownership_for(province, city, region, industry, size_wan, float(u[7]))
        row = {"name": name, "origin_province": province, "origin_city": city, "source_region": region,
               "ownership": ownership, "quality_tags": 0}
        return self._insert(row, root)

    def investor_for(self, p: dict) -> int:
        """The enterprise of a project: a named one, a repeat investor of the same origin, or a new one."""
        if "enterprise" in p:
            eid = self.named(p["enterprise"])
        else:
            origin = p["origin"]
            pool = self.investors.get(origin)
            u = self.rng.random(2)
            repeat = REPEAT * (1.6 if p["group"] == "sz" else 1.0)
            if pool and u[0] < repeat and not p.get("state"):
                eid = pool[int(u[1] * len(pool))]
            else:
                eid = self.new(origin[0], origin[1], p["region"], p["industry"], p["size_wan"], p.get("state", False))
        if eid not in self.max_size:  # a first project: the enterprise joins its origin's investor pool
            row = self.rows[eid - 1]
            self.investors.setdefault((row["origin_province"], row["origin_city"]), []).append(eid)
        self.max_size[eid] = max(self.max_size.get(eid, 0), p["size_wan"])
        return eid

    def prospects(self, origin: tuple[str, str | None], region: str, industries: list[str], n: int) -> None:
        """Add n enterprises of an origin that the teams visit but that have no project (yet)."""
        for _ in range(n):
            industry = industries[int(self.rng.integers(len(industries)))]
            size = int(np.exp(self.rng.normal(np.log(0.8), 1.2)) * WAN_PER_YI)
            eid = self.new(origin[0], origin[1], region, industry, size)
            self.max_size[eid] = size

    def finish_tags(self) -> None:
        """Draw the quality tags of every generated enterprise from its biggest project (or size)."""
        U = self.rng.random((len(self.rows), 7))
        for row, u in zip(self.rows, U):
            if row["id"] in self.fixed_tags:
                continue
            row["quality_tags"] = tags_for(self.max_size.get(row["id"], 0), row["ownership"], u)
