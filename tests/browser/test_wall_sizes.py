"""Wall mode (`?wall=1`) at every screen size, from a phone to a 7680x2160 video wall.

A wall shows a view inside the player's frame (web/wall.py answers a top-level wall URL with the
player), so each view is loaded here the way the player shows it: in an <iframe> filling a blank
page of the server's origin, sized to the screen. Then, in the frame's document:

- no scroll bars: the document is no larger than the viewport;
- every panel, card and text leaf is inside the viewport (a grid's rows scrolled out of its own
  box are not on screen and not counted), and none overlaps another;
- the map's polygons are drawn;
- on the chain page, no text under 14 canvas px and the grids show at least 8 rows.

scripts/wall_screenshots.py uses the same loader for the pictures in docs/wall/.
"""
from __future__ import annotations

import pytest

from tests.browser.conftest import GuardedPage, wait_for_dash

pytestmark = pytest.mark.slow

HOST_PATH = "/__wall-host"  # answered by the test's route, never by the server
HOST_HTML = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>
html, body { margin: 0; height: 100%; overflow: hidden; background: #000; }
iframe { position: fixed; inset: 0; width: 100vw; height: 100vh; border: 0; display: block; }
</style></head><body></body></html>"""

SIZES = [(1366, 768), (1920, 1080), (3840, 2160), (3840, 1080), (5760, 1080), (7680, 2160), (390, 844)]


def open_wall(guarded: GuardedPage, path: str, *, timeout: float = 60_000):
    """Load `path` (a view URL with wall=1) in a frame filling the page; return the frame once
    Dash has settled and every graph is drawn."""
    page = guarded.page
    page.route(guarded.base_url + HOST_PATH,
               lambda route: route.fulfill(status=200, content_type="text/html", body=HOST_HTML))
    page.goto(guarded.base_url + HOST_PATH)
    page.evaluate("(src) => { const f = document.createElement('iframe'); f.id = 'wall-frame';"
                  " f.src = src; document.body.appendChild(f); }", path)
    handle = page.wait_for_selector("#wall-frame")
    page.wait_for_function("() => { const d = document.getElementById('wall-frame').contentDocument;"
                           " return d && d.readyState === 'complete' && d.querySelector('.cockpit'); }",
                           timeout=timeout, polling=100)
    frame = handle.content_frame()
    wait_for_dash(frame, timeout=timeout)
    # Some components (AG Grid) mount only once their code has been fetched: wait until the
    # frame has asked for nothing for a while.
    frame.wait_for_load_state("networkidle", timeout=timeout)
    frame.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')].every(g => g._fullLayout)",
        timeout=timeout, polling=100)
    # Maps draw their polygons, and AG Grid its rows (an infinite grid asks the server for
    # them), a moment after they mount.
    frame.wait_for_function(
        "() => [...document.querySelectorAll('.map-graph')].every(m => m.offsetParent === null"
        " || m.querySelector('path.choroplethlocation'))"
        # Where the views put their grids: each must have mounted one (its code loads lazily).
        " && [...document.querySelectorAll('.grid-box, .warn-list, .rank-table-panel')].every(h =>"
        " h.offsetParent === null || h.querySelector('.ag-root-wrapper, #wn-list-closed'))"
        " && [...document.querySelectorAll('.ag-root-wrapper')].every(g => g.offsetParent === null"
        " || g.querySelector('.ag-overlay-no-rows-center, .ag-overlay-no-rows-wrapper')"
        " || [...g.querySelectorAll('.ag-row .ag-cell')].some(c => c.textContent.trim().length > 1))",
        timeout=timeout, polling=100)
    wait_for_dash(frame, timeout=timeout, quiet_ms=400)
    frame.wait_for_load_state("networkidle", timeout=timeout)
    # AG Grid gives flex columns their widths a moment after its box has its size (it observes
    # the box): wait until the grids' headers stand still for 300 ms.
    frame.evaluate(GRIDS_SETTLED_JS, timeout)
    return frame


GRIDS_SETTLED_JS = """
(timeout) => new Promise((resolve) => {
  const shape = () => [...document.querySelectorAll('.ag-header-cell')]
      .map(c => { const r = c.getBoundingClientRect(); return [r.left, r.width].map(Math.round).join(','); }).join(';');
  const start = Date.now();
  let last = shape();
  const check = () => {
    const now = shape();
    if (now === last || Date.now() - start > timeout) { resolve(); } else { last = now; setTimeout(check, 300); }
  };
  setTimeout(check, 300);
})
"""


# Measures a wall frame's document. Panels: the cards and boxes a view is made of. Text leaves:
# elements with text of their own, visible, not inside a grid row scrolled out of the grid.
MEASURE_JS = r"""
() => {
  const vw = window.innerWidth, vh = window.innerHeight, eps = 1.5;
  const doc = document.documentElement;
  const shown = (el) => {
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden' || s.opacity === '0') return false;
    }
    const r = el.getBoundingClientRect();
    return r.width > 0.5 && r.height > 0.5;
  };
  const box = (el) => { const r = el.getBoundingClientRect();
    return {x: r.left, y: r.top, r: r.right, b: r.bottom, w: r.width, h: r.height}; };
  const name = (el) => (el.id ? '#' + el.id : el.tagName.toLowerCase() +
      (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\s+/).slice(0, 2).join('.') : ''))
      + (el.textContent ? ' "' + el.textContent.trim().slice(0, 24) + '"' : '');
  const outside = (b) => b.x < -eps || b.y < -eps || b.r > vw + eps || b.b > vh + eps;
  const overlap = (a, b) => Math.max(0, Math.min(a.r, b.r) - Math.max(a.x, b.x)) *
      Math.max(0, Math.min(a.b, b.b) - Math.max(a.y, b.y));
  // A grid's rows live in its scrolling body: rows outside that box are not on screen.
  const clipOf = (el) => {
    const root = el.closest('.ag-root-wrapper');
    if (!root) return null;
    let c = box(root);
    for (let e = el.parentElement; e && e !== root; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
      const b = box(e);
      c = {x: Math.max(c.x, b.x), y: Math.max(c.y, b.y), r: Math.min(c.r, b.r), b: Math.min(c.b, b.b)};
    }
    c.w = Math.max(0, c.r - c.x); c.h = Math.max(0, c.b - c.y);
    return c;
  };
  const within = (b, c) => !c || (b.x >= c.x - eps && b.r <= c.r + eps && b.y >= c.y - eps && b.b <= c.b + eps);
  const intersects = (b, c) => !c || overlap(b, c) > 0;
  const result = {scroll: [doc.scrollWidth, doc.scrollHeight, vw, vh,
                           document.body.scrollWidth, document.body.scrollHeight],
                  outside: [], overlaps: [], textOverlaps: [], clippedText: []};

  const panelSel = '.panel, .kpi-card, .wall-bar, .page-title, .period, .activity-card, .target-card';
  const panels = [...document.querySelectorAll(panelSel)].filter(shown);
  for (const p of panels) { const b = box(p); if (outside(b)) result.outside.push(name(p)); }
  for (let i = 0; i < panels.length; i++) for (let j = i + 1; j < panels.length; j++) {
    const a = panels[i], c = panels[j];
    if (a.contains(c) || c.contains(a)) continue;
    if (overlap(box(a), box(c)) > 4) result.overlaps.push(name(a) + ' × ' + name(c));
  }

  const leaves = [];
  for (const el of document.querySelectorAll('.cockpit *')) {
    if (el.closest('svg, .ag-hidden, .ag-aria-description-container, [aria-hidden="true"], script, style')) continue;
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !shown(el)) continue;
    const b = box(el), clip = clipOf(el);
    if (clip && (clip.w <= 0 || clip.h <= 0 || !intersects(b, clip))) continue;  // scrolled out of its grid
    if (clip && !within(b, clip)) continue;  // a cell half in its grid's box: the grid clips it
    leaves.push([el, b]);
    if (outside(b)) result.outside.push(name(el));
    const panel = el.closest('.panel, .kpi-card');
    if (panel && !within(b, box(panel))) result.clippedText.push(name(el));
  }
  for (let i = 0; i < leaves.length; i++) for (let j = i + 1; j < leaves.length; j++) {
    const [a, ab] = leaves[i], [c, cb] = leaves[j];
    if (a.contains(c) || c.contains(a)) continue;
    if (overlap(ab, cb) > 4) result.textOverlaps.push(name(a) + ' × ' + name(c));
  }
  result.leaves = leaves.length;
  result.panels = panels.length;
  result.canvas = doc.dataset.wallCanvas || null;
  result.wallClass = doc.classList.contains('cockpit-wall');
  result.header = !!document.querySelector('.cockpit-header') && shown(document.querySelector('.cockpit-header'));
  result.mapPaths = document.querySelectorAll('.map-graph path.choroplethlocation').length;
  return result;
}
"""

# Font sizes in canvas px (computed styles are untransformed) of every visible text: HTML text
# leaves and the plotly figures' SVG text.
FONTS_JS = r"""
() => {
  const small = [];
  const shown = (el) => { const r = el.getBoundingClientRect(); return r.width > 0.5 && r.height > 0.5 &&
      getComputedStyle(el).visibility !== 'hidden'; };
  for (const el of document.querySelectorAll('.page *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !shown(el)) continue;
    if (el.closest('.ag-hidden, [aria-hidden="true"], script, style')) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 14 - 0.05) small.push(`${size}px ${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 20)}"`);
  }
  for (const el of document.querySelectorAll('.page .js-plotly-plot text')) {
    if (!el.textContent.trim() || !shown(el) || el.closest('.hoverlayer, .modebar')) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    const where = (el.closest('.dash-graph') || {}).id || '?';
    if (size < 14 - 0.05) small.push(`${size}px svg text in ${where} "${el.textContent.trim().slice(0, 20)}"`);
  }
  return small;
}
"""

GRID_ROWS_JS = r"""
() => [...document.querySelectorAll('.area-fill .ag-root-wrapper')].filter(g => g.offsetParent !== null).map(g => {
  const body = g.querySelector('.ag-body-viewport');
  const row = g.querySelector('.ag-row');
  const h = row ? row.getBoundingClientRect().height : 0;
  return {rows: h ? Math.floor(body.getBoundingClientRect().height / h + 0.02) : 0,
          id: (g.closest('[id]') || {}).id || '?'};
})
"""


def measure(frame) -> dict:
    return frame.evaluate(MEASURE_JS)


def assert_fits(found: dict, where: str) -> None:
    sw, sh, vw, vh, bw, bh = found["scroll"]
    assert found["wallClass"] and not found["header"], f"{where}: not in wall mode"
    assert sw <= vw and sh <= vh and bw <= vw and bh <= vh, f"{where}: scrolls ({found['scroll']})"
    assert not found["outside"], f"{where}: outside the viewport: {found['outside'][:10]}"
    assert not found["overlaps"], f"{where}: panels overlap: {found['overlaps'][:10]}"
    assert not found["textOverlaps"], f"{where}: texts overlap: {found['textOverlaps'][:10]}"
    assert not found["clippedText"], f"{where}: text cut by its panel: {found['clippedText'][:10]}"
    assert found["panels"] >= 3 and found["leaves"] >= 10, f"{where}: too little on screen ({found})"


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_overview_wall(page_factory, size):
    width, height = size
    frame = open_wall(page_factory(width, height), "/?wall=1")
    found = measure(frame)
    assert_fits(found, f"/?wall=1 at {width}x{height}")
    assert found["mapPaths"] == 9, "the province map shows its 9 cities"
    # Figures are drawn in canvas units: a 4K wall's map text is the size of a 1920 screen's.
    assert frame.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)") == 16 \
        or width < height


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_chains_wall(page_factory, size):
    width, height = size
    frame = open_wall(page_factory(width, height), "/chains?wall=1")
    found = measure(frame)
    assert_fits(found, f"/chains?wall=1 at {width}x{height}")
    if width > height:
        assert frame.evaluate(FONTS_JS) == [], "text under 14 canvas px on the chain page"
        grids = frame.evaluate(GRID_ROWS_JS)
        assert grids and all(g["rows"] >= 8 for g in grids), f"grids show fewer than 8 rows: {grids}"


@pytest.mark.parametrize("path,size", [
    ("/warnings?wall=1", (1920, 1080)), ("/warnings?wall=1", (5760, 1080)), ("/warnings?wall=1", (390, 844)),
    ("/region/520300?wall=1", (1366, 768)), ("/region/520300?wall=1", (3840, 1080)),
    ("/rankings?wall=1", (1920, 1080)), ("/rankings?wall=1", (3840, 1080)),
])
def test_other_views_wall(page_factory, path, size):
    width, height = size
    frame = open_wall(page_factory(width, height), path)
    found = measure(frame)
    assert_fits(found, f"{path} at {width}x{height}")
    if path.startswith("/region"):
        assert found["mapPaths"] > 0


def test_wall_scale_is_canvas_units(cockpit_app):
    """Figures of a wall's page are drawn at scale 1 whatever width the browser reported."""
    from components.routing import screen_scale

    with cockpit_app.server.test_request_context("/", headers={"Cookie": "cockpit_vw=3840"}):
        assert screen_scale() == 2.0
        assert screen_scale("1") == 1.0
    with cockpit_app.server.test_request_context("/", headers={"Cookie": "cockpit_vw=3840", "X-Cockpit-Wall": "1"}):
        assert screen_scale() == 1.0
