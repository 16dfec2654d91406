"""Server time of /warnings and /rankings for the province (and a city), at 100k projects.

    python scripts/bench_warnings.py [--scales 100000] [--keep DIR] [--runs 7]

Builds the synthetic set of scripts/bench_data.py (SQLite), adds what it lacks for these screens
(annual targets for every region and year, update dates on the projects: about 15 % of live
projects quiet for over 60 days), then renders each page through the app as a provincial analyst
(the router's request, and the list's first block) and prints the median and worst of `--runs`
for two cache states: `cold` (the view cache emptied first: nothing of the page computed yet)
and `warm`. Target (issue 14): the province's pages under 300 ms cold.
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
from sqlalchemy import create_engine, text  # noqa: E402

from tests.view_helpers import callback_outputs, router_payload  # noqa: E402


def add_screen_data(url: str) -> None:
    """Annual targets (last year's achievement × 1.1, or this year's for the first) and update dates."""
    engine = create_engine(url)
    with engine.begin() as conn:
        if conn.scalar(text("SELECT COUNT(*) FROM annual_target")):
            return
        # A deterministic spread of update dates: the project id picks how long ago (0–120 days).
        conn.execute(text("UPDATE project SET updated_on = date('2025-12-31', '-' || ((id * 37) % 121) || ' days') "
                          "WHERE terminated_on IS NULL"))
        for level, col in (("city", "city_adcode"), ("county", "county_adcode")):
            conn.execute(text(f"""
                INSERT INTO annual_target (region_adcode, year, contract_yuan, funds_yuan, projects)
                SELECT r.adcode, y.year,
                       CAST(COALESCE((SELECT SUM(contract_yuan) FROM project p WHERE p.{col} = r.adcode
                              AND strftime('%Y', p.signed_on) = CAST(y.year - 1 AS TEXT)), 0) * 1.1 AS INTEGER) + 1,
                       CAST(COALESCE((SELECT SUM(amount_yuan) FROM funding f WHERE f.{col} = r.adcode
                              AND strftime('%Y', f.received_on) = CAST(y.year - 1 AS TEXT)), 0) * 1.1 AS INTEGER) + 1,
                       CAST(COALESCE((SELECT COUNT(*) FROM project p WHERE p.{col} = r.adcode
                              AND strftime('%Y', p.signed_on) = CAST(y.year - 1 AS TEXT)), 0) * 1.1 AS INTEGER) + 1
                FROM region r, (SELECT 2024 AS year UNION ALL SELECT 2025) y WHERE r.level = '{level}'"""))
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()


def measure(app, runs: int) -> list[str]:
    from tests.conftest import signed_in
    from views.runtime import EXTENSION

    rt = app.server.extensions[EXTENSION]
    client = signed_in(app.server, role="analyst", region=520000)

    def cold() -> None:
        rt.cache.clear()  # what a new region, filter or list asks of the database (the catalog stays read)

    key, outputs = callback_outputs(app.app, "wn-grid.getRowsResponse")

    def first_block(search: str) -> dict:
        return {"output": key, "outputs": outputs[0],
                "inputs": [{"id": "wn-grid", "property": "getRowsRequest",
                            "value": {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}}}],
                "state": [{"id": "wn-drawn", "property": "data", "value": search}],
                "changedPropIds": ["wn-grid.getRowsRequest"]}

    cases = [
        ("/warnings province", lambda: router_payload("/warnings")),
        ("/warnings 遵义市", lambda: router_payload("/warnings", "?region=520300")),
        ("/rankings province", lambda: router_payload("/rankings")),
        ("/rankings 遵义市", lambda: router_payload("/rankings", "?region=520300")),
        ("list: 签约未开工, first 100", lambda: first_block("")),
        ("list: 资金到位率低, first 100", lambda: first_block("?rule=funds")),
    ]
    lines = []
    for label, body in cases:
        for state in ("cold", "warm"):
            times = []
            for _ in range(runs):
                if state == "cold":
                    cold()
                started = time.perf_counter()
                response = client.post("/_dash-update-component", json=body())
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.data[:200]
            lines.append(f"  {label:<32} {state:<5} median {statistics.median(times):7.1f} ms   "
                         f"max {max(times):7.1f} ms   ({len(response.data):,} bytes)")
    return lines



def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scales", default="100000")
    ap.add_argument("--keep", metavar="DIR", help="keep (and reuse) the SQLite files in DIR")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args(argv)
    workdir = Path(args.keep or tempfile.mkdtemp(prefix="cockpit_warnings_"))
    workdir.mkdir(parents=True, exist_ok=True)
    report = []
    for scale in [int(s.replace("_", "")) for s in args.scales.split(",")]:
        url = bench.bench_database(workdir, scale)
        add_screen_data(url)
        app = bench.make_app(url)
        report.append(f"{scale:,} projects, SQLite, server time per request ({args.runs} runs):")
        report += measure(app, args.runs)
        print("\n".join(report), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
