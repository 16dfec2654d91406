"""A roll-up period as of a day before the last date on record (data_access/area.py's `later`).

The whole months' rows of project_month hold the projects as recorded. As of an earlier day D, a
project differs from its record only by what happened after D: a start or a production after D
(the 'k', 'r' rows of the months after D's; the rest of D's month from the projects), money
received after D ('f' rows, likewise), and a termination after D: such a project is in no 't'
row but was active on D, so it is read from the projects (ix_project_terminated: few rows).
Each function returns statements whose rows (the part's keys, signed sums) are added to the
whole months' figures.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, literal, select

from . import lifecycle
from .models import Funding, Project, ProjectMonth
from .queries import STATS, month_end, month_start, stat_columns
from .scope import RegionScope
from .sqlfunc import unindexed


def _whole(area: RegionScope, months: tuple[int, int], *, led_by_event: bool = False) -> list:
    """The projects signed in the whole months. `led_by_event`: the query is led by the index of
    its event's date (a fortnight of starts or receipts), not by the region's projects (a year
    of them: ten times slower on SQLite at 1M projects)."""
    first, last = months
    signed = unindexed(Project.signed_on) if led_by_event else Project.signed_on
    region = (area.condition(unindexed(Project.county_adcode), unindexed(Project.city_adcode)) if led_by_event
              else area.condition(Project.county_adcode, Project.city_adcode))
    conds = [region, signed <= month_end(last)]
    if first:
        conds.append(signed >= month_start(first))
    return conds


def ended_later(area: RegionScope, months: tuple[int, int], day: date) -> list:
    """The projects signed in the whole months and terminated after `day` (led by the index of
    terminations)."""
    return [Project.terminated_on > day, *_whole(area, months, led_by_event=True)]


def _events_after(area: RegionScope, months: tuple[int, int], day: date, dim: str, columns: list):
    """Per county, the sums of an event row ('k', 'r', 'f') over the signing months for the events
    of the months after `day`'s."""
    first, last = months
    stmt = (select(ProjectMonth.county_adcode, *[func.sum(c) for c in columns])
            .where(ProjectMonth.dim == dim, ProjectMonth.month <= last, ProjectMonth.value > f"{day:%Y%m}",
                   area.condition(ProjectMonth.county_adcode, ProjectMonth.city_adcode))
            .group_by(ProjectMonth.county_adcode))
    return stmt.where(ProjectMonth.month >= first) if first else stmt


def _rest_of_month(day: date, column) -> list | None:
    """`column` after `day` and in its month; None when `day` ends its month."""
    end = month_end(day.year * 100 + day.month)
    return None if day == end else [column > day, column <= end]


def stats_after(area: RegionScope, months: tuple[int, int], day: date) -> list:
    """Rows (county, *STATS) that turn the whole months' recorded figures into those as of `day`."""
    pos = {name: i for i, name in enumerate(STATS)}
    out = [select(Project.county_adcode, *stat_columns(day))
           .where(*ended_later(area, months, day)).group_by(Project.county_adcode)]
    for dim, column, count, value in (("k", Project.started_on, "started", "started_contract_yuan"),
                                      ("r", Project.production_on, "producing", "producing_contract_yuan")):
        def at(n, c, count=count, value=value):
            cols = [literal(0)] * len(STATS)
            cols[pos[count]], cols[pos[value]] = -n, -c
            return cols
        later = _events_after(area, months, day, dim, [ProjectMonth.projects, ProjectMonth.contract_yuan]).subquery()
        out.append(select(later.c[0], *at(later.c[1], later.c[2])))
        if rest_days := _rest_of_month(day, column):
            rest = (select(Project.county_adcode.label("county"), func.count().label("n"),
                           func.sum(Project.contract_yuan).label("c"))
                    .where(*_whole(area, months, led_by_event=True), Project.terminated_on.is_(None), *rest_days)
                    .group_by(Project.county_adcode).subquery())
            out.append(select(rest.c.county, *at(rest.c.n, rest.c.c)))
    return out


def funds_after(area: RegionScope, months: tuple[int, int], day: date) -> list:
    """Rows (county, yuan) that turn the whole months' money received as recorded into that
    received by `day`."""
    later = _events_after(area, months, day, "f", [ProjectMonth.funds_yuan]).subquery()
    out = [
        select(later.c[0], -later.c[1]),
        select(Project.county_adcode, func.sum(Funding.amount_yuan))
        .join(Project, Project.id == Funding.project_id)
        .where(*ended_later(area, months, day), Funding.received_on <= day)
        .group_by(Project.county_adcode),
    ]
    if rest_days := _rest_of_month(day, Funding.received_on):
        # Funding's region columns equal its project's (composite key): they lead with the days.
        out.append(select(Project.county_adcode, -func.sum(Funding.amount_yuan))
                   .select_from(Funding).join(Project, Project.id == Funding.project_id)
                   .where(area.condition(Funding.county_adcode, Funding.city_adcode), *rest_days,
                          *_whole(area, months, led_by_event=True), Project.terminated_on.is_(None))
                   .group_by(Project.county_adcode))
    return out


def pipeline_after(area: RegionScope, months: tuple[int, int], day: date) -> list:
    """Rows (county, count) that turn the whole months' recorded 签约未开工 into that of `day`:
    the starts after it, and the projects terminated after it that had not started by it."""
    later = _events_after(area, months, day, "k", [ProjectMonth.projects]).subquery()
    out = [
        select(later.c[0], later.c[1]),
        select(Project.county_adcode, func.count())
        .where(*ended_later(area, months, day), lifecycle.is_pipeline(day)).group_by(Project.county_adcode),
    ]
    if rest_days := _rest_of_month(day, Project.started_on):
        out.append(select(Project.county_adcode, func.count())
                   .where(*_whole(area, months, led_by_event=True), Project.terminated_on.is_(None), *rest_days)
                   .group_by(Project.county_adcode))
    return out
