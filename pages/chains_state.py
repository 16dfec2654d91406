"""The chain page's state lives in the URL:

    /chains?region=<adcode>&industry=<CODE>&link=<id>&measure=contract|projects&from=&to=&channel=&origin=

Dates, channel and origin are read by the overview's parser (pages/url_state.py), so both pages
accept and refuse the same values; the default period here is the plan period, not this year.
A bad value is dropped with a message for the user, never an exception.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import parse_qsl, urlencode

from components.chain_controls import PLAN_PERIOD
from data_access.scope import Filters
from data_access.vocab import PROVINCE_ADCODE
from pages.url_state import parse, period_of, period_range

DEFAULT_MEASURE = "contract"
MEASURES = ("contract", "projects")
# The query string's keys in the order links are written, so two links to one view compare equal.
SEARCH_KEYS = ("region", "industry", "link", "measure", "from", "to", "channel", "origin")


@dataclass
class ChainState:
    filters: Filters
    period: str
    industry: str | None
    link: int | None
    measure: str
    problems: list[str] = field(default_factory=list)


def parse_chain_query(query: dict, *, cutoff: date, first: date | None, plan: tuple[date, date] | None,
                      links_of: dict[str, set[int]]) -> ChainState:
    """`links_of`: the key industries' link ids, to check industry and link against."""
    dated = {k: query.get(k) for k in ("from", "to", "channel", "origin")}
    view = parse(dated, cutoff, first, set())
    problems = list(view.problems)
    start = view.filters.date_from
    if start and start > cutoff:
        problems.append(f"开始日期晚于数据截止日 {cutoff}，已改为规划期")
    # No usable date (none given, or only bad ones): the plan period, not the overview's this year.
    if plan and (not any(_is_date(dated[k]) for k in ("from", "to")) or (start and start > cutoff)):
        view = parse({**dated, "from": plan[0].isoformat(), "to": plan[1].isoformat()}, cutoff, first, set())
    filters = replace(view.filters, industry=None)
    period = PLAN_PERIOD if plan and (filters.date_from, filters.date_to) == plan else period_of(filters, cutoff, first)

    industry = query.get("industry") or None
    if industry and industry not in links_of:
        problems.append(f"“{industry}”不是十大工业产业之一，已改为默认产业")
        industry = None
    link = _link(query.get("link"), problems)
    if link is not None:
        owner = next((code for code, ids in links_of.items() if link in ids), None)
        if owner is None or (industry and owner != industry):
            problems.append(f"产业链环节“{link}”不属于所选产业，已忽略")
            link = None
        else:
            industry = owner
    measure = query.get("measure") or DEFAULT_MEASURE
    if measure not in MEASURES:
        problems.append(f"未知的统计口径“{measure}”，已改为合同额")
        measure = DEFAULT_MEASURE
    return ChainState(filters, period, industry, link, measure, problems)


def _is_date(value) -> bool:
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return False
    return bool(value)


def _link(value, problems: list[str]) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(str(value))
    except ValueError:
        problems.append(f"产业链环节编号“{value}”无效，已忽略")
        return None


def period_dates(period: str, cutoff: date, first: date | None, plan: tuple[date, date] | None):
    return plan if period == PLAN_PERIOD and plan else period_range(period, cutoff, first)


def chain_search(region: int, filters: Filters, *, industry: str | None, link: int | None, measure: str,
                 plan: tuple[date, date] | None) -> str:
    """The query string, defaults left out (province, plan period, contract value), in a fixed order."""
    in_plan = plan is not None and (filters.date_from, filters.date_to) == plan
    params = {
        "region": None if region == PROVINCE_ADCODE else region,
        "industry": industry,
        "link": link,
        "measure": None if measure == DEFAULT_MEASURE else measure,
        "from": None if in_plan or not filters.date_from else filters.date_from.isoformat(),
        "to": None if in_plan or not filters.date_to else filters.date_to.isoformat(),
        "channel": filters.channel,
        "origin": filters.origin,
    }
    kept = {k: params[k] for k in SEARCH_KEYS if params[k] not in (None, "")}
    return "?" + urlencode(kept) if kept else ""


def query_of(search: str | None) -> dict:
    return dict(parse_qsl((search or "").lstrip("?")))
