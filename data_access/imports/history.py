"""The record of imports, and undoing the last one of a kind.

A rollback restores the before-image of every row the batch updated and deletes the rows it
inserted (with the enterprises it created, unless another row uses them since), in one
transaction, bumping the data version and writing the audit log. Only the last import of its
kind that is not yet rolled back may be undone, and only by someone whose scope covers it.
"""
from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from .. import version
from ..accounts import audit, utcnow
from ..models import Enterprise, Funding, ImportBatch, ImportChange, Inspection, Lead, Project, Visit
from .apply import lock
from .catalogue import KINDS
from .kinds import TABLE_MODELS
from .lookup import Reference
from .results import BatchInfo, RollbackRefused

REGION_COLUMN = {"project": "county_adcode", "funding": "county_adcode", "visit": "county_adcode",
                 "inspection": "county_adcode", "lead": "county_adcode", "annual_target": "region_adcode"}


def _visible(ref: Reference, scope: frozenset[int] | None, region: int | None) -> bool:
    """May an importer of `scope` see (and undo) a batch made in `region`?"""
    if scope is None:
        return True
    return region is not None and region in ref.places and ref.counties_of(region) <= scope


def _last_live(conn: Connection) -> dict[str, int]:
    rows = conn.execute(select(ImportBatch.kind, func.max(ImportBatch.id))
                        .where(ImportBatch.rolled_back_at.is_(None)).group_by(ImportBatch.kind)).all()
    return {k: int(i) for k, i in rows}


def _info(r, last: dict[str, int], allowed: bool) -> BatchInfo:
    return BatchInfo(id=r.id, kind=r.kind, file_name=r.file_name, sha256=r.sha256, actor=r.actor,
                     created_at=r.created_at, rows_total=r.rows_total, inserted=r.inserted, updated=r.updated,
                     unchanged=r.unchanged, rolled_back_at=r.rolled_back_at, rolled_back_by=r.rolled_back_by,
                     can_roll_back=allowed and r.rolled_back_at is None and last.get(r.kind) == r.id,
                     region_adcode=r.region_adcode)


def list_batches(engine: Engine, *, kind: str | None = None, scope: frozenset[int] | None = None,
                 limit: int = 50) -> list[BatchInfo]:
    """The newest imports first: those made in a region inside the scope (all for the province)."""
    with engine.connect() as conn:
        ref = Reference(conn)
        last = _last_live(conn)
        stmt = select(ImportBatch.__table__).order_by(ImportBatch.id.desc())
        if kind:
            stmt = stmt.where(ImportBatch.kind == kind)
        out = []
        for r in conn.execute(stmt):
            if _visible(ref, scope, r.region_adcode):
                out.append(_info(r, last, True))
                if len(out) >= limit:
                    break
    return out


def _from_json(model, data: dict) -> dict:
    out = {}
    for col in model.__table__.columns:
        value = data.get(col.name)
        if value is not None and col.type.python_type in (date, datetime):
            value = (datetime.fromisoformat(value) if col.type.python_type is datetime
                     else date.fromisoformat(value))
        out[col.name] = value
    return out


def rollback_batch(engine: Engine, batch_id: int, *, actor: str, scope: frozenset[int] | None) -> BatchInfo:
    with engine.connect() as conn:
        lock(conn)
        try:
            info = _rollback(conn, int(batch_id), actor, scope)
        except BaseException:
            conn.rollback()
            raise
        conn.commit()
    return info


def _rollback(conn: Connection, batch_id: int, actor: str, scope) -> BatchInfo:
    batch = conn.execute(select(ImportBatch.__table__).where(ImportBatch.id == batch_id)).first()
    ref = Reference(conn)
    if batch is None or not _visible(ref, scope, batch.region_adcode):
        # A batch outside the scope is refused like one that does not exist: nothing is revealed.
        raise RollbackRefused(f"没有可撤销的导入批次 {batch_id}，或该批次不在您的管辖范围")
    if batch.rolled_back_at is not None:
        raise RollbackRefused(f"导入批次 {batch_id} 已于 {batch.rolled_back_at:%Y-%m-%d %H:%M} 撤销")
    if _last_live(conn).get(batch.kind) != batch.id:
        raise RollbackRefused(f"只能撤销同类数据最近一次导入：批次 {batch_id} 之后还有{KINDS[batch.kind].label}导入，请先撤销后者")
    changes = conn.execute(select(ImportChange.__table__).where(ImportChange.batch_id == batch_id)
                           .order_by(ImportChange.id.desc())).all()
    inserted: dict[str, list] = {}
    for c in changes:
        if c.action == "insert":
            inserted.setdefault(c.entity, []).append(json.loads(c.entity_key))
    _check_dependants(conn, inserted)
    for c in changes:
        model = TABLE_MODELS[c.entity]
        pk_cols = [col for col in model.__table__.primary_key.columns]
        key = json.loads(c.entity_key)
        where = [col == v for col, v in zip(pk_cols, key)]
        if c.action == "update":
            before = _from_json(model, json.loads(c.before))
            _guard(ref, scope, c.entity, before)
            current = conn.execute(select(model.__table__).where(*where)).mappings().first()
            if current is not None:
                _guard(ref, scope, c.entity, dict(current))
                conn.execute(update(model).where(*where).values(**{k: v for k, v in before.items()
                                                                    if k not in {p.name for p in pk_cols}}))
            else:
                conn.execute(insert(model).values(**before))
        elif c.entity == "enterprise":
            if not _enterprise_used(conn, key[0]):
                conn.execute(delete(Enterprise).where(Enterprise.id == key[0]))
        else:
            current = conn.execute(select(model.__table__).where(*where)).mappings().first()
            if current is not None:
                _guard(ref, scope, c.entity, dict(current))
                conn.execute(delete(model).where(*where))
    now = utcnow()
    conn.execute(update(ImportBatch).where(ImportBatch.id == batch_id).values(rolled_back_at=now, rolled_back_by=actor[:64]))
    version.bump(conn)
    audit(conn, actor=actor, action="rollback", region=batch.region_adcode, target=f"{batch.kind}:{batch.file_name}",
          detail=f"batch={batch_id} inserted={batch.inserted} updated={batch.updated}")
    row = conn.execute(select(ImportBatch.__table__).where(ImportBatch.id == batch_id)).one()
    return _info(row, _last_live(conn), True)


def _guard(ref: Reference, scope, entity: str, row: dict) -> None:
    """Defence in depth: every row a rollback touches lies inside the scope."""
    if scope is None or entity not in REGION_COLUMN:
        return
    region = row.get(REGION_COLUMN[entity])
    if region is None or not ref.counties_of(int(region)) <= scope:
        raise RollbackRefused("该批次涉及您管辖范围以外的数据，不能撤销")


def _check_dependants(conn: Connection, inserted: dict[str, list]) -> None:
    """Refuse to delete projects that rows of other imports (funds, leads) now depend on."""
    ids = [k[0] for k in inserted.get("project", [])]
    for i in range(0, len(ids), 900):
        part = ids[i:i + 900]
        funds = conn.scalar(select(func.count()).select_from(Funding).where(Funding.project_id.in_(part)))
        leads = conn.scalar(select(func.count()).select_from(Lead).where(Lead.project_id.in_(part)))
        if funds or leads:
            raise RollbackRefused("该批次新增的项目已有后来导入的到位资金或线索记录：请先撤销那些导入，再撤销本批次")


def _enterprise_used(conn: Connection, eid: int) -> bool:
    for model in (Project, Visit, Inspection, Lead):
        if conn.scalar(select(func.count()).select_from(model).where(model.enterprise_id == eid)):
            return True
    return False
