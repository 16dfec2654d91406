"""Bulk writing of the demo rows, and dropping every table for a rebuild."""
from __future__ import annotations

from sqlalchemy import Connection, Engine, insert, text

from .. import rollup, rollup_project
from ..rollup import drop_triggers
from ..search import search_key
from ..models import (
    AnnualTarget, Base, ChainLinkTarget, DatasetInfo, Enterprise, Funding, Inspection, Lead, Project, Visit,
)

CHUNK = 10_000
# Parents before children (foreign keys are enforced on SQLite too).
TABLES = [
    ("enterprise", Enterprise), ("project", Project), ("funding", Funding), ("visit", Visit),
    ("inspection", Inspection), ("annual_target", AnnualTarget), ("chain_link_target", ChainLinkTarget),
    ("lead", Lead), ("dataset_info", DatasetInfo),
]
# Tables whose integer ids are given explicitly: PostgreSQL's sequences must be moved past them.
SERIAL_TABLES = ("enterprise", "project", "funding", "visit", "inspection", "chain_link", "park", "lead")


def write(conn: Connection, data: dict[str, list[dict]]) -> dict[str, int]:
    """Insert the rows of every table in the connection's transaction; returns row counts."""
    copy = conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg"
    counts = {}
    # The roll-ups' triggers would run per row (SQLite) for a few hundred thousand rows: the bulk
    # load goes without them and the roll-ups are computed once from the rows, in this transaction.
    drop_triggers(conn)
    for name, model in TABLES:
        rows = data[name]
        if name == "project":
            rows = with_search_keys(rows, data["enterprise"])
        if copy:
            _copy_rows(conn, model.__table__, rows)
        else:
            for start in range(0, len(rows), CHUNK):
                conn.execute(insert(model), rows[start: start + CHUNK])
        counts[name] = len(rows)
    rollup.rebuild(conn)
    rollup_project.rebuild(conn)
    rollup.create_triggers(conn)
    rollup_project.create_triggers(conn)
    if conn.dialect.name == "postgresql":
        for table in SERIAL_TABLES:
            conn.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            ))
    return counts


def with_search_keys(projects: list[dict], enterprises: list[dict]) -> list[dict]:
    """The project rows with the header search's pinyin key (data_access/search.py)."""
    investor = {e["id"]: e["name"] for e in enterprises}
    return [{**r, "search_key": search_key(r["name"], investor.get(r["enterprise_id"]))} for r in projects]


def _copy_rows(conn: Connection, table, rows: list[dict]) -> None:
    """PostgreSQL COPY through psycopg 3, in the same transaction: ~10× faster than executemany
    (which psycopg runs row by row in pipeline mode, ~11k rows/s here)."""
    columns = [c.name for c in table.columns]
    sql = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    cursor = conn.connection.driver_connection.cursor()
    try:
        with cursor.copy(sql) as copy:
            for row in rows:
                # A column the generator does not fill (a later migration's, nullable) is NULL,
                # as insert() leaves it.
                copy.write_row([row.get(c) for c in columns])
    finally:
        cursor.close()


def drop_everything(engine: Engine) -> None:
    """Drop all tables of the cockpit and Alembic's version table (for `--reset`)."""
    Base.metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        drop_triggers(conn)  # PostgreSQL keeps the trigger functions of a dropped table
