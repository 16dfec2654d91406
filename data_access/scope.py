"""Region scope and filters: the one place where every query is narrowed to what it serves.

Every query function takes a RegionScope; access control (a user limited to their city or
county) is enforced by handing out scopes only through `resolve_scope`, never by trusting a
value from the browser.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Engine, select, true

from .models import Enterprise, Region
from .vocab import CHANNELS, PROVINCE_ADCODE


class UnknownRegion(LookupError):
    """The adcode names no region of Guizhou in the database."""


class InvalidFilter(ValueError):
    """A filter value that the cockpit cannot apply (bad date, unknown channel…)."""


@dataclass(frozen=True)
class RegionScope:
    adcode: int
    level: str  # province | city | county
    name: str
    parent_adcode: int | None = None

    def condition(self, county_col, city_col) -> ColumnElement[bool]:
        """The WHERE clause that keeps rows of this region, given a table's region columns."""
        if self.level == "province":
            return true()
        if self.level == "city":
            return city_col == self.adcode
        return county_col == self.adcode


def resolve_scope(engine: Engine, adcode: int | str | None) -> RegionScope:
    """The scope for an adcode (None = the province); raises UnknownRegion for anything else."""
    if adcode in (None, ""):
        adcode = PROVINCE_ADCODE
    try:
        code = int(str(adcode).strip())
    except ValueError:
        raise UnknownRegion(f"不是有效的行政区划代码：{adcode!r}") from None
    with engine.connect() as conn:
        row = conn.execute(
            select(Region.adcode, Region.level, Region.name, Region.parent_adcode).where(Region.adcode == code)
        ).first()
    if row is None:
        raise UnknownRegion(f"没有这个地区：{code}")
    return RegionScope(adcode=row.adcode, level=row.level, name=row.name, parent_adcode=row.parent_adcode)


def lineage(engine: Engine, scope: RegionScope) -> list[RegionScope]:
    """The scope and the regions above it, province first (for breadcrumbs)."""
    chain = [scope]
    while chain[-1].parent_adcode is not None:
        chain.append(resolve_scope(engine, chain[-1].parent_adcode))
    return chain[::-1]


@dataclass(frozen=True)
class Filters:
    """Filters applied to every panel. Dates are inclusive; None means unbounded."""

    date_from: date | None = None
    date_to: date | None = None
    channel: str | None = None
    origin: str | None = None  # a province or city of the investor, e.g. 广东省 or 深圳
    industry: str | None = None

    def __post_init__(self) -> None:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise InvalidFilter("开始日期晚于结束日期")
        if self.channel is not None and self.channel not in CHANNELS:
            raise InvalidFilter(f"未知的招商方式：{self.channel}")

    def as_of(self, cutoff: date) -> date:
        """The date whose state the figures show: the period's end, never beyond the data."""
        return min(self.date_to, cutoff) if self.date_to else cutoff


def origin_names(origin: str) -> set[str]:
    """The spellings a place may be recorded under: 深圳, 深圳市; 广东, 广东省; 香港, 香港特别行政区."""
    bare = origin.strip()
    for suffix in ("特别行政区", "市", "省"):
        bare = bare.removesuffix(suffix)
    return {bare, bare + "市", bare + "省", bare + "特别行政区"}


def origin_condition(origin: str) -> ColumnElement[bool]:
    """Investor origin matches a city or a province."""
    names = origin_names(origin)
    return Enterprise.origin_city.in_(names) | Enterprise.origin_province.in_(names)
