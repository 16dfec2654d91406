"""What a briefing holds, taken from the view data the screen shows (views/overview.py,
views/chains.py), with the screen's own rounding (components/units.py): the deck (deck.py) only
lays it out, so its numbers cannot drift from the cockpit's.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from components.units import DASH, change, change_points, fmt_int, fmt_pct, fmt_yi, pct, yi_value
from data_access.glossary import HEADLINES

STALLED_ROWS = 10
GAP_CLASSES = ("空白", "薄弱")  # the links a briefing names as gaps (data_access/chains.py classes)


@dataclass(frozen=True)
class Kpi:
    label: str
    value: str
    unit: str
    yoy: str  # 同比: '+12.30%', '+3.20个百分点' or '—'


@dataclass(frozen=True)
class Briefing:
    region: str
    period: str               # '2026-01-01 至 2026-11-30'
    filters: str              # the filters in words, '无' without any
    cutoff: date
    made_at: datetime         # Beijing time
    user: str
    kpis: list[Kpi]
    funnel: list[tuple[str, int]]                    # (stage label, projects)
    industries: list[tuple[str, float, int]]         # (industry, 合同投资额 亿元, projects)
    trend: list[tuple[str, float, float]]            # (month, 签约合同额 亿元, 到位资金 亿元)
    sources: list[tuple[str, float, int]]            # (source region, 合同投资额 亿元, projects)
    gaps: list[tuple[str, str, str, str, int, str]]  # (industry, stage, link, class, projects, 合同投资额 亿元)
    stalled: list[tuple[str, str, str, str, int]]    # (project, county, 合同投资额 亿元, signed on, days)
    map_png: bytes | None = field(default=None, repr=False)

    @property
    def title(self) -> str:
        return f"{self.region}招商引资工作汇报"


STAGE_NAMES = {"up": "上游", "mid": "中游", "down": "下游"}


def briefing_of(data, links, *, region: str, filters_text: str, user: str, made_at: datetime,
                map_png: bytes | None = None) -> Briefing:
    """`data`: views.overview.OverviewData; `links`: the chain atlas rows (views.chains.ChainView.links)
    or None."""
    t = data.totals
    prev = data.previous.totals if data.previous else None
    blank = data.after_data

    def yoy(key):
        found = change(getattr(t, key), getattr(prev, key)) if prev else None
        return found[0] if found else DASH

    def yoy_rate(num, den):
        if not prev:
            return DASH
        found = change_points(pct(getattr(t, num), getattr(t, den)), pct(getattr(prev, num), getattr(prev, den)))
        return found[0] if found else DASH

    def kpi(key, value, yoy_text):
        label, unit = HEADLINES[key]
        return Kpi(label, DASH if blank else value, "" if unit == "%" else unit, yoy_text)

    kpis = [
        kpi("projects", fmt_int(t.projects), yoy("projects")),
        kpi("contract", fmt_yi(t.contract_yuan), yoy("contract_yuan")),
        kpi("funds", fmt_yi(t.funds_in_period_yuan), yoy("funds_in_period_yuan")),
        kpi("funds_rate", fmt_pct(t.funds_to_date_yuan, t.contract_yuan), yoy_rate("funds_to_date_yuan",
                                                                                   "contract_yuan")),
        kpi("start_rate", fmt_pct(t.started, t.projects), yoy_rate("started", "projects")),
        kpi("production_rate", fmt_pct(t.producing, t.projects), yoy_rate("producing", "projects")),
        kpi("park_rate", fmt_pct(t.in_park, t.projects), yoy_rate("in_park", "projects")),
        kpi("quality", fmt_int(t.quality), yoy("quality")),
    ]
    funnel = [(str(r.label), int(r.projects)) for r in data.funnel.itertuples()]
    industries = [(str(r.name), yi_value(r.contract_yuan), int(r.projects)) for r in data.industries.itertuples()]
    trend = [(str(r.month), yi_value(r.contract_yuan), yi_value(r.funds_yuan)) for r in data.trend.itertuples()]
    sources = [(str(r.source_region), yi_value(r.contract_yuan), int(r.projects)) for r in data.sources.itertuples()]
    gaps = []
    if links is not None and len(links):
        for r in links.to_dict("records"):
            if r.get("class_contract") in GAP_CLASSES:
                gaps.append((str(r["industry_name"]), STAGE_NAMES.get(r["stage"], r["stage"]), str(r["name"]),
                             str(r["class_contract"]), int(r["projects"]), fmt_yi(r["contract_yuan"])))
    stalled = [(str(r.name), str(r.county), fmt_yi(r.contract_yuan), str(r.signed_on), int(r.days))
               for r in data.stalled.top.head(STALLED_ROWS).itertuples()]
    return Briefing(region=region, period=f"{data.filters.date_from or data.first} 至 {data.as_of}",
                    filters=filters_text or "无", cutoff=data.cutoff, made_at=made_at, user=user, kpis=kpis,
                    funnel=funnel, industries=industries, trend=trend, sources=sources, gaps=gaps, stalled=stalled,
                    map_png=map_png)
