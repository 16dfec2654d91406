"""Benchmark of cold overview views at national scale (issue 16): the server time of a view
whose filters nothing has read yet, on SQLite and PostgreSQL.

    python scripts/bench_cold.py [--scale 1000000] [--keep DIR] [--postgres URL|auto|off]
                                 [--repeat 3] [--rollup on|off]

Cases, each with every cached view and area forgotten first (a copied link, or a filter set
nobody chose before), timed as the POST of the page router's request (the whole page drawn):
the province with each of several filter sets (this year, a past year, a quarter cut mid-month,
a channel, an industry, an origin), the whole record 2017–2025, every city and 20 counties
opened by a copied link. Targets: the province under 200 ms, a city or county under 100 ms,
the whole record under 300 ms.

The databases are those of scripts/bench.py (`bench_database`; PostgreSQL: cockpit_bench_<N>,
built when missing). --rollup off reads every figure from the projects, as before the rollup.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "scripts"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import bench  # noqa: E402
import bench_data  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from tests.view_helpers import router_payload  # noqa: E402

CITIES = [520100, 520200, 520300, 520400, 520500, 520600, 522300, 522600, 522700]
PROVINCE_FILTERS = {
    "this year (default)": "",
    "2024": "?from=2024-01-01&to=2024-12-31",
    "2025-02-10 to 2025-05-20": "?from=2025-02-10&to=2025-05-20",
    "channel 产业链招商": "?channel=产业链招商",
    "industry LIQUOR": "?industry=LIQUOR",
    "origin 深圳": "?origin=深圳",
}
WHOLE = "?from=2017-01-01&to=2025-12-31"
TARGETS = {"province": 200.0, "link": 100.0, "whole": 300.0}


def pg_url(admin: str, scale: int) -> str:
    name = f"cockpit_bench_{scale}"
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    if not (bench.pg_exists(admin, name) and bench.holds_bench(url, scale)):
        print(f"building {scale:,} projects on PostgreSQL …", flush=True)
        bench.pg_database(admin, name, drop=True, create=True)
        bench.build(url, lambda eng: (bench_data.make_dataset(bench_data.read_reference(eng), scale), 0.0))
    # bench_data's COPY runs with triggers off (session_replication_role = replica): the rollups
    # the triggers keep are computed once here, as a bulk load must.
    from sqlalchemy import create_engine, text

    from data_access import rollup, rollup_project

    eng = create_engine(url)
    with eng.begin() as conn:
        empty = not conn.scalar(text("SELECT count(*) FROM project_month WHERE dim = 't'"))
        if empty:
            rollup.rebuild(conn)
            rollup_project.rebuild(conn)
    if empty:
        with eng.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
    eng.dispose()
    return url


def measure(url: str, label: str, repeat: int, rollup: bool) -> list[str]:
    from data_access import queries

    from tests.conftest import signed_in
    from views.catalog import read_catalog
    from views.runtime import current

    from data_access.db import set_statement_timeout

    queries.USE_ROLLUP = rollup
    app = bench.make_app(url)
    with app.server.app_context():
        # Measured, not cut off: without the rollup a busy machine's province takes over 15 s.
        set_statement_timeout(current().engine, 0)
    client = signed_in(app.server)
    from data_access.db import get_engine
    from data_access.queries import regions

    frame = regions(get_engine(url))
    counties = [int(c) for c in frame.query("level == 'county'")["adcode"]][::4][:20]

    cpu: dict[str, list[float]] = {}

    def cold(path: str, search: str = "", case: str = "") -> float:
        with app.server.app_context():
            current().cache.clear()
            read_catalog(current())
        t0, c0 = time.perf_counter(), time.process_time()
        resp = client.post("/_dash-update-component", json=router_payload(path, search))
        took = (time.perf_counter() - t0) * 1000
        # The process's CPU time (every thread's; SQLite works inside it, PostgreSQL does not):
        # on a machine shared with other work, the figure that does not wait for a core.
        cpu.setdefault(case, []).append((time.process_time() - c0) * 1000)
        assert resp.status_code == 200, resp.data[:300]
        return took

    cold("/")  # the first request registers the pages' callbacks and warms the connection pool
    lines = [f"{label} (rollup {'on' if rollup else 'off'}):"]
    worst = {}
    for name, search in PROVINCE_FILTERS.items():
        times = [cold("/", search, name) for _ in range(repeat)]
        worst["province"] = max(worst.get("province", 0), statistics.median(times))
        lines.append(f"  province, {name:<26} median {statistics.median(times):7.1f} ms, max {max(times):7.1f} ms, "
                     f"CPU {statistics.median(cpu[name]):7.1f} ms")
    times = [cold("/", WHOLE, "whole") for _ in range(repeat)]
    worst["whole"] = statistics.median(times)
    lines.append(f"  province, whole record 2017–2025   median {statistics.median(times):7.1f} ms, "
                 f"max {max(times):7.1f} ms, CPU {statistics.median(cpu['whole']):7.1f} ms")
    for level, codes in (("city", CITIES), ("county", counties)):
        times = [cold(f"/region/{code}", "", level) for code in codes]
        worst["link"] = max(worst.get("link", 0), pct95(times))
        lines.append(f"  copied link to a {level:<6}           median {statistics.median(times):7.1f} ms, "
                     f"p95 {pct95(times):7.1f} ms, CPU median {statistics.median(cpu[level]):7.1f} ms (n={len(times)})")
    verdict = ", ".join(f"{k} {worst[k]:.0f} ms {'≤' if worst[k] <= t else '>'} {t:.0f}" for k, t in TARGETS.items())
    lines.append(f"  targets (province: worst median; link: worst p95): {verdict}")
    print("\n".join(lines), flush=True)
    return lines


def pct95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=int, default=1_000_000)
    ap.add_argument("--keep", metavar="DIR", help="keep (and reuse) the SQLite file in DIR")
    ap.add_argument("--postgres", default="auto", help="server URL, auto or off")
    ap.add_argument("--sqlite", default="on", choices=("on", "off"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rollup", default="on", choices=("on", "off", "both"))
    args = ap.parse_args(argv)
    workdir = Path(args.keep or tempfile.mkdtemp(prefix="cockpit_cold_"))
    workdir.mkdir(parents=True, exist_ok=True)
    urls = []
    if args.sqlite == "on":
        urls.append(("SQLite", bench.bench_database(workdir, args.scale)))
    admin = bench.pg_admin_url(args.postgres)
    if admin:
        urls.append(("PostgreSQL", pg_url(admin, args.scale)))
    report = []
    modes = {"on": [True], "off": [False], "both": [False, True]}[args.rollup]
    for label, url in urls:
        for rollup in modes:
            report += measure(url, f"{args.scale:,} projects, {label}", args.repeat, rollup)
    print("\n# Cold overview views\n" + "\n".join(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
