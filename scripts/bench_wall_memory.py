"""The wall player's memory over many slide changes (issue 13): the JS heap before and after.

    python scripts/bench_wall_memory.py [--changes 500] [--database-url sqlite:///instance/cockpit.db]

Serves the cockpit on a free port (in this process), stores a playlist of three overview states,
opens it in headless Chromium (Debian's), and drives `--changes` slide changes through the
player's JS API (window.cockpitWall.next(), then waits for the swap: each change loads a whole
view in the frame behind and shows it once drawn). The JS heap of the page's renderer (the player
and its two same-origin frames share it) is read through the DevTools protocol after a forced
garbage collection, after a few warm-up changes and at the end. Target: growth < 20 %.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WARM_UP = 6  # a multiple of the playlist's three states


def heap(cdp) -> float:
    """Used JS heap (MB) after a full garbage collection."""
    cdp.send("HeapProfiler.collectGarbage")
    time.sleep(0.3)
    cdp.send("HeapProfiler.collectGarbage")
    used = cdp.send("Runtime.getHeapUsage")["usedSize"]
    return used / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=500, help="a multiple of 3 compares like with like")
    parser.add_argument("--database-url", default=f"sqlite:///{ROOT / 'instance' / 'cockpit.db'}")
    parser.add_argument("--width", type=int, default=1920)
    parser.add_argument("--height", type=int, default=1080)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    import app as module
    from auth.credentials import digest, new_token
    from auth.guard import COOKIE
    from data_access import accounts
    from data_access import playlists as store
    from data_access.playlists import Item, StoredPlaylist
    from settings import Settings
    from tests.browser.conftest import launch_chromium
    from views.runtime import EXTENSION

    server = module.create_app(Settings(database_url=args.database_url, prewarm=False,
                                        rate_views="1000000/minute"))
    engine = server.extensions[EXTENSION].engine
    with engine.begin() as conn:
        store.save_playlist(conn, StoredPlaylist("bench-memory", "内存测试", (
            Item("/", 3600), Item("/region/520300", 3600), Item("/region/520100", 3600))), by="bench")
        user = accounts.user_by_name(conn, "bench-wall")
        user_id = user["id"] if user else accounts.create_user(conn, username="bench-wall", role="viewer",
                                                              region=520000, password_hash=None)
        token = new_token()
        accounts.start_session(conn, digest(token), user_id=user_id)
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    http = make_server("127.0.0.1", 0, server, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{http.server_port}"

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(viewport={"width": args.width, "height": args.height}, locale="zh-CN",
                                      timezone_id="Asia/Shanghai")
        context.add_cookies([{"name": COOKIE, "value": token, "url": base}])
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        page.goto(base + "/wall/bench-memory")
        page.wait_for_function("() => window.cockpitWall && window.cockpitWall.state().swaps >= 1", timeout=120_000)

        def settled() -> None:
            """The next state drawn behind: both frames hold a whole view, as on a wall between slides."""
            page.wait_for_function("() => { const s = window.cockpitWall.state(); return s.behindReady; }",
                                   polling=100, timeout=120_000)

        def change() -> float:
            before = page.evaluate("() => window.cockpitWall.state().swaps")
            started = time.perf_counter()
            page.evaluate("() => window.cockpitWall.next()")
            page.wait_for_function(f"() => window.cockpitWall.state().swaps > {before}", polling=50, timeout=60_000)
            return time.perf_counter() - started

        for _ in range(WARM_UP):
            change()
        settled()
        first = heap(cdp)
        dom_first = cdp.send("Memory.getDOMCounters")
        print(f"after {WARM_UP} warm-up changes: JS heap {first:.1f} MB, DOM {dom_first}", flush=True)
        times = []
        for n in range(1, args.changes + 1):
            times.append(change())
            if n % 30 == 0:  # a multiple of the playlist's length: the same states on screen and behind
                settled()
                print(f"{n:4d} changes: JS heap {heap(cdp):.1f} MB, change median {statistics.median(times):.2f} s",
                      flush=True)
        settled()
        last = heap(cdp)
        dom_last = cdp.send("Memory.getDOMCounters")
        growth = (last - first) / first * 100
        print(f"after {args.changes} more changes: JS heap {last:.1f} MB, DOM {dom_last}")
        print(f"growth {growth:+.1f} % (target < 20 %); slide change median {statistics.median(times):.2f} s, "
              f"p95 {sorted(times)[int(len(times) * 0.95) - 1]:.2f} s")
        browser.close()
    http.shutdown()
    raise SystemExit(0 if growth < 20 else 1)


if __name__ == "__main__":
    main()
