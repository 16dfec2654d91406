"""Drill to detail in a real browser: from a number on the overview to the projects behind it,
the list's pages and sort in the URL, a project's file, and the header's search."""
from __future__ import annotations

import re

from playwright.sync_api import expect

ROW = ".project-grid .ag-row[row-index='{}'] .ag-cell[col-id='name'] a"


def test_from_a_kpi_card_to_the_list_and_a_projects_file(cockpit_page, screenshot_dir):
    page = cockpit_page.goto("/")
    number = page.locator("#kpi-projects .kpi-value").inner_text()
    # The grid's code was started ahead in a hidden grid, once the overview was idle, and the
    # grid taken away again (assets/grid_warmup.js).
    expect(page.locator("html[data-grid-warm='1']")).to_be_attached(timeout=15_000)
    expect(page.locator("#grid-warmup")).to_be_hidden()
    expect(page.locator("#grid-warmup *")).to_have_count(0)
    page.click("#kpi-projects-list")
    expect(page.locator("#pl-total-count")).to_have_text(number)
    expect(page.locator(ROW.format(0))).to_be_visible()
    # The grid asked the server for one page; the rest of the list is counted, not sent.
    expect(page.locator(".ag-paging-row-summary-panel")).to_contain_text(number)
    page.screenshot(path=screenshot_dir / "drill-list-1920.png")
    # Another page: the URL follows, so the list can be linked.
    page.click(".ag-paging-button[aria-label='下一页']")
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator(ROW.format(100))).to_be_visible()
    name = page.locator(ROW.format(100)).inner_text()
    page.click(ROW.format(100))
    expect(page.locator("#pf-title")).to_have_text(name)
    expect(page.locator("#pf-timeline .js-plotly-plot")).to_be_visible()
    page.screenshot(path=screenshot_dir / "drill-file-1920.png")


def test_the_stalled_light_and_a_copied_list_link(cockpit_page):
    page = cockpit_page.goto("/")
    red = page.locator("#ov-stalled-list-red").inner_text()
    page.click("#ov-stalled-list-red")
    expect(page.locator("#pl-title")).to_contain_text("超6个月")
    expect(page.locator("#pl-total-count")).to_have_text(red.split()[-1])
    # Sorting by a column is done by the server and written into the URL.
    page.click(".ag-header-cell[col-id='signed_on'] .ag-header-cell-label")
    expect(page).to_have_url(re.compile(r"sort=(-)?signed_on"))
    copied = page.url.split(cockpit_page.base_url)[1]
    again = cockpit_page.goto(copied)
    expect(again.locator(".ag-header-cell[col-id='signed_on'] .ag-sort-indicator-icon").first).to_be_attached()
    expect(again.locator(ROW.format(0))).to_be_visible()


def test_a_funnel_step_click_opens_its_list(cockpit_page):
    page = cockpit_page.goto("/")
    bars = page.locator("#ov-funnel .trace.bars .point")
    expect(bars).to_have_count(3)
    box = bars.nth(1).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page).to_have_url(re.compile(r"/projects\?entry=started"))
    expect(page.locator(ROW.format(0))).to_be_visible()


def test_the_header_search_opens_a_file(cockpit_page):
    page = cockpit_page.goto("/")
    page.fill("#hdr-search", "恒力")
    investor = page.locator(".search-enterprise").first
    expect(investor).to_be_visible()
    name = investor.locator(".search-title").inner_text()
    investor.click()  # an enterprise opens its largest project's file
    expect(page).to_have_url(re.compile(r"/project/"))
    expect(page.locator("#pf-investor")).to_have_text(name)


def test_a_viewer_has_no_list_links(page_factory):
    guarded = page_factory(role="viewer")
    page = guarded.goto("/")
    expect(page.locator("#kpi-projects .kpi-value")).to_be_visible()
    expect(page.locator(".kpi-list-link")).to_have_count(0)
    expect(page.locator("#grid-warmup")).to_have_count(0)  # no lists, no grid code
    expect(page.locator("#ov-stalled-closed")).to_be_visible()


def test_the_header_search_finds_by_pinyin_initials(cockpit_page):
    page = cockpit_page.goto("/")
    page.fill("#hdr-search", "hl")  # 恒力…: initials, no Chinese typed
    hits = page.locator(".search-hit")
    expect(hits.first).to_be_visible(timeout=15_000)
    titles = hits.locator(".search-title").all_inner_texts()
    assert any("恒力" in t for t in titles), titles


def test_a_column_filter_is_written_into_the_url_and_a_copied_link_keeps_it(cockpit_page):
    page = cockpit_page.goto("/projects?entry=stalled")
    expect(page.locator(ROW.format(0))).to_be_visible()
    total = page.locator("#pl-total-count").inner_text()
    # The money column's filter: 不小于 1 亿元.
    page.locator(".ag-header-cell[col-id='contract'] .ag-header-cell-filter-button, "
                 ".ag-header-cell[col-id='contract'] .ag-header-icon").first.click()
    page.locator(".ag-filter-body input").first.fill("1")
    expect(page).to_have_url(re.compile(r"c_contract=1~"))
    expect(page.locator("#pl-filtered-count")).to_be_visible()
    filtered = page.locator("#pl-filtered-count").inner_text()
    assert int(filtered.replace(",", "")) < int(total.replace(",", ""))
    again = cockpit_page.goto(page.url.split(cockpit_page.base_url)[1])
    expect(again.locator("#pl-filtered-count")).to_have_text(filtered)
    expect(again.locator(".ag-paging-row-summary-panel")).to_contain_text(filtered)


def test_a_heat_map_cell_opens_its_projects(cockpit_page):
    from tests.browser.test_chains import CELLS_JS, DRAWN_JS, click_cell

    page = cockpit_page.goto("/chains?region=520300&industry=LIQUOR&measure=projects")
    page.wait_for_function(DRAWN_JS, arg=["ch-heat", "LIQUOR:"])
    cells = [c for c in page.evaluate(CELLS_JS, "ch-heat") if c["text"]]
    cell = max(cells, key=lambda c: int(c["text"].replace(",", "")))
    click_cell(page, "ch-heat", cell["col"], cell["row"])
    region = cell["key"].split("@")[1]
    expect(page).to_have_url(re.compile(rf"/projects\?region={region}&entry=link"))
    expect(page.locator("#pl-total-count")).to_have_text(cell["text"])
    expect(page.locator(ROW.format(0))).to_be_visible()


def test_a_page_other_than_the_overview_starts_no_second_grid(cockpit_page):
    page = cockpit_page.goto("/chains")
    expect(page.locator(".ag-root-wrapper").first).to_be_visible(timeout=15_000)
    expect(page.locator("html[data-grid-warm='0']")).to_be_attached(timeout=15_000)
    expect(page.locator("#grid-warmup *")).to_have_count(0)
