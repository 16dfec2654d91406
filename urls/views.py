"""What a view's query means: typed, checked state from the query of a URL, and back.

Parsing is strict about what it accepts and forgiving in what it does: a bad value is dropped
with a notice in Chinese for the page, never an exception. Defaults (this year, the plan
period, contract value) are left out of the query, so a plain link stays plain.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from data_access.project_list import BadEntry, Entry
from data_access.scope import Filters
from data_access.vocab import CHANNELS, PROVINCE_ADCODE

MAX_ORIGIN_LEN = 20
# Dates outside these years are typing errors (or attacks), not periods anybody means.
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)
PLAN_PERIOD = "plan"
CHAIN_MEASURES = ("contract", "projects")
DEFAULT_CHAIN_MEASURE = "contract"


@dataclass(frozen=True)
class OverviewState:
    filters: Filters
    period: str  # this_year | last_year | all | custom
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChainState:
    filters: Filters
    period: str  # plan | this_year | last_year | all | custom
    industry: str | None
    link: int | None
    measure: str
    problems: tuple[str, ...] = ()


def period_range(period: str, cutoff: date, first: date | None) -> tuple[date, date]:
    if period == "last_year":
        return date(cutoff.year - 1, 1, 1), date(cutoff.year - 1, 12, 31)
    if period == "all":
        return (first or date(cutoff.year, 1, 1)), cutoff
    return date(cutoff.year, 1, 1), cutoff


def period_of(filters: Filters, cutoff: date, first: date | None) -> str:
    for key in ("this_year", "last_year", "all"):
        if (filters.date_from, filters.date_to) == period_range(key, cutoff, first):
            return key
    return "custom"


def _date(value, name: str, problems: list[str]) -> date | None:
    if not value:
        return None
    try:
        parsed = date.fromisoformat(str(value))
    except ValueError:
        problems.append(f"日期“{str(value)[:20]}”无效（{name}），应为 YYYY-MM-DD，已忽略")
        return None
    if not EARLIEST <= parsed <= LATEST:
        problems.append(f"日期“{value}”超出 {EARLIEST.year}–{LATEST.year} 年范围（{name}），已忽略")
        return None
    return parsed


def overview_state(query: dict, *, cutoff: date, first: date | None, industries: set[str]) -> OverviewState:
    problems: list[str] = []
    start = _date(query.get("from"), "from", problems)
    end = _date(query.get("to"), "to", problems)
    if start is None and end is None:
        start, end = period_range("this_year", cutoff, first)
    if start and end and start > end:
        problems.append("开始日期晚于结束日期，已改为本年")
        start, end = period_range("this_year", cutoff, first)
    channel = query.get("channel") or None
    if channel and channel not in CHANNELS:
        problems.append(f"未知的招商方式“{channel}”，已忽略")
        channel = None
    industry = query.get("industry") or None
    if industry and industry not in industries:
        problems.append(f"未知的产业代码“{industry}”，已忽略")
        industry = None
    origin = (query.get("origin") or "").strip() or None
    if origin and len(origin) > MAX_ORIGIN_LEN:
        problems.append("投资方来源地过长，已忽略")
        origin = None
    filters = Filters(date_from=start, date_to=end, channel=channel, origin=origin, industry=industry)
    return OverviewState(filters, period_of(filters, cutoff, first), tuple(problems))


def filter_query(filters: Filters, default_range: tuple[date, date] | None) -> dict:
    """The query of filters; the default period is left out (as a pair, so both dates agree)."""
    dated = (filters.date_from, filters.date_to) != default_range
    return {
        "from": filters.date_from.isoformat() if dated and filters.date_from else None,
        "to": filters.date_to.isoformat() if dated and filters.date_to else None,
        "channel": filters.channel,
        "origin": filters.origin,
        "industry": filters.industry,
    }


def chain_state(query: dict, *, cutoff: date, first: date | None, plan: tuple[date, date] | None,
                links_of: dict[str, set[int]]) -> ChainState:
    """`links_of`: the key industries' link ids, to check industry and link against.

    Dates, channel and origin are read as the overview reads them, so both pages accept and
    refuse the same values; the default period here is the plan period, not this year.
    """
    dated = {k: query.get(k) for k in ("from", "to", "channel", "origin")}
    view = overview_state(dated, cutoff=cutoff, first=first, industries=set())
    problems = list(view.problems)
    start = view.filters.date_from
    if start and start > cutoff:
        problems.append(f"开始日期晚于数据截止日 {cutoff}，已改为规划期")
    # No usable date (none given, or only bad ones): the plan period, not the overview's this year.
    if plan and (not any(_is_date(dated[k]) for k in ("from", "to")) or (start and start > cutoff)):
        view = overview_state({**dated, "from": plan[0].isoformat(), "to": plan[1].isoformat()},
                              cutoff=cutoff, first=first, industries=set())
    filters = replace(view.filters, industry=None)
    period = PLAN_PERIOD if plan and (filters.date_from, filters.date_to) == plan else period_of(filters, cutoff, first)

    industry = query.get("industry") or None
    if industry and industry not in links_of:
        problems.append(f"“{industry[:20]}”不是十大工业产业之一，已改为默认产业")
        industry = None
    link = _link(query.get("link"), problems)
    if link is not None:
        owner = next((code for code, ids in links_of.items() if link in ids), None)
        if owner is None or (industry and owner != industry):
            problems.append(f"产业链环节“{link}”不属于所选产业，已忽略")
            link = None
        else:
            industry = owner
    measure = query.get("measure") or DEFAULT_CHAIN_MEASURE
    if measure not in CHAIN_MEASURES:
        problems.append(f"未知的统计口径“{measure[:20]}”，已改为合同投资额")
        measure = DEFAULT_CHAIN_MEASURE
    return ChainState(filters, period, industry, link, measure, tuple(problems))


def chain_query(region: int, filters: Filters, *, industry: str | None, link: int | None, measure: str,
                plan: tuple[date, date] | None) -> dict:
    """The chain page's query; defaults (province, plan period, contract value) left out."""
    in_plan = plan is not None and (filters.date_from, filters.date_to) == plan
    return {
        "region": None if region == PROVINCE_ADCODE else region,
        "industry": industry,
        "link": link,
        "measure": None if measure == DEFAULT_CHAIN_MEASURE else measure,
        "from": None if in_plan or not filters.date_from else filters.date_from.isoformat(),
        "to": None if in_plan or not filters.date_to else filters.date_to.isoformat(),
        "channel": filters.channel,
        "origin": filters.origin,
    }


def period_dates(period: str, cutoff: date, first: date | None, plan: tuple[date, date] | None):
    return plan if period == PLAN_PERIOD and plan else period_range(period, cutoff, first)


def _is_date(value) -> bool:
    try:
        return bool(value) and EARLIEST <= date.fromisoformat(str(value)) <= LATEST
    except ValueError:
        return False


def _link(value, problems: list[str]) -> int | None:
    if value in (None, ""):
        return None
    text = str(value)
    if not (text.isascii() and text.isdigit() and len(text) <= 6):
        problems.append(f"产业链环节编号“{text[:20]}”无效，已忽略")
        return None
    return int(text)


# ------------------------------------------------------------------ project lists (issue 14)

LIST_SORTS = ("code", "name", "investor", "county", "park", "industry", "link", "channel", "status", "contract",
              "funds", "signed_on", "started_on", "production_on", "unit")
DEFAULT_LIST_SORT = "-contract"
MAX_LIST_PAGE = 100_000


@dataclass(frozen=True)
class ListState:
    """A project list's URL: the figure's region and filters, which figure, the list's sort and page."""
    filters: Filters
    period: str
    entry: str
    key: str
    sort: str          # a LIST_SORTS column, '-' in front for descending
    page: int          # 1-based
    problems: tuple[str, ...] = ()

    @property
    def sort_column(self) -> str:
        return self.sort.lstrip("-")

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")


def list_state(query: dict, *, cutoff: date, first: date | None, industries: set[str],
               links: set[int] = frozenset()) -> ListState:
    """The list's state: filters as the overview reads them, an entry the cockpit has a figure
    for (else the period's projects, with a notice), a known sort column and a page number."""
    view = overview_state(query, cutoff=cutoff, first=first, industries=industries)
    problems = list(view.problems)
    entry, key = str(query.get("entry") or "all"), str(query.get("key") or "")
    try:
        Entry(entry, key)
        if entry == "industry" and key not in industries:
            raise BadEntry(f"未知的产业代码“{key[:20]}”")
        if entry.startswith("link") and links and int(key) not in links:
            raise BadEntry(f"产业链环节“{key[:20]}”不存在")
    except BadEntry as exc:
        problems.append(f"{exc}，已改为全部签约项目")
        entry, key = "all", ""
    sort = str(query.get("sort") or DEFAULT_LIST_SORT)
    if sort.lstrip("-") not in LIST_SORTS or sort.count("-") > 1 or (sort.count("-") and not sort.startswith("-")):
        problems.append(f"未知的排序“{sort[:20]}”，已按合同投资额排序")
        sort = DEFAULT_LIST_SORT
    page_text = str(query.get("page") or "1")
    if not (page_text.isascii() and page_text.isdigit() and 1 <= int(page_text) <= MAX_LIST_PAGE):
        problems.append(f"页码“{page_text[:20]}”无效，已改为第1页")
        page_text = "1"
    return ListState(view.filters, view.period, entry, key, sort, int(page_text), tuple(problems))


def list_query(region: int | None, filters: Filters, default_range: tuple[date, date] | None, *,
               entry: str = "all", key: str = "", sort: str = DEFAULT_LIST_SORT, page: int = 1) -> dict:
    """The query of a project list; defaults (province, this year, all, by contract, page 1) left out."""
    return {
        "region": None if region in (None, PROVINCE_ADCODE) else int(region),
        "entry": None if entry == "all" else entry,
        "key": key or None,
        **filter_query(filters, default_range),
        "sort": None if sort == DEFAULT_LIST_SORT else sort,
        "page": None if page == 1 else page,
    }


def list_link_query(region: int | None, view_query: dict, entry: str = "all", key: str | int = "") -> dict:
    """The list behind a figure of a view: the view's region and filter query (as the overview or
    the chain page wrote it), the figure as entry and key; the list's default sort and page."""
    return {
        "region": None if region in (None, PROVINCE_ADCODE) else int(region),
        "entry": None if entry == "all" else entry,
        "key": str(key) if key not in (None, "") else None,
        **{k: view_query.get(k) for k in ("from", "to", "channel", "origin", "industry")},
    }
