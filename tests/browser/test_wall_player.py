"""The wall player in Chromium (issue 13): rotation in order with its dwell times and never a frame
without the map, pause and resume, the data-version refresh, and recovery from a server restart.

The server runs in a subprocess of its own (on the session's SQLite demo database, a poll every
second, 6 s of idle before a paused wall resumes), so the restart test can stop and start it on
the same port. The visible frame is sampled every ~100 ms through the player's JS API
(window.cockpitWall) and the frame's own document.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.auth_helpers import unique
from tests.browser.conftest import REPO_ROOT, new_guarded_page

SERVE = """
import logging, sys
from werkzeug.serving import make_server
import app
logging.getLogger("werkzeug").setLevel(logging.WARNING)
server = app.create_app()
make_server("127.0.0.1", int(sys.argv[1]), server, threaded=True).serve_forever()
"""

SAMPLE_JS = """
() => window.__wallSample()
"""

# Installed in the player's page: samples are taken there every 100 ms (a round trip from the test
# per sample would be slower than that on a busy machine) and read in batches.
SAMPLER_JS = """
() => {
  if (window.__wallSamples) { return; }
  window.__wallSamples = [];
  window.__wallSample = SAMPLE;
  setInterval(() => { const s = window.__wallSample(); if (s) { window.__wallSamples.push(s); } }, 100);
}
"""

SAMPLE_BODY = """
() => {
  const w = window.cockpitWall;
  if (!w) { return null; }
  const s = w.state(), d = w.frontDocument();
  let graphs = -1, drawn = -1, paths = -1;
  if (d) {
    const gs = [...d.querySelectorAll('.dash-graph')];
    graphs = gs.length;
    drawn = gs.filter(g => { const p = g.querySelector('.js-plotly-plot');
                             return p && p._fullLayout && p.querySelector('.main-svg'); }).length;
    paths = d.querySelectorAll('path.choroplethlocation').length;
  }
  const hit = document.elementFromPoint(innerWidth / 2, innerHeight / 2);
  return {t: performance.now(), current: s.current, swaps: s.swaps, url: s.url, paused: s.paused,
          offline: s.offline, version: s.version, front: s.front, onTop: hit && hit.id,
          graphs, drawn, paths, waiting: !document.getElementById('wall-waiting').hidden,
          pausedMark: !document.getElementById('wall-paused').hidden,
          offlineMark: !document.getElementById('wall-offline').hidden, log: s.log};
}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WallServer:
    """The cockpit in a subprocess on a fixed port, to stop and start again."""

    def __init__(self, database_url: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "COCKPIT_DATABASE_URL": database_url, "COCKPIT_PREWARM": "0",
                    "COCKPIT_WALL_POLL_SECONDS": "1", "COCKPIT_WALL_IDLE_SECONDS": "6",
                    "COCKPIT_VERSION_SECONDS": "0.5", "COCKPIT_RATE_VIEWS": "1000000/minute"}
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 120) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", SERVE, str(self.port)], cwd=REPO_ROOT, env=self.env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the wall server exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("the wall server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


@pytest.fixture(scope="module")
def wall_server(demo_sqlite_url):
    server = WallServer(demo_sqlite_url)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def wall_engine(demo_sqlite_url):
    from data_access.db import get_engine

    return get_engine(demo_sqlite_url)


@pytest.fixture(scope="module")
def rotation(wall_engine) -> str:
    """A playlist of three overview states, 5 s each."""
    from data_access import playlists as store
    from data_access.playlists import Item, StoredPlaylist

    name = unique("rotation")
    with wall_engine.begin() as conn:
        store.save_playlist(conn, StoredPlaylist(name, "轮播测试", (Item("/", 5), Item("/region/520300", 5),
                                                                     Item("/region/520100", 5))), by="test")
    return name


def session_cookie(engine, base_url: str, *, role: str = "analyst", region: int = 520000) -> dict:
    from auth.guard import COOKIE
    from tests.conftest import engine_session_token

    token = engine_session_token(engine, role=role, region=region, prefix="wall-test")
    return {"name": COOKIE, "value": token, "url": base_url}


@pytest.fixture
def wall_page(browser, wall_server, wall_engine):
    """open(path, width, height) → a guarded page on the wall server, signed in as a provincial analyst."""
    made = []

    def open_page(path: str, width: int = 1920, height: int = 1080):
        guarded = new_guarded_page(browser, wall_server.url, width, height)
        guarded.context.add_cookies([session_cookie(wall_engine, wall_server.url)])
        guarded.page.goto(wall_server.url + path, timeout=120_000)
        made.append(guarded)
        return guarded

    yield open_page
    for guarded in made:
        guarded.context.close()


SAMPLER_JS = SAMPLER_JS.replace("SAMPLE", SAMPLE_BODY.strip(), 1)


def sample(page) -> dict:
    page.evaluate(SAMPLER_JS)
    return page.evaluate(SAMPLE_JS)


def watch(page, seconds: float) -> list[dict]:
    """Every sample the page took in the next `seconds` (one per ~100 ms)."""
    page.evaluate(SAMPLER_JS)
    page.evaluate("() => { window.__wallSamples.length = 0; }")
    time.sleep(seconds)
    return page.evaluate("() => window.__wallSamples.splice(0)")


def wait_for(page, predicate, timeout: float, what: str) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        s = sample(page)
        if s and predicate(s):
            return s
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}: {sample(page)}")


def drawn_with_map(s: dict) -> bool:
    """The frame on screen is a cockpit view with every chart drawn and the map's polygons there."""
    return (s["front"] is not None and s["onTop"] == s["front"] and not s["waiting"] and s["graphs"] > 0
            and s["drawn"] == s["graphs"] and s["paths"] > 0)




@pytest.mark.slow
def test_a_playlist_rotates_in_order_with_its_dwell_times_and_never_a_frame_without_the_map(
        wall_page, rotation, screenshot_dir):
    guarded = wall_page(f"/wall/{rotation}")
    page = guarded.page
    wait_for(page, lambda s: s["swaps"] >= 1, 180, "the first state")
    start = sample(page)["swaps"]
    samples, shot = [], 0
    deadline = time.monotonic() + 120  # three swaps: 15 s on a quiet machine, longer when views draw slowly
    while time.monotonic() < deadline and (not samples or samples[-1]["swaps"] - start < 3):
        samples += watch(page, 6)
        if shot < 4:
            page.screenshot(path=screenshot_dir / f"wall-rotation-{shot}.png")
            shot += 1
    assert len(samples) > 60  # one per ~100 ms on a quiet machine; a busy one slows the page's timers
    blank = [s for s in samples if not drawn_with_map(s)]
    assert not blank, f"{len(blank)} of {len(samples)} samples without a drawn map, e.g. {blank[0]}"
    log = samples[-1]["log"]
    assert samples[-1]["swaps"] - start >= 3
    order = [e["state"] for e in log]
    assert all(b == (a + 1) % 3 for a, b in zip(order, order[1:])), order
    urls = {s["current"]: s["url"] for s in samples}
    assert urls == {0: "/?wall=1", 1: "/region/520300?wall=1", 2: "/region/520100?wall=1"}
    # Each state stays its dwell, plus, when the next one was not drawn yet, the wait for it (the
    # shown frame stays meanwhile: on a busy machine a view can take longer than 5 s to draw).
    shown = [((b["at"] - a["at"]) / 1000, b["waited"] / 1000) for a, b in zip(log[1:], log[2:])]
    assert shown and all(4.9 <= gap - waited <= 6.0 for gap, waited in shown), shown
    guarded.check()


@pytest.mark.slow
def test_a_touch_or_key_pauses_and_the_wall_resumes_after_the_idle_time(wall_page, rotation):
    guarded = wall_page(f"/wall/{rotation}")
    page = guarded.page
    wait_for(page, lambda s: s["swaps"] >= 1, 180, "the first state")
    page.mouse.click(960, 540)
    paused = wait_for(page, lambda s: s["paused"] and s["pausedMark"], 5, "the pause")
    held = watch(page, 2)
    assert all(s["paused"] and s["current"] == paused["current"] for s in held)
    resumed = wait_for(page, lambda s: not s["paused"] and not s["pausedMark"], 12, "the resumption")
    # ... and the rotation carries on from where it stood.
    moved = wait_for(page, lambda s: s["current"] != resumed["current"], 40, "the next state")
    assert moved["current"] == (resumed["current"] + 1) % 3
    # Keys: → steps forward at once, another key pauses.
    page.keyboard.press("ArrowRight")
    stepped = wait_for(page, lambda s: s["current"] == (moved["current"] + 1) % 3, 40, "a step with →")
    page.keyboard.press("ArrowLeft")
    wait_for(page, lambda s: s["current"] == moved["current"], 40, "a step with ←")
    page.keyboard.press("Space")
    assert wait_for(page, lambda s: s["paused"], 5, "a pause by key")["current"] == moved["current"]
    assert stepped["swaps"] > moved["swaps"]
    guarded.check()


@pytest.mark.slow
def test_new_data_is_redrawn_in_place_without_a_blank_frame(wall_page, wall_engine):
    from data_access import version

    guarded = wall_page("/region/520300?wall=1")  # one state, opened as a page of its own
    page = guarded.page
    first = wait_for(page, lambda s: s["swaps"] >= 1 and drawn_with_map(s), 180, "the view")
    assert first["url"] == "/region/520300?wall=1"
    quiet = watch(page, 3)  # no change of data, no redraw
    assert all(s["swaps"] == first["swaps"] for s in quiet)
    with wall_engine.begin() as conn:
        new = version.bump(conn)
    samples = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        samples += watch(page, 1)
        if samples and samples[-1]["swaps"] > first["swaps"]:
            samples += watch(page, 1)
            break
    last = samples[-1]
    assert last["swaps"] == first["swaps"] + 1 and last["version"] == new and last["current"] == 0
    blank = [s for s in samples if not drawn_with_map(s)]
    assert not blank, blank[:2]
    guarded.check()


@pytest.mark.slow
def test_the_wall_keeps_its_frame_through_a_server_restart_and_carries_on(wall_page, wall_server, rotation):
    guarded = wall_page(f"/wall/{rotation}")
    page = guarded.page
    wait_for(page, lambda s: s["swaps"] >= 2, 180, "two states")
    wall_server.stop()
    try:
        down = wait_for(page, lambda s: s["offline"] and s["offlineMark"], 15, "the 连接中断 badge")
        held = watch(page, 8)  # past a dwell: the last good frame stays
        assert all(drawn_with_map(s) for s in [down, *held])
        assert len({s["swaps"] for s in held}) == 1
    finally:
        wall_server.start()
    back = wait_for(page, lambda s: not s["offline"] and not s["offlineMark"], 120, "the badge to go")
    after = wait_for(page, lambda s: s["swaps"] >= back["swaps"] + 2, 120, "the rotation to carry on")
    assert drawn_with_map(after)
    # Only the requests refused while the server was away may have failed.
    unexpected = [e for e in guarded.console_errors if "ERR_CONNECTION_REFUSED" not in e
                  and "Failed to fetch" not in e and "ERR_CONNECTION_RESET" not in e]
    assert not unexpected and not guarded.page_errors and not guarded.blocked_requests, (
        unexpected, guarded.page_errors, guarded.blocked_requests)
