"""Fixtures for real-browser tests: Playwright (sync API) driving Debian's Chromium, offline.

Every page is guarded: requests to any origin but the server under test are aborted and
recorded, and console errors and uncaught page errors are recorded. By default the test fails
at teardown if anything was recorded (the cockpit must work on an intranet with no internet).

    def test_home(cockpit_page):
        cockpit_page.goto("/")                      # navigates and waits for Dash to settle
        expect(cockpit_page.page.get_by_text("招商")).to_be_visible()

    def test_4k(page_factory, screenshot_dir):
        gp = page_factory(width=3840, height=2160)
        gp.goto("/region/520100")
        gp.page.screenshot(path=screenshot_dir / "region-4k.png", full_page=True)

scripts/screenshot.py imports the plain helpers of this module (launch_chromium,
new_guarded_page, wait_for_dash), so the tool and the tests use the same browser setup.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

REPO_ROOT = Path(__file__).resolve().parents[2]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]

DASH_TIMEOUT_MS = 20_000


def chromium_path() -> str:
    return os.environ.get("COCKPIT_CHROMIUM", "/usr/bin/chromium")


def missing_chromium() -> str | None:
    """Why Chromium cannot be launched, or None if it can."""
    path = chromium_path()
    if os.access(path, os.X_OK):
        return None
    return (
        f"Chromium not found at {path}. Install Debian's: apt-get install -y chromium "
        "fonts-noto-cjk (scripts/test.sh does this), or point COCKPIT_CHROMIUM at a Chromium "
        "binary. Never run `playwright install`: it downloads a browser and fails offline."
    )


def launch_chromium(playwright: Playwright) -> Browser:
    """Launch the system's Chromium headless; raises FileNotFoundError if it is missing."""
    problem = missing_chromium()
    if problem:
        raise FileNotFoundError(problem)
    return playwright.chromium.launch(
        executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
    )


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass
class GuardedPage:
    """A page in its own browser context, plus what the guard recorded."""

    page: Page
    context: BrowserContext
    base_url: str
    blocked_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    undrawn_traces: list[str] = field(default_factory=list)

    def goto(self, path: str = "/", *, timeout: float = DASH_TIMEOUT_MS) -> Page:
        """Open a path of the server under test and wait until Dash has settled."""
        self.page.goto(self.base_url + path, timeout=timeout)
        wait_for_dash(self.page, timeout=timeout)
        self.undrawn_traces += [f"{path}: {t}" for t in self.page.evaluate(_UNDRAWN_TRACES_JS)]
        return self.page

    def problems(self) -> list[str]:
        found = []
        if self.undrawn_traces:
            found.append("traces plotly.js could not draw (a type missing from components/plotly_bundle.py?):\n  "
                         + "\n  ".join(self.undrawn_traces))
        if self.blocked_requests:
            found.append(
                "requests outside the server were blocked (the page must work offline):"
                + "".join(f"\n  {r}" for r in self.blocked_requests)
            )
        if self.console_errors:
            found.append("console errors:" + "".join(f"\n  {e}" for e in self.console_errors))
        if self.page_errors:
            found.append("uncaught page errors:" + "".join(f"\n  {e}" for e in self.page_errors))
        return found

    def check(self) -> None:
        """Raise AssertionError listing every blocked request, console error and page error."""
        found = self.problems()
        if found:
            raise AssertionError(f"browser problems on {self.base_url}:\n" + "\n".join(found))


def new_guarded_page(
    browser: Browser,
    base_url: str,
    width: int = 1920,
    height: int = 1080,
) -> GuardedPage:
    """Open a page whose requests may only go to base_url's origin; record everything else."""
    context = browser.new_context(
        viewport={"width": width, "height": height},
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        accept_downloads=True,
    )
    # The page is still blank here, so listeners added next miss nothing.
    guarded = GuardedPage(context.new_page(), context, base_url.rstrip("/"))
    allowed = origin_of(base_url)

    def route(route):
        request = route.request
        if origin_of(request.url) == allowed:
            route.continue_()
        else:
            guarded.blocked_requests.append(f"{request.method} {request.url}")
            route.abort()

    def on_console(message):
        if message.type == "error":
            where = message.location or {}
            guarded.console_errors.append(
                f"{message.text} ({where.get('url', '?')}:{where.get('lineNumber', '?')})"
            )

    # Context-level listeners also cover popups and pages opened by the test.
    context.route("**/*", route)
    context.on("console", on_console)
    context.on("weberror", lambda web_error: guarded.page_errors.append(str(web_error.error)))
    return guarded


# plotly.js turns a trace of a type it does not hold into an invisible scatter, silently.
_UNDRAWN_TRACES_JS = """
() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(gd => (gd.data || []).flatMap((t, i) => {
  const full = (gd._fullData || [])[i];
  const type = t.type || 'scatter';
  return full && full.type === type && (full.visible !== false || t.visible === false) ? []
      : [`${gd.parentNode.id || '?'} trace ${i} (${type})`];
}))
"""


# While callbacks run, Dash sets the title to "Updating..." and marks components with
# data-dash-is-loading; before the renderer mounts, the page shows a ._dash-loading element.
# Callbacks may start a moment after the page looks idle, so require it to stay idle for a while.
_DASH_IDLE_JS = """
(quietMs) => {
  const busy = document.title === 'Updating...' ||
      document.querySelector('._dash-loading, [data-dash-is-loading="true"]') !== null;
  const now = performance.now();
  if (busy || window.__cockpitIdleSince === undefined) {
    window.__cockpitIdleSince = busy ? undefined : now;
    return false;
  }
  return now - window.__cockpitIdleSince >= quietMs;
}
"""


def wait_for_dash(page: Page, timeout: float = DASH_TIMEOUT_MS, quiet_ms: int = 250) -> None:
    """Wait until Dash has rendered and no callback has been running for quiet_ms."""
    page.wait_for_function(_DASH_IDLE_JS, arg=quiet_ms, polling=50, timeout=timeout)


# ---------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    problem = missing_chromium()
    if problem:
        # Fail, never skip: a CI without a browser must not pass silently.
        pytest.fail(problem, pytrace=False)
    chromium = launch_chromium(playwright_instance)
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def live_server(cockpit_app) -> Iterator[str]:
    """Serve the cockpit (module `app`, on the SQLite demo database) on a free port."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, cockpit_app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live_server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def page_factory(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Callable[..., GuardedPage]]:
    """new_page(width=1920, height=1080, *, base_url=None, check=True) -> GuardedPage.

    base_url defaults to the cockpit's live_server (started only when needed). Pages made with
    check=True are checked at teardown; with check=False the test calls .check() itself or
    asserts on .blocked_requests / .console_errors / .page_errors.
    """
    made: list[tuple[GuardedPage, bool]] = []

    def new_page(
        width: int = 1920, height: int = 1080, *, base_url: str | None = None, check: bool = True,
        role: str | None = "analyst", region: int | None = 520000,
    ) -> GuardedPage:
        """role None: not signed in (the sign-in page); else a session of a test user of that
        role and region, as if they had signed in."""
        if base_url is None:
            base_url = request.getfixturevalue("live_server")
        guarded = new_guarded_page(browser, base_url, width, height)
        if role is not None:
            from auth.guard import COOKIE
            from tests.conftest import session_token

            token = session_token(request.getfixturevalue("cockpit_app").server, role=role, region=region)
            guarded.context.add_cookies([{"name": COOKIE, "value": token, "url": base_url}])
        made.append((guarded, check))
        return guarded

    yield new_page

    for guarded, _ in made:
        guarded.context.close()
    problems = [p for guarded, check in made if check for p in guarded.problems()]
    if problems:
        pytest.fail("browser problems:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def cockpit_page(request: pytest.FixtureRequest, page_factory) -> GuardedPage:
    """A guarded 1920x1080 page on the cockpit; for another size parametrize indirectly:

    @pytest.mark.parametrize("cockpit_page", [(3840, 2160)], indirect=True)
    """
    width, height = getattr(request, "param", (1920, 1080))
    return page_factory(width, height)


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """artifacts/screenshots/ at the repo root (gitignored), for PNGs that humans look at."""
    path = REPO_ROOT / "artifacts" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path
