"""The projects behind a figure: one query builder for every list the cockpit drills to.

An entry names the figure that was clicked (a KPI card, a funnel step, an industry bar, a month
of the trend, a stalled light, a chain link...). Its projects are selected with the very
predicates the figure's own query counts them by (queries.project_conditions, lifecycle,
area.stalled_conditions, chains' link rule), under the same region scope, period and filters,
so the list's footer equals the number that was clicked:

    all           签约项目数 / 合同投资额 / 资金到位率 (the period's projects)
    started       已开工(含投产), the funnel's second step and 开工率's numerator
    producing     已投产, the third step and 投产率's numerator
    in_park       入园率's numerator           quality     优强企业 projects
    funds         到位资金: projects that received money in the period (signed any time), with
                  the money of the period in the funds column, so its sum is the card's figure
    industry      key = industry code           source      key = source region
    month         key = YYYYMM: contract value signed that month (the trend's bar)
    month_funds   key = YYYYMM: 到位资金 received that month (the trend's line)
    stalled       key = '' | 'yellow' | 'red': 签约未开工 (all, 3–6 months, beyond 6 months)
    link, link_started, link_pipeline
                  key = chain link id: the chain page's link, its realised and pipeline parts
                  (the chain page ignores the industry filter; so do these)

Sorting, column filters and paging run in the database; `rows` returns the whole row set of a
list (the Excel export reads it). Money stays in yuan here; components/ converts.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date

import pandas as pd
from sqlalchemy import Engine, and_, case, exists, func, literal, select

from . import lifecycle
from .area import STALL_RED_DAYS, STALL_YELLOW_DAYS, stalled_conditions, waited_days
from .models import ChainLink, Enterprise, Funding, Industry, Park, Project, Region
from .queries import data_cutoff, funds_by, project_conditions
from .scope import Filters, RegionScope
from .vocab import SOURCE_REGIONS

ENTRY_KINDS = ("all", "started", "producing", "in_park", "quality", "funds", "industry", "source", "month",
               "month_funds", "stalled", "link", "link_started", "link_pipeline")
KEYED = {"industry", "source", "month", "month_funds", "link", "link_started", "link_pipeline"}
STALL_KEYS = ("", "yellow", "red")
FUND_ENTRIES = {"funds", "month_funds"}  # the funds column holds the period's money, not money to date


class BadEntry(ValueError):
    """An entry the cockpit has no figure for (the message is for the page, in Chinese)."""


@dataclass(frozen=True)
class Entry:
    kind: str = "all"
    key: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ENTRY_KINDS:
            raise BadEntry(f"未知的清单入口“{str(self.kind)[:20]}”")
        if self.kind in KEYED and not self.key:
            raise BadEntry("清单入口缺少参数")
        if self.kind == "stalled" and self.key not in STALL_KEYS:
            raise BadEntry(f"未知的预警级别“{str(self.key)[:20]}”")
        if self.kind == "source" and self.key not in SOURCE_REGIONS:
            raise BadEntry(f"未知的来源地区“{str(self.key)[:20]}”")
        if self.kind in ("month", "month_funds") and not _is_month(self.key):
            raise BadEntry(f"月份“{str(self.key)[:20]}”无效，应为 YYYYMM")
        if self.kind.startswith("link") and not (self.key.isascii() and self.key.isdigit() and len(self.key) <= 6):
            raise BadEntry(f"产业链环节编号“{str(self.key)[:20]}”无效")


@dataclass(frozen=True)
class ListSpec:
    """Which projects: the figure's region, filters and entry."""
    scope: RegionScope
    filters: Filters
    entry: Entry


@dataclass(frozen=True)
class ColumnFilter:
    """A grid column's filter (urls/list_filters.py writes and reads them in the list's URL):

    contains  text the column contains (value: str)
    in        one of these values (value: tuple of str)
    equals    a number (亿元, equal as shown to two decimals) or a day
    range     value ≤ column ≤ value_to, either side None for open; 亿元 as shown, or days
    """
    column: str
    op: str
    value: str | tuple | float | date | None
    value_to: float | date | None = None


@dataclass(frozen=True)
class Sort:
    column: str = "contract"
    descending: bool = True


@dataclass(frozen=True)
class ListTotals:
    projects: int
    contract_yuan: int
    funds_yuan: int            # money to date as of the period's end, or the period's (FUND_ENTRIES)


def _is_month(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) == 6 and 1 <= int(text[4:]) <= 12


def _month(key: str) -> tuple[date, date]:
    year, month = int(key[:4]), int(key[4:])
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def money_window(entry: Entry, filters: Filters, as_of: date) -> tuple[date | None, date]:
    """The days whose money the funds column sums."""
    if entry.kind == "funds":
        return filters.date_from, as_of
    if entry.kind == "month_funds":
        first, last = _month(entry.key)
        start = max(first, filters.date_from) if filters.date_from else first
        return start, min(last, as_of)
    return None, as_of


def _received(start: date | None, end: date) -> list:
    return [Funding.received_on <= end] + ([Funding.received_on >= start] if start else [])


def conditions(spec: ListSpec, as_of: date) -> list:
    """The WHERE clause of the entry's projects, predicate for predicate the figure's own."""
    scope, filters, entry = spec.scope, spec.filters, spec.entry
    kind = entry.kind
    if kind in FUND_ENTRIES:
        # 到位资金 (queries.funds_by): money received in the window for the scope's projects active
        # as of the period's end, signed at any time, under the project filters.
        # EXISTS reads each candidate's money from the funding index led by the project (an IN
        # list of every payment of the period was 1.6x slower at 100k projects).
        start, end = money_window(entry, filters, as_of)
        paid = exists().where(Funding.project_id == Project.id, *_received(start, end))
        return [*project_conditions(scope, filters, as_of, signed_in_period=False), paid]
    if kind == "stalled":
        conds = stalled_conditions(scope, filters, as_of)
        waited = waited_days(as_of)
        if entry.key == "yellow":
            conds += [waited > STALL_YELLOW_DAYS, waited <= STALL_RED_DAYS]
        elif entry.key == "red":
            conds.append(waited > STALL_RED_DAYS)
        return conds
    if kind.startswith("link"):
        # The chain page reads links with the industry filter off (data_access/chains.py).
        conds = [*project_conditions(scope, replace(filters, industry=None), as_of),
                 Project.chain_link_id == int(entry.key)]
        if kind == "link_started":
            conds.append(lifecycle.is_started(as_of))
        elif kind == "link_pipeline":
            conds.append(lifecycle.is_pipeline(as_of))
        return conds
    conds = project_conditions(scope, filters, as_of)
    if kind == "started":
        conds.append(lifecycle.is_started(as_of))
    elif kind == "producing":
        conds.append(lifecycle.is_producing(as_of))
    elif kind == "in_park":
        conds.append(Project.park_id.is_not(None))
    elif kind == "quality":
        conds.append(Project.quality_tags > 0)
    elif kind == "industry":
        conds.append(Project.industry_code == entry.key)
    elif kind == "source":
        conds.append(Project.source_region == entry.key)
    elif kind == "month":
        first, last = _month(entry.key)
        conds += [Project.signed_on >= first, Project.signed_on <= last]
    return conds


# ------------------------------------------------------------------ columns

County = Region.__table__.alias("county")


def _status(as_of: date):
    """The project's state as of the period's end (the list shows it, not today's record)."""
    return case(
        (lifecycle.is_producing(as_of), literal("已投产")),
        (lifecycle.is_started(as_of), literal("在建")),
        else_=literal("签约未开工"),
    )


def _as_of_date(column, as_of: date):
    """A lifecycle date, blank when it lies after the period's end (it had not happened yet)."""
    return case((column <= as_of, column), else_=None)


def _funds(entry: Entry, filters: Filters, as_of: date):
    start, end = money_window(entry, filters, as_of)
    return (select(func.coalesce(func.sum(Funding.amount_yuan), 0))
            .where(Funding.project_id == Project.id, *_received(start, end))
            .correlate(Project).scalar_subquery())


def columns(entry: Entry, filters: Filters, as_of: date) -> dict:
    """The grid's columns by id, as SQL expressions on the project and what it joins."""
    return {
        "code": Project.code,
        "name": Project.name,
        "investor": Enterprise.name,
        "county": County.c.name,
        "park": Park.name,
        "industry": Industry.short_name,
        "link": ChainLink.name,
        "channel": Project.channel,
        "status": _status(as_of),
        "contract": Project.contract_yuan,
        "funds": _funds(entry, filters, as_of),
        "signed_on": Project.signed_on,
        "started_on": _as_of_date(Project.started_on, as_of),
        "production_on": _as_of_date(Project.production_on, as_of),
        "unit": Project.responsible_unit,
    }


TEXT_COLUMNS = ("code", "name", "investor", "county", "park", "industry", "link", "channel", "status", "unit")
NUMBER_COLUMNS = ("contract", "funds")  # compared in 亿元
DATE_COLUMNS = ("signed_on", "started_on", "production_on")
SORTABLE = (*TEXT_COLUMNS, *NUMBER_COLUMNS, *DATE_COLUMNS)
CONTAINS_COLUMNS = ("name", "investor", "park", "unit")                   # free text: a part of it
SET_COLUMNS = ("county", "industry", "link", "channel", "status")          # few values: which ones
HALF_CENT = 500_000  # yuan: half of 0.01 亿元, the precision money is shown (and compared) at
# What each column needs joined to the project.
_JOINS = {"investor": "enterprise", "county": "county", "park": "park", "industry": "industry", "link": "link"}


def _join(stmt, needed: set[str]):
    if "enterprise" in needed:
        stmt = stmt.join(Enterprise, Enterprise.id == Project.enterprise_id)
    if "county" in needed:
        stmt = stmt.join(County, County.c.adcode == Project.county_adcode)
    if "park" in needed:
        stmt = stmt.outerjoin(Park, Park.id == Project.park_id)
    if "industry" in needed:
        stmt = stmt.join(Industry, Industry.code == Project.industry_code)
    if "link" in needed:
        stmt = stmt.outerjoin(ChainLink, ChainLink.id == Project.chain_link_id)
    return stmt


def _filter_clause(cols: dict, f: ColumnFilter):
    expr = cols.get(f.column)
    if expr is None:
        raise BadEntry(f"不能按“{str(f.column)[:20]}”筛选")
    if f.op == "contains" and f.column in CONTAINS_COLUMNS:
        return func.lower(func.coalesce(expr, "")).contains(str(f.value).strip().lower(), autoescape=True)
    if f.op == "in" and f.column in SET_COLUMNS and isinstance(f.value, tuple) and f.value:
        return expr.in_([str(v) for v in f.value])
    if f.column in NUMBER_COLUMNS and f.op in ("equals", "range"):
        # As shown: a value shown with two decimals of 亿元 passes if what is shown does.
        def yuan(v):
            return int(round(float(v) * 100_000_000))
        if f.op == "equals":
            return and_(expr >= yuan(f.value) - HALF_CENT, expr < yuan(f.value) + HALF_CENT)
        bounds = ([expr >= yuan(f.value) - HALF_CENT] if f.value is not None else []) + \
                 ([expr < yuan(f.value_to) + HALF_CENT] if f.value_to is not None else [])
        if bounds:
            return and_(*bounds)
    if f.column in DATE_COLUMNS and f.op in ("equals", "range"):
        if f.op == "equals" and isinstance(f.value, date):
            return expr == f.value
        bounds = ([expr >= f.value] if isinstance(f.value, date) else []) + \
                 ([expr <= f.value_to] if isinstance(f.value_to, date) else [])
        if bounds:
            return and_(*bounds)
    raise BadEntry(f"不支持的筛选条件（{str(f.column)[:20]}）")


def _where(spec: ListSpec, as_of: date, filters: tuple[ColumnFilter, ...]) -> tuple[list, set[str], dict]:
    cols = columns(spec.entry, spec.filters, as_of)
    where = conditions(spec, as_of) + [_filter_clause(cols, f) for f in filters]
    needed = {_JOINS[f.column] for f in filters if f.column in _JOINS}
    return where, needed, cols


# ------------------------------------------------------------------ reading a list

def totals(engine: Engine, spec: ListSpec, filters: tuple[ColumnFilter, ...] = ()) -> ListTotals:
    """Count, contract value and funds of the whole list: the footer, equal to the clicked figure."""
    as_of = spec.filters.as_of(data_cutoff(engine))
    where, needed, _ = _where(spec, as_of, filters)
    counted = _join(select(func.count(), func.coalesce(func.sum(Project.contract_yuan), 0)).select_from(Project),
                    needed).where(*where)
    start, end = money_window(spec.entry, spec.filters, as_of)
    chosen = _join(select(Project.id), needed).where(*where)
    money = select(func.coalesce(func.sum(Funding.amount_yuan), 0)).where(
        Funding.project_id.in_(chosen), *_received(start, end))
    with engine.connect() as conn:
        n, contract = conn.execute(counted).one()
        if spec.entry.kind in FUND_ENTRIES and not filters:
            # The figure itself, read as the overview reads it (the funding_month rollup):
            # the same sum, without reading every payment of the period again.
            by_month = spec.entry.kind == "month_funds"
            got = funds_by(conn, spec.scope, spec.filters, as_of, *(("month",) if by_month else ()))
            funds = got.get((int(spec.entry.key),) if by_month else (), 0)
        else:
            funds = conn.scalar(money)
    return ListTotals(int(n), int(contract), int(funds))


ROW_COLUMNS = ["code", "name", "investor", "county", "park", "industry", "link", "channel", "status", "contract_yuan",
               "funds_yuan", "signed_on", "started_on", "production_on", "unit"]


def _statement(engine: Engine, spec: ListSpec, sort: Sort, filters: tuple[ColumnFilter, ...],
               offset: int, limit: int | None):
    """The rows of a list, sorted (ties by project code) and filtered in the database.

    The page's project ids are chosen first, joining only what its sort and filters need; the
    page's few rows are then joined to everything the grid shows.
    """
    as_of = spec.filters.as_of(data_cutoff(engine))
    where, needed, cols = _where(spec, as_of, filters)
    if sort.column not in SORTABLE:
        raise BadEntry(f"不能按“{sort.column[:20]}”排序")
    if sort.column in _JOINS:
        needed.add(_JOINS[sort.column])
    key = cols[sort.column]
    order = [key.desc() if sort.descending else key.asc(), Project.code.desc() if sort.descending else Project.code]
    if sort.column in ("park", "link", "started_on", "production_on", "unit"):
        order.insert(0, key.is_(None))  # blanks last, both ways, on either backend
    chosen = _join(select(Project.id.label("id")), needed).where(*where).order_by(*order)
    if limit is not None:
        chosen = chosen.limit(limit)
    if offset:
        chosen = chosen.offset(offset)
    ids = chosen.subquery()
    stmt = _join(select(*[cols[c].label(_RENAMED.get(c, c)) for c in cols]).select_from(Project),
                 {"enterprise", "county", "park", "industry", "link"}).join(ids, ids.c.id == Project.id)
    return stmt.order_by(*order)


_RENAMED = {"contract": "contract_yuan", "funds": "funds_yuan"}


def page(engine: Engine, spec: ListSpec, *, sort: Sort = Sort(), filters: tuple[ColumnFilter, ...] = (),
         offset: int = 0, limit: int | None = 100) -> pd.DataFrame:
    """One page of the list (see `_statement`)."""
    stmt = _statement(engine, spec, sort, filters, offset, limit)
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(stmt).mappings().all(), columns=[c.name for c in stmt.selected_columns])
    for col in ("contract_yuan", "funds_yuan"):
        frame[col] = frame[col].astype("int64")
    return frame[ROW_COLUMNS]


def rows(engine: Engine, spec: ListSpec, *, sort: Sort = Sort(), filters: tuple[ColumnFilter, ...] = ()) -> pd.DataFrame:
    """Every row of a list, in its order."""
    return page(engine, spec, sort=sort, filters=filters, offset=0, limit=None)


def stream(engine: Engine, spec: ListSpec, *, sort: Sort = Sort(), filters: tuple[ColumnFilter, ...] = (),
           batch: int = 2000):
    """Every row of a list, in its order, as dicts of ROW_COLUMNS read a batch at a time: what an
    export of the list writes, so that 100,000 rows never sit in memory at once."""
    stmt = _statement(engine, spec, sort, filters, 0, None)
    with engine.connect() as conn:
        for row in conn.execution_options(yield_per=batch).execute(stmt).mappings():
            yield {c: row[c] for c in ROW_COLUMNS}
