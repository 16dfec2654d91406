"""python -m data_access.demo [--url URL] [--reset]: create (or rebuild) the demo database."""
from __future__ import annotations

import argparse
import sys
import time

from sqlalchemy import func, select

from ..db import get_engine
from ..models import Base
from . import ensure_demo_database
from .writer import drop_everything


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data_access.demo", description=__doc__)
    parser.add_argument("--url", help="database URL (default: the cockpit's, from COCKPIT_DATABASE_URL)")
    parser.add_argument("--reset", action="store_true", help="drop all tables first, then rebuild everything")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    if not args.url:
        from settings import Settings  # the entry point reads the settings, as app.py does

        args.url = Settings.from_env().database_url
    engine = get_engine(args.url)
    where = engine.url.render_as_string(hide_password=True)
    if args.reset:
        drop_everything(engine)
        print(f"dropped all tables in {where}")
    report: dict = {}
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


if __name__ == "__main__":
    sys.exit(main())
