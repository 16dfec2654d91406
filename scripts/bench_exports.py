"""Benchmark of the briefing exports (issue 15's targets), printed:

    python scripts/bench_exports.py [--scale 100000] [--keep DIR] [--rows 100000]

- chart PNG: click on the modebar's 白底 PNG button to the file downloaded (in Chromium);
- 导出本屏: the whole-screen PNG and PDF of the province overview, request to file: the first
  render of the process (it starts the worker's browser) and the warm ones after it;
- the same PNG as a background job, as the export menu asks for it (POST, poll, download);
- 汇报材料: the province's PPTX, with its map (rendered by the server's Chromium) and without;
- XLSX: `exports.sheets.xlsx` of a list of --rows rows (time and peak memory of the process).

Targets: chart PNG < 1 s; screen PNG < 5 s, PDF < 8 s; PPTX < 10 s; 100,000-row XLSX < 15 s
under 500 MB.
"""
from __future__ import annotations

import argparse
import logging
import resource
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "scripts"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import bench  # noqa: E402
from bench_views import signed_page  # noqa: E402


def timed_get(url: str, token: str, n: int = 3) -> tuple[list[float], int]:
    times, size = [], 0
    for _ in range(n):
        request = urllib.request.Request(url, headers={"Cookie": f"cockpit_session={token}"})
        t0 = time.perf_counter()
        with urllib.request.urlopen(request, timeout=120) as resp:
            size = len(resp.read())
        times.append(time.perf_counter() - t0)
    return times, size


def job_roundtrip(base: str, token: str, href: str, n: int = 3) -> list[float]:
    """POST the export as the menu does, poll its state every 0.5 s (as assets/export_links.js),
    download the file: click to file."""
    import json

    times = []
    for _ in range(n):
        headers = {"Cookie": f"cockpit_session={token}"}
        t0 = time.perf_counter()
        start = urllib.request.Request(base + href, method="POST", headers={**headers, "X-Export-Job": "1"})
        with urllib.request.urlopen(start, timeout=60) as resp:
            status = json.loads(resp.read())["status"]
        while True:
            with urllib.request.urlopen(urllib.request.Request(base + status, headers=headers), timeout=60) as resp:
                state = json.loads(resp.read())
            if state["state"] in ("完成", "失败"):
                break
            time.sleep(0.5)
        assert state["state"] == "完成", state
        with urllib.request.urlopen(urllib.request.Request(base + state["file"], headers=headers), timeout=60) as resp:
            resp.read()
        times.append(time.perf_counter() - t0)
    return times


def chart_png(base: str, token: str) -> list[float]:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM_ARGS, chromium_path

    out = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        page = signed_page(browser, base, token)
        page.goto(base + "/")
        page.wait_for_selector("#ov-industries .main-svg")
        page.wait_for_timeout(500)
        for _ in range(5):
            page.hover("#ov-industries")
            t0 = time.perf_counter()
            with page.expect_download() as info:
                page.click("#ov-industries .modebar-btn[data-title^='下载图片（白底 PNG']")
            info.value.path()
            out.append(time.perf_counter() - t0)
        browser.close()
    return out


def xlsx_rows(n: int) -> tuple[float, float]:
    """The drill-to-detail list's 15 columns (web.exports.LIST_COLUMNS), n synthetic rows."""
    from exports.sheets import xlsx
    from web.exports import LIST_COLUMNS

    start = date(2020, 1, 1)
    rows = ({"code": f"GZ{i:09d}", "name": f"某某新材料产业园建设项目{i}", "investor": f"某某集团有限公司{i % 5000}",
             "county": "仁怀市", "park": "仁怀名酒工业园区", "industry": "现代化工", "link": "磷化工", "channel": "以商招商",
             "status": "开工", "contract_yuan": i % 997 * 1_000_000, "funds_yuan": i % 331 * 1_000_000,
             "signed_on": start + timedelta(days=i % 1800), "started_on": start + timedelta(days=i % 1800 + 90),
             "production_on": None if i % 3 else start + timedelta(days=i % 1800 + 400), "unit": "仁怀市投资促进局"}
            for i in range(n))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    body = xlsx("项目清单", [("地区", "贵州省"), ("数据截至", "2025-12-31")], LIST_COLUMNS, rows)
    took = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"  XLSX of {n:,} rows x {len(LIST_COLUMNS)} columns (the list's): {took:.2f} s, {len(body) / 1e6:.1f} MB "
          f"file, process peak RSS {peak / 1024:.0f} MB (was {before / 1024:.0f} MB before; target < 15 s, < 500 MB)")
    return took, peak / 1024


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=int, default=100_000)
    ap.add_argument("--keep", metavar="DIR", help="keep (and reuse) the SQLite file in DIR")
    ap.add_argument("--rows", type=int, default=100_000)
    args = ap.parse_args(argv)
    print("exports benchmark")
    xlsx_rows(args.rows)  # first: the process's peak memory is its own

    workdir = Path(args.keep or tempfile.mkdtemp(prefix="cockpit_exports_"))
    workdir.mkdir(parents=True, exist_ok=True)
    url = bench.bench_database(workdir, args.scale)
    server_app = bench.make_app(url).server
    from werkzeug.serving import make_server

    from tests.conftest import session_token

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, server_app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    token = session_token(server_app)

    def report(label: str, times: list[float], size: int | None = None, target: float | None = None) -> None:
        extra = f", {size / 1e6:.2f} MB" if size else ""
        goal = f" (target < {target:g} s)" if target else ""
        print(f"  {label}: median {statistics.median(times):.2f} s, max {max(times):.2f} s{extra}{goal}")

    print(f"{args.scale:,} projects, SQLite, threaded dev server on loopback:")
    report("chart PNG (click to file, in Chromium)", chart_png(base, token), target=1)
    from exports.screen import POOL

    times, size = timed_get(f"{base}/export/screen?view=%2F&format=png", token, 1)
    report("导出本屏 PNG of /, first of the process (starts the worker's browser)", times, size)
    times, size = timed_get(f"{base}/export/screen?view=%2F&format=png", token)
    report("导出本屏 PNG of /, warm browser", times, size, 5)
    times, size = timed_get(f"{base}/export/screen?view=%2F&format=pdf", token)
    report("导出本屏 PDF of /, warm browser", times, size, 8)
    report("导出本屏 PNG of / as a background job (POST, poll every 0.5 s, download)",
           job_roundtrip(base, token, "/export/screen?view=%2F&format=png"))
    print(f"  browsers started by the worker: {POOL.launches}")
    times, size = timed_get(f"{base}/export/deck", token)
    report("汇报材料 PPTX of the province, with its map", times, size, 10)
    times, size = timed_get(f"{base}/export/deck?map=0", token)
    report("汇报材料 PPTX without the map", times, size)
    # The whole record's list of the province as Excel: the database read, the rows and the file.
    from urllib.parse import quote

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    view = quote("/projects?entry=all&from=2000-01-01", safe="")
    times, size = timed_get(f"{base}/export/list?view={view}&format=xlsx", token, 1)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report(f"项目清单 XLSX of the province's whole record ({args.scale:,} projects), request to file", times, size, 15)
    print(f"    process peak RSS {peak / 1024:.0f} MB (was {before / 1024:.0f} MB before; target < 500 MB)")
    server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
