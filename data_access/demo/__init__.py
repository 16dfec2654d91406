"""Deterministic demo data for the cockpit: 2019-01-01 … 2025-12-31, all 88 counties.

`ensure_demo_database()` creates or upgrades the schema, loads the reference data and, if the
project table is empty, generates the demo data set in the same transaction. The published
figures of domain.md §1 come out exactly through the cockpit's query functions (see
published.py); the rest is calibrated to domain.md §5 (see projects.py, progress.py, funding.py).

    python -m data_access.demo [--url URL] [--reset]
"""
from __future__ import annotations

import time

from sqlalchemy import Engine, func, select

from .. import reference, schema, version
from ..db import get_engine
from ..models import Project
from .build import GENERATOR_VERSION, SEED, generate
from .writer import write

__all__ = ["ensure_demo_database", "SEED", "GENERATOR_VERSION"]


def ensure_demo_database(url: str, *, report: dict | None = None) -> Engine:
    """The engine of a database holding the schema, the reference data and the demo data set.

    Idempotent: on a database whose project table has rows it only checks the schema. If `report`
    is given, it receives what was done: row counts per table and elapsed seconds.
    """
    started = time.perf_counter()
    engine = get_engine(url)
    counts: dict[str, int] = {}
    # One builder at a time: two cockpits started on one new file must not both generate.
    with schema.schema_lock(engine):
        schema.upgrade(engine)
        with engine.begin() as conn:
            loaded_reference = reference.load_reference(conn)
            if not conn.scalar(select(func.count()).select_from(Project)):
                counts = write(conn, generate(conn))
            if loaded_reference or counts:
                version.bump(conn)  # in the writing transaction: new data, new version
    if counts:
        # Fresh statistics: SQLite picks the region covering indexes (even skip-scanning them for
        # the province) only once ANALYZE has seen the data (scripts/bench.py --explain).
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            if engine.dialect.name == "sqlite":
                # Fold the write-ahead log into the database file: otherwise ~100 MB of log lingers.
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.commit()
    if report is not None:
        report.update(reference_loaded=loaded_reference, generated=bool(counts), counts=counts,
                      seconds=time.perf_counter() - started)
    return engine
