"""Writing an import: all or nothing, recorded, and undone by a rollback.

apply_import re-plans the file inside one write transaction and writes only if the plan is
clean; the batch, the before-image of every row it changes, the new data version, the audit
event and the data's source and cut-off all commit with the rows or not at all. A killed
process therefore leaves nothing of the file behind.
"""
from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import Connection, Engine, insert, select, text, update

from .. import version
from ..accounts import audit, utcnow
from ..models import DatasetInfo, Enterprise, ImportBatch, ImportChange
from ..search import search_key
from .catalogue import KINDS
from .kinds import TABLE_MODELS, NewEnterprise, Outcome, load_in
from .plan import Work, make_plan
from .results import ImportRejected, ImportResult

_PG_IMPORT_LOCK = 5_200_000_012  # one import or rollback at a time per PostgreSQL database
PAGE = 1000
ANALYZE_AFTER = 5000  # rows an import writes before it refreshes the planner's statistics


def lock(conn: Connection) -> None:
    """Serialise imports and rollbacks: their plans read what they then write."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock now, not at the first INSERT
    elif conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_IMPORT_LOCK})


def apply_import(engine: Engine, data: bytes, file_name: str, *, kind: str | None, scope: frozenset[int] | None,
                 actor: str, sheet: str | None = None) -> ImportResult:
    with engine.connect() as conn:
        lock(conn)
        try:
            plan, work = make_plan(conn, data, file_name, kind=kind, scope=scope, sheet=sheet)
            if not plan.ok:
                raise ImportRejected(plan)
            batch_id = _write(conn, plan, work, actor)
        except BaseException:
            conn.rollback()
            raise
        conn.commit()
    return ImportResult(batch_id, plan)


def to_json(row: dict) -> str:
    return json.dumps({k: v.isoformat() if isinstance(v, (date, datetime)) else v for k, v in row.items()},
                      ensure_ascii=False, sort_keys=True)


def _write(conn: Connection, plan, work: Work, actor: str) -> int:
    now = utcnow()
    batch_id = conn.execute(insert(ImportBatch).values(
        kind=plan.kind, file_name=plan.file_name[:200], sha256=plan.sha256, actor=actor[:64], region_adcode=work.region,
        created_at=now, rows_total=plan.rows_total, inserted=plan.inserted, updated=plan.updated,
        unchanged=plan.unchanged).returning(ImportBatch.id)).scalar_one()
    changes: list[dict] = []
    # New enterprises first: the rows refer to them.
    ids: dict[str, int] = {}
    if work.new_enterprises:
        rows = _with_ids(conn, "enterprise", list(work.new_enterprises.values()))
        _insert(conn, Enterprise, rows)
        ids = {r["name"]: r["id"] for r in rows}
        changes += [{"entity": "enterprise", "entity_key": json.dumps([r["id"]]), "action": "insert", "before": None}
                    for r in rows]

    def resolved(record: dict) -> dict:
        e = record.get("enterprise_id")
        return {**record, "enterprise_id": ids[e.name]} if isinstance(e, NewEnterprise) else record

    by_table: dict[str, list[Outcome]] = {}
    for o in work.outcomes:
        by_table.setdefault(o.table, []).append(o)
    for table, outcomes in by_table.items():
        model = TABLE_MODELS[table]
        inserts = [resolved(o.record) for o in outcomes if o.action == "insert"]
        pk_cols = [c.name for c in model.__table__.primary_key.columns]
        if pk_cols == ["id"]:
            inserts = _with_ids(conn, table, inserts)
        keyed = _search_keys(conn, inserts, [o for o in outcomes if o.action == "update"], resolved) \
            if table == "project" else None
        if keyed:
            inserts = [{**r, "search_key": keyed(r, {})} for r in inserts]
        _insert(conn, model, inserts)
        changes += [{"entity": table, "entity_key": json.dumps([r[c] for c in pk_cols]), "action": "insert",
                     "before": None} for r in inserts]
        for o in outcomes:
            if o.action != "update":
                continue
            where = [model.__table__.c[c] == v for c, v in o.pk.items()]
            values = resolved(o.record)
            if keyed and ("name" in values or "enterprise_id" in values):
                values = {**values, "search_key": keyed(values, o.before)}
            conn.execute(update(model).where(*where).values(**values))
            before = {c.name: o.before[c.name] for c in model.__table__.columns}
            changes.append({"entity": table, "entity_key": json.dumps([o.pk[c] for c in pk_cols]), "action": "update",
                            "before": to_json(before)})
    _insert(conn, ImportChange, [{"batch_id": batch_id, **c} for c in changes])
    if conn.dialect.name == "postgresql" and len(changes) >= ANALYZE_AFTER:
        # Fresh statistics at once: the next import's lookups would otherwise be planned for the
        # empty tables the autovacuum last saw (a seq scan per statement, minutes at 100k rows).
        conn.execute(text("ANALYZE " + ", ".join(sorted({"enterprise", *by_table}))))
    version.bump(conn)
    _dataset_info(conn, work.latest)
    audit(conn, actor=actor, action="import", region=work.region, target=f"{plan.kind}:{plan.file_name}",
          detail=f"batch={batch_id} {KINDS[plan.kind].label} sha256={plan.sha256[:16]} rows={plan.rows_total} "
                 f"inserted={plan.inserted} updated={plan.updated} unchanged={plan.unchanged}")
    return batch_id


def _search_keys(conn: Connection, inserts: list[dict], updates: list[Outcome], resolved):
    """The header search's key of a project row being written (data_access/search.py), from its
    name and its investor's, whichever of them the row changes and the rest as it was."""
    def investor_id(record: dict, before: dict) -> int:
        return record.get("enterprise_id", before.get("enterprise_id"))

    wanted = {investor_id(r, {}) for r in inserts} | {investor_id(resolved(o.record), o.before) for o in updates}
    names = {r["id"]: r["name"] for r in load_in(conn, select(Enterprise.id, Enterprise.name), Enterprise.id,
                                                   wanted - {None})}

    def keyed(record: dict, before: dict) -> str:
        return search_key(record.get("name", before.get("name")), names.get(investor_id(record, before)))

    return keyed


def _with_ids(conn: Connection, table: str, rows: list[dict]) -> list[dict]:
    """The rows with ids given up front, so a batch is written by plain multi-row INSERTs (SQLite
    would return generated ids in order only one row at a time). SQLite: after the largest id,
    safe under the import's write lock; PostgreSQL: drawn from the table's own sequence."""
    if not rows:
        return rows
    if conn.dialect.name == "postgresql":
        ids = conn.execute(text(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
                                "FROM generate_series(1, :n)"), {"n": len(rows)}).scalars().all()
    else:
        start = conn.execute(text(f"SELECT COALESCE(MAX(id), 0) FROM {table}")).scalar() + 1
        ids = range(start, start + len(rows))
    return [{**r, "id": int(i)} for r, i in zip(rows, ids)]


def _insert(conn: Connection, model, rows: list[dict]) -> None:
    """PostgreSQL (psycopg): COPY in the same transaction, about ten times faster than an
    executemany, which psycopg sends row by row (funding's statement trigger then runs once per
    row); SQLite: executemany."""
    if not rows:
        return
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        columns = list(rows[0])
        cursor = conn.connection.driver_connection.cursor()
        try:
            with cursor.copy(f"COPY {model.__tablename__} ({', '.join(columns)}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row([r[c] for c in columns])
        finally:
            cursor.close()
        return
    for i in range(0, len(rows), PAGE):
        conn.execute(insert(model), rows[i:i + PAGE])


def _set_info(conn: Connection, key: str, value: str) -> None:
    if not conn.execute(update(DatasetInfo).where(DatasetInfo.key == key).values(value=value)).rowcount:
        conn.execute(insert(DatasetInfo).values(key=key, value=value))


def _dataset_info(conn: Connection, latest: date | None) -> None:
    """Real data: the source becomes 'platform' (the header's 演示数据 badge is for 'demo' only)
    and the cut-off moves to the latest date imported, never back and never past today."""
    info = dict(conn.execute(select(DatasetInfo.key, DatasetInfo.value)).all())
    if info.get("source") != "demo":
        _set_info(conn, "source", "platform")
    if latest is None:
        return
    current = date.fromisoformat(info["data_cutoff"]) if info.get("data_cutoff") else None
    cutoff = min(max(filter(None, [current, latest])), date.today())
    if cutoff != current:
        _set_info(conn, "data_cutoff", cutoff.isoformat())
