"""Region scope and filters: the one place where every query is narrowed to what it serves.

Every query function takes a RegionScope. The cockpit's pages never make one from what the
browser sends: they ask the access layer (access.py), which looks the region up here, in the
RegionIndex read once per data version, and hands out only scopes its actor may see.
"""
from __future__ import annotations

from dataclasses import dataclass, field
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


def parse_adcode(value: int | str | None) -> int:
    """An adcode from text: None or '' is the province; anything but six digits is UnknownRegion."""
    if value in (None, ""):
        return PROVINCE_ADCODE
    text = str(value).strip()
    if not (text.isascii() and text.isdigit() and len(text) == 6):
        raise UnknownRegion(f"不是有效的行政区划代码：{text[:24]}")
    return int(text)


@dataclass(frozen=True)
class RegionIndex:
    """Every region of the database, by adcode, with its children: 98 rows, read once."""

    regions: dict[int, RegionScope]
    children: dict[int, tuple[int, ...]] = field(default_factory=dict)

    def get(self, adcode: int | str | None) -> RegionScope:
        code = parse_adcode(adcode)
        try:
            return self.regions[code]
        except KeyError:
            raise UnknownRegion(f"没有这个地区：{code}") from None

    def lineage(self, scope: RegionScope) -> list[RegionScope]:
        """The scope and the regions above it, province first."""
        chain = [scope]
        while chain[-1].parent_adcode is not None:
            chain.append(self.regions[chain[-1].parent_adcode])
        return chain[::-1]

    def within(self, adcode: int) -> frozenset[int]:
        """The region and every region below it."""
        out, todo = set(), [adcode]
        while todo:
            code = todo.pop()
            out.add(code)
            todo.extend(self.children.get(code, ()))
        return frozenset(out)


def load_regions(engine: Engine) -> RegionIndex:
    with engine.connect() as conn:
        rows = conn.execute(select(Region.adcode, Region.level, Region.name, Region.parent_adcode)).all()
    regions = {int(r.adcode): RegionScope(adcode=int(r.adcode), level=r.level, name=r.name,
                                          parent_adcode=None if r.parent_adcode is None else int(r.parent_adcode))
               for r in rows}
    children: dict[int, list[int]] = {}
    for r in regions.values():
        if r.parent_adcode is not None:
            children.setdefault(r.parent_adcode, []).append(r.adcode)
    return RegionIndex(regions, {k: tuple(sorted(v)) for k, v in children.items()})


def resolve_scope(engine: Engine, adcode: int | str | None) -> RegionScope:
    """The scope of an adcode, for scripts and tests; the cockpit's pages ask access.py instead."""
    return load_regions(engine).get(adcode)


def lineage(engine: Engine, scope: RegionScope) -> list[RegionScope]:
    """The scope and the regions above it, province first (for scripts and tests)."""
    return load_regions(engine).lineage(scope)


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
