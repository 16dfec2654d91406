"""Text legible on what it is drawn on (issue 13, part 3): the maps' region names on their fills,
the chain heat-map's numbers on their cells, no chain-figure text under 14 px, names that do not
pile up on a small map.

The figures are the real ones the screen gets for the demo data (the page router's response).
The fill under each label is computed here with plotly's own colourscale sampling and the WCAG
formula written out below, not with the code under test.
"""
from __future__ import annotations

import math

import pytest
from plotly.colors import sample_colorscale, unlabel_rgb

from tests.test_figures_screen import figure, screen

MAP_VIEWS = [("/", {}), ("/region/520100", {}), ("/region/520300", {}), ("/region/520302", {}),
             ("/region/520113", {})]
CHAIN_VIEWS = [{}, {"industry": "CHEM"}, {"region": "520300", "industry": "BIGDATA"},
               {"region": "520100", "industry": "CHEM", "measure": "projects"}]


def _rgb(colour: str) -> tuple[float, float, float]:
    colour = colour.strip()
    if colour.startswith("#"):
        return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return tuple(float(v) for v in unlabel_rgb(colour))


def wcag_ratio(a: str, b: str) -> float:
    def lum(colour):
        def ch(c):
            c /= 255
            return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
        r, g, b_ = (ch(c) for c in _rgb(colour))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b_
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def fill_of(scale, value, zmin, zmax) -> str:
    t = 0.0 if zmax == zmin else min(max((value - zmin) / (zmax - zmin), 0.0), 1.0)
    return sample_colorscale([[float(s), c] for s, c in scale], [t], colortype="rgb")[0]


def _map_labels(fig: dict) -> list[tuple[str, str, str]]:
    """(name, text colour, fill under it) of every region name drawn on a map figure."""
    regions, blank = fig["data"][0], fig["data"][1]
    names = next(t for t in fig["data"] if t["type"] == "scattergeo")
    fills = {}
    for loc, z in zip(regions["locations"], regions["z"]):
        if z is not None:
            fills[loc] = fill_of(regions["colorscale"], z, regions["zmin"], regions["zmax"])
    if blank.get("visible"):
        fills |= {loc: blank["colorscale"][0][1] for loc in blank["locations"]}
    out = []
    colours = names["textfont"]["color"]
    assert isinstance(colours, list) and len(colours) == len(regions["locations"])
    for loc, text, colour in zip(regions["locations"], names["text"], colours):
        if text:
            out.append((text, colour, fills[loc]))
    return out


@pytest.mark.parametrize("path,query", MAP_VIEWS, ids=[p for p, _ in MAP_VIEWS])
def test_every_region_name_reads_on_its_fill(cockpit_app, path, query):
    fig = figure(screen(cockpit_app, path, **query), "ov-map")
    labels = _map_labels(fig)
    assert labels, "names are drawn"
    weak = [(name, colour, fill, round(wcag_ratio(colour, fill), 2)) for name, colour, fill in labels
            if wcag_ratio(colour, fill) < 4.5]
    assert not weak, weak


def test_the_issue_names_are_dark_on_their_pale_fills(cockpit_app):
    """贵阳 on the province map, 播州 and 花溪 in their cities: the regions with the largest value
    are the palest, and white on them was unreadable (issue 13)."""
    for path, name in (("/", "贵阳"), ("/region/520300", "播州"), ("/region/520100", "花溪")):
        labels = {n: (c, f) for n, c, f in _map_labels(figure(screen(cockpit_app, path), "ov-map"))}
        colour, fill = labels[name]
        assert wcag_ratio(colour, fill) >= 4.5
        assert wcag_ratio(colour, fill) > wcag_ratio("#ffffff", fill) or wcag_ratio("#ffffff", fill) >= 4.5


@pytest.mark.parametrize("metric", ["contract_yi", "funds_yi", "projects", "start_rate", "production_rate"])
def test_a_recolour_recolours_the_names(cockpit_app, metric):
    """The map's colour switch patches the names' colours with the fills (trace 2)."""
    from components import maps
    from tests.view_helpers import find, prop

    page = screen(cockpit_app, "/region/520100")
    data = prop(find(page, "ov-map-data"), "data")
    fig = figure(page, "ov-map")
    styles = maps.metric_style(metric, data[metric], data["locations"], data["hover"])
    regions = {**fig["data"][0], **styles[0]}
    blank = {**fig["data"][1], **styles[1]}
    names = {**fig["data"][maps.LABEL_TRACE], **styles[maps.LABEL_TRACE]}
    assert names["type"] == "scattergeo"
    assert _map_labels({"data": [regions, blank, names]})
    for name, colour, fill in _map_labels({"data": [regions, blank, names]}):
        assert wcag_ratio(colour, fill) >= 4.5, (metric, name, colour, fill)


def test_county_view_colour_bar_is_under_the_map(cockpit_app):
    """In a county view the colour bar lay over the outline: it is now horizontal, in a band of
    its own below the map's domain."""
    fig = figure(screen(cockpit_app, "/region/520302"), "ov-map")
    bar = fig["data"][0]["colorbar"]
    assert bar["orientation"] == "h" and bar["yanchor"] == "bottom" and bar["y"] == 0
    assert fig["layout"]["geo"]["domain"]["y"][0] >= 0.1
    assert any(t.get("marker", {}).get("line", {}).get("color") for t in fig["data"][3:]), "the county outline"


def test_small_regions_names_do_not_pile_up(cockpit_app):
    """白云/云岩/南明 in 贵阳: at the smallest map the names are laid out for, no two name boxes
    overlap (computed here from the drawn positions), each name stays inside its region's box, and
    at most two (the smallest regions) are left to the hover."""
    from components import maps

    fig = figure(screen(cockpit_app, "/region/520100"), "ov-map")
    names = fig["data"][maps.LABEL_TRACE]
    size = names["textfont"]["size"]
    bounds = maps.region_bounds()
    locs = fig["data"][0]["locations"]
    known = [bounds[a] for a in locs]
    x0, x1 = min(b[0] for b in known), max(b[2] for b in known)
    y = lambda lat: math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))  # noqa: E731
    y0, y1 = y(min(b[1] for b in known)), y(max(b[3] for b in known))
    w, h = maps.LABEL_MAP_PX[0], maps.LABEL_MAP_PX[1] * (maps.MAP_DOMAIN_Y[1] - maps.MAP_DOMAIN_Y[0])
    px = min(w / math.radians(x1 - x0), h / (y1 - y0))
    boxes = []
    for loc, lon, lat, text in zip(locs, names["lon"], names["lat"], names["text"]):
        if not text:
            continue
        b = bounds[loc]
        assert b[0] <= lon <= b[2] and b[1] <= lat <= b[3], text
        cx, cy = math.radians(lon) * px, y(lat) * px
        half_w, half_h = len(text) * size / 2, size * 0.6
        boxes.append((text, cx - half_w, cy - half_h, cx + half_w, cy + half_h))
    shown = {b[0] for b in boxes}
    # 云岩 and 白云, the smallest, are left to the hover rather than piled on 南明 and 观山湖.
    assert {"南明", "花溪", "观山湖", "乌当"} <= shown and len(shown) >= len(locs) - 2
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]), (a[0], b[0])


# ------------------------------------------------------------------ the chain page

def _chain_figures(cockpit_app, query) -> dict[str, dict]:
    from tests.view_helpers import find, prop

    page = screen(cockpit_app, "/chains", **query)
    out = {}
    for gid in ("ch-atlas", "ch-diagram", "ch-gap", "ch-heat"):
        graph = find(page, gid)
        if graph is not None:
            out[gid] = prop(graph, "figure")
    return out


def _font_sizes(node, path="") -> list[tuple[str, float]]:
    """Every font size set anywhere in a figure, with where."""
    out = []
    if isinstance(node, dict):
        for key, value in node.items():
            where = f"{path}.{key}"
            if key == "size" and isinstance(value, (int, float)) and any(
                    f in path.rsplit(".", 1)[-1] for f in ("font", "tickfont", "textfont")):
                out.append((where, value))
            else:
                out += _font_sizes(value, where)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _font_sizes(value, f"{path}[{i}]")
    return out


@pytest.mark.parametrize("query", CHAIN_VIEWS, ids=["default", "chem", "zunyi-bigdata", "guiyang-projects"])
def test_no_chain_text_under_14px(cockpit_app, query):
    figures = _chain_figures(cockpit_app, query)
    assert {"ch-atlas", "ch-diagram", "ch-heat"} <= set(figures)
    small = []
    for gid, fig in figures.items():
        sizes = _font_sizes(fig)
        assert sizes, gid
        small += [(gid, where, size) for where, size in sizes if size < 14]
        # Text without a size of its own inherits the layout's font, which must be >= 14 too.
        assert fig["layout"]["font"]["size"] >= 14
    assert not small, small


@pytest.mark.parametrize("query", CHAIN_VIEWS, ids=["default", "chem", "zunyi-bigdata", "guiyang-projects"])
def test_heat_map_numbers_read_on_their_cells(cockpit_app, query):
    heat = _chain_figures(cockpit_app, query)["ch-heat"]
    cells, numbers = heat["data"][0], heat["data"][1]
    assert numbers["type"] == "scatter" and numbers["hoverinfo"] == "skip"
    xs, ys = cells["x"], cells["y"]
    checked = 0
    for x, y, text, colour in zip(numbers["x"], numbers["y"], numbers["text"], numbers["textfont"]["color"]):
        i, j = ys.index(y), xs.index(x)
        assert cells["text"][i][j] == text
        fill = fill_of(cells["colorscale"], cells["z"][i][j], cells["zmin"], cells["zmax"])
        assert wcag_ratio(colour, fill) >= 4.5, (y, x, text, colour, fill)
        checked += 1
    assert checked == sum(1 for row in cells["text"] for t in row if t) > 0


def test_heat_map_numbers_are_short():
    """At most four characters for money up to 999 亿 (a 14-px number must fit its cell)."""
    from components.chain_heatmap import cell_text

    assert cell_text(14_063_000_000, "contract") == "141"
    assert cell_text(14_049_999_999, "contract") == "140"
    assert cell_text(4_913_000_000, "contract") == "49.1"
    assert cell_text(4_915_000_000, "contract") == "49.2"   # half up
    assert cell_text(83_000_000, "contract") == "0.83"
    assert cell_text(830_000_000, "contract") == "8.3"
    assert cell_text(123_456_000_000, "contract") == "1,235"
    assert cell_text(12, "projects") == "12"
