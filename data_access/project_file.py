"""One project's file (/project/<code>): its record, stages, money by date, investor, the
investor's other projects, the enterprise's visits and inspections, and the warnings that apply.

Every read is narrowed to the region scope it is given (the actor's own region): a project
outside it is read exactly like a missing one (None), and the investor's other projects, visits
and inspections are those inside the scope only.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Engine, case, func, select

from . import lifecycle

from .area import STALL_RED_DAYS, STALL_YELLOW_DAYS
from .models import ChainLink, Enterprise, Funding, Industry, Inspection, Park, Project, Region, Visit
from .queries import data_cutoff
from .scope import RegionScope
from .vocab import STAGES, quality_labels

County = Region.__table__.alias("county")
City = Region.__table__.alias("city")


@dataclass(frozen=True)
class Stage:
    key: str             # signed | planned_start | started | planned_production | production
    label: str
    on: date | None
    planned: bool        # a plan's date, not an event
    late_days: int | None = None  # an event after its planned date (or a plan passed without it): days late


@dataclass(frozen=True)
class Warning:
    rule: str
    light: str           # red | yellow
    text: str


@dataclass(frozen=True, eq=False)
class ProjectFile:
    record: dict                 # the project's columns with names of its investor, places, industry, link
    as_of: date                  # the data's cut-off: stages and warnings are read as of it
    stages: list[Stage]
    funding: pd.DataFrame        # received_on, amount_yuan, cumulative_yuan
    others: pd.DataFrame         # the investor's other projects in scope: code, name, county, contract_yuan, signed_on
    visits: pd.DataFrame         # visited_on, kind, team, channel
    inspections: pd.DataFrame    # inspected_on, team, channel, county
    warnings: list[Warning]

    @property
    def funds_yuan(self) -> int:
        return int(self.funding["amount_yuan"].sum()) if len(self.funding) else 0


def read_project(engine: Engine, code: str, scope: RegionScope) -> ProjectFile | None:
    """The file of project `code` if it lies inside `scope`, else None (missing and hidden alike)."""
    stmt = (
        select(
            Project.id, Project.code, Project.name, Project.enterprise_id, Project.origin_province,
            Project.origin_city, Project.source_region, Project.quality_tags, Project.industry_code,
            Industry.name.label("industry"), ChainLink.name.label("link"), ChainLink.stage.label("link_stage"),
            Project.chain_action, Project.emerging_label, Project.county_adcode, Project.city_adcode,
            County.c.name.label("county"), City.c.name.label("city"), Park.name.label("park"),
            Park.level.label("park_level"), Park.kind.label("park_kind"), Project.channel, Project.contract_yuan,
            Project.signed_on, Project.planned_start_on, Project.started_on, Project.planned_production_on,
            Project.production_on, Project.terminated_on, Project.status, Project.is_industrial,
            Project.expected_output_yuan, Project.expected_jobs, Project.expected_tax_yuan,
            Project.responsible_unit, Project.updated_on, Enterprise.name.label("investor"),
            Enterprise.origin_province.label("investor_province"), Enterprise.origin_city.label("investor_city"),
            Enterprise.source_region.label("investor_source"), Enterprise.ownership,
            Enterprise.quality_tags.label("investor_tags"),
        )
        .join(Enterprise, Enterprise.id == Project.enterprise_id)
        .join(Industry, Industry.code == Project.industry_code)
        .join(County, County.c.adcode == Project.county_adcode)
        .join(City, City.c.adcode == Project.city_adcode)
        .outerjoin(ChainLink, ChainLink.id == Project.chain_link_id)
        .outerjoin(Park, Park.id == Project.park_id)
        .where(Project.code == code, scope.condition(Project.county_adcode, Project.city_adcode))
    )
    with engine.connect() as conn:
        row = conn.execute(stmt).mappings().first()
        if row is None:
            return None
        record = dict(row)
        funding = pd.DataFrame(conn.execute(
            select(Funding.received_on, func.sum(Funding.amount_yuan).label("amount_yuan"))
            .where(Funding.project_id == record["id"]).group_by(Funding.received_on).order_by(Funding.received_on)
        ).all(), columns=["received_on", "amount_yuan"])
        others = pd.DataFrame(conn.execute(
            select(Project.code, Project.name, County.c.name.label("county"), Project.contract_yuan,
                   Project.signed_on, Project.status)
            .join(County, County.c.adcode == Project.county_adcode)
            .where(Project.enterprise_id == record["enterprise_id"], Project.id != record["id"],
                   scope.condition(Project.county_adcode, Project.city_adcode))
            .order_by(Project.signed_on.desc(), Project.code)
        ).all(), columns=["code", "name", "county", "contract_yuan", "signed_on", "status"])
        visits = pd.DataFrame(conn.execute(
            select(Visit.visited_on, Visit.kind, Visit.team, Visit.channel)
            .where(Visit.enterprise_id == record["enterprise_id"], scope.condition(Visit.county_adcode, Visit.city_adcode))
            .order_by(Visit.visited_on.desc())
        ).all(), columns=["visited_on", "kind", "team", "channel"])
        inspections = pd.DataFrame(conn.execute(
            select(Inspection.inspected_on, Inspection.team, Inspection.channel, County.c.name.label("county"))
            .outerjoin(County, County.c.adcode == Inspection.county_adcode)
            .where(Inspection.enterprise_id == record["enterprise_id"],
                   scope.condition(Inspection.county_adcode, Inspection.city_adcode))
            .order_by(Inspection.inspected_on.desc())
        ).all(), columns=["inspected_on", "team", "channel", "county"])
        as_of = data_cutoff(engine)
        screen = screen_warnings(conn, record, as_of)
    funding["amount_yuan"] = funding["amount_yuan"].astype("int64")
    funding["cumulative_yuan"] = funding["amount_yuan"].cumsum()
    record["quality"] = quality_labels(int(record["quality_tags"] or 0))
    record["investor_quality"] = quality_labels(int(record["investor_tags"] or 0))
    record["link_stage_name"] = STAGES.get(record["link_stage"]) if record["link_stage"] else None
    return ProjectFile(record=record, as_of=as_of, stages=stages(record, as_of), funding=funding, others=others,
                       visits=visits, inspections=inspections,
                       warnings=warnings(record, as_of) if screen is None else screen)


def stages(record: dict, as_of: date) -> list[Stage]:
    """签约 → 计划开工 → 开工 → 计划投产 → 投产; an event is late by the days past its plan, and a
    plan passed with no event is late by the days to as_of."""
    def late(event: date | None, plan: date | None) -> int | None:
        if plan is None:
            return None
        reached = event if event is not None and event <= as_of else None
        days = ((reached or as_of) - plan).days
        return days if days > 0 else None

    def seen(d: date | None) -> date | None:
        return d if d is not None and d <= as_of else None

    return [
        Stage("signed", "签约", record["signed_on"], False),
        Stage("planned_start", "计划开工", record["planned_start_on"], True),
        Stage("started", "开工", seen(record["started_on"]), False, late(record["started_on"], record["planned_start_on"])),
        Stage("planned_production", "计划投产", record["planned_production_on"], True),
        Stage("production", "投产", seen(record["production_on"]), False,
              late(record["production_on"], record["planned_production_on"])),
    ]


def screen_warnings(conn, record: dict, as_of: date) -> list[Warning] | None:
    """The project's lights under the 预警 screen's rules and the admin's thresholds
    (data_access/warnings.py), so a file never contradicts the warning lists; None where that
    screen's rules cannot be read (then `warnings` below, the simple rules, apply)."""
    try:
        from . import settings_store
        from . import warnings as screen

        t = screen.thresholds(settings_store.read(conn), as_of)
        columns = []
        for name in screen.RULES:
            warn, red = screen.rule(name, t)
            columns += [case((warn, 1), else_=0), case((red, 1), else_=0)]
        row = conn.execute(select(*columns).where(Project.id == record["id"], lifecycle.is_active(as_of))).first()
    except Exception:  # noqa: BLE001 - the screen's module is optional here; the simple rules stand in
        return None
    if row is None:
        return []
    out = []
    for i, name in enumerate(screen.RULES):
        if row[2 * i]:
            light = "red" if row[2 * i + 1] else "yellow"
            out.append(Warning(name, light, f"{screen.RULE_LABELS[name]}（{screen.LIGHT_LABELS[light]}）"
                                            f"{_why(name, record, as_of)}"))
    return out


def _why(rule: str, record: dict, as_of: date) -> str:
    """The facts behind a light, in words."""
    if rule == "stall":
        plan = record["planned_start_on"]
        late = f"，计划开工 {plan}" if plan is not None and plan < as_of else ""
        return f"：签约已 {(as_of - record['signed_on']).days} 天{late}"
    if rule == "production" and record["planned_production_on"] is not None:
        plan = record["planned_production_on"]
        return f"：已过计划投产日期 {plan}（逾期 {(as_of - plan).days} 天）"
    if rule == "idle" and record["updated_on"] is not None:
        return f"：最近更新 {record['updated_on']}"
    return ""


def warnings(record: dict, as_of: date) -> list[Warning]:
    """The simple rules of a project's file (domain.md §6), as of the data's cut-off:
    签约未开工 yellow past 3 months, red past 6; past the planned start without starting; started,
    not producing, past the planned production date. A terminated project has none."""
    if record["terminated_on"] is not None and record["terminated_on"] <= as_of:
        return []
    out: list[Warning] = []
    started = record["started_on"] is not None and record["started_on"] <= as_of
    producing = record["production_on"] is not None and record["production_on"] <= as_of
    if not started:
        waited = (as_of - record["signed_on"]).days
        if waited > STALL_RED_DAYS:
            out.append(Warning("stalled", "red", f"签约未开工已 {waited} 天（超过6个月）"))
        elif waited > STALL_YELLOW_DAYS:
            out.append(Warning("stalled", "yellow", f"签约未开工已 {waited} 天（超过3个月）"))
        plan = record["planned_start_on"]
        if plan is not None and plan < as_of:
            out.append(Warning("past_start", "red", f"已过计划开工日期 {plan}（逾期 {(as_of - plan).days} 天）"))
    elif not producing:
        plan = record["planned_production_on"]
        if plan is not None and plan < as_of:
            out.append(Warning("past_production", "red",
                               f"开工未投产，已过计划投产日期 {plan}（逾期 {(as_of - plan).days} 天）"))
    return out
