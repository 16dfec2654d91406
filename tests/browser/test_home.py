"""The home page in a real browser: the province map of the 9 cities, offline, with true figures."""
from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text


def _independent_figures(url: str, cutoff: date) -> dict:
    """The home page's figures for the cut-off year, by plain SQL rather than data_access."""
    engine = create_engine(url)
    start = date(cutoff.year, 1, 1)
    with engine.connect() as conn:
        projects, contract = conn.execute(
            text(
                "SELECT COUNT(*), COALESCE(SUM(contract_yuan), 0) FROM project "
                "WHERE signed_on BETWEEN :a AND :b AND (terminated_on IS NULL OR terminated_on > :b)"
            ),
            {"a": start, "b": cutoff},
        ).one()
        guiyang = conn.scalar(
            text(
                "SELECT COALESCE(SUM(contract_yuan), 0) FROM project WHERE city_adcode = 520100 "
                "AND signed_on BETWEEN :a AND :b AND (terminated_on IS NULL OR terminated_on > :b)"
            ),
            {"a": start, "b": cutoff},
        )
    engine.dispose()
    return {"projects": projects, "contract": contract, "guiyang": guiyang}


@pytest.mark.parametrize("cockpit_page", [(1920, 1080), (3840, 2160)], indirect=True)
def test_home_map_of_nine_cities(cockpit_page, screenshot_dir, demo_sqlite_url):
    page = cockpit_page.goto("/")
    expect(page.locator("#ov-map path.choroplethlocation")).to_have_count(9)
    cutoff = date.fromisoformat(page.locator("#data-cutoff").inner_text())
    figures = _independent_figures(demo_sqlite_url, cutoff)

    assert page.locator("#kpi-projects .kpi-value").inner_text() == f"{figures['projects']:,}"
    assert page.locator("#kpi-contract .kpi-value").inner_text() == f"{figures['contract'] / 1e8:,.2f}"
    # The map's colour values are the cities' contract values in 亿元.
    z = page.evaluate(
        "() => { const g = document.querySelector('#ov-map .js-plotly-plot');"
        " const t = g.data[0]; return Object.fromEntries(t.locations.map((l, i) => [l, t.z[i]])); }"
    )
    assert len(z) == 9
    assert z["520100"] == pytest.approx(round(figures["guiyang"] / 1e8, 2))
    assert sum(z.values()) == pytest.approx(figures["contract"] / 1e8, abs=0.05)
    # No parks column beside the province's map: the map has the panel's width.
    share = page.evaluate("() => document.getElementById('ov-map').getBoundingClientRect().width"
                          " / document.querySelector('.map-row').getBoundingClientRect().width")
    assert share > 0.95

    width = page.viewport_size["width"]
    page.screenshot(path=screenshot_dir / f"home-{width}.png")
