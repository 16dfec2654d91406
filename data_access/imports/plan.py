"""The preview of an import: read the file, check every row, say what would change. Never writes.

plan_import reads in its own connection; apply_import calls `make_plan` inside its write
transaction, so what it writes is exactly what the plan computed at that moment.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, Engine, func, select

from ..models import AnnualTarget, Funding, Inspection, Lead, Project, Visit
from . import values as V
from .catalogue import (
    BOOL, COUNT, DATE, ENUM, KINDS, MONEY, ORIGIN, PARK, PLANNED_DATE, REGION, TAGS, TEXT, YEAR, Column,
    detect_kind, match,
)
from .kinds import BUILDERS, CHUNK, Builder, Outcome, Row, load_in
from .lookup import Reference
from .readers import FileProblem, Table, read_table
from .results import ImportPlan, TotalChange


@dataclass
class Work:
    """What apply_import writes: the plan's outcomes and the enterprises it creates."""
    outcomes: list[Outcome] = field(default_factory=list)
    new_enterprises: dict[str, dict] = field(default_factory=dict)
    latest: date | None = None      # the latest actual date among the rows (moves data_cutoff)
    region: int | None = None       # the importer's region (the province, a city or a county)


def plan_import(engine: Engine, data: bytes, file_name: str, *, kind: str | None, scope: frozenset[int] | None,
                actor: str, sheet: str | None = None) -> ImportPlan:
    with engine.connect() as conn:
        return make_plan(conn, data, file_name, kind=kind, scope=scope, sheet=sheet)[0]


def make_plan(conn: Connection, data: bytes, file_name: str, *, kind: str | None, scope: frozenset[int] | None,
              sheet: str | None = None, today: date | None = None) -> tuple[ImportPlan, Work]:
    today = today or date.today()
    plan = ImportPlan(kind=kind, file_name=file_name, sha256=hashlib.sha256(data or b"").hexdigest())
    work = Work()
    if kind is not None and kind not in KINDS:
        plan.fatal = f"未知的数据类型「{kind}」（可选：{'、'.join(k.label for k in KINDS.values())}）"
        return plan, work
    try:
        table = read_table(data, file_name, sheet)
    except FileProblem as exc:
        plan.fatal = str(exc)
        return plan, work
    plan.sheet, plan.header_row, plan.rows_total = table.sheet, table.header_row, len(table.rows)
    if kind is None:
        kind = plan.kind = detect_kind(table.headers)
        if kind is None:
            plan.fatal = "无法从表头判断数据类型：请选择数据类型，或对照模板检查列名"
            return plan, work
    else:
        looks = detect_kind(table.headers)
        if looks is not None and looks != kind:
            plan.fatal = f"文件的列像是「{KINDS[looks].label}」，与所选的「{KINDS[kind].label}」不符：请检查所选数据类型"
            return plan, work
    spec = KINDS[kind]
    plan.policy = spec.note
    mapping, problem = _map_columns(plan, table, kind)
    if problem:
        plan.fatal = problem
        return plan, work
    if not table.rows:
        plan.fatal = "文件没有数据行"
        return plan, work
    ref = Reference(conn)
    scope = None if scope is None else frozenset(int(c) for c in scope)
    work.region = ref.region_of_scope(scope)
    builder: Builder = BUILDERS[kind](conn, ref, scope, today)
    memo: dict = {}
    headers = {col.field: header for col, _, header in mapping.values()}
    where = {col.field: i for i, (col, _, _) in mapping.items()}
    rows = [_parse(n, cells, mapping, ref, today, spec, memo, headers, where) for n, cells in table.rows]
    table.rows = []  # the rows hold their cells now
    builder.prepare(rows)
    for row in rows:
        outcome = builder.build(row)
        if row.errors:
            plan.errors += row.errors
            plan.rejected += 1
            continue
        if outcome is None:
            continue
        work.outcomes.append(outcome)
        plan.changes.append(outcome.change())
        work.latest = max(filter(None, [work.latest, *_actual_dates(outcome, spec)]), default=None)
    plan.inserted = sum(1 for o in work.outcomes if o.action == "insert")
    plan.updated = sum(1 for o in work.outcomes if o.action == "update")
    plan.unchanged = sum(1 for o in work.outcomes if o.action == "unchanged")
    work.new_enterprises = builder.new_enterprises
    plan.totals = totals(conn, kind, scope, work.outcomes)
    return plan, work


def _map_columns(plan: ImportPlan, table: Table, kind: str):
    spec = KINDS[kind]
    mapping: dict[int, tuple[Column, str | None, str]] = {}
    used: dict[str, str] = {}
    for i, header in enumerate(table.headers):
        if header is None:
            continue
        col, unit = match(kind, header)
        if col is None:
            plan.ignored.append(header)
            continue
        if col.field in used:
            return mapping, f"列「{used[col.field]}」和「{header}」都对应「{col.header}」：请只保留一列"
        used[col.field] = header
        mapping[i] = (col, unit, header)
        plan.columns.append((header, col.header))
    missing = [c.header for c in spec.columns if c.key and c.field not in used]
    if missing:
        return mapping, f"缺少必需的列：{'、'.join(missing)}（{spec.label}）"
    return mapping, None


def _parse(number: int, cells: list, mapping, ref: Reference, today: date, spec, memo: dict, headers: dict,
           where: dict) -> Row:
    """Read a row's cells; a value seen before in the column is read once (ledgers repeat their
    counties, industries, dates and investors on every row)."""
    row = Row(number, cells, where, {}, headers)
    for i, (col, unit, header) in mapping.items():
        raw = cells[i] if i < len(cells) else None
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        key = (i, type(raw), raw)
        got = memo.get(key)
        if got is None:
            try:
                got = (True, _read(col, unit, raw, ref, today))
            except V.BadValue as exc:
                got = (False, str(exc))
            memo[key] = got
        if got[0]:
            row.values[col.field] = got[1]
        else:
            row.bad.add(col.field)
            row.error(col.field, got[1], spec)
    return row


def _read(col: Column, unit: str | None, raw, ref: Reference, today: date):
    kind = col.kind
    if kind == TEXT:
        value = V.text(raw)
        if col.max_len and len(value) > col.max_len:
            raise V.BadValue(f"超过 {col.max_len} 个字")
        return value
    if kind == MONEY:
        return V.money(raw, unit or col.unit or "万元")
    if kind == DATE:
        return V.actual_date(raw, today)
    if kind == PLANNED_DATE:
        return V.planned_date(raw, today)
    if kind == COUNT:
        return V.count(raw)
    if kind == YEAR:
        return V.year(raw)
    if kind == BOOL:
        return V.yes_no(raw)
    text = V.text(raw)
    if kind == ENUM:
        # A chain link is resolved within its row's industry, by the row builder.
        return text if col.enum == "chain_links" else ref.enum(col.enum, text)
    if kind == REGION:
        levels = ("province", "city", "county") if col.enum == "regions" else ("county",)
        return ref.region(text, levels=levels)
    if kind == PARK:
        return ref.park(text)
    if kind == ORIGIN:
        return ref.origin(text)
    if kind == TAGS:
        return ref.tags(text)
    raise AssertionError(kind)


def _actual_dates(outcome: Outcome, spec) -> list[date]:
    if outcome.action == "unchanged":
        return []
    out = []
    for col in spec.columns:
        if col.kind == DATE and isinstance(outcome.record.get(col.field), date):
            out.append(outcome.record[col.field])
    return out


# ------------------------------------------------------------------ the headline figures

def _in(scope, county_col):
    return True if scope is None else county_col.in_(sorted(scope))


def totals(conn: Connection, kind: str, scope: frozenset[int] | None, outcomes: list[Outcome]) -> list[TotalChange]:
    """The figures of the importer's scope (all time) before the import and after it."""
    if kind in ("projects", "funding"):
        return _project_totals(conn, kind, scope, outcomes)
    if kind in ("visits", "inspections"):
        model = Visit if kind == "visits" else Inspection
        labels = ({"enterprise": "拜访企业", "association": "拜访商协会"} if kind == "visits" else {None: "赴黔考察"})
        counts = {}
        for k in labels:
            stmt = select(func.count()).select_from(model).where(_in(scope, model.county_adcode))
            if k is not None:
                stmt = stmt.where(model.kind == k)
            counts[k] = conn.scalar(stmt)
        after = dict(counts)
        for o in outcomes:
            if o.action == "insert":
                after[o.record.get("kind") if kind == "visits" else None] += 1
            elif o.action == "update" and kind == "visits" and "kind" in o.record:
                after[o.before["kind"]] -= 1
                after[o.record["kind"]] += 1
        return [TotalChange(label, "家次", counts[k], after[k]) for k, label in labels.items()]
    if kind == "targets":
        conds = [] if scope is None else [AnnualTarget.region_adcode.in_(sorted(scope | _cities(conn, scope)))]
        n, money = conn.execute(select(func.count(), func.coalesce(func.sum(AnnualTarget.contract_yuan), 0))
                                .where(*conds)).one()
        n2, money2 = n, money
        for o in outcomes:
            if o.action == "insert":
                n2, money2 = n2 + 1, money2 + o.record["contract_yuan"]
            elif o.action == "update" and "contract_yuan" in o.record:
                money2 += o.record["contract_yuan"] - o.before["contract_yuan"]
        return [TotalChange("年度目标", "条", int(n), int(n2)), TotalChange("合同投资额目标合计", "亿元", int(money), int(money2))]
    n, money = conn.execute(select(func.count(), func.coalesce(func.sum(Lead.intended_yuan), 0))
                            .where(_in(scope, Lead.county_adcode))).one()
    n2, money2 = n, money
    for o in outcomes:
        if o.action == "insert":
            n2, money2 = n2 + 1, money2 + (o.record["intended_yuan"] or 0)
        elif o.action == "update" and "intended_yuan" in o.record:
            money2 += (o.record["intended_yuan"] or 0) - (o.before["intended_yuan"] or 0)
    return [TotalChange("招商线索", "条", int(n), int(n2)), TotalChange("意向投资额", "亿元", int(money), int(money2))]


def _cities(conn: Connection, scope: frozenset[int]) -> set[int]:
    """Cities all of whose counties are in the scope (their targets are the importer's too)."""
    from ..models import Region
    rows = conn.execute(select(Region.adcode, Region.parent_adcode).where(Region.level == "county")).all()
    by_city: dict[int, set[int]] = {}
    for county, city in rows:
        by_city.setdefault(int(city), set()).add(int(county))
    return {city for city, counties in by_city.items() if counties <= scope}


def _project_totals(conn, kind, scope, outcomes) -> list[TotalChange]:
    """签约项目数, 合同投资额 and 到位资金 of the scope's projects not terminated, all time."""
    active = Project.terminated_on.is_(None)
    projects, contract = conn.execute(
        select(func.count(), func.coalesce(func.sum(Project.contract_yuan), 0))
        .where(_in(scope, Project.county_adcode), active)).one()
    funds = conn.scalar(select(func.coalesce(func.sum(Funding.amount_yuan), 0))
                        .join(Project, Project.id == Funding.project_id)
                        .where(_in(scope, Project.county_adcode), active))
    p2, c2, f2 = int(projects), int(contract), int(funds)

    def counts(r: dict) -> bool:
        return r["terminated_on"] is None and (scope is None or r["county_adcode"] in scope)

    if kind == "projects":
        flipped = []
        for o in outcomes:
            if o.action == "unchanged":
                continue
            new = {**(o.before or {}), **o.record}
            was = o.before is not None and counts(o.before)
            now = counts(new)
            if was:
                p2, c2 = p2 - 1, c2 - o.before["contract_yuan"]
            if now:
                p2, c2 = p2 + 1, c2 + new["contract_yuan"]
            if o.before is not None and was != now:
                flipped.append((o.before["id"], 1 if now else -1))
        if flipped:
            sums = {}
            for i in range(0, len(flipped), CHUNK):
                part = [pid for pid, _ in flipped[i:i + CHUNK]]
                sums |= dict(conn.execute(select(Funding.project_id, func.sum(Funding.amount_yuan))
                                          .where(Funding.project_id.in_(part)).group_by(Funding.project_id)).all())
            f2 += sum(sign * int(sums.get(i, 0)) for i, sign in flipped)
    else:
        ids = {o.record.get("project_id") or (o.before or {}).get("project_id") for o in outcomes if o.action != "unchanged"}
        stmt = select(Project.id).where(active, _in(scope, Project.county_adcode))
        live = {r["id"] for r in load_in(conn, stmt, Project.id, ids - {None})}
        for o in outcomes:
            if o.action == "insert" and o.record["project_id"] in live:
                f2 += o.record["amount_yuan"]
            elif o.action == "update" and o.before["project_id"] in live:
                f2 += o.record["amount_yuan"] - o.before["amount_yuan"]
    return [TotalChange("签约项目数", "个", int(projects), p2), TotalChange("合同投资额", "亿元", int(contract), c2),
            TotalChange("到位资金", "亿元", int(funds), f2)]
