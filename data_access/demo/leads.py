"""The target library (招商线索 / 目标企业库): enterprises the teams visited, each listed for a chain
link it could fill, with its stage, derived from the visits and inspections already generated.

* 已签约: a project on a chain link whose investor had been visited in the two years before
  signing; the lead was listed at the first of those visits and is held by the county the project
  landed in.
* 在谈 / 线索: other visited enterprises of a key industry (read from their projects or, for
  prospects, from the trade word of their name), listed with a chance that grows with the visits
  they had. The team that visited most holds the lead (the provincial team when only it did); 在谈
  once the enterprise, visited at least twice, inspected a site in Guizhou (赴黔考察) after it was
  listed, else 线索.
* The link: weak links are drawn three times as often (补链 is what the teams chase), and the
  links whose hub counties include the team's county twice as often.

Its own random stream, so adding the library changed no other table's draws.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

import numpy as np

from ..vocab import VISIT_ENTERPRISE
from .context import Choice, Context
from .enterprises import Registry
from .money import WAN
from .names import INDUSTRY_WORDS

WEAK_WEIGHT = 3.0
HUB_WEIGHT = 2.0
LIST_BASE = 0.18      # chance that a once-visited enterprise is listed
LIST_PER_VISIT = 0.12  # … plus this for every further visit
TALKS_VISITS = 2
LEAD_TIME_DAYS = 730  # a visit this long before signing still counts as the lead's start
UNSTATED_INTENT = 0.15  # share of open leads without a stated 意向投资额
INTENT_STEP = 1_000_000  # stated in 百万元


def _industries_by_word() -> list[tuple[str, set[str]]]:
    """Trade words, longest first, with the key industries that use them."""
    words: dict[str, set[str]] = defaultdict(set)
    for industry, pool in INDUSTRY_WORDS.items():
        if industry != "OTHER":
            for word in pool:
                words[word].add(industry)
    return sorted(words.items(), key=lambda kv: -len(kv[0]))


_WORDS = _industries_by_word()


def industries_of_name(name: str) -> list[str]:
    """Key industries a company name points at by its trade word (新能源材料 → CHEM), sorted."""
    for word, industries in _WORDS:
        if word in name:
            return sorted(industries)
    return []


class _Visited:
    """What the visit table says about one enterprise."""

    __slots__ = ("days", "channel", "teams")

    def __init__(self):
        self.days: list[date] = []
        self.channel: str | None = None
        self.teams: Counter = Counter()


def _visit_history(visit_rows: list[dict]) -> dict[int, _Visited]:
    seen: dict[int, _Visited] = {}
    for v in sorted((v for v in visit_rows if v["kind"] == VISIT_ENTERPRISE), key=lambda v: v["visited_on"]):
        h = seen.setdefault(v["enterprise_id"], _Visited())
        if h.channel is None:
            h.channel = v["channel"]
        h.days.append(v["visited_on"])
        h.teams[(v["county_adcode"], v["city_adcode"])] += 1
    return seen


def _team(h: _Visited) -> tuple[int | None, int | None]:
    """The team that visited most; a county team before the provincial one, then the first seen."""
    best = max(h.teams.values())
    tied = [t for t, n in h.teams.items() if n == best]
    return next((t for t in tied if t[0] is not None), tied[0])


def _link_choice(ctx: Context, industries: list[str], county: int | None) -> Choice:
    ids = [lid for code in industries for lid in ctx.links_of_industry.get(code, [])]
    weights = []
    for lid in ids:
        link = ctx.links[lid]
        w = (WEAK_WEIGHT if link.is_weak else 1.0) * (HUB_WEIGHT if county in link.hub_counties else 1.0)
        weights.append(w)
    return Choice(ids, weights)


def build(ctx: Context, registry: Registry, projects: list[dict], visit_rows: list[dict],
          inspection_rows: list[dict], rng: np.random.Generator) -> list[dict]:
    visited = _visit_history(visit_rows)
    inspected: dict[int, list[date]] = defaultdict(list)
    for i in inspection_rows:
        inspected[i["enterprise_id"]].append(i["inspected_on"])

    leads: list[dict] = []
    taken: set[tuple[int, int]] = set()
    project_industries: dict[int, list[str]] = defaultdict(list)
    for p in projects:
        if p["link"] is None:
            continue
        eid = p["enterprise_id"]
        project_industries[eid].append(p["industry"])
        h = visited.get(eid)
        before = [d for d in h.days if 0 < (p["signed"] - d).days <= LEAD_TIME_DAYS] if h else []
        if not before or (eid, p["link"]) in taken:
            continue
        taken.add((eid, p["link"]))
        leads.append({"enterprise_id": eid, "chain_link_id": p["link"], "county_adcode": p["county"],
                      "city_adcode": p["city"], "stage": "已签约", "channel": p["channel"], "listed_on": before[0],
                      "stage_on": p["signed"], "intended_yuan": p["size_wan"] * WAN, "project_id": p["id"]})

    choices: dict[tuple, Choice] = {}
    eids = sorted(visited)
    U = rng.random((len(eids), 4))
    Z = rng.normal(size=len(eids))
    for eid, u, z in zip(eids, U, Z):
        h = visited[eid]
        if u[0] >= LIST_BASE + LIST_PER_VISIT * (len(h.days) - 1):
            continue
        industries = sorted(set(project_industries.get(eid, []))) or industries_of_name(registry.rows[eid - 1]["name"])
        if not industries:
            continue
        county, city = _team(h)
        key = (tuple(industries), county)
        if key not in choices:
            choices[key] = _link_choice(ctx, industries, county)
        link = choices[key].pick(float(u[1]))
        if (eid, link) in taken:
            continue
        taken.add((eid, link))
        listed = h.days[0]
        talks = [d for d in inspected.get(eid, []) if d >= listed] if len(h.days) >= TALKS_VISITS else []
        size = registry.max_size.get(eid)
        intended = None
        if size and u[2] >= UNSTATED_INTENT:
            intended = max(1, int(round(size * WAN * float(np.exp(0.5 * z)) / INTENT_STEP))) * INTENT_STEP
        leads.append({"enterprise_id": eid, "chain_link_id": link, "county_adcode": county, "city_adcode": city,
                      "stage": "在谈" if talks else "线索", "channel": h.channel, "listed_on": listed,
                      "stage_on": min(talks) if talks else listed, "intended_yuan": intended, "project_id": None})

    leads.sort(key=lambda r: (r["listed_on"], r["enterprise_id"], r["chain_link_id"]))
    for k, row in enumerate(leads, start=1):
        row["id"] = k
    return leads
