"""导出本屏: the current view as PNG and as an A4-landscape PDF, rendered by headless Chromium.

The browser opens the same URL with a one-off session of the user (web/exports.py), so it shows
exactly what the user sees, in the user's scope: the pages decide what it may see, as for any
browser. It waits until Dash is idle and every chart is drawn, then adds a footer (region, period,
filters, data cut-off, export time, user). Debian's Chromium, driven by Playwright, as the tests
use; never a downloaded browser (offline). The browsers stay warm between renders (BrowserPool).
"""
from __future__ import annotations

import base64
import html
import os
import queue
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from urllib.parse import urlsplit

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
WIDTH, HEIGHT = 1920, 1080
TIMEOUT_MS = 30_000
QUIET_MS = 300

# Ready: Dash idle for QUIET_MS, and every graph on the page drawn (a panel still loading has none).
READY_JS = """
(quietMs) => {
  const busy = document.title === 'Updating...' ||
      document.querySelector('._dash-loading, [data-dash-is-loading="true"]') !== null ||
      [...document.querySelectorAll('.dash-graph')].some(g => !g.querySelector('.main-svg'));
  const now = performance.now();
  if (busy || window.__exportIdleSince === undefined) {
    window.__exportIdleSince = busy ? undefined : now;
    return false;
  }
  return now - window.__exportIdleSince >= quietMs;
}
"""
FOOTER_JS = """
(text) => {
  const foot = document.createElement('div');
  foot.id = 'export-footer';
  foot.textContent = text;
  foot.style.cssText = 'padding:8px 24px;font-size:14px;color:#8fb0d9;border-top:1px solid rgba(51,201,255,.28);' +
                       'background:#061a33;font-family:"Noto Sans CJK SC",sans-serif';
  document.body.appendChild(foot);
  document.querySelectorAll('.modebar-container, #app-error .data-changed').forEach(n => n.remove());
}
"""


class RenderFailed(Exception):
    """The view could not be rendered (no browser, a timeout); the message is for the user."""


class BrowserPool:
    """Warm headless Chromiums, each owned by one thread of this process (Playwright's sync API
    is bound to the thread that started it): a render no longer pays for starting Playwright and
    the browser (~1 s of the 6.6 s a screen PNG took), and each browser keeps one context whose
    HTTP cache holds the cockpit's scripts (plotly.js is 4.8 MB), so a page loads them from memory.

    The context is shared by the renders of one browser, one after another, never at once: before
    each render its cookies are cleared and the render's own session cookie is set, and every page
    is closed after its render, so nothing of one user's view survives into the next (the cockpit
    keeps no state in localStorage; sessionStorage lives and dies with the page). A browser idle
    for `idle_seconds` is closed (~150 MB each); a browser that crashed is started again.
    """

    def __init__(self, size: int = 2, idle_seconds: float = 300.0) -> None:
        self.size = size
        self.idle_seconds = idle_seconds
        self._tasks: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._idle = 0
        self.launches = 0  # browsers started (tests and the benchmark read it)

    def run(self, chromium: str, host: str, task, timeout: float = TIMEOUT_MS / 1000 * 2 + 10):
        """task(context) -> result, run by a warm browser that reaches `host` only; its exceptions
        are raised here."""
        future: Future = Future()
        self._tasks.put(((chromium, host), task, future))
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()]
            if self._idle == 0 and len(self._threads) < self.size:
                thread = threading.Thread(target=self._serve, name=f"export-browser-{len(self._threads)}",
                                          daemon=True)
                self._threads.append(thread)
                thread.start()
        try:
            return future.result(timeout=timeout)
        except FutureTimeout:
            future.cancel()
            raise RenderFailed("导出排队超时，请稍后重试") from None

    def _serve(self) -> None:
        from playwright.sync_api import sync_playwright

        pw = browser = context = None
        used = None
        try:
            counted = False
            while True:
                with self._lock:
                    if not counted:
                        self._idle += 1
                    counted = False
                try:
                    wanted, task, future = self._tasks.get(timeout=self.idle_seconds)
                except queue.Empty:
                    with self._lock:
                        self._idle -= 1
                        if self._tasks.empty():
                            self._threads.remove(threading.current_thread())
                            return
                    continue
                with self._lock:
                    self._idle -= 1
                if not future.set_running_or_notify_cancel():
                    continue
                outcome, failed = None, None
                try:
                    if browser is None or not browser.is_connected() or wanted != used:
                        if browser is not None:
                            _quietly(browser.close)
                        if pw is None:
                            pw = sync_playwright().start()
                        browser = pw.chromium.launch(executable_path=wanted[0], headless=True,
                                                     args=CHROMIUM_ARGS + _only(wanted[1]))
                        context, used = None, wanted
                        self.launches += 1
                    if context is None:
                        context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT},
                                                      device_scale_factor=2, locale="zh-CN",
                                                      timezone_id="Asia/Shanghai")
                    context.clear_cookies()
                    outcome = task(context)
                except BaseException as exc:  # noqa: BLE001 - handed to the caller
                    failed = exc
                    if browser is not None and not browser.is_connected():
                        browser = context = None
                if context is not None:
                    for page in list(context.pages):
                        _quietly(page.close)
                    _quietly(context.clear_cookies)
                # Idle again before the caller hears back: its next render finds this browser.
                with self._lock:
                    self._idle += 1
                    counted = True
                if failed is not None:
                    future.set_exception(failed)
                else:
                    future.set_result(outcome)
        finally:
            if browser is not None:
                _quietly(browser.close)
            if pw is not None:
                _quietly(pw.stop)


def _only(host: str) -> list[str]:
    """Chromium flags that let a page reach the cockpit's host and nothing else: every other
    request goes to a proxy that is not there and fails at once (an intranet page must not reach
    out, and a render must not wait on something that never answers). Playwright's request
    interception would do the same but turns the HTTP cache off, and the cache is what makes a
    warm browser fast."""
    return ["--proxy-server=http://127.0.0.1:9", f"--proxy-bypass-list={host}"]


def _quietly(close) -> None:
    try:
        close()
    except Exception:  # noqa: BLE001 - closing a browser that is gone already
        pass


POOL = BrowserPool()


def _rendered(url: str, *, cookie_name: str, cookie_value: str, chromium: str, scale: int, then):
    """then(page) of a page at `url` as the cookie's holder sees it, drawn, in a warm browser."""
    if not os.access(chromium, os.X_OK):
        raise RenderFailed("服务器未安装 Chromium，无法导出本屏（apt-get install chromium fonts-noto-cjk）")
    from playwright.sync_api import Error as PlaywrightError

    parts = urlsplit(url)

    def task(context):
        context.add_cookies([{"name": cookie_name, "value": cookie_value, "domain": parts.hostname,
                              "path": "/", "httpOnly": True, "sameSite": "Lax"}])
        page = context.new_page()
        if scale != 2:  # the context draws at 2x; another scale (3x for 4K) is a context of its own
            page.close()
            other = context.browser.new_context(viewport={"width": WIDTH, "height": HEIGHT},
                                                device_scale_factor=scale, locale="zh-CN",
                                                timezone_id="Asia/Shanghai")
            try:
                other.add_cookies(context.cookies())
                return _draw(other.new_page(), url, then)
            finally:
                other.close()
        return _draw(page, url, then)

    try:
        return POOL.run(chromium, parts.hostname or "", task)
    except PlaywrightError as exc:
        raise RenderFailed("页面在 30 秒内未能完成绘制，请稍后重试") from exc


def _draw(page, url: str, then):
    page.goto(url, wait_until="load", timeout=TIMEOUT_MS)
    page.wait_for_function(READY_JS, arg=QUIET_MS, polling=50, timeout=TIMEOUT_MS)
    return then(page)


def render(url: str, *, cookie_name: str, cookie_value: str, footer: str, pdf: bool, chromium: str,
           scale: int = 2) -> bytes:
    """PNG (pdf=False) or PDF bytes of the page at `url` as the holder of the cookie sees it."""
    def shoot(page):
        page.evaluate(FOOTER_JS, footer)
        if not pdf:
            return _png(page)
        page.emulate_media(media="screen")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        return page.pdf(format="A4", landscape=True, print_background=True,
                        scale=max(0.1, min(1.0, 1100 / max(width, 1))),
                        margin={"top": "8mm", "bottom": "12mm", "left": "6mm", "right": "6mm"},
                        display_header_footer=True, header_template="<span></span>",
                        footer_template=_pdf_footer(footer))

    return _rendered(url, cookie_name=cookie_name, cookie_value=cookie_value, chromium=chromium, scale=scale,
                     then=shoot)


def element_png(url: str, selector: str, *, cookie_name: str, cookie_value: str, chromium: str,
                scale: int = 2) -> bytes:
    """One element of the page (the overview's map for the briefing deck) as PNG."""
    def shoot(page):
        page.evaluate("() => document.querySelectorAll('.modebar-container').forEach(n => n.remove())")
        return page.locator(selector).first.screenshot(type="png")

    return _rendered(url, cookie_name=cookie_name, cookie_value=cookie_value, chromium=chromium, scale=scale,
                     then=shoot)


def _png(page) -> bytes:
    """The whole page as PNG, encoded for speed: Chromium's default PNG compression took 6.6 s of
    a loaded 2-core machine's render for a 3840x2166 screen, its fast encoding 0.8 s (the file is
    ~1.0 MB instead of ~1.6 MB). Playwright does not offer the option, the DevTools protocol does."""
    ratio = page.evaluate("() => window.devicePixelRatio") or 1
    cdp = page.context.new_cdp_session(page)
    try:
        size = cdp.send("Page.getLayoutMetrics")["cssContentSize"]
        width, height = max(WIDTH, int(size["width"])), max(HEIGHT, int(size["height"]))
        # A clip is in CSS pixels and drawn at its own scale: the device's (2x), or it comes out 1x.
        shot = cdp.send("Page.captureScreenshot", {
            "format": "png", "optimizeForSpeed": True, "captureBeyondViewport": height > HEIGHT,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": ratio}})
    finally:
        _quietly(cdp.detach)
    return base64.b64decode(shot["data"])


def _pdf_footer(text: str) -> str:
    return ('<div style="width:100%;font-size:8px;color:#444;padding:0 6mm;font-family:\'Noto Sans CJK SC\',sans-serif;">'
            f'{html.escape(text)}<span style="float:right"><span class="pageNumber"></span>/'
            '<span class="totalPages"></span></span></div>')
