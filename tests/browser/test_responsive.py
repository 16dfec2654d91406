"""Every normal page from a 1366x768 laptop to a 390x844 phone (issue 13, part 3): no sideways
scroll, no clipped KPI value or heading, the map drawn and drillable by a tap, region names that
do not overlap, and the chain page's text at least 14 px at 1920x1080 with every heat-map number
inside its cell.

The phone is a touch device (Playwright's is_mobile + has_touch), so the page lays out at the
device width as a phone browser does, and the map is tapped, not clicked.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page
from sqlalchemy import text

from tests.browser.conftest import GuardedPage, origin_of, wait_for_dash

pytestmark = pytest.mark.slow

MAP = "#ov-map path.choroplethlocation"
INSIDE_POINT = (Path(__file__).parent / "inside_point.js").read_text(encoding="utf-8")
SIZES = [(1366, 768), (390, 844)]
OVERVIEWS = {"/": 9, "/region/520100": 10, "/region/520302": 14}


def phone_page(browser, base_url: str, cookie: tuple[str, str], width=390, height=844) -> GuardedPage:
    """A guarded page on a touch phone: requests only to the server, console errors recorded."""
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=True, has_touch=True,
                                  device_scale_factor=2, locale="zh-CN", timezone_id="Asia/Shanghai")
    guarded = GuardedPage(context.new_page(), context, base_url.rstrip("/"))
    allowed = origin_of(base_url)

    def route(r):
        if origin_of(r.request.url) == allowed:
            r.continue_()
        else:
            guarded.blocked_requests.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    context.on("console", lambda m: guarded.console_errors.append(m.text) if m.type == "error" else None)
    context.on("weberror", lambda e: guarded.page_errors.append(str(e.error)))
    context.add_cookies([{"name": cookie[0], "value": cookie[1], "url": base_url}])
    return guarded


@pytest.fixture
def sized_page(request, browser, live_server, cockpit_app, page_factory):
    """(width, height) → a guarded page of an admin (who may open every page): a touch phone
    below 700 px, a desktop browser otherwise."""
    made = []

    def make(width: int, height: int) -> GuardedPage:
        if width >= 700:
            guarded = page_factory(width, height, role="admin")
        else:
            from auth.guard import COOKIE

            guarded = phone_page(browser, live_server, (COOKIE, cockpit_app.session(role="admin")), width, height)
            made.append(guarded)
        guarded.page.set_default_timeout(60_000)  # a loaded CI box draws a first map slowly
        return guarded

    yield make
    for guarded in made:
        guarded.context.close()
        guarded.check()


@pytest.fixture(scope="module")
def project_code(cockpit_app) -> str:
    from views.runtime import EXTENSION

    with cockpit_app.server.extensions[EXTENSION].engine.connect() as conn:
        return conn.execute(text("SELECT code FROM project ORDER BY contract_yuan DESC LIMIT 1")).scalar_one()


# Widths of the document and of every KPI value, heading and panel title that would cut its text.
LAYOUT_JS = """
() => {
  const de = document.documentElement;
  const clipped = [...document.querySelectorAll(
      '.kpi-value, .kpi-card .kpi-label, .page-title, .panel-title, h1, h2, .warn-title, .dm-count .kpi-value')]
    .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
    .map(e => `${e.className}: ${e.textContent.trim().slice(0, 24)} (${e.scrollWidth} > ${e.clientWidth})`);
  const values = [...document.querySelectorAll('.kpi-strip .kpi-value')].map(e => {
    const card = e.closest('.kpi-card'), r = e.getBoundingClientRect(), c = card.getBoundingClientRect();
    return {size: parseFloat(getComputedStyle(e).fontSize), inside: r.right <= c.right + 0.5 && r.left >= c.left - 0.5,
            text: e.textContent};
  });
  return {scrollWidth: de.scrollWidth, clientWidth: de.clientWidth, clipped, values};
}
"""


def settle(page: Page) -> None:
    wait_for_dash(page, timeout=60_000)
    page.wait_for_timeout(300)


def open_page(guarded: GuardedPage, path: str) -> Page:
    guarded.page.goto(guarded.base_url + path)
    settle(guarded.page)
    return guarded.page


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_page_fits_the_width(sized_page, project_code, size, screenshot_dir):
    width, height = size
    guarded = sized_page(width, height)
    pages = [*OVERVIEWS, "/chains", "/warnings", "/rankings", "/projects?region=520000&entry=all",
             f"/project/{project_code}", "/definitions", "/data", "/admin/users", "/admin/audit"]
    problems = []
    for path in pages:
        page = open_page(guarded, path)
        if path in OVERVIEWS:
            page.wait_for_function(f"() => document.querySelectorAll('{MAP}').length >= {OVERVIEWS[path]}",
                                   timeout=60_000)
        got = page.evaluate(LAYOUT_JS)
        if got["scrollWidth"] > got["clientWidth"]:
            problems.append(f"{path}: scrolls sideways ({got['scrollWidth']} > {got['clientWidth']})")
        problems += [f"{path}: clipped {c}" for c in got["clipped"]]
        if path in OVERVIEWS:
            assert len(got["values"]) == 9, path
            problems += [f"{path}: KPI value {v['text']} at {v['size']} px" for v in got["values"] if v["size"] < 16]
            problems += [f"{path}: KPI value {v['text']} outside its card" for v in got["values"] if not v["inside"]]
    page.screenshot(path=screenshot_dir / f"responsive-last-{width}x{height}.png")
    assert not problems, "\n".join(problems)


def test_a_tap_on_the_phone_drills(sized_page):
    guarded = sized_page(390, 844)
    page = open_page(guarded, "/")
    page.wait_for_function(f"() => document.querySelectorAll('{MAP}').length === 9")
    # The map is one column wide and in the page's flow.
    box = page.locator("#ov-map").bounding_box()
    assert box["width"] >= 300 and box["x"] >= 0 and box["x"] + box["width"] <= 390
    page.locator("#ov-map").scroll_into_view_if_needed()
    point = page.evaluate(INSIDE_POINT, [MAP, "520300"])
    assert point, "遵义 is on the map"
    page.touchscreen.tap(*point)
    page.wait_for_url("**/region/520300", timeout=20_000)
    page.wait_for_function(f"() => document.querySelectorAll('{MAP}').length === 14")


LABEL_BOXES_JS = """
() => [...document.querySelectorAll('#ov-map .scattergeo text')]
  .filter(t => t.textContent.trim())
  .map(t => { const r = t.getBoundingClientRect(); return [t.textContent, r.left, r.top, r.right, r.bottom]; })
"""


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080), (390, 844)], ids=["1366", "1920", "phone"])
@pytest.mark.parametrize("path", ["/region/520100", "/", "/region/520300"])
def test_map_names_do_not_overlap(sized_page, size, path):
    guarded = sized_page(*size)
    page = open_page(guarded, path)
    page.wait_for_selector(MAP)
    page.wait_for_timeout(300)
    boxes = page.evaluate(LABEL_BOXES_JS)
    assert len(boxes) >= 8 or (path == "/" and len(boxes) == 9), boxes
    overlaps = [(a[0], b[0]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
                if a[1] < b[3] - 1 and b[1] < a[3] - 1 and a[2] < b[4] - 1 and b[2] < a[4] - 1]
    assert not overlaps, overlaps
    if path == "/region/520100":
        names = {b[0] for b in boxes}
        assert {"南明", "花溪", "观山湖"} <= names


CHAIN_TEXT_JS = """
() => {
  const out = {small: [], spill: [], checked: 0};
  for (const id of ['ch-atlas', 'ch-diagram', 'ch-gap', 'ch-heat']) {
    const root = document.getElementById(id);
    if (!root) continue;
    for (const t of root.querySelectorAll('svg text')) {
      if (!t.textContent.trim() || t.closest('.modebar')) continue;
      const size = parseFloat(getComputedStyle(t).fontSize);
      out.checked++;
      if (size < 14) out.small.push(`${id}: ${t.textContent.slice(0, 16)} ${size}px`);
    }
  }
  // Each heat-map number inside its cell: the cell is the heat-map's pixel grid around the point.
  const gd = document.querySelector('#ch-heat .js-plotly-plot');
  if (gd) {
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
    const cw = Math.abs(xa.l2p(1) - xa.l2p(0)), ch = Math.abs(ya.l2p(1) - ya.l2p(0));
    for (const t of gd.querySelectorAll('.scatterlayer .textpoint text')) {
      const r = t.getBoundingClientRect();
      if (r.width > cw - 2 || r.height > ch + 4) out.spill.push(`${t.textContent} ${r.width.toFixed(1)}x${r.height.toFixed(1)} in ${cw.toFixed(1)}x${ch.toFixed(1)}`);
    }
    out.numbers = gd.querySelectorAll('.scatterlayer .textpoint text').length;
  }
  return out;
}
"""


@pytest.mark.parametrize("query", ["", "?industry=CHEM", "?region=520300&industry=BIGDATA"],
                         ids=["province", "chem", "zunyi"])
def test_chain_text_is_14px_and_heat_numbers_fit(page_factory, query):
    guarded = page_factory(1920, 1080)
    guarded.page.set_default_timeout(60_000)
    page = open_page(guarded, "/chains" + query)
    page.wait_for_selector("#ch-heat .js-plotly-plot")
    got = page.evaluate(CHAIN_TEXT_JS)
    assert got["checked"] > 50
    assert got["numbers"] > 10
    assert not got["small"], got["small"]
    assert not got["spill"], got["spill"]
