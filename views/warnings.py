"""The warnings screen's data (预警): where a /warnings URL points, the counts by rule and light,
the map's regions, the regions behind their targets, and a page of a rule's list.

Counts are read for the whole province per county, once per (filters, settings, data version),
and summed here for any region: a drill click then reads nothing. The settings are part of
every cache key and change the data version when saved (data_access/settings_store.py), so a
new threshold is never answered from an old count.

The default period is every record (no dates): a warning is about the projects' state at the
data cut-off, whenever they were signed. Dates narrow the signing period and move D, the day
the rules are judged on, to the period's end.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from data_access import rankings
from data_access import settings_store
from data_access import warnings as rules
from data_access.scope import Filters, RegionScope, UnknownRegion
from data_access.settings_store import Values
from data_access.vocab import PROVINCE_ADCODE
from urls import overview_state, period_range
from urls import search as query_string

from .catalog import read_catalog
from .runtime import Runtime

PAGE = "warnings"
PERIODS = ("all", "this_year", "last_year", "custom")
LIST_RULES = rules.RULES
DEFAULT_RULE = "stall"
PAGE_SIZE = 100
MAX_PAGE = 500  # rows one request may ask for: a grid block is 100

_readers = ThreadPoolExecutor(max_workers=3, thread_name_prefix="warn-read")


def read_settings(rt: Runtime) -> Values:
    """The settings, read once per data version (saving them bumps it)."""
    def read() -> Values:
        with rt.engine.connect() as conn:
            return settings_store.read(conn)
    return rt.memo("settings", read)


@dataclass(frozen=True)
class WarningsPlace:
    scope: RegionScope
    filters: Filters
    period: str              # all | this_year | last_year | custom
    rule: str                # the list shown (a project rule)
    light: str | None        # red | yellow | None (both)
    problems: tuple[str, ...]
    query: dict              # canonical query (without rule and light)
    search: str              # the whole view's query string, as links write it

    def with_list(self, rule: str, light: str | None) -> dict:
        return {**self.query, "rule": None if rule == DEFAULT_RULE else rule, "light": light}


def warnings_query(scope: RegionScope, filters: Filters, **more) -> dict:
    return {"region": None if scope.adcode == PROVINCE_ADCODE else scope.adcode,
            "from": filters.date_from.isoformat() if filters.date_from else None,
            "to": filters.date_to.isoformat() if filters.date_to else None,
            "channel": filters.channel, "origin": filters.origin, "industry": filters.industry, **more}


def warnings_place(rt: Runtime, pathname: str, search: str) -> WarningsPlace:
    """Raises UnknownRegion (not a warnings URL, no such region) or access.Denied."""
    location = rt.urls.parse(pathname, search)
    if location.route != PAGE:
        raise UnknownRegion("不是预警页面的地址")
    scope = rt.grant().scope(location.query.get("region"))
    return place_of(rt, scope, location.query, location.problems)


def place_of(rt: Runtime, scope: RegionScope, query: dict, problems: tuple[str, ...] = ()) -> WarningsPlace:
    catalog = read_catalog(rt)
    state = overview_state(query, cutoff=catalog.cutoff, first=catalog.first, industries=catalog.industry_codes)
    filters = state.filters
    if not query.get("from") and not query.get("to"):  # the overview's default is this year; here every record
        filters = replace(filters, date_from=None, date_to=None)
    found = list(problems) + list(state.problems)
    rule = query.get("rule") or DEFAULT_RULE
    if rule not in LIST_RULES:
        found.append(f"未知的预警规则“{str(rule)[:20]}”，已改为签约未开工")
        rule = DEFAULT_RULE
    light = query.get("light") or None
    if light not in (None, *rules.LIGHTS):
        found.append(f"未知的预警灯“{str(light)[:20]}”，已改为全部")
        light = None
    base = warnings_query(scope, filters)
    return WarningsPlace(scope=scope, filters=filters, period=period_of(filters, catalog), rule=rule, light=light,
                         problems=tuple(found), query=base,
                         search=query_string(PAGE, {**base, "rule": None if rule == DEFAULT_RULE else rule,
                                                    "light": light}))


def period_of(filters: Filters, catalog) -> str:
    if filters.date_from is None and filters.date_to is None:
        return "all"
    for key in ("this_year", "last_year"):
        if (filters.date_from, filters.date_to) == period_range(key, catalog.cutoff, catalog.first):
            return key
    return "custom"


def period_dates(period: str, catalog) -> tuple[date | None, date | None]:
    if period == "all":
        return None, None
    return period_range(period, catalog.cutoff, catalog.first)


# ------------------------------------------------------------------ the view

@dataclass(frozen=True, eq=False)
class WarningsView:
    scope: RegionScope
    filters: Filters
    as_of: date
    cutoff: date
    values: Values
    totals: dict[str, int]        # rule_light → count in the scope
    regions: pd.DataFrame         # one row per region one level below (a county: itself), with counts
    ranking: rankings.Ranking | None  # the scope's members against their targets (None: no targets)
    behind: pd.DataFrame          # members below 时序进度 (rankings.behind), any light

    @property
    def after_data(self) -> bool:
        return self.filters.date_from is not None and self.filters.date_from > self.cutoff


def province_counts(rt: Runtime, filters: Filters, values: Values) -> dict[int, dict[str, int]]:
    province = rt.regions().get(None)
    return rt.cached("warn-counts", (filters, values), lambda: rules.counts_by_county(
        rt.engine, province, filters, values, executor=_readers))


def read_warnings(rt: Runtime, scope: RegionScope, filters: Filters) -> WarningsView:
    values = read_settings(rt)
    return rt.cached("warnings", (scope, filters, values), lambda: _read(rt, scope, filters, values))


def _read(rt: Runtime, scope: RegionScope, filters: Filters, values: Values) -> WarningsView:
    catalog = read_catalog(rt)
    index = rt.regions()
    as_of = filters.as_of(catalog.cutoff)
    ranking = _readers.submit(_ranking, rt, scope, as_of, values)
    by_county = province_counts(rt, filters, values)
    zero = dict.fromkeys(rules.COUNT_COLUMNS, 0)

    def total(adcode: int) -> dict[str, int]:
        out = dict(zero)
        for county in index.within(adcode):
            for key, value in by_county.get(county, zero).items():
                out[key] += value
        return out

    names = catalog.regions.set_index("adcode")
    shown = [scope.adcode] if scope.level == "county" else list(index.children.get(scope.adcode, ()))
    rows = []
    for adcode in shown:
        got = total(adcode)
        region = names.loc[adcode]
        rows.append({"adcode": adcode, "name": region["name"], "short_name": region["short_name"],
                     "label_lon": region["label_lon"], "label_lat": region["label_lat"], **got,
                     "red": sum(got[f"{r}_red"] for r in rules.RULES),
                     "yellow": sum(got[f"{r}_yellow"] for r in rules.RULES)})
    frame = pd.DataFrame(rows, columns=["adcode", "name", "short_name", "label_lon", "label_lat",
                                        *rules.COUNT_COLUMNS, "red", "yellow"])
    table = ranking.result()
    behind = rankings.behind(table) if table is not None else pd.DataFrame(
        columns=["adcode", "name", "measure", "label", "done", "target", "pct", "gap", "light"])
    if scope.level == "county":  # ranked among its city's counties; the screen is about itself
        behind = behind[behind["adcode"] == scope.adcode].reset_index(drop=True)
    return WarningsView(scope=scope, filters=filters, as_of=as_of, cutoff=catalog.cutoff, values=values,
                        totals=total(scope.adcode), regions=frame, ranking=table, behind=behind)


def _ranking(rt: Runtime, scope: RegionScope, as_of: date, values: Values) -> rankings.Ranking | None:
    """The scope's members against their targets for D's year, as of D (targets are whole-region:
    the filters do not apply)."""
    table = rankings.rank_table(rt.engine, rt.regions(), scope, as_of.year, values, as_of=as_of, compare=False)
    has_target = table.rows[[f"{m}_target" for m in rankings.MEASURES]].notna().any().any() if len(table.rows) else False
    return table if has_target else None


def warning_page(rt: Runtime, place: WarningsPlace, *, sort: list[tuple[str, bool]], start: int,
                 end: int) -> tuple[pd.DataFrame, int]:
    """One block of the list the place shows (the caller has checked the 'lists' permission)."""
    start = max(0, int(start))
    limit = max(0, min(int(end) - start, MAX_PAGE))
    values = read_settings(rt)
    return rt.cached("warn-list", (place.scope, place.filters, values, place.rule, place.light, tuple(sort), start,
                                   limit),
                     lambda: rules.warning_list(rt.engine, place.scope, place.filters, values, place.rule,
                                                place.light, sort=sort, start=start, limit=limit))


EXPORT_ROWS = 200_000  # a list exported whole, up to this many rows (the province's has a few thousand)


def warning_rows(rt: Runtime, place: WarningsPlace) -> pd.DataFrame:
    """Every row of the list the place shows, in the page's default order (the export's rows)."""
    values = read_settings(rt)
    frame, _ = rules.warning_list(rt.engine, place.scope, place.filters, values, place.rule, place.light,
                                  start=0, limit=EXPORT_ROWS)
    return frame
