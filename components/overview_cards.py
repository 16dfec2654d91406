"""The overview's cards: the KPI strip, the activity cards and the annual targets, for one view.

A card says what its number covers when the label alone would mislead: 到位资金 counts money of
earlier projects too, the funds rate only the period's projects, and the target card always
1 January to the period's end with every filter off (so it takes no colour on a filtered screen).
Each carries the ⓘ of its definition (data_access/glossary.py).
"""
from __future__ import annotations

import calendar
from decimal import Decimal

from data_access.glossary import HEADLINES

from .kpi import kpi_card
from .panels import message
from .targets import target_bars
from .units import DASH, change, change_points, fmt_int, fmt_pct, fmt_yi, pct


def filtered(data) -> bool:
    """Filters that narrow the projects are on (channel, origin, industry)."""
    f = data.filters
    return bool(f.channel or f.origin or f.industry)


# The list behind each card (data_access/project_list.py entries): a rate's numerator.
KPI_LISTS = {"projects": "all", "contract": "all", "funds": "funds", "funds_rate": "all", "start_rate": "started",
             "production_rate": "producing", "park_rate": "in_park", "quality": "quality"}


def kpis(data, lists: dict[str, str] | None = None) -> list:
    """`lists`: the list URL per card key (KPI_LISTS), for analysts and up; None: no links."""
    t = data.totals
    prev = data.previous.totals if data.previous else None
    blank = data.after_data  # nothing is known about the period yet: no figure, not a zero

    def delta(key):
        return change(getattr(t, key), getattr(prev, key)) if prev else None

    def rate(num, den, source):
        return pct(getattr(source, num), getattr(source, den)) if source else None

    def delta_rate(num, den):
        return change_points(rate(num, den, t), rate(num, den, prev)) if prev else None

    def card(key, value, **kw):
        label, unit = HEADLINES[key]
        return kpi_card(label, DASH if blank else value, "" if unit == "%" or blank else unit,
                        card_id=f"kpi-{key.replace('_', '-')}", info=key,
                        href=None if blank or not lists else lists.get(key), **kw)

    return [
        card("projects", fmt_int(t.projects), delta=delta("projects")),
        card("contract", fmt_yi(t.contract_yuan), delta=delta("contract_yuan")),
        card("funds", fmt_yi(t.funds_in_period_yuan), delta=delta("funds_in_period_yuan"),
             note="含往年签约项目的到账"),
        card("funds_rate", fmt_pct(t.funds_to_date_yuan, t.contract_yuan),
             delta=delta_rate("funds_to_date_yuan", "contract_yuan"),
             note=None if blank else f"到位 {fmt_yi(t.funds_to_date_yuan)} 亿",
             detail=None if blank else f"合同 {fmt_yi(t.contract_yuan)} 亿"),
        card("start_rate", fmt_pct(t.started, t.projects), delta=delta_rate("started", "projects"),
             note="已开工(含投产)/签约"),
        card("production_rate", fmt_pct(t.producing, t.projects), delta=delta_rate("producing", "projects"),
             note="已投产/签约"),
        card("park_rate", fmt_pct(t.in_park, t.projects), delta=delta_rate("in_park", "projects")),
        card("quality", fmt_int(t.quality), delta=delta("quality")),
        _target_card(data, None if blank or not lists else lists.get("target")),
    ]


def _elapsed(as_of) -> Decimal:
    return pct(as_of.timetuple().tm_yday, 366 if calendar.isleap(as_of.year) else 365)


def _target_days(data) -> str:
    """The days the target's progress covers: 1 January to the period's end, whatever the period."""
    return f"1月1日至{data.as_of.month}月{data.as_of.day}日"


def _target_card(data, href: str | None = None):
    year, target = data.target_year, data.target
    label = f"{year}年目标完成率"
    if not target:
        return kpi_card(label, DASH, note="未设定年度目标", card_id="kpi-target", info="target")
    if data.after_data:
        return kpi_card(label, DASH, note=f"{year}年尚无数据", card_id="kpi-target", info="target",
                        detail=f"目标 {fmt_yi(target.contract_yuan)} 亿元")
    done = pct(data.year_totals.contract_yuan, target.contract_yuan)
    elapsed = _elapsed(data.as_of)
    # A filtered screen beside a whole-region completion must not look like the filter's success:
    # no colour, and the card says it covers every project of the region.
    narrowed = filtered(data)
    tone = None if narrowed else ("warn" if done < elapsed else "ok")
    return kpi_card(label, f"{done}%", note=("全口径 · " if narrowed else "") + f"时序进度 {elapsed}%",
                    card_id="kpi-target", tone=tone, info="target", href=href,
                    detail=f"合同投资额 · {_target_days(data)}" + ("，不受筛选影响" if narrowed else ""))


def activity_cards(data) -> list:
    activity = data.activity
    prev = data.previous.activity if data.previous else None
    # Visits and inspections carry no industry: say so rather than show them as if filtered.
    note = "不区分产业，未按产业筛选" if data.filters.industry else None

    def card(key, label, card_id):
        value = DASH if data.after_data else fmt_int(getattr(activity, key))
        return kpi_card(label, value, "家次", card_id=card_id, info=key, note=note,
                        delta=change(getattr(activity, key), getattr(prev, key)) if prev else None)

    return [card("enterprise_visits", "拜访企业", "act-enterprise"),
            card("association_visits", "拜访商协会", "act-association"),
            card("inspections", "赴黔考察", "act-inspections")]


def target_panel(data):
    year, target = data.target_year, data.target
    if not target:
        return message(f"{year}年未设定年度目标", msg_id="ov-targets")
    if data.after_data:
        return message(f"{year}年目标：合同投资额 {fmt_yi(target.contract_yuan)} 亿元、到位资金 "
                       f"{fmt_yi(target.funds_yuan)} 亿元、签约项目 {fmt_int(target.projects)} 个；"
                       f"数据截止 {data.cutoff}，尚无完成情况", msg_id="ov-targets")
    done = data.year_totals
    rows = [
        ("合同投资额", f"{fmt_yi(done.contract_yuan)} / {fmt_yi(target.contract_yuan)} 亿元",
         pct(done.contract_yuan, target.contract_yuan)),
        ("到位资金", f"{fmt_yi(done.funds_in_period_yuan)} / {fmt_yi(target.funds_yuan)} 亿元",
         pct(done.funds_in_period_yuan, target.funds_yuan)),
        ("签约项目数", f"{fmt_int(done.projects)} / {fmt_int(target.projects)} 个",
         pct(done.projects, target.projects)),
    ]
    scope = _target_days(data) + (" · 全口径，不受筛选影响" if filtered(data) else "")
    return target_bars(rows, _elapsed(data.as_of), year, scope=scope, neutral=filtered(data))
