"""The rankings screen's data (考核排名): where a /rankings URL points and the ranking it shows.

A ranking is computed for an area (the province ranks its cities, a city its counties) and
cached by area, year, settings and data version; who sees which rows is decided afterwards from
the grant. A county user's URL points at their county: they get their own row's figures and
lights, but no rank, since a rank is made of the neighbours' figures they may not see (the
safer reading of the issue; a city user sees their whole city's ranking).
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pandas as pd

from data_access import rankings
from data_access.rankings import Ranking
from data_access.scope import RegionScope, UnknownRegion
from data_access.settings_store import Values
from data_access.vocab import PROVINCE_ADCODE
from urls import search as query_string

from .catalog import read_catalog
from .runtime import Runtime
from .warnings import read_settings

PAGE = "rankings"
_readers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="rank-read")


@dataclass(frozen=True)
class RankingsPlace:
    scope: RegionScope
    year: int
    years: tuple[int, ...]
    problems: tuple[str, ...]
    search: str


def rankings_query(scope: RegionScope, year: int | None) -> dict:
    return {"region": None if scope.adcode == PROVINCE_ADCODE else scope.adcode, "year": year}


def years(rt: Runtime) -> tuple[int, ...]:
    return rt.memo("rank-years", lambda: tuple(rankings.target_years(rt.engine, read_catalog(rt).cutoff)))


def rankings_place(rt: Runtime, pathname: str, search: str) -> RankingsPlace:
    """Raises UnknownRegion (not a rankings URL, no such region) or access.Denied."""
    location = rt.urls.parse(pathname, search)
    if location.route != PAGE:
        raise UnknownRegion("不是考核排名页面的地址")
    scope = rt.grant().scope(location.query.get("region"))
    known = years(rt)
    default = read_catalog(rt).cutoff.year
    problems = list(location.problems)
    text = location.query.get("year") or ""
    year = default
    if text:
        if text.isascii() and text.isdigit() and len(text) == 4 and int(text) in known:
            year = int(text)
        else:
            problems.append(f"没有 {text[:20]} 年的年度目标或数据，已改为 {default} 年")
    query = rankings_query(scope, None if year == default else year)
    return RankingsPlace(scope=scope, year=year, years=known, problems=tuple(problems),
                         search=query_string(PAGE, query))


@dataclass(frozen=True, eq=False)
class RankingsView:
    scope: RegionScope
    ranking: Ranking
    rows: pd.DataFrame       # the rows the actor may see
    complete: bool           # every member visible: ranks may be shown
    weights: dict[str, int]  # measure → weight, %
    cap: int                 # completion counted at most, %
    tolerance: int           # yellow within this many points below 时序进度


def rank_table(rt: Runtime, area: RegionScope, year: int, values: Values) -> rankings.Ranking:
    """The ranking of the area's members for a year, whoever asks (cached; prewarmed)."""
    return rt.cached("rankings", (area, year, values), lambda: rankings.rank_table(
        rt.engine, rt.regions(), area, year, values, executor=_readers))


def read_rankings(rt: Runtime, scope: RegionScope, year: int) -> RankingsView:
    values = read_settings(rt)
    index = rt.regions()
    area = index.regions[scope.parent_adcode] if scope.level == "county" else scope
    table = rank_table(rt, area, year, values)
    grant = rt.grant()
    rows = grant.only_visible(table.rows)
    complete = len(rows) == len(table.rows)
    if not complete:
        rows = rows.assign(**{c: None for c in rows.columns if c.endswith("rank") or c.startswith("rank_")})
    return RankingsView(scope=scope, ranking=table, rows=rows, complete=complete,
                        weights={m: values[rankings.WEIGHT_KEY[m]] for m in rankings.MEASURES},
                        cap=values["rank.cap_pct"], tolerance=values["warn.target_tolerance_pts"])
