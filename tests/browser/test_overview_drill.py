"""Drill-down as a leader uses it: click a city, click a county, breadcrumb and back button home,
download a chart, at 1920x1080 and on a 4K wall."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import wait_for_dash

MAP = "#ov-map path.choroplethlocation"


INSIDE_POINT = (Path(__file__).parent / "inside_point.js").read_text(encoding="utf-8")


def click_region(page: Page, adcode: str) -> None:
    """Click inside a region's polygon by mouse (plotly's drag layer eats element clicks)."""
    page.wait_for_selector(MAP)
    point = page.evaluate(INSIDE_POINT, [MAP, adcode])
    assert point, f"{adcode} is not on the map"
    page.mouse.click(*point)


def polygons(page: Page, n: int) -> None:
    page.wait_for_function(f"() => document.querySelectorAll('{MAP}').length === {n}")


@pytest.mark.parametrize("cockpit_page", [(1920, 1080), (3840, 2160)], indirect=True)
def test_drill_down_and_back(cockpit_page, screenshot_dir):
    borders = []
    cockpit_page.page.on("request", lambda r: borders.append(r.url) if "guizhou-counties" in r.url else None)
    page = cockpit_page.goto("/")
    polygons(page, 9)
    assert len(borders) == 1  # read ahead with the page (assets/geo_prefetch.js)

    click_region(page, "520300")  # 遵义市
    page.wait_for_url("**/region/520300")
    polygons(page, 14)
    expect(page.locator("#breadcrumb")).to_contain_text("贵州省")
    expect(page.locator(".page-title")).to_contain_text("遵义市")

    click_region(page, "520382")  # 仁怀市, drawn among 遵义's counties and outlined
    page.wait_for_url("**/region/520382")
    expect(page.locator(".page-title")).to_contain_text("仁怀市")
    expect(page.locator("#breadcrumb")).to_contain_text("遵义市")
    expect(page.locator("#ov-parks")).to_be_visible()
    width = page.viewport_size["width"]
    page.screenshot(path=screenshot_dir / f"overview-county-{width}.png")

    page.locator("#breadcrumb a", has_text="贵州省").click()
    page.wait_for_url(cockpit_page.base_url + "/")
    polygons(page, 9)
    expect(page.locator(".page-title")).to_contain_text("贵州省")

    page.go_back()
    page.wait_for_url("**/region/520382")
    expect(page.locator(".page-title")).to_contain_text("仁怀市")
    page.go_back()
    page.wait_for_url("**/region/520300")
    polygons(page, 14)
    assert len(borders) == 1  # plotly found them read: no fetch at the drill


@pytest.mark.parametrize("cockpit_page", [(1920, 1080), (3840, 2160)], indirect=True)
def test_chart_downloads_read_on_a_white_slide(cockpit_page, tmp_path):
    """The default download is opaque white with dark text, says what it shows inside the image,
    is named after chart, region and period, at 2x (3x on a 4K screen); the dark one is opaque too."""
    from PIL import Image

    page = cockpit_page.goto("/region/520300")
    graph = page.locator("#ov-funnel")
    page.wait_for_selector("#ov-funnel .main-svg")
    # Every modebar button speaks Chinese; none uploads a chart to the cloud.
    titles = page.evaluate("() => [...document.querySelectorAll('.modebar-btn')].map(b => b.getAttribute('data-title'))")
    assert titles and all(re.search(r"[\u4e00-\u9fff]", t) for t in titles), titles
    graph.hover()
    size = page.evaluate("() => { const l = document.querySelector('#ov-funnel .js-plotly-plot')._fullLayout;"
                         " return [l.width, l.height]; }")
    scale = 3 if page.viewport_size["width"] >= 3000 else 2
    cutoff = date.fromisoformat(page.locator("#data-cutoff").inner_text())
    stem = f"签约开工投产漏斗_遵义市_{cutoff.year}-01-01至{cutoff.isoformat()}"

    with page.expect_download() as info:
        graph.locator(".modebar-btn[data-title^='下载图片（白底 PNG']").click()
    download = info.value
    assert download.suggested_filename == f"{stem}.png"
    path = tmp_path / "light.png"
    download.save_as(path)
    image = Image.open(path).convert("RGBA")
    # The chart as drawn (at least 640x360, a slide's useful size) plus a band for its title.
    assert image.size == (int(max(size[0], 640) * scale), int((max(size[1], 360) + 70) * scale))
    w, h = image.size
    for corner in [(0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1)]:
        assert image.getpixel(corner) == (255, 255, 255, 255), corner  # opaque white
    assert min(px[3] for px in image.getdata()) == 255  # nothing transparent anywhere
    grey = image.convert("L")
    dark = sum(1 for v in grey.getdata() if v < 90)
    assert dark > 0.002 * w * h, dark  # dark text (title, ticks, labels) on the white page

    with page.expect_download() as info:
        graph.locator(".modebar-btn[data-title^='下载矢量图']").click()
    assert info.value.suggested_filename == f"{stem}.svg"
    svg = Path(info.value.path()).read_text(encoding="utf-8")
    assert "签约开工投产漏斗" in svg and "遵义市" in svg and f"数据截至 {cutoff.isoformat()}" in svg
    assert "rgb(255, 255, 255)" in svg

    with page.expect_download() as info:
        graph.locator(".modebar-btn[data-title^='下载图片（深色']").click()
    assert info.value.suggested_filename == f"{stem}_深色.png"
    dark_image = Image.open(info.value.path()).convert("RGBA")
    assert dark_image.getpixel((0, 0)) == (0x0B, 0x25, 0x45, 255)  # the panel's colour, opaque


def test_unknown_region_page(cockpit_page):
    page = cockpit_page.goto("/region/999999")
    expect(page.locator("#region-not-found")).to_contain_text("没有这个地区")
    page.locator("#region-not-found a").click()
    polygons(page, 9)


def test_filters_rewrite_the_url_and_the_figures(cockpit_page):
    page = cockpit_page.goto("/region/520300")
    before = page.locator("#kpi-projects .kpi-value").inner_text()
    page.click("#f-period")
    page.get_by_role("option", name="全部记录").click()
    page.wait_for_url("**/region/520300?from=*")
    expect(page.locator("#kpi-projects .kpi-value")).not_to_have_text(before)
    page.click("#f-channel")
    page.get_by_role("option", name="云招商").click()
    page.wait_for_url("**channel=*")
    assert "channel=%E4%BA%91%E6%8B%9B%E5%95%86" in page.url


def screen_text(page: Page) -> dict[str, str]:
    """What a viewer reads on the overview, panel by panel."""
    return page.evaluate("""() => Object.fromEntries(
        ['breadcrumb', 'ov-title', 'ov-period', 'ov-kpis', 'ov-map-aside', 'ov-durations', 'ov-stalled-box',
         'ov-other-industries', 'ov-activity', 'ov-targets-box']
        .map(id => [id, document.getElementById(id).innerText]))""")


def graph_data(page: Page, gid: str) -> list:
    """The traces plotly has drawn in a graph: what it shows, not what was sent."""
    return page.evaluate("""(gid) => document.querySelector('#' + gid + ' .js-plotly-plot').data
        .map(t => [t.type, t.locations || t.y || null, t.z || t.x || null, t.text || null])""", gid)


GRAPHS = ["ov-map", "ov-funnel", "ov-industries", "ov-trend", "ov-sources"]


def test_redrawn_in_place_equals_a_fresh_load(cockpit_page, page_factory):
    """A drill, the breadcrumb and the back button redraw the mounted overview in place: what it
    shows then equals a fresh load of the same URL, and the viewer's choices are kept."""
    page = cockpit_page.goto("/?from=2024-01-01&to=2024-12-31")
    polygons(page, 9)
    page.locator("#ov-map-metric label", has_text="开工率").click()
    page.locator("#ov-funnel-measure label", has_text="按合同投资额").click()
    page.evaluate("() => { window.__sameDocument = true; }")  # gone if the page reloads

    click_region(page, "520300")
    page.wait_for_url("**/region/520300?from=2024-01-01&to=2024-12-31")
    polygons(page, 14)
    click_region(page, "520382")
    page.wait_for_url("**/region/520382?*")
    expect(page.locator(".page-title")).to_contain_text("仁怀市")
    # A filter change and the back button over it: the filter bar follows the URL.
    page.click("#f-channel")
    page.get_by_role("option", name="驻点招商").click()
    page.wait_for_url("**channel=*")
    wait_for_dash(page)
    page.go_back()
    page.wait_for_url("**/region/520382?from=2024-01-01&to=2024-12-31")
    wait_for_dash(page)
    expect(page.locator("#f-channel")).not_to_contain_text("驻点招商")
    assert page.evaluate("() => window.__sameDocument") is True, "the overview was reloaded, not redrawn"
    assert page.locator("#ov-map-metric input:checked").get_attribute("value") == "start_rate"
    assert page.locator("#ov-funnel-measure input:checked").get_attribute("value") == "contract"
    assert "开工率" in page.evaluate(
        "() => document.querySelector('#ov-map .js-plotly-plot').data[0].colorbar.title.text")
    shown = screen_text(page)
    drawn = {gid: graph_data(page, gid) for gid in GRAPHS}

    fresh = page_factory().goto("/region/520382?from=2024-01-01&to=2024-12-31")
    fresh.wait_for_selector(MAP)
    fresh.locator("#ov-map-metric label", has_text="开工率").click()
    fresh.locator("#ov-funnel-measure label", has_text="按合同投资额").click()
    fresh.wait_for_function("""() => {
        const data = (id) => document.querySelector('#' + id + ' .js-plotly-plot').data[0];
        return data('ov-map').colorbar.title.text.includes('开工率') && data('ov-funnel').text[0].includes('亿元'); }""")
    wait_for_dash(fresh)
    assert screen_text(fresh) == shown
    assert {gid: graph_data(fresh, gid) for gid in GRAPHS} == drawn


def test_a_view_being_redrawn_dims(cockpit_page):
    """While redraw runs (Dash marks its outputs loading), old figures are not shown as new: the
    view dims after a moment, the filter bar stays usable, and it is bright again when done."""
    page = cockpit_page.goto("/region/520300")
    opacity = """() => ['.kpi-strip', '.overview-grid', '.filter-bar']
        .map(s => getComputedStyle(document.querySelector(s)).opacity)"""
    assert page.evaluate(opacity) == ["1", "1", "1"]
    page.evaluate("() => document.getElementById('ov-kpis').setAttribute('data-dash-is-loading', 'true')")
    page.wait_for_timeout(600)  # the dimming waits 0.2 s, then fades in 0.25 s
    assert page.evaluate(opacity) == ["0.45", "0.45", "1"]
    page.evaluate("() => document.getElementById('ov-kpis').removeAttribute('data-dash-is-loading')")
    assert page.evaluate(opacity) == ["1", "1", "1"]
