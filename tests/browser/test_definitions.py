"""What a leader reads beside the figures, in a real browser (issue 10, items 5, 11, 12, 13): the ⓘ
definitions on hover and keyboard focus, the 指标说明 page, grey no-data regions, a calendar in
Chinese that opens when 自定义 is chosen, dropdowns and the first paint in Chinese."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from data_access.glossary import definitions, tip

CARDS = {"kpi-projects": "projects", "kpi-contract": "contract", "kpi-funds": "funds", "kpi-funds-rate": "funds_rate",
         "kpi-start-rate": "start_rate", "kpi-production-rate": "production_rate", "kpi-park-rate": "park_rate",
         "kpi-quality": "quality", "kpi-target": "target", "act-enterprise": "enterprise_visits",
         "act-association": "association_visits", "act-inspections": "inspections"}


def tooltip_of(page, selector: str) -> str:
    page.locator(selector).first.hover()
    tip_box = page.locator("#info-tip")
    expect(tip_box).to_be_visible()
    return tip_box.inner_text()


def same_text(shown: str, want: str) -> bool:
    return re.sub(r"\s+", "", shown) == re.sub(r"\s+", "", want)


def test_every_card_and_chart_shows_its_definition_on_hover(cockpit_page, screenshot_dir):
    page = cockpit_page.goto("/")
    for card_id, key in CARDS.items():
        assert same_text(tooltip_of(page, f"#{card_id} .info"), tip(key)), card_id
    for area, key in (("area-map", "map"), ("area-funnel", "funnel"), ("area-side", "industries"),
                      ("area-trend", "trend"), ("area-sources", "sources"), ("area-activity", "activity")):
        assert same_text(tooltip_of(page, f".{area} .panel-head .info"), tip(key)), area
    # Inside the window, whatever the card's place on the strip.
    page.locator("#kpi-target .info").hover()
    box = page.locator("#info-tip").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    page.screenshot(path=screenshot_dir / "definition-tooltip-1920.png")
    page.mouse.move(5, 5)
    expect(page.locator("#info-tip")).to_be_hidden()


def test_a_definition_shows_on_keyboard_focus(cockpit_page):
    page = cockpit_page.goto("/")
    page.locator("#kpi-funds-rate .info").focus()
    expect(page.locator("#info-tip")).to_be_visible()
    assert same_text(page.locator("#info-tip").inner_text(), tip("funds_rate"))
    page.keyboard.press("Escape")
    expect(page.locator("#info-tip")).to_be_hidden()


def test_chain_page_definitions(cockpit_page):
    page = cockpit_page.goto("/chains")
    for area, key in (("area-atlas", "coverage"), ("area-gap", "gap"), ("area-heat", "heat"), ("area-fill", "candidates")):
        assert same_text(tooltip_of(page, f".{area} .panel-head .info"), tip(key)), area


def test_the_definitions_page(cockpit_page, screenshot_dir):
    page = cockpit_page.goto("/")
    page.locator("#ov-definitions-link").click()
    page.wait_for_url("**/definitions")
    expect(page.locator("#definitions")).to_be_visible()
    for key, d in definitions().items():
        shown = page.locator(f"#def-{key}").inner_text()
        assert d.label in shown and all(re.sub(r"\s+", "", part) in re.sub(r"\s+", "", shown)
                                        for _, part in d.lines()), key
    page.screenshot(path=screenshot_dir / "definitions-1920.png", full_page=True)


def test_regions_without_projects_are_grey_with_a_dash(cockpit_page):
    page = cockpit_page.goto("/region/522727?from=2023-03-10&to=2024-08-20&industry=ENERGY")
    page.locator("#ov-map-metric label", has_text="开工率").click()
    page.wait_for_function("() => { const gd = document.querySelector('#ov-map .js-plotly-plot');"
                           " return gd && gd.data[1].visible === true; }")
    grey = page.evaluate("() => document.querySelector('#ov-map .js-plotly-plot').data[1]")
    assert "522727" in grey["locations"] and all("开工率：—" in h for _, h in grey["customdata"])
    fills = page.evaluate("() => [...document.querySelectorAll('#ov-map .trace.choropleth')].map("
                          "t => [...t.querySelectorAll('path.choroplethlocation')].map(p => getComputedStyle(p).fill))")
    assert len(fills[1]) == len(grey["locations"]) and set(fills[1]) == {"rgb(58, 74, 96)"}
    expect(page.locator("#ov-map")).to_contain_text("无签约项目")


def test_an_empty_filter_says_what_to_change(cockpit_page, screenshot_dir):
    page = cockpit_page.goto("/region/520382?channel=云招商&origin=昆明市&industry=PHARMA")
    expect(page.locator("#ov-no-projects")).to_contain_text("无符合条件的项目")
    expect(page.locator("#ov-funnel")).to_contain_text("无符合条件的项目")
    page.screenshot(path=screenshot_dir / "overview-empty-1920.png")


def test_custom_period_opens_a_chinese_calendar(cockpit_page, screenshot_dir):
    page = cockpit_page.goto("/")
    page.locator("#f-period").click()
    page.locator("[role='option']", has_text="自定义").click()
    calendar = page.locator(".dash-datepicker-calendar-wrapper")
    expect(calendar).to_be_visible()
    heads = page.locator(".dash-datepicker-calendar-wrapper thead").first.inner_text()
    assert re.sub(r"\s+", "", heads).endswith("一二三四五六日"), heads  # Monday first
    words = calendar.inner_text()
    assert "月" in words and not re.search(r"January|February|March|April|May|June|July|August|September|October"
                                           r"|November|December|\bSu\b|\bMo\b", words), words
    page.screenshot(path=screenshot_dir / "calendar-1920.png")


def test_dropdown_search_is_in_chinese(cockpit_page):
    page = cockpit_page.goto("/")
    page.locator("#f-origin").click()
    search = page.locator("input[type='search'], .dash-dropdown-search input, input.dash-dropdown-search").first
    expect(search).to_be_visible()
    assert search.get_attribute("placeholder") == "搜索"
    assert "Search" not in page.locator("body").inner_text()


def test_first_paint_is_in_chinese(page_factory):
    guarded = page_factory(check=False)
    # Keep the renderer from starting, so the page stays at its first paint.
    guarded.page.route(re.compile(r".*dash-renderer.*"), lambda route: route.abort())
    guarded.page.goto(guarded.base_url + "/")
    loading = guarded.page.locator("._dash-loading")
    expect(loading).to_be_attached()
    after = guarded.page.evaluate("() => getComputedStyle(document.querySelector('._dash-loading'), '::after').content")
    assert "加载" in after
    size = guarded.page.evaluate("() => getComputedStyle(document.querySelector('._dash-loading')).fontSize")
    assert size == "0px", "Dash's own 'Loading...' is not shown"
