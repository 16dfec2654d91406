"""The chain page in a real browser, offline: open the atlas, click an industry, click its weakest
link, see the candidate enterprises. The guarded page fails the test on any console error or any
request that leaves the server."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import wait_for_dash

# The centre of a heatmap cell (column, row) of a graph, in page pixels.
CELL_CENTRE_JS = """
([graphId, col, row]) => {
  const gd = document.querySelector('#' + graphId + ' .js-plotly-plot');
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
  const trace = gd.data[0];
  const xc = Array.isArray(trace.x) && trace.x.length === trace.z[0].length + 1
      ? (trace.x[col] + trace.x[col + 1]) / 2 : col;
  const yc = Array.isArray(trace.y) && trace.y.length === trace.z.length + 1
      ? (trace.y[row] + trace.y[row + 1]) / 2 : row;
  return {x: box.left + xa._offset + xa.l2p(xc), y: box.top + ya._offset + ya.l2p(yc)};
}
"""

# Cells of a graph's heatmap: [{col, row, key, text}] for every cell that holds a link.
CELLS_JS = """
(graphId) => {
  const t = document.querySelector('#' + graphId + ' .js-plotly-plot').data[0];
  const out = [];
  t.customdata.forEach((r, row) => r.forEach((key, col) => {
    if (key) { out.push({col, row, key, text: t.text[row][col]}); }
  }));
  return out;
}
"""


# True once a graph is drawn and every link it holds belongs to the given industry ("CHEM:").
DRAWN_JS = """
([graphId, prefix]) => {
  const gd = document.querySelector('#' + graphId + ' .js-plotly-plot');
  if (!gd || !gd.data || !gd._fullLayout || !gd._fullLayout.xaxis) { return false; }
  const keys = gd.data[0].customdata.flat().filter(k => k);
  return keys.length > 0 && keys.every(k => k.startsWith(prefix));
}
"""


def click_cell(page, graph_id: str, col: int, row: int) -> None:
    point = page.evaluate(CELL_CENTRE_JS, [graph_id, col, row])
    page.mouse.click(point["x"], point["y"])


def coverage_of(text: str) -> float:
    match = re.search(r"覆盖\s*(\d+)%", text)
    return float(match.group(1)) if match else float("inf")


def test_atlas_to_candidates(cockpit_page, screenshot_dir):
    page = cockpit_page.goto("/chains")
    page.wait_for_function(DRAWN_JS, arg=["ch-atlas", ""])
    atlas = page.evaluate(CELLS_JS, "ch-atlas")
    assert len({c["key"].split(":")[0] for c in atlas}) == 10, "all ten key industries in the atlas"
    page.screenshot(path=screenshot_dir / "chains-1920.png")
    # The page is redrawn in place, like the overview: its root element and the atlas's plot
    # survive every click (the router does not render the page again).
    page.evaluate("() => { document.getElementById('chains').dataset.mark = 'kept'; }")

    # Click an industry: a link cell of 现代化工 in the atlas.
    chem = next(c for c in atlas if c["key"].startswith("CHEM:"))
    click_cell(page, "ch-atlas", chem["col"], chem["row"])
    page.wait_for_url(re.compile(r"industry=CHEM"))
    wait_for_dash(page)
    first_click = page.evaluate("() => location.search")
    expect(page.locator("#ch-diagram").locator("xpath=..").locator(".panel-title")).to_contain_text("现代化工")
    # plotly redraws after Dash settles: wait until the diagram holds the new chain
    page.wait_for_function(DRAWN_JS, arg=["ch-diagram", "CHEM:"])

    # Click its weakest link: the diagram node with the lowest coverage.
    nodes = page.evaluate(CELLS_JS, "ch-diagram")
    assert nodes and all(n["key"].startswith("CHEM:") for n in nodes)
    weakest = min(nodes, key=lambda n: coverage_of(n["text"]))
    name = re.search(r"<b>(.+?)</b>", weakest["text"]).group(1)
    link_id = weakest["key"].split(":")[1]
    click_cell(page, "ch-diagram", weakest["col"], weakest["row"])
    page.wait_for_url(re.compile(rf"link={link_id}(&|$)"))
    wait_for_dash(page)

    expect(page.locator("#ch-fill .panel-title")).to_have_text(f"补链：{name}")
    expect(page.locator("#ch-sum-name")).to_have_text(name)
    candidates = page.locator("#ch-candidates .ag-center-cols-container .ag-row")
    expect(candidates.first).to_be_visible()
    assert candidates.count() > 0
    expect(page.locator("#ch-candidates .ag-header")).to_contain_text("拜访")
    page.screenshot(path=screenshot_dir / "chains-chem-weakest-1920.png")
    assert page.evaluate("() => document.getElementById('chains').dataset.mark") == "kept"
    assert page.evaluate("() => performance.getEntriesByType('navigation').length") == 1

    # Back steps through the clicks, still in place: the link of the first click again.
    page.go_back()
    page.wait_for_function("(search) => location.search === search", arg=first_click)
    wait_for_dash(page)
    page.wait_for_function(DRAWN_JS, arg=["ch-diagram", "CHEM:"])
    expect(page.locator("#ch-fill .panel-title")).not_to_have_text(f"补链：{name}")
    assert page.evaluate("() => document.getElementById('chains').dataset.mark") == "kept"


def test_chart_download_is_named(cockpit_page):
    page = cockpit_page.goto("/chains?industry=FOOD")
    page.hover("#ch-gap .js-plotly-plot")
    with page.expect_download() as download:
        page.click("#ch-gap .modebar-btn[data-title^='下载图片（白底 PNG']")
    assert download.value.suggested_filename.startswith("生态特色食品产业链缺口_贵州省_")


@pytest.mark.parametrize("cockpit_page", [(3840, 2160)], indirect=True)
def test_county_view_on_a_4k_wall(cockpit_page, screenshot_dir):
    page = cockpit_page.goto("/chains?region=520382&industry=LIQUOR")
    expect(page.locator("#ch-notes")).to_contain_text("县级未分解产业链目标")
    expect(page.locator("#ch-heat .js-plotly-plot")).to_be_visible()
    page.screenshot(path=screenshot_dir / "chains-renhuai-3840.png")
