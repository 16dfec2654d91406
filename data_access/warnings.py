"""预警: the early-warning rules, as SQL conditions aggregated in the database.

Each project rule is written once, as two conditions on a project as of a date D (the period's
end, never beyond the data cut-off): `warn` (the rule fires) and `red` (it fires red; red implies
warn), so the counts (count_if per county) and the lists (WHERE) cannot disagree. Yellow is
warn and not red. Every rule reads the projects of the period under the lifecycle rule
(data_access/lifecycle.py): signed by D, in the scope and filters, and not terminated by D.

    stall       签约未开工: not started by D, signed more than the yellow months before D (or, if
                set, past its planned start date); red beyond the red months.
    production  开工未投产: started, not producing by D, past its planned production date; red
                when more than the red months past it.
    funds       资金到位率低: signed more than the yellow months before D, money received up to
                D under the set share of the contract value; red beyond the red months.
    idle        无进展: not producing by D, its platform record (project.updated_on) older than the
                yellow months; red beyond the red months. Projects without an update date are
                not judged. updated_on is the latest update known, so for a past period it can
                only acquit a project, never accuse one wrongly.

A month is 30 days (settings_store.DAYS_PER_MONTH), and "beyond N days" is strict, as the
overview's 签约未开工 lights (area.py): the thresholds are dates computed in Python, compared
with date columns in SQL, so SQLite and PostgreSQL run the same statement.

The fifth rule, a region behind 时序进度 on its annual targets, reads the rankings' figures
(data_access/rankings.py).
"""
from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Engine, and_, case, func, literal, not_, or_, select

from . import lifecycle
from .models import Enterprise, Funding, Industry, Project, Region
from .queries import count_if, data_cutoff, project_conditions
from .scope import Filters, RegionScope
from .settings_store import Values
from .sqlfunc import days_between

RULES = ("stall", "production", "funds", "idle")
RULE_LABELS = {"stall": "签约未开工", "production": "开工未投产", "funds": "资金到位率低", "idle": "无进展",
               "target": "目标滞后于时序进度"}
LIGHTS = ("red", "yellow")
LIGHT_LABELS = {"red": "红灯", "yellow": "黄灯"}
COUNT_COLUMNS = tuple(f"{rule}_{light}" for rule in RULES for light in LIGHTS)  # the order counts are read in


@dataclass(frozen=True)
class Thresholds:
    """The settings turned into dates for one D (the period's end)."""
    as_of: date
    stall_yellow: date       # signed before this: waited beyond the yellow months
    stall_red: date
    stall_planned: bool
    production_red: date     # planned production before this: overdue beyond the red months
    funds_yellow: date
    funds_red: date
    funds_min_pct: int
    idle_yellow: date        # last update before this
    idle_red: date


def thresholds(values: Values, as_of: date) -> Thresholds:
    def before(key: str) -> date:
        return as_of - timedelta(days=values.days(key))

    return Thresholds(
        as_of=as_of, stall_yellow=before("warn.stall_yellow_months"), stall_red=before("warn.stall_red_months"),
        stall_planned=bool(values["warn.stall_planned"]), production_red=before("warn.production_red_months"),
        funds_yellow=before("warn.funds_yellow_months"), funds_red=before("warn.funds_red_months"),
        funds_min_pct=values["warn.funds_min_pct"], idle_yellow=before("warn.idle_yellow_months"),
        idle_red=before("warn.idle_red_months"),
    )


def _not_producing(as_of: date):
    return or_(Project.production_on.is_(None), Project.production_on > as_of)


def funds_to_date(as_of: date):
    """Money received for the project up to D (a correlated subquery read from funding's
    project index alone): for a page of a list, where only its rows are read."""
    return (select(func.coalesce(func.sum(Funding.amount_yuan), 0))
            .where(Funding.project_id == Project.id, Funding.received_on <= as_of)
            .correlate(Project).scalar_subquery())


def received(as_of: date):
    """Money received up to D per project, as a subquery to join: for judging many projects at
    once, one pass over funding costs less than a lookup per project (1.7x at the demo's size)."""
    return (select(Funding.project_id.label("project_id"), func.sum(Funding.amount_yuan).label("amount"))
            .where(Funding.received_on <= as_of).group_by(Funding.project_id).subquery("received"))


def rule(name: str, t: Thresholds, amount=None):
    """(warn, red) conditions of a project rule as of t.as_of. The funds rule reads `amount`, the
    project's money received up to D (the `received` subquery's column, joined by the caller),
    or a correlated subquery without it."""
    d = t.as_of
    if name == "stall":
        late = Project.signed_on < t.stall_yellow
        if t.stall_planned:
            late = or_(late, and_(Project.planned_start_on.is_not(None), Project.planned_start_on < d))
        pipeline = lifecycle.is_pipeline(d)
        return and_(pipeline, late), and_(pipeline, Project.signed_on < t.stall_red)
    if name == "production":
        overdue = and_(lifecycle.is_started(d), _not_producing(d), Project.planned_production_on.is_not(None),
                       Project.planned_production_on < d)
        return overdue, and_(overdue, Project.planned_production_on < t.production_red)
    if name == "funds":
        money = funds_to_date(d) if amount is None else func.coalesce(amount, 0)
        low = and_(Project.signed_on < t.funds_yellow, Project.contract_yuan > 0,
                   money * 100 < Project.contract_yuan * t.funds_min_pct)
        return low, and_(low, Project.signed_on < t.funds_red)
    if name == "idle":
        stale = and_(_not_producing(d), Project.updated_on.is_not(None), Project.updated_on < t.idle_yellow)
        return stale, and_(stale, Project.updated_on < t.idle_red)
    raise ValueError(f"no warning rule {name!r}")


def light_condition(name: str, light: str | None, t: Thresholds, amount=None):
    warn, red = rule(name, t, amount)
    if light == "red":
        return red
    if light == "yellow":
        return and_(warn, not_(red))
    return warn


# ------------------------------------------------------------------ counts

def counts_by_county(engine: Engine, scope: RegionScope, filters: Filters, values: Values, *,
                     executor: Executor | None = None) -> dict[int, dict[str, int]]:
    """county → {rule_light: count} for the scope's counties with a project of the period.

    Two reads, side by side on `executor` when given: one pass over the projects judges the
    rules of their own dates, one joins the money received per project for the funds rule (only
    the projects old enough to be judged).
    """
    as_of = filters.as_of(data_cutoff(engine))
    t = thresholds(values, as_of)
    base = project_conditions(scope, filters, as_of)
    own = [name for name in RULES if name != "funds"]
    columns = []
    for name in own:
        warn, red = rule(name, t)
        columns += [count_if(red), count_if(and_(warn, not_(red)))]
    dated = select(Project.county_adcode, *columns).where(*base).group_by(Project.county_adcode)
    money = received(as_of)
    warn, red = rule("funds", t, money.c.amount)
    funds = (select(Project.county_adcode, count_if(red), count_if(and_(warn, not_(red))))
             .outerjoin(money, money.c.project_id == Project.id)
             .where(*base, Project.signed_on < t.funds_yellow).group_by(Project.county_adcode))

    def read(stmt, names):
        keys = [f"{n}_{light}" for n in names for light in LIGHTS]
        with engine.connect() as conn:
            return {int(r[0]): dict(zip(keys, (int(v) for v in r[1:]))) for r in conn.execute(stmt)}

    jobs = [(dated, own), (funds, ["funds"])]
    if executor is None:
        parts = [read(*job) for job in jobs]
    else:
        parts = [f.result() for f in [executor.submit(read, *job) for job in jobs]]
    out: dict[int, dict[str, int]] = {}
    for part in parts:
        for county, got in part.items():
            out.setdefault(county, dict.fromkeys(COUNT_COLUMNS, 0)).update(got)
    return out


# ------------------------------------------------------------------ lists

LIST_COLUMNS = ["code", "name", "investor", "county", "industry", "contract_yuan", "funds_yuan", "signed_on",
                "planned_start_on", "started_on", "planned_production_on", "updated_on", "responsible_unit",
                "light", "days"]
# What a list may be sorted by (the grid's column → SQL); anything else is refused, not passed on.
_SORTABLE = {"code", "name", "county", "contract_yuan", "signed_on", "planned_start_on", "started_on",
             "planned_production_on", "updated_on", "days", "light", "responsible_unit", "industry", "investor"}


def _days_column(name: str, as_of: date):
    """The figure each list sorts by first: how long the rule has been broken, in days."""
    d = literal(as_of)
    if name == "stall":
        return days_between(d, Project.signed_on)
    if name == "production":
        return days_between(d, Project.planned_production_on)
    if name == "funds":
        return days_between(d, Project.signed_on)
    return days_between(d, Project.updated_on)


def warning_list(engine: Engine, scope: RegionScope, filters: Filters, values: Values, name: str,
                 light: str | None = None, *, sort: list[tuple[str, bool]] | None = None, start: int = 0,
                 limit: int = 100) -> tuple[pd.DataFrame, int]:
    """One page of the projects a rule (and light) flags, and how many there are in all.

    `sort`: [(column, descending)], columns from LIST_COLUMNS (others are ignored); the default
    puts red first, then the largest contract. Paged in the database (LIMIT/OFFSET), so a page
    costs the same however long the list.
    """
    if name not in RULES:
        raise ValueError(f"no warning rule {name!r}")
    as_of = filters.as_of(data_cutoff(engine))
    t = thresholds(values, as_of)
    money = received(as_of) if name == "funds" else None
    amount = None if money is None else money.c.amount
    warn, red = rule(name, t, amount)
    where = [*project_conditions(scope, filters, as_of), light_condition(name, light, t, amount)]
    lit = case((red, "red"), else_="yellow").label("light")
    days = _days_column(name, as_of).label("days")
    cols = {
        "code": Project.code, "name": Project.name, "investor": Enterprise.name.label("investor"),
        "county": Region.name.label("county"), "industry": Industry.short_name.label("industry"),
        "contract_yuan": Project.contract_yuan,
        "funds_yuan": (funds_to_date(as_of) if money is None else func.coalesce(amount, 0)).label("funds_yuan"),
        "signed_on": Project.signed_on, "planned_start_on": Project.planned_start_on,
        "started_on": Project.started_on, "planned_production_on": Project.planned_production_on,
        "updated_on": Project.updated_on, "responsible_unit": Project.responsible_unit, "light": lit, "days": days,
    }
    order = []
    for column, descending in sort or []:
        if column in _SORTABLE:
            expr = case((red, 0), else_=1) if column == "light" else cols[column]
            if column == "light":
                descending = not descending  # red (0) sorts first when "descending"
            order.append(expr.desc() if descending else expr.asc())
    if not order:
        order = [case((red, 0), else_=1), Project.contract_yuan.desc()]
    source = Project.__table__ if money is None else Project.__table__.outerjoin(
        money, money.c.project_id == Project.id)
    stmt = (select(*cols.values()).select_from(source)
            .join(Enterprise, Enterprise.id == Project.enterprise_id)
            .join(Region, Region.adcode == Project.county_adcode)
            .join(Industry, Industry.code == Project.industry_code)
            .where(*where).order_by(*order, Project.code).offset(max(0, int(start))).limit(max(0, int(limit))))
    total = select(func.count()).select_from(source).where(*where)
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(stmt).mappings().all(), columns=LIST_COLUMNS)
        n = int(conn.scalar(total))
    return frame, n
