"""Benchmark of the overview screen as a leader uses it: server time and bytes of a drill click,
and what headless Chromium shows, on synthetic databases of 100k and 1M projects.

    python scripts/bench_views.py [--scales 100000,1000000] [--keep DIR] [--browser on|off]

Server side: the callbacks a drill click sends (POST /_dash-update-component, the payloads the
browser sends: the page router's, `redraw`'s and `redraw_panels`'s) for every city and 20
counties; their server time summed and their responses' size before and after gzip, in three
states of the cache: "drill" (the parent region was just drawn with the same filters, as it is
when its map is clicked; the region itself never was), "link" (a copied link opened with nothing
read for its filters: the router renders the whole page) and "warm" (the region's own view is
cached). Browser side (Playwright, /usr/bin/chromium): first load of / until the 9 city polygons
are drawn, and a click on each city until its county polygons and its KPIs are on screen.

Targets (issue 3), at 100k on SQLite: drill ≤ 50 ms server time p95, ≤ 80 KB before
compression, map and KPIs on screen ≤ 300 ms; first load ≤ 2 s; at 1M within 2x.
"""
from __future__ import annotations

import argparse
import gzip
import logging
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "scripts"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import bench  # noqa: E402
from tests.view_helpers import callback_outputs, panels_payload, redraw_payload, router_payload  # noqa: E402

CITIES = [520100, 520200, 520300, 520400, 520500, 520600, 522300, 522600, 522700]
INSIDE_POINT = (ROOT / "tests" / "browser" / "inside_point.js").read_text(encoding="utf-8")


def drill_payloads(app, pathname: str, search: str, parent: dict, target: dict) -> list[dict]:
    """The requests of a drill click on the overview, from `parent` to `target` (view keys):
    the router's (which keeps the page), `redraw`'s, then `redraw_panels`'s."""
    return [router_payload(pathname, search, drawn=parent), redraw_payload(app.app, pathname, search, parent),
            panels_payload(app.app, target, parent)]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def server_side(app, counties: list[int], regions) -> list[str]:
    from views.catalog import read_catalog
    from views.runtime import current

    from tests.conftest import signed_in

    client = signed_in(app.server)
    lines = []
    parent_of = {int(r.adcode): int(r.parent_adcode) for r in regions.itertuples() if r.level == "county"}
    targets = [("city", c) for c in CITIES] + [("county", c) for c in counties]

    def forget_views() -> None:
        # Forget every view and area; keep the filter choices (read once at start-up).
        with app.server.app_context():
            current().cache.clear()
            read_catalog(current())

    def path(code: int) -> str:
        return "/" if code == 520000 else f"/region/{code}"

    def key(code: int) -> dict:
        return {"adcode": code, "search": ""}

    def parent(lvl: str, code: int) -> int:
        return 520000 if lvl == "city" else parent_of[code]

    def draw_parent(lvl: str, code: int) -> None:
        client.post("/_dash-update-component", json=router_payload(path(parent(lvl, code))))

    def drill(lvl: str, code: int) -> list[dict]:
        return drill_payloads(app, path(code), "", key(parent(lvl, code)), key(code))

    def post_all(bodies: list[dict]) -> tuple[float, int, int]:
        """Server time summed over the requests (the browser overlaps the first two), bytes."""
        total, raw, packed = 0.0, 0, 0
        for body in bodies:
            t0 = time.perf_counter()
            resp = client.post("/_dash-update-component", json=body)
            total += (time.perf_counter() - t0) * 1000
            assert resp.status_code == 200, resp.data[:300]
            raw += len(resp.data)
            packed += len(gzip.compress(resp.data, 6))
        return total, raw, packed

    modes = {
        # A drill click on the parent's map: the parent was just drawn with the same filters, the
        # region itself never was. The page stays mounted: the router answers "no change",
        # redraw sends the heading, KPIs and map, redraw_panels the panels.
        "drill": (lambda lvl, code: (forget_views(), draw_parent(lvl, code)), drill),
        # A copied link opened cold: nothing of its filters has been read; the router renders it.
        "link": (lambda lvl, code: forget_views(), lambda lvl, code: [router_payload(path(code))]),
        # A drill to a region whose view is cached (prewarmed, or drawn before).
        "warm": (lambda lvl, code: post_all(drill(lvl, code)), drill),
    }
    for label, (prepare, requests) in modes.items():
        for level in ("city", "county"):
            times, raw, packed = [], [], []
            for lvl, code in targets:
                if lvl != level:
                    continue
                prepare(lvl, code)
                took, size, gz = post_all(requests(lvl, code))
                times.append(took)
                raw.append(size)
                packed.append(gz)
            lines.append(
                f"  {label:<5} to a {level:<6}: server median {statistics.median(times):6.1f} ms, "
                f"p95 {pct(times, 0.95):6.1f} ms; responses {max(raw) / 1024:5.1f} KB max before gzip, "
                f"{max(packed) / 1024:5.1f} KB after (n={len(times)})"
            )
    # A cold province (filters changed at the top): every county's figures are read.
    times = []
    for _ in range(5):
        forget_views()
        t0 = time.perf_counter()
        client.post("/_dash-update-component", json=router_payload("/"))
        times.append((time.perf_counter() - t0) * 1000)
    lines.append(f"  link  to the province: server median {statistics.median(times):6.1f} ms, max {max(times):6.1f} ms")
    # The map's metric switch: a Patch of the colour values only.
    recolour_key, recolour_outputs = callback_outputs(app.app, "ov-map.figure@")
    body = {
        "output": recolour_key, "outputs": recolour_outputs[0],
        "inputs": [{"id": "ov-map-metric", "property": "value", "value": "start_rate"}],
        "changedPropIds": ["ov-map-metric.value"],
        "state": [{"id": "ov-map-data", "property": "data",
                   "value": {"start_rate": [50.0] * 14}}],
    }
    times = []
    for _ in range(20):
        t0 = time.perf_counter()
        resp = client.post("/_dash-update-component", json=body)
        times.append((time.perf_counter() - t0) * 1000)
        assert resp.status_code == 200 and b'"z"' in resp.data, resp.data[:300]
    lines.append(f"  map metric switch (Patch): median {statistics.median(times):.1f} ms, {len(resp.data)} bytes")
    return lines


def browser_side(app, county_counts: dict[int, int]) -> list[str]:
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from tests.browser.conftest import CHROMIUM_ARGS, chromium_path

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request would be timed too
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    polygons = "() => document.querySelectorAll('#ov-map path.choroplethlocation').length === {n}"
    lines = []
    from tests.conftest import session_token

    token = session_token(app.server)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        first = []
        for _ in range(3):
            page = signed_page(browser, base, token)
            t0 = time.perf_counter()
            page.goto(base + "/")
            page.wait_for_function(polygons.format(n=9))
            first.append((time.perf_counter() - t0) * 1000)
            page.close()
        page = signed_page(browser, base, token)
        page.goto(base + "/")
        page.wait_for_function(polygons.format(n=9))
        drills = []
        for code in CITIES * 2:  # two rounds, so that the p95 is not simply the slowest click
            point = page.evaluate(INSIDE_POINT, ["#ov-map path.choroplethlocation", str(code)])
            t0 = time.perf_counter()
            page.mouse.click(*point)
            # Done when the city's own counties are drawn and its KPI strip has replaced the province's.
            page.wait_for_function(
                """([code, n]) => location.pathname.endsWith('/region/' + code)
                   && document.querySelectorAll('#ov-map path.choroplethlocation').length === n
                   && !document.querySelector('.page-title').innerText.startsWith('贵州省')
                   && document.querySelector('#kpi-projects') !== null""",
                arg=[code, county_counts[code]],
            )
            drills.append((time.perf_counter() - t0) * 1000)
            page.go_back()
            page.wait_for_function(polygons.format(n=9))
            page.wait_for_timeout(200)
        browser.close()
    server.shutdown()
    bundle = app.server.extensions["plotly_bundle"]
    lines.append(f"  plotly.js: {f'the cockpit bundle {bundle.name}' if bundle else 'Dash full plotly.min.js'}")
    lines.append(f"  first load of / to map drawn: median {statistics.median(first):.0f} ms, "
                 f"max {max(first):.0f} ms (n={len(first)}, cold browser cache; each: {', '.join(f'{d:.0f}' for d in first)})")
    lines.append(f"  drill click to county map and KPIs shown: median {statistics.median(drills):.0f} ms, "
                 f"p95 {pct(drills, 0.95):.0f} ms (n={len(drills)}, warm view cache after prewarm; "
                 f"each: {', '.join(f'{d:.0f}' for d in drills)})")
    return lines


def signed_page(browser, base: str, token: str):
    """A new page of a fresh context (cold cache) holding a signed-in session."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    context.add_cookies([{"name": "cockpit_session", "value": token, "url": base}])
    return context.new_page()



def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scales", default="100000,1000000")
    ap.add_argument("--keep", metavar="DIR", help="keep (and reuse) the SQLite files in DIR")
    ap.add_argument("--browser", default="on", choices=("on", "off"))
    ap.add_argument("--plotly", default="bundle", choices=("bundle", "dash"),
                    help="the cockpit's plotly.js bundle when built (scripts/build_plotly_bundle.py), or Dash's")
    args = ap.parse_args(argv)
    workdir = Path(args.keep or tempfile.mkdtemp(prefix="cockpit_views_"))
    workdir.mkdir(parents=True, exist_ok=True)
    report = []
    for scale in [int(s.replace("_", "")) for s in args.scales.split(",")]:
        url = bench.bench_database(workdir, scale)
        app = bench.make_app(url, plotly_bundle=args.plotly == "bundle")

        from data_access.db import get_engine
        from data_access.queries import regions

        frame = regions(get_engine(url))
        counties = [int(c) for c in frame.query("level == 'county'")["adcode"]][::4][:20]
        county_counts = frame.query("level == 'county'").groupby("parent_adcode").size().to_dict()
        report.append(f"{scale:,} projects, SQLite:")
        report += server_side(app, counties, frame)
        if args.browser == "on":
            with app.server.app_context():
                from views.prewarm import prewarm
                from views.runtime import current

                prewarm(current())
            report += browser_side(app, {int(k): int(v) for k, v in county_counts.items()})
        print("\n".join(report[-12:]), flush=True)
    print("\n# Overview views\n" + "\n".join(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
