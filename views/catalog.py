"""What the filters offer and the data's span: read once per data version, shared by every page."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from data_access import chains
from data_access import overview as ov
from data_access import queries as q
from urls import period_range

from .runtime import Runtime


@dataclass(frozen=True, eq=False)
class Catalog:
    cutoff: date                              # the last day the data covers
    first: date | None                        # the first signing on record
    source: str                               # '演示数据' for the generated demo set, else ''
    industries: tuple[tuple[str, str, str, bool], ...]  # (code, name, short_name, is_key) in plan order
    regions: pd.DataFrame                     # queries.regions
    origins: tuple[str, ...]                  # investor origins the filter offers
    links_of: dict[str, frozenset[int]]       # key industry → its chain link ids
    industry_order: tuple[str, ...]           # key industries in plan order
    plan: tuple[date, date] | None            # the chain page's default window

    @property
    def this_year(self) -> tuple[date, date]:
        return period_range("this_year", self.cutoff, self.first)

    @property
    def industry_codes(self) -> set[str]:
        return {code for code, *_ in self.industries}


def read_catalog(rt: Runtime) -> Catalog:
    return rt.memo("catalog", lambda: _read(rt))


def _read(rt: Runtime) -> Catalog:
    engine = rt.engine
    links = chains.chain_links(engine)
    links_of = {code: frozenset(int(i) for i in group["link_id"]) for code, group in links.groupby("industry_code")}
    return Catalog(
        cutoff=q.data_cutoff(engine), first=ov.first_signing(engine), source=q.dataset_source(engine),
        industries=tuple(q.industries(engine)), regions=q.regions(engine), origins=tuple(ov.origin_options(engine)),
        links_of=links_of, industry_order=tuple(dict.fromkeys(links["industry_code"])),
        plan=chains.default_window(engine),
    )
