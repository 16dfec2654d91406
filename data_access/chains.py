"""Chain-link coverage for the chain page (/chains): its queries, and THE rule for coverage, gap and class.

The rule, written once (the page, its tests and any export read it from here):

actual
    The link's active projects signed in the window, as of the window's end, by count or by
    contract value: realised (started, producing included: lifecycle.is_started) plus pipeline
    (signed, not started: lifecycle.is_pipeline), kept apart so a chart can tell them apart.
    A project terminated by the window's end never counts (lifecycle.is_active).
target
    The region's plan target for the link (table chain_link_target: the province and each city)
    of the plan period that contains the window's end, pro-rated to the window: target × days in
    the window / days in the plan period, so the plan period itself takes the whole target and a
    single year a fifth of a five-year plan. A county, a window ending outside any plan period,
    and a link the plan leaves out (the state monopolies) have none: NULL, and 0 is read the same
    way (the plan asks nothing there).
coverage
    actual / target; None without a target, never a division by zero.
gap
    target − actual: positive is what is still missing, negative what was done beyond the target;
    None without a target.
class
    空白      no active project at all, target or not (at county level too: shown, never hidden);
    未设目标  projects, but no target to read them against (coverage None);
    薄弱      coverage < 50 %;
    基本      50 % ≤ coverage ≤ 100 %;
    优势      coverage > 100 %.

Calibration of the demo data. The plan targets of chain_links.csv were first written at about a
fifth of the demo's scale (4,100 projects against the ~22,000 key-industry projects the generator
signs in 2021–2025), which made nearly every link 优势. They were rescaled in the file itself
(projects × 7, money × 5), so the plan stays the one source of the numbers. The generator draws
links by these columns too; whole factors keep the targeted links' relative weights, and only the
three links without a target (电网, 烟叶, 卷烟, a fixed default weight) now draw fewer projects, their
industries' other links a few more. Cities share the
province's targets out by their profile in the industry (demo/link_targets.py); counties get none.
Measured by contract value over the plan period (by project count within a few links of it):

    province   62 strong links: 36 优势, 21 基本, 2 薄弱, 3 未设目标;  20 weak: 18 薄弱, 2 基本
    cities     558 strong cells: 246 优势, 98 基本, 66 薄弱, 132 空白, 16 未设目标;
               180 weak cells: 72 薄弱, 74 空白, 25 基本, 9 优势; each city 15–32 空白, 6–19 薄弱
    counties   空白 or 未设目标 only (no county targets): 3,755 cells with projects, 3,461 空白

The city 空白 are the generator's: it leaves a link out of 30 % of the cities that hold none of its
hub counties (55 % for a weak link), see demo/projects.Sampler.

Every query takes the engine, a RegionScope and Filters (filters.industry is ignored here: the
industry is an argument where one is meant); aggregation runs in SQL and small frames come out.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pandas as pd
from sqlalchemy import Engine, case, func, literal, select

from . import lifecycle
from .models import ChainLink, ChainLinkTarget, Enterprise, Industry, Lead, Project, Region, Visit
from .queries import count_if, data_cutoff, project_conditions, sum_if
from .scope import Filters, RegionScope, origin_condition
from .glossary import MEASURES as GLOSSARY_MEASURES
from .vocab import VISIT_ENTERPRISE, QualityTag

BLANK, NO_TARGET, WEAK, BASIC, STRONG = "空白", "未设目标", "薄弱", "基本", "优势"
CLASSES = (BLANK, WEAK, BASIC, STRONG, NO_TARGET)
WEAK_BELOW = 0.5  # coverage under this is 薄弱; up to 1.0 inclusive 基本; above 1.0 优势

# measure → (actual column, target column), from the one glossary
MEASURES = {m.key: (m.column, m.target_column) for m in GLOSSARY_MEASURES.values()}

LEAD_OPEN, LEAD_TALKS, LEAD_SIGNED = "线索", "在谈", "已签约"


def coverage_class(active_projects: int, actual: float, target: float | None) -> str:
    """The class of a link in a region; see the module docstring."""
    if not active_projects:
        return BLANK
    if not target:
        return NO_TARGET
    if actual < WEAK_BELOW * target:
        return WEAK
    return BASIC if actual <= target else STRONG


def has_target(value) -> bool:
    """A target to read actuals against: present and above zero (NULL and 0 both mean none)."""
    return value is not None and not pd.isna(value) and value > 0


def assess(frame: pd.DataFrame) -> pd.DataFrame:
    """Add coverage_<m>, gap_<m> and class_<m> for both measures to a frame of actuals and targets."""
    out = frame.copy()
    for m, (actual_col, target_col) in MEASURES.items():
        coverage, gap, classes = [], [], []
        for n, actual, target in zip(out["projects"], out[actual_col], out[target_col]):
            target = float(target) if has_target(target) else None
            coverage.append(float(actual) / target if target else None)
            gap.append(target - float(actual) if target else None)
            classes.append(coverage_class(int(n), float(actual), target))
        out[f"coverage_{m}"] = pd.Series(coverage, index=out.index, dtype="object")
        out[f"gap_{m}"] = pd.Series(gap, index=out.index, dtype="object")
        out[f"class_{m}"] = classes
    return out


def industry_rollup(links: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Per industry: coverage over the links that have a target, and how many links fall in each class."""
    actual_col, target_col = MEASURES[measure]
    totals: dict[str, dict] = {}
    for row in links.to_dict("records"):
        t = totals.setdefault(row["industry_code"], {"industry_code": row["industry_code"],
                                                     "industry_name": row["industry_name"], "_actual": 0.0,
                                                     "_target": 0.0, **{c: 0 for c in CLASSES}})
        if has_target(row[target_col]):
            t["_actual"] += float(row[actual_col])
            t["_target"] += float(row[target_col])
        t[row[f"class_{measure}"]] += 1
    for t in totals.values():
        t["coverage"] = t["_actual"] / t["_target"] if t["_target"] else None
    # actual and target kept, so a screen can print the share from them rather than from a float
    return pd.DataFrame(list(totals.values())).rename(columns={"_actual": "actual", "_target": "target"})


# ------------------------------------------------------------------ plan periods and the window


@dataclass(frozen=True)
class Plan:
    start: date
    end: date


def _plan(conn, as_of: date) -> Plan | None:
    row = conn.execute(
        select(ChainLinkTarget.period_start, ChainLinkTarget.period_end)
        .where(ChainLinkTarget.period_start <= as_of, ChainLinkTarget.period_end >= as_of)
        .order_by(ChainLinkTarget.period_start.desc())
        .limit(1)
    ).first()
    return Plan(row.period_start, row.period_end) if row else None


def plan_for(engine: Engine, as_of: date) -> Plan | None:
    """The plan period containing `as_of`, or None."""
    with engine.connect() as conn:
        return _plan(conn, as_of)


def default_window(engine: Engine) -> tuple[date, date] | None:
    """The plan period holding the data's cut-off, ending at the cut-off: the page's default period."""
    cutoff = data_cutoff(engine)
    plan = plan_for(engine, cutoff)
    return (plan.start, min(plan.end, cutoff)) if plan else None


def window_share(filters: Filters, as_of: date, plan: Plan, first_signed: date | None) -> float:
    """How much of the plan's target the window asks for: its days over the plan period's days."""
    start = filters.date_from or first_signed or plan.start
    return max(0, (as_of - start).days + 1) / ((plan.end - plan.start).days + 1)


def _first_signed(conn) -> date | None:
    return conn.scalar(select(func.min(Project.signed_on)))


def _targets(conn, filters: Filters, as_of: date, regions) -> tuple[pd.DataFrame, float]:
    """Targets of the plan period holding `as_of` for the given regions, and the window's share."""
    plan = _plan(conn, as_of)
    columns = ["link_id", "region", "target_contract_yuan", "target_projects"]
    if plan is None:
        return pd.DataFrame(columns=columns), 0.0
    share = window_share(filters, as_of, plan, _first_signed(conn) if filters.date_from is None else None)
    rows = conn.execute(
        select(ChainLinkTarget.chain_link_id, ChainLinkTarget.region_adcode, ChainLinkTarget.target_contract_yuan,
               ChainLinkTarget.target_projects)
        .where(ChainLinkTarget.period_start == plan.start, ChainLinkTarget.region_adcode.in_(regions))
    ).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=columns), share


def _prorate(frame: pd.DataFrame, share: float) -> pd.DataFrame:
    for col in ("target_contract_yuan", "target_projects"):
        values = frame[col].astype("object")
        frame[col] = [None if v is None or pd.isna(v) else (int(v) if share == 1.0 else float(v) * share)
                      for v in values]
    return frame


# ------------------------------------------------------------------ link totals


def _link_aggregate(scope: RegionScope, filters: Filters, as_of: date, *group_by):
    started, producing, pipeline = (lifecycle.is_started(as_of), lifecycle.is_producing(as_of),
                                    lifecycle.is_pipeline(as_of))
    return (
        select(
            *group_by,
            func.count().label("projects"),
            func.sum(Project.contract_yuan).label("contract_yuan"),
            count_if(started).label("realised_projects"),
            sum_if(started, Project.contract_yuan).label("realised_contract_yuan"),
            count_if(pipeline).label("pipeline_projects"),
            sum_if(pipeline, Project.contract_yuan).label("pipeline_contract_yuan"),
            count_if(producing).label("producing"),
            sum_if(producing, Project.contract_yuan).label("producing_contract_yuan"),
        )
        .where(*project_conditions(scope, replace(filters, industry=None), as_of),
               Project.chain_link_id.is_not(None))
        .group_by(*group_by)
    )


STATS = ["projects", "contract_yuan", "realised_projects", "realised_contract_yuan", "pipeline_projects",
           "pipeline_contract_yuan", "producing", "producing_contract_yuan"]


def _links(conn, industry: str | None) -> pd.DataFrame:
    stmt = (
        select(
            ChainLink.id.label("link_id"), ChainLink.industry_code, Industry.name.label("industry_name"),
            Industry.short_name.label("industry_short"), ChainLink.stage, ChainLink.sort_order, ChainLink.name,
            ChainLink.is_weak, ChainLink.weak_note, ChainLink.anchor_firms,
        )
        .join(Industry, Industry.code == ChainLink.industry_code)
        .order_by(Industry.sort_order, ChainLink.sort_order)
    )
    if industry:
        stmt = stmt.where(ChainLink.industry_code == industry)
    return pd.DataFrame(conn.execute(stmt).mappings().all())


def link_coverage(engine: Engine, scope: RegionScope, filters: Filters, industry: str | None = None) -> pd.DataFrame:
    """One row per chain link (of one industry, or all ten) for the region: actuals, targets, rule."""
    as_of = filters.as_of(data_cutoff(engine))
    agg = _link_aggregate(scope, filters, as_of, Project.chain_link_id.label("link_id"))
    with engine.connect() as conn:
        links = _links(conn, industry)
        figures = pd.DataFrame(conn.execute(agg).mappings().all(), columns=["link_id", *STATS])
        targets, share = _targets(conn, filters, as_of, [scope.adcode])
    frame = links.merge(figures, on="link_id", how="left")
    frame[STATS] = frame[STATS].fillna(0).astype("int64")
    frame = frame.merge(targets.drop(columns="region"), on="link_id", how="left")
    return assess(_prorate(frame, share))


def child_regions(engine: Engine, scope: RegionScope) -> pd.DataFrame:
    """The regions one level below (a county: its city's counties), in map order."""
    parent = scope.parent_adcode if scope.level == "county" else scope.adcode
    with engine.connect() as conn:
        rows = conn.execute(
            select(Region.adcode, Region.name, Region.short_name, Region.level)
            .where(Region.parent_adcode == parent).order_by(Region.sort_order)
        ).mappings().all()
    return pd.DataFrame(rows, columns=["adcode", "name", "short_name", "level"])


def link_regions(engine: Engine, scope: RegionScope, filters: Filters, industry: str) -> pd.DataFrame:
    """Links of one industry × the regions below the scope (a county: its city's counties, so the
    county is seen among its neighbours), every pair listed, zeros included, with the rule applied."""
    as_of = filters.as_of(data_cutoff(engine))
    children = child_regions(engine, scope)
    level_up = RegionScope(scope.parent_adcode, "city", "", None) if scope.level == "county" else scope
    key = Project.city_adcode if level_up.level == "province" else Project.county_adcode
    agg = _link_aggregate(level_up, filters, as_of, Project.chain_link_id.label("link_id"), key.label("region"))
    agg = agg.where(Project.industry_code == industry)
    with engine.connect() as conn:
        links = _links(conn, industry)
        figures = pd.DataFrame(conn.execute(agg).mappings().all(), columns=["link_id", "region", *STATS])
        targets, share = _targets(conn, filters, as_of, children["adcode"].tolist())
    grid = links[["link_id", "industry_code", "name", "stage", "sort_order", "is_weak"]].merge(
        children.rename(columns={"adcode": "region", "name": "region_name", "short_name": "region_short"}),
        how="cross")
    grid = grid.merge(figures, on=["link_id", "region"], how="left")
    grid[STATS] = grid[STATS].fillna(0).astype("int64")
    grid = grid.merge(targets, on=["link_id", "region"], how="left")
    return assess(_prorate(grid, share))


# ------------------------------------------------------------------ one link: projects and candidates


def link_projects(engine: Engine, scope: RegionScope, filters: Filters, link_id: int,
                  limit: int = 2000) -> pd.DataFrame:
    """The link's projects counted in `link_coverage`, largest first, with their state as of the window's end."""
    as_of = filters.as_of(data_cutoff(engine))
    state = case(
        (lifecycle.is_producing(as_of), literal("已投产")),
        (lifecycle.is_started(as_of), literal("在建")),
        else_=literal("签约未开工"),
    )
    stmt = (
        select(
            Project.code, Project.name, Enterprise.name.label("investor"), Region.name.label("county"),
            state.label("state"), Project.contract_yuan, Project.signed_on, Project.started_on,
            Project.production_on, Project.channel,
        )
        .join(Enterprise, Enterprise.id == Project.enterprise_id)
        .join(Region, Region.adcode == Project.county_adcode)
        .where(*project_conditions(scope, replace(filters, industry=None), as_of),
               Project.chain_link_id == link_id)
        .order_by(Project.contract_yuan.desc(), Project.code)
        .limit(limit)
    )
    columns = ["code", "name", "investor", "county", "state", "contract_yuan", "signed_on", "started_on",
               "production_on", "channel"]
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(stmt).mappings().all(), columns=columns)
    # Dates after the window's end did not happen yet as of it.
    for col in ("started_on", "production_on"):
        frame[col] = [d if d is not None and not pd.isna(d) and d <= as_of else None for d in frame[col]]
    return frame


# Ranking of candidates: points a leader can read off the table. The best quality tag counts, not
# their sum (a listed 专精特新 is not worth more than a Fortune 500 group); talks beat a first
# contact; the priority source regions of the resident teams come first; visits show sustained
# contact, up to a cap so a much-visited small firm does not outrank a leader of its trade.
QUALITY_POINTS = [(QualityTag.GLOBAL500, 40), (QualityTag.CHINA500, 30), (QualityTag.PRIVATE500, 25),
                  (QualityTag.LISTED | QualityTag.LEADER, 20), (QualityTag.SPECIALISED, 15)]
STAGE_POINTS = {LEAD_TALKS: 30, LEAD_OPEN: 10}
ORIGIN_POINTS = {"粤港澳大湾区": 15, "长三角": 15, "京津冀": 15, "成渝": 10}
OTHER_ORIGIN_POINTS = 5
VISIT_POINTS, VISIT_CAP = 2, 10


def _stage_as_of(as_of: date):
    """A lead's stage on `as_of`: its recorded stage once reached, else the one before it."""
    return case(
        (Lead.stage_on <= as_of, Lead.stage),
        (Lead.stage == LEAD_SIGNED, literal(LEAD_TALKS)),
        else_=literal(LEAD_OPEN),
    )


def _lead_conditions(scope: RegionScope, filters: Filters, as_of: date, link_id: int) -> list:
    conds = [Lead.chain_link_id == link_id, scope.condition(Lead.county_adcode, Lead.city_adcode),
             Lead.listed_on <= as_of]
    if filters.channel:
        conds.append(Lead.channel == filters.channel)
    if filters.origin:
        conds.append(Lead.enterprise_id.in_(select(Enterprise.id).where(origin_condition(filters.origin))))
    return conds


def lead_stages(engine: Engine, scope: RegionScope, filters: Filters, link_id: int) -> dict[str, int]:
    """Leads of the link held in the region, by stage as of the window's end (the library is cumulative)."""
    as_of = filters.as_of(data_cutoff(engine))
    stage = _stage_as_of(as_of)
    stmt = select(stage.label("stage"), func.count().label("n")).where(
        *_lead_conditions(scope, filters, as_of, link_id)).group_by(stage)
    with engine.connect() as conn:
        counts = {r.stage: int(r.n) for r in conn.execute(stmt)}
    return {s: counts.get(s, 0) for s in (LEAD_OPEN, LEAD_TALKS, LEAD_SIGNED)}


def link_candidates(engine: Engine, scope: RegionScope, filters: Filters, link_id: int,
                    limit: int = 30) -> pd.DataFrame:
    """Open leads (线索, 在谈) for the link held in the region, ranked by `score` (see the points above),
    with their enterprise visits up to the window's end."""
    as_of = filters.as_of(data_cutoff(engine))
    visits = (
        select(func.count()).select_from(Visit)
        .where(Visit.enterprise_id == Lead.enterprise_id, Visit.kind == VISIT_ENTERPRISE, Visit.visited_on <= as_of)
        .correlate(Lead).scalar_subquery()
    )
    last_visit = (
        select(func.max(Visit.visited_on))
        .where(Visit.enterprise_id == Lead.enterprise_id, Visit.kind == VISIT_ENTERPRISE, Visit.visited_on <= as_of)
        .correlate(Lead).scalar_subquery()
    )
    stage = _stage_as_of(as_of)
    tags = Enterprise.quality_tags
    quality = case(*[(tags.op("&")(int(tag)) != 0, points) for tag, points in QUALITY_POINTS], else_=0)
    origin = case(*[(Enterprise.source_region == r, p) for r, p in ORIGIN_POINTS.items()], else_=OTHER_ORIGIN_POINTS)
    inner = (
        select(
            Lead.id.label("lead_id"), Enterprise.name.label("enterprise"), Enterprise.origin_province,
            Enterprise.origin_city, Enterprise.source_region, Enterprise.quality_tags, stage.label("stage"),
            Lead.channel, Lead.listed_on, Lead.intended_yuan, Region.name.label("team_county"),
            visits.label("visits"), last_visit.label("last_visit"), quality.label("quality_points"),
            origin.label("origin_points"),
        )
        .join(Enterprise, Enterprise.id == Lead.enterprise_id)
        .outerjoin(Region, Region.adcode == Lead.county_adcode)
        .where(*_lead_conditions(scope, filters, as_of, link_id), stage != LEAD_SIGNED)
        .subquery()
    )
    stage_points = case(*[(inner.c.stage == s, p) for s, p in STAGE_POINTS.items()], else_=0)
    capped_visits = case((inner.c.visits > VISIT_CAP, VISIT_CAP), else_=inner.c.visits)
    score = inner.c.quality_points + inner.c.origin_points + stage_points + capped_visits * VISIT_POINTS
    stmt = (
        select(inner, score.label("score"))
        .order_by(score.desc(), inner.c.visits.desc(), func.coalesce(inner.c.intended_yuan, 0).desc(),
                  inner.c.enterprise)
        .limit(limit)
    )
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(stmt).mappings().all(),
                             columns=[*inner.c.keys(), "score"])
    return frame.astype({"visits": "int64", "score": "int64", "quality_tags": "int64"})


def link_info(engine: Engine, link_id: int) -> dict | None:
    """Master data of one link (name, industry, stage, 短板 note, anchor firms)."""
    stmt = (
        select(ChainLink.id, ChainLink.name, ChainLink.stage, ChainLink.is_weak, ChainLink.weak_note,
               ChainLink.anchor_firms, ChainLink.industry_code, Industry.name.label("industry_name"))
        .join(Industry, Industry.code == ChainLink.industry_code)
        .where(ChainLink.id == link_id)
    )
    with engine.connect() as conn:
        row = conn.execute(stmt).mappings().first()
    return dict(row) if row else None



def weakest_link(links: pd.DataFrame, measure: str) -> int | None:
    """The link to look at first: the lowest coverage among links with a target (a 空白 link with a
    target has coverage 0); where none has one, a flagged 短板 before the others, fewest projects first."""
    if links.empty:
        return None
    coverage = pd.to_numeric(links[f"coverage_{measure}"], errors="coerce")
    ranked = links.assign(_no_target=coverage.isna(), _coverage=coverage.fillna(0), _strong=~links["is_weak"])
    ranked = ranked.sort_values(["_no_target", "_coverage", "_strong", "projects", "sort_order"], kind="stable")
    return int(ranked["link_id"].iloc[0])


def chain_links(engine: Engine) -> pd.DataFrame:
    """Master data of every key industry's links, in plan order (no figures)."""
    with engine.connect() as conn:
        return _links(conn, None)
