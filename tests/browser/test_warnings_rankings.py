"""预警 and 考核排名 in a real browser, offline: the pages render with no console error and no
request leaving the server, the list's first block arrives from the server, a click on the map
drills into the region, a click on a city's bar opens its counties' ranking."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import wait_for_dash


def click_centre(page, selector: str, index: int = 0) -> None:
    box = page.locator(selector).nth(index).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_warnings_list_and_map_drill(page_factory):
    guarded = page_factory()
    page = guarded.goto("/warnings?region=520300&rule=funds")
    wait_for_dash(page)
    expect(page.locator("#wn-title")).to_have_text("遵义市 · 预警")
    rows = page.locator("#wn-grid .ag-row")
    expect(rows.first).to_be_visible(timeout=15000)
    expect(rows.first).to_contain_text("红灯")
    # The largest county polygon of 遵义 drills into that county.
    areas = page.eval_on_selector_all("#wn-map path.choroplethlocation",
                                      "els => els.map(e => {const b = e.getBBox(); return b.width * b.height;})")
    click_centre(page, "#wn-map path.choroplethlocation", areas.index(max(areas)))
    expect(page.locator("#wn-title")).not_to_have_text("遵义市 · 预警", timeout=15000)
    expect(page.locator("#breadcrumb")).to_contain_text("遵义市")


def test_rankings_render_and_drill(page_factory):
    guarded = page_factory(role="viewer")
    page = guarded.goto("/rankings")
    wait_for_dash(page)
    expect(page.locator("#rk-formula")).to_contain_text("综合得分")
    expect(page.locator("#rk-grid .ag-center-cols-container .ag-row")).to_have_count(9)  # pinned columns repeat rows
    click_centre(page, "#rk-chart .bars path", 0)
    expect(page.locator("#rk-title")).not_to_have_text("贵州省 · 考核排名", timeout=15000)
    expect(page.locator("#breadcrumb")).to_contain_text("贵州省")
