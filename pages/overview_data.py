"""Everything the overview shows for one region and one set of filters, fetched in one place."""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date

from data_access import area
from data_access import overview as ov
from data_access import queries as q
from data_access.area import AreaFigures, start_area
from data_access.db import get_engine
from data_access.scope import Filters, RegionScope, resolve_scope
from data_access.vocab import PROVINCE_ADCODE
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


def _area_key(url: str, adcode: int, filters: Filters, detail: bool) -> str:
    # The URL may hold a password: keys carry its digest only.
    digest = hashlib.sha256(url.encode()).hexdigest()[:16]
    return f"area/{digest}/{adcode}/{filters!r}/{int(detail)}"


def _start_area(url: str, scope: RegionScope, filters: Filters, detail: bool) -> Callable[[], AreaFigures]:
    """The figures of the smallest area holding `scope` (its city; the province for itself).

    Served from the cache when that area, or the whole province, was read for the same filters,
    as it has been when the click comes from the parent region's map; otherwise the area's
    parts are started side by side and the returned function waits for them.
    """
    engine = get_engine(url)
    own = resolve_scope(engine, scope.parent_adcode) if scope.level == "county" else scope
    for adcode in dict.fromkeys((own.adcode, PROVINCE_ADCODE)):
        for with_detail in (True, False) if not detail else (True,):
            hit = cache.get(_area_key(url, adcode, filters, with_detail))
            if hit is not None:
                return lambda hit=hit: hit
    pending = start_area(engine, own, filters, detail=detail, executor=_readers)

    def finish() -> AreaFigures:
        figures = pending()
        cache.set(_area_key(url, own.adcode, filters, detail), figures)
        return figures

    return finish


@cache.memoize()
def overview_data(url: str, scope: RegionScope, filters: Filters) -> dict:
    engine = get_engine(url)
    options = static_options(url)
    as_of = filters.as_of(options["cutoff"])
    previous = shift_year(filters)
    year_so_far = Filters(date_from=date(as_of.year, 1, 1), date_to=as_of)
    # What does not add up across counties is read for the region itself.
    jobs = {
        "durations": (ov.stage_medians, engine, scope, filters),
        "stalled_top": (ov.stalled_top, engine, scope, filters),
        "target": (ov.annual_target, engine, scope, as_of.year),
    }
    if scope.level == "county":
        jobs["parks"] = (ov.parks_in, engine, scope, filters)
    futures = {key: _readers.submit(*job) for key, job in jobs.items()}
    areas = {"current": _start_area(url, scope, filters, detail=True)}
    if year_so_far != filters:
        areas["year"] = _start_area(url, scope, year_so_far, detail=False)
    if previous is not None:
        areas["previous"] = _start_area(url, scope, previous, detail=False)
    areas = {key: finish() for key, finish in areas.items()}
    got = {key: future.result() for key, future in futures.items()}

    fig = areas["current"]
    totals = fig.totals(scope)
    data = {
        "as_of": fig.as_of,
        "cutoff": options["cutoff"],
        "totals": totals,
        "funnel": q.funnel_of(totals),
        "regions": area.region_frame(fig, scope, options["regions"]),
        "industries": area.industry_frame(fig, scope, options["industries"]),
        "sources": area.source_frame(fig, scope),
        "trend": ov.trend_frame(filters, fig.as_of, *fig.monthly(scope)),
        "parks": got.get("parks"),
        "activity": fig.activity_of(scope),
        "durations": got["durations"],
        "stalled": {**fig.stalled_of(scope), "top": got["stalled_top"]},
        "target": got["target"],
        "year_totals": areas["year"].totals(scope) if "year" in areas else totals,
        "previous": None,
    }
    if "previous" in areas:
        prev = areas["previous"]
        data["previous"] = {"totals": prev.totals(scope), "activity": prev.activity_of(scope),
                            "trend": ov.trend_frame(previous, prev.as_of, *prev.monthly(scope))}
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
        "regions": q.regions(engine),
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
