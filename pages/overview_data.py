"""Everything the overview shows for one region and one set of filters, fetched in one place."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date

from data_access import overview as ov
from data_access import queries as q
from data_access.db import get_engine
from data_access.scope import Filters, RegionScope

from data_access.scope import resolve_scope
from pages.cache import cache


def shift_year(filters: Filters, years: int = -1) -> Filters | None:
    """The same period a year earlier; None for periods longer than a year (no like-for-like)."""
    if not (filters.date_from and filters.date_to) or (filters.date_to - filters.date_from).days > 366:
        return None
    return replace(filters, date_from=_shift(filters.date_from, years), date_to=_shift(filters.date_to, years))


def _shift(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


# The parts of a view are independent reads; run side by side they take the time of the longest
# rather than the sum (SQLite and psycopg release the GIL while the database works).
_readers = ThreadPoolExecutor(max_workers=4, thread_name_prefix="view-read")


@cache.memoize()
def overview_data(url: str, scope: RegionScope, filters: Filters) -> dict:
    engine = get_engine(url)
    as_of = filters.as_of(q.data_cutoff(engine))
    # A county is drawn among its city's counties, so the map reads the city's breakdown.
    map_scope = resolve_scope(engine, scope.parent_adcode) if scope.level == "county" else scope
    previous = shift_year(filters)
    year_so_far = Filters(date_from=date(as_of.year, 1, 1), date_to=as_of)
    jobs = {
        "view": (ov.region_view, engine, scope, filters, map_scope),
        "activity": (q.activity_totals, engine, scope, filters),
        "durations": (ov.stage_medians, engine, scope, filters),
        "stalled": (ov.stalled_projects, engine, scope, filters),
        "target": (ov.annual_target, engine, scope, as_of.year),
    }
    if scope.level == "county":
        jobs["parks"] = (ov.parks_in, engine, scope, filters)
    if year_so_far != filters:
        jobs["year"] = (ov.period_summary, engine, scope, year_so_far)
    if previous is not None:
        jobs["previous"] = (ov.period_summary, engine, scope, previous)
        jobs["previous_activity"] = (q.activity_totals, engine, scope, previous)
    futures = {key: _readers.submit(*job) for key, job in jobs.items()}
    got = {key: future.result() for key, future in futures.items()}

    view = got["view"]
    data = {
        **view,
        "cutoff": q.data_cutoff(engine),
        "funnel": q.funnel_of(view["totals"]),
        "parks": got.get("parks"),
        "activity": got["activity"],
        "durations": got["durations"],
        "stalled": got["stalled"],
        "target": got["target"],
        "year_totals": got["year"]["totals"] if "year" in got else view["totals"],
        "previous": {**got["previous"], "activity": got["previous_activity"]} if "previous" in got else None,
    }
    return data


@cache.memoize()
def static_options(url: str) -> dict:
    """Filter choices and the data's date span; they change only when data is loaded."""
    engine = get_engine(url)
    return {
        "origins": ov.origin_options(engine),
        "industries": q.industries(engine),
        "first": ov.first_signing(engine),
        "cutoff": q.data_cutoff(engine),
    }


def default_filters(url: str) -> Filters:
    """The filters of a plain link: this year up to the data's cut-off."""
    from pages.url_state import period_range

    options = static_options(url)
    start, end = period_range("this_year", options["cutoff"], options["first"])
    return Filters(date_from=start, date_to=end)


def prewarm(url: str, levels: tuple[str, ...] = ("province", "city")) -> int:
    """Compute the default views of the given levels into the cache; returns how many.

    A wall display opens the province and drills into cities far more than anything else, so
    those answers are ready before the first click. Runs in the background at start-up.
    """
    engine = get_engine(url)
    from data_access.queries import regions

    filters = default_filters(url)
    codes = [int(r.adcode) for r in regions(engine).itertuples() if r.level in levels]
    for code in codes:
        overview_data(url, resolve_scope(engine, code), filters)
    return len(codes)
