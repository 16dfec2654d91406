"""The overview's state lives in the URL: /region/<adcode>?from=&to=&channel=&origin=&industry=.

Parsing is strict about what it accepts and forgiving in what it does: a bad value is dropped
with a message for the user, never an exception.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from data_access.scope import Filters
from data_access.vocab import CHANNELS

MAX_ORIGIN_LEN = 20


@dataclass
class ViewState:
    filters: Filters
    period: str  # this_year | last_year | all | custom
    problems: list[str] = field(default_factory=list)


def _date(value, name: str, problems: list[str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.append(f"日期“{value}”无效（{name}），应为 YYYY-MM-DD，已忽略")
        return None


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


def parse(query: dict, cutoff: date, first: date | None, industries: set[str]) -> ViewState:
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
    return ViewState(filters=filters, period=period_of(filters, cutoff, first), problems=problems)


def search_of(filters: Filters, default_range: tuple[date, date] | None = None) -> str:
    """The query string for filters ('' when none), in a fixed order so links compare equal.

    The default period (this year) is left out, so the plain link to a region stays plain.
    """
    dated = (filters.date_from, filters.date_to) != default_range
    params = {
        "from": filters.date_from.isoformat() if dated and filters.date_from else None,
        "to": filters.date_to.isoformat() if dated and filters.date_to else None,
        "channel": filters.channel,
        "origin": filters.origin,
        "industry": filters.industry,
    }
    kept = {k: v for k, v in params.items() if v}
    return "?" + urlencode(kept) if kept else ""
