"""python -m data_access.demo [--url URL] [--reset]: create (or rebuild) the demo database.

`--reset` is atomic: a rebuild killed at any moment leaves the previous data, and the cockpit
serves it meanwhile. SQLite: the new data set is built in a scratch file beside the database,
then copied over it with SQLite's backup API in one write transaction (readers in WAL mode keep
the old pages until it commits; a file swapped by rename would meet the old file's -wal and
-shm, which a running cockpit still holds). PostgreSQL: the rows are generated first, outside
the database, then dropped, recreated and written in one transaction of a few seconds.
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

from .. import reference, schema, version
from ..db import get_engine, read_only_file, sqlite_file
from ..models import Base
from ..rollup import drop_triggers
from . import ensure_demo_database
from .build import generate
from .writer import drop_everything, write

SCRATCH_SUFFIX = ".rebuild"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data_access.demo", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="database URL (default: the cockpit's, from COCKPIT_DATABASE_URL)")
    parser.add_argument("--reset", action="store_true",
                        help="rebuild everything, atomically: the previous data stays until the new set is complete")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    if not args.url:
        from settings import Settings  # the entry point reads the settings, as app.py does

        args.url = Settings.from_env().database_url
    engine = get_engine(args.url)
    where = engine.url.render_as_string(hide_password=True)
    report: dict = {}
    if args.reset:
        rebuild(args.url, report=report)
        print(f"rebuilt the demo data set in {where} (the previous data was replaced in one step)")
    else:
        ensure_demo_database(args.url, report=report)
    if report["generated"]:
        print(f"generated the demo data set in {where}:")
        for table, n in report["counts"].items():
            print(f"  {table:<18} {n:>8} rows")
    else:
        print(f"{where} already holds data; nothing generated (use --reset to rebuild)")
        with engine.connect() as conn:
            for table in Base.metadata.sorted_tables:
                n = conn.scalar(select(func.count()).select_from(table))
                print(f"  {table.name:<18} {n:>8} rows")
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


def rebuild(url: str, *, report: dict) -> None:
    """Replace whatever the database holds by a freshly generated demo data set, atomically."""
    path = sqlite_file(url)
    if path is not None:
        _rebuild_sqlite(path, report)
    elif get_engine(url).dialect.name == "postgresql":
        _rebuild_postgres(url, report)
    else:  # an in-memory database: nobody else can see it half-built
        drop_everything(get_engine(url))
        ensure_demo_database(url, report=report)


def _rebuild_sqlite(path: Path, report: dict) -> None:
    if read_only_file(path):
        raise SystemExit(f"{path} is read-only: nothing rebuilt")
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(path.name + SCRATCH_SUFFIX)
    _remove_sqlite_files(scratch)  # what a killed rebuild left
    scratch_url = f"sqlite:///{scratch}"
    ensure_demo_database(scratch_url, report=report)  # ends with its log folded into the file
    get_engine(scratch_url).dispose()
    if not path.exists():
        os.replace(scratch, path)  # nobody has it open: a rename is the whole swap
    else:
        # One step of the backup API is one write transaction on the target: readers see the old
        # data until it commits, and a kill before that leaves only uncommitted log frames, which
        # SQLite ignores.
        with schema.schema_lock(get_engine(f"sqlite:///{path}")):
            source, target = sqlite3.connect(scratch), sqlite3.connect(path, timeout=60)
            try:
                source.backup(target)
                try:
                    target.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                except sqlite3.OperationalError:
                    pass  # a reader holds the log: it is folded in later, by the next checkpoint
            finally:
                source.close()
                target.close()
    _remove_sqlite_files(scratch)


def _remove_sqlite_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal", ".lock"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def _generated_rows() -> dict[str, list[dict]]:
    """The demo rows, generated against a scratch SQLite file holding only the reference data
    (the generator's output is the same on every backend): no lock on the real database."""
    with tempfile.TemporaryDirectory(prefix="cockpit-demo-") as folder:
        engine = create_engine(f"sqlite:///{Path(folder) / 'reference.db'}")
        try:
            schema.upgrade(engine)
            with engine.begin() as conn:
                reference.load_reference(conn)
                return generate(conn)
        finally:
            engine.dispose()


def _rebuild_postgres(url: str, report: dict) -> None:
    started = time.perf_counter()
    rows = _generated_rows()
    engine = get_engine(url)
    with schema.schema_lock(engine), engine.connect() as conn:
        with conn.begin():  # PostgreSQL's DDL is transactional: all of it, or none of it
            Base.metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
            drop_triggers(conn)
            cfg = schema.alembic_config(engine)
            cfg.attributes["connection"] = conn
            from alembic import command

            command.upgrade(cfg, "head")
            reference.load_reference(conn)
            counts = write(conn, rows)
            version.bump(conn)
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    report.update(reference_loaded=True, generated=True, counts=counts, seconds=time.perf_counter() - started)


if __name__ == "__main__":
    sys.exit(main())
