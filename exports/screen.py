"""导出本屏: the current view as PNG and as an A4-landscape PDF, rendered by headless Chromium.

The browser opens the same URL with the user's own session cookie, so it shows exactly what
the user sees, in the user's scope: the pages decide what it may see, as for any browser. It
waits until Dash is idle and every chart is drawn, then adds a footer (region, period, filters,
data cut-off, export time, user). Debian's Chromium, driven by Playwright, as the tests use;
never a downloaded browser (offline).
"""
from __future__ import annotations

import html
import os
from contextlib import contextmanager
from urllib.parse import urlsplit

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
WIDTH, HEIGHT = 1920, 1080
TIMEOUT_MS = 30_000

# Ready: Dash idle for 300 ms, and every graph on the page drawn (a panel still loading has none).
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


@contextmanager
def _ready_page(url: str, *, cookie_name: str, cookie_value: str, chromium: str, scale: int):
    """A page of a fresh headless Chromium at `url`, as the cookie's holder sees it, drawn."""
    if not os.access(chromium, os.X_OK):
        raise RenderFailed("服务器未安装 Chromium，无法导出本屏（apt-get install chromium fonts-noto-cjk）")
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    parts = urlsplit(url)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=scale,
                                              locale="zh-CN", timezone_id="Asia/Shanghai")
                context.add_cookies([{"name": cookie_name, "value": cookie_value, "domain": parts.hostname,
                                      "path": "/", "httpOnly": True, "sameSite": "Lax"}])
                page = context.new_page()
                # The cockpit's own origin only: an intranet page must not reach out, and a
                # render must not wait on something that never answers.
                origin = f"{parts.scheme}://{parts.netloc}"
                page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(origin)
                           else route.abort())
                page.goto(url, wait_until="load", timeout=TIMEOUT_MS)
                page.wait_for_function(READY_JS, arg=300, polling=50, timeout=TIMEOUT_MS)
                yield page
            finally:
                browser.close()
    except PlaywrightError as exc:
        raise RenderFailed("页面在 30 秒内未能完成绘制，请稍后重试") from exc


def render(url: str, *, cookie_name: str, cookie_value: str, footer: str, pdf: bool, chromium: str,
           scale: int = 2) -> bytes:
    """PNG (pdf=False) or PDF bytes of the page at `url` as the holder of the cookie sees it."""
    with _ready_page(url, cookie_name=cookie_name, cookie_value=cookie_value, chromium=chromium,
                     scale=scale) as page:
        page.evaluate(FOOTER_JS, footer)
        if not pdf:
            return page.screenshot(full_page=True, type="png")
        page.emulate_media(media="screen")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        return page.pdf(format="A4", landscape=True, print_background=True,
                        scale=max(0.1, min(1.0, 1100 / max(width, 1))),
                        margin={"top": "8mm", "bottom": "12mm", "left": "6mm", "right": "6mm"},
                        display_header_footer=True, header_template="<span></span>",
                        footer_template=_pdf_footer(footer))


def element_png(url: str, selector: str, *, cookie_name: str, cookie_value: str, chromium: str,
                scale: int = 2) -> bytes:
    """One element of the page (the overview's map for the briefing deck) as PNG."""
    with _ready_page(url, cookie_name=cookie_name, cookie_value=cookie_value, chromium=chromium,
                     scale=scale) as page:
        page.evaluate("() => document.querySelectorAll('.modebar-container').forEach(n => n.remove())")
        return page.locator(selector).first.screenshot(type="png")


def _pdf_footer(text: str) -> str:
    return ('<div style="width:100%;font-size:8px;color:#444;padding:0 6mm;font-family:\'Noto Sans CJK SC\',sans-serif;">'
            f'{html.escape(text)}<span style="float:right"><span class="pageNumber"></span>/'
            '<span class="totalPages"></span></span></div>')
