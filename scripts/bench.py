"""Benchmark of the cockpit's aggregate queries on synthetic data, SQLite and PostgreSQL.

    python scripts/bench.py [--scales 10000,100000,1000000] [--repeat 30]
                            [--postgres URL|auto|off] [--keep DIR] [--reuse] [--explain]

For each scale a fresh database is made through the real migrations (data_access.schema.upgrade)
and data_access.reference.load_reference, filled with N synthetic projects (scripts/bench_data.py:
~N/3 enterprises, ~2.5 funding rows a project, 0.3 N visits, 0.1 N inspections), ANALYZEd, and
the query functions the screens run (data_access.area, overview, chains) are timed with real
RegionScope/Filters objects:
median and p95 of --repeat calls after one warm-up call, measured with time.perf_counter.

--postgres: a server URL whose database may be used to CREATE/DROP scratch databases
(cockpit_bench_<N>), `auto` (postgresql+psycopg://postgres@127.0.0.1:5432/test if it answers) or
`off`. --keep DIR keeps the SQLite files in DIR and the PostgreSQL databases; with --reuse a kept
database of the right size is measured again without being rebuilt (for index experiments).
--explain prints the query plans (EXPLAIN QUERY PLAN / EXPLAIN ANALYZE) and a per-statement
timing of a city's statistics and its chain-link coverage.

Reference (wave 1): at 1M projects, a city's funnel and its chain-link totals in under 20 ms each on
SQLite. The live code reads a city's statistics per county in one pass (the funnel among them);
`city statistics` times the whole read, the funnel's share is its first statement.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "scripts"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import pandas as pd  # noqa: E402
from sqlalchemy import Engine, create_engine, event, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

import bench_data  # noqa: E402
from data_access import area, chains  # noqa: E402
from data_access import overview as ov  # noqa: E402
from data_access.db import get_engine  # noqa: E402
from data_access.reference import load_reference  # noqa: E402
from data_access.schema import upgrade  # noqa: E402
from data_access.scope import Filters, resolve_scope  # noqa: E402

PG_AUTO = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CITY, COUNTY = 520300, 520382  # 遵义, 仁怀 (a county of 遵义)
PERIOD = Filters(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31))
WHOLE = Filters()
CHANNEL = "产业链招商"
ORIGIN = "深圳"
TARGET_SCALE, TARGET_MS = 1_000_000, 20.0
TARGET_CASES = ("city statistics 2024", "city chain links 2024", "city statistics all", "city chain links all")


# --- databases -------------------------------------------------------------------------------

def pg_admin_url(arg: str) -> str | None:
    if arg == "off":
        return None
    url = PG_AUTO if arg == "auto" else arg
    try:
        eng = create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 3})
        with eng.connect():
            pass
        eng.dispose()
        return url
    except Exception as exc:  # noqa: BLE001
        if arg == "auto":
            print(f"PostgreSQL not reachable at {url} ({type(exc).__name__}); PostgreSQL skipped.")
            return None
        raise


def pg_database(admin_url: str, name: str, *, drop: bool, create: bool) -> str:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        if drop:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if create:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def pg_exists(admin_url: str, name: str) -> bool:
    admin = create_engine(admin_url, poolclass=NullPool)
    with admin.connect() as conn:
        found = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
    admin.dispose()
    return bool(found)


def holds_bench(url: str, scale: int) -> bool:
    """True if the database at url is a finished bench database of this scale."""
    eng = create_engine(url, poolclass=NullPool)
    try:
        with eng.connect() as conn:
            src = conn.scalar(text("SELECT value FROM dataset_info WHERE key = 'source'"))
            n = conn.scalar(text("SELECT count(*) FROM project"))
        return src == "bench" and n == scale
    except Exception:  # noqa: BLE001
        return False
    finally:
        eng.dispose()


def build(url: str, data_for) -> dict[str, float]:
    """Migrations + reference data + synthetic rows + ANALYZE; returns timings in seconds."""
    eng = create_engine(url, poolclass=NullPool)
    t0 = time.perf_counter()
    upgrade(eng)
    with eng.begin() as conn:
        load_reference(conn)
    t1 = time.perf_counter()
    tables, t_gen = data_for(eng)
    phases = bench_data.load(eng, tables)
    if eng.dialect.name == "sqlite":
        t2 = time.perf_counter()
        with eng.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
        phases["analyze"] = time.perf_counter() - t2
    eng.dispose()
    return {"schema": t1 - t0, "generate": t_gen, **phases}


def db_size(engine: Engine) -> int:
    if engine.dialect.name == "sqlite":
        path = Path(engine.url.database)
        return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
    with engine.connect() as conn:
        return int(conn.scalar(text("SELECT pg_database_size(current_database())")))


# --- the measured calls ----------------------------------------------------------------------

@dataclass
class Result:
    scale: int
    backend: str
    query: str
    median_ms: float
    p95_ms: float
    rows: int


def _area(engine: Engine, scope, filters: Filters):
    """A region's statistics as the overview reads them: per county for its area (a county's is its city)."""
    own = resolve_scope(engine, scope.parent_adcode) if scope.level == "county" else scope
    return area.read_area(engine, own, filters).totals(scope)


def cases(engine: Engine):
    province = resolve_scope(engine, None)
    city = resolve_scope(engine, CITY)
    county = resolve_scope(engine, COUNTY)
    funcs = [
        ("statistics", _area),
        ("chain links", chains.link_coverage),
        ("stage medians", ov.stage_medians),
        ("stalled top", ov.stalled_top),
    ]
    out = []
    for label, scope in (("province", province), ("city", city), ("county", county)):
        for name, fn in funcs:
            out.append((f"{label} {name} 2024", fn, scope, PERIOD))
        if label == "city":
            out.append(("city statistics all", _area, scope, WHOLE))
            out.append(("city chain links all", chains.link_coverage, scope, WHOLE))
    out.append((f"province statistics 2024 channel={CHANNEL}", _area, province,
                Filters(date_from=PERIOD.date_from, date_to=PERIOD.date_to, channel=CHANNEL)))
    out.append((f"province statistics 2024 origin={ORIGIN}", _area, province,
                Filters(date_from=PERIOD.date_from, date_to=PERIOD.date_to, origin=ORIGIN)))
    return out


def pad(s: str, width: int) -> str:
    """Left-justify to a terminal width (CJK characters take two columns)."""
    wide = sum(unicodedata.east_asian_width(ch) in "WF" for ch in s)
    return s + " " * max(0, width - len(s) - wide)


def n_rows(value) -> int:
    return len(value) if isinstance(value, pd.DataFrame) else 1


def measure(engine: Engine, scale: int, backend: str, repeat: int) -> list[Result]:
    results = []
    for label, fn, scope, filters in cases(engine):
        value = fn(engine, scope, filters)  # warm-up
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            fn(engine, scope, filters)
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, max(0, int(round(0.95 * len(times))) - 1))]
        results.append(Result(scale, backend, label, statistics.median(times), p95, n_rows(value)))
        print(f"  {pad(label, 48)} {results[-1].median_ms:9.2f} {p95:9.2f} {n_rows(value):6d}", flush=True)
    return results


# --- plans ----------------------------------------------------------------------------------

class StatementLog:
    """Records the SQL statements (with parameters and execution time) an engine runs."""

    def __init__(self, engine: Engine):
        self.engine, self.items, self.on = engine, [], False
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_t0"] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        if self.on:
            self.items.append((statement, parameters, (time.perf_counter() - conn.info["bench_t0"]) * 1000))

    def capture(self, fn, *args):
        self.items, self.on = [], True
        try:
            fn(*args)
        finally:
            self.on = False
        return self.items

    def close(self):
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)


def explain(engine: Engine, scale: int) -> None:
    city = resolve_scope(engine, CITY)
    log = StatementLog(engine)
    sqlite = engine.dialect.name == "sqlite"
    try:
        for label, fn, filters in (
            ("city statistics 2024", _area, PERIOD),
            ("city chain links 2024", chains.link_coverage, PERIOD),
            ("city statistics all", _area, WHOLE),
            ("city chain links all", chains.link_coverage, WHOLE),
        ):
            fn(engine, city, filters)
            stmts = log.capture(fn, engine, city, filters)
            print(f"\n=== {engine.dialect.name} {scale:,}: {label} ({len(stmts)} statements) ===")
            for sql, params, ms in stmts:
                head = " ".join(sql.split())
                print(f"--- {ms:8.2f} ms  {head[:150]}{'…' if len(head) > 150 else ''}")
                if "FROM dataset_info" in sql or "FROM region" in head[:200]:
                    continue
                prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "
                with engine.connect() as conn:
                    rows = conn.exec_driver_sql(prefix + sql, params).all()
                for row in rows:
                    print("    " + (f"{'  ' * _depth(row, rows)}{row[-1]}" if sqlite else row[0]))
    finally:
        log.close()


def _depth(row, rows) -> int:
    parents = {r[0]: r[1] for r in rows}
    d, p = 0, row[1]
    while p in parents:
        d, p = d + 1, parents[p]
    return d


# --- main -----------------------------------------------------------------------------------

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scales", default="10000,100000,1000000")
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--postgres", default="auto", help="server URL, auto or off")
    ap.add_argument("--sqlite", default="on", choices=("on", "off"))
    ap.add_argument("--keep", metavar="DIR", help="keep the databases (SQLite files in DIR)")
    ap.add_argument("--reuse", action="store_true", help="with --keep: measure kept databases again")
    ap.add_argument("--explain", action="store_true", help="print plans of the city funnel and chain-link totals")
    args = ap.parse_args(argv)
    scales = [int(s.replace("_", "")) for s in args.scales.split(",") if s.strip()]
    admin = pg_admin_url(args.postgres)
    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="cockpit_bench_"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"Measuring {code_version()}")
    results: list[Result] = []
    facts: list[str] = []
    pg_made: list[str] = []
    try:
        for scale in scales:
            cache: dict = {}

            def data_for(eng, scale=scale, cache=cache):
                if "tables" not in cache:
                    t0 = time.perf_counter()
                    cache["tables"] = bench_data.make_dataset(bench_data.read_reference(eng), scale)
                    cache["seconds"] = time.perf_counter() - t0
                    return cache["tables"], cache["seconds"]
                return cache["tables"], 0.0

            backends = []
            if args.sqlite == "on":
                backends.append(("sqlite", f"sqlite:///{workdir / f'bench_{scale}.db'}"))
            if admin:
                backends.append(("postgresql", None))
            for backend, url in backends:
                name = f"cockpit_bench_{scale}"
                if backend == "postgresql":
                    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
                    reuse = args.reuse and pg_exists(admin, name) and holds_bench(url, scale)
                else:
                    reuse = args.reuse and Path(make_url(url).database).exists() and holds_bench(url, scale)
                print(f"\n## {scale:,} projects on {backend}: " + ("reusing kept database" if reuse else "building…"),
                      flush=True)
                if not reuse:
                    if backend == "postgresql":
                        pg_database(admin, name, drop=True, create=True)
                    else:
                        Path(make_url(url).database).unlink(missing_ok=True)
                    phases = build(url, data_for)
                    load = sum(v for k, v in phases.items() if k not in ("schema", "generate"))
                    detail = ", ".join(f"{k} {v:.1f}" for k, v in phases.items())
                    print(f"  load {load:.1f} s ({detail} s)", flush=True)
                if backend == "postgresql" and not args.keep:
                    pg_made.append(name)
                engine = get_engine(url)
                with engine.connect() as conn:
                    counts = {t: conn.scalar(text(f"SELECT count(*) FROM {t}")) for t in bench_data.BULK_TABLES}
                size = db_size(engine)
                line = (f"{scale:>9,} {backend:<10} " + ("reused" if reuse else f"load {load:6.1f} s")
                        + f"  size {size / 2**20:8.1f} MiB  rows: "
                        + ", ".join(f"{t} {c:,}" for t, c in counts.items()))
                facts.append(line)
                print("  " + line, flush=True)
                print(f"  {'query':<48} {'median':>9} {'p95':>9} {'rows':>6}   ({load_note()})")
                results.extend(measure(engine, scale, backend, args.repeat))
                print(f"  ({load_note()})")
                if args.explain:
                    explain(engine, scale)
                engine.dispose()
            cache.clear()
    finally:
        for name in pg_made:
            pg_database(admin, name, drop=True, create=False)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)

    report(results, facts)
    return 0


def code_version() -> str:
    """Which code was measured: the query and model files change while the cockpit is built."""
    import hashlib
    import sqlite3

    import sqlalchemy

    parts = []
    for name in ("queries.py", "models.py"):
        path = ROOT / "data_access" / name
        parts.append(f"{name} {hashlib.sha1(path.read_bytes()).hexdigest()[:10]}")
    parts.append(f"SQLite {sqlite3.sqlite_version}, SQLAlchemy {sqlalchemy.__version__}")
    return "; ".join(parts)


def load_note() -> str:
    try:
        import os

        return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return ""


def report(results: list[Result], facts: list[str]) -> None:
    print(f"\n# Measured code: {code_version()}")
    print("\n# Load and size")
    for line in facts:
        print(line)
    print("\n# Query times (ms; median and p95 of the repeated calls after one warm-up)")
    print(f"{'scale':>9} {'backend':<10} {'query':<48} {'median':>9} {'p95':>9} {'rows':>6}")
    for r in results:
        print(f"{r.scale:>9,} {r.backend:<10} {pad(r.query, 48)} {r.median_ms:9.2f} {r.p95_ms:9.2f} {r.rows:6d}")
    target = [r for r in results if r.scale == TARGET_SCALE and r.backend == "sqlite" and r.query in TARGET_CASES]
    if not target:
        print(f"\nTarget (1M projects, a city's statistics and chain links < {TARGET_MS:.0f} ms on SQLite): not measured"
              " (run with a 1000000 scale on SQLite).")
        return
    # The cockpit's views cover a year by default; the whole record is reported beside it.
    for label, cases in (("one-year view (2024)", TARGET_CASES[:2]), ("whole record", TARGET_CASES[2:])):
        chosen = [r for r in target if r.query in cases]
        ok = all(r.median_ms < TARGET_MS for r in chosen)
        figures = "; ".join(f"{r.query} {r.median_ms:.1f} ms (p95 {r.p95_ms:.1f})" for r in chosen)
        print(f"\nTarget: at 1M projects, a city's statistics and its chain links in under {TARGET_MS:.0f} ms each "
              f"on SQLite, {label}: {'MET' if ok else 'NOT MET'} — {figures}")


if __name__ == "__main__":
    sys.exit(main())


def bench_database(workdir, scale: int) -> str:
    """The SQLite URL of a synthetic data set of `scale` projects in `workdir`, built unless there."""
    from pathlib import Path

    import bench_data

    path = Path(workdir) / f"bench_{scale}.db"
    url = f"sqlite:///{path}"
    if not holds_bench(url, scale):
        path.unlink(missing_ok=True)
        print(f"building {scale:,} projects …", flush=True)
        build(url, lambda eng, n=scale: (bench_data.make_dataset(bench_data.read_reference(eng), n), 0.0))
    return url


def make_app(url: str, *, plotly_bundle: bool = True):
    """The cockpit on a bench database: its Flask server and Dash app, as the tests see them.
    Synthetic data is not the demo, so it needs a secret like production: a throwaway one."""
    from types import SimpleNamespace

    import app as module
    from settings import Settings

    server = module.create_app(Settings(database_url=url, prewarm=False, plotly_bundle=plotly_bundle,
                                        auto_upgrade=True, secret_key="bench-" + "x" * 40,
                                        # One bench user asks for thousands of uncached views.
                                        rate_views="1000000/minute", rate_exports="1000000/minute"))
    return SimpleNamespace(server=server, app=server.extensions["dash_app"])
