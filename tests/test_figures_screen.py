"""Every figure on screen follows one rule: exact, half up (issue 10, items 1, 5, 6, 12, 13).

The figures are read off the page as the browser gets it (the page router's response through the
Flask test client), and the expected ones come from plain SQL (tests/oracle.py) formatted here
with Decimal, never from the cockpit's own code. The helpers at the top serve the other
tests/test_figures_*.py files too.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

import pandas as pd
import pytest

from data_access.scope import Filters
from tests import oracle
from tests.view_helpers import callback_outputs, find, prop, router_payload, text_of

TWO, ONE = Decimal("0.01"), Decimal("1")


# ------------------------------------------------------------------ reading the screen

def screen(cockpit, path: str, **query) -> list:
    """The page at `path` with `query`, as the page router sends it to the browser."""
    search = "?" + urlencode(query) if query else ""
    resp = cockpit.client.post("/_dash-update-component", json=router_payload(path, search))
    assert resp.status_code == 200, resp.data[:500]
    return resp.get_json()["response"]["_pages_content"]["children"]


def nodes(tree, kind: str | None = None) -> list[dict]:
    """Every component node of a JSON layout (of a type, when given)."""
    out = []
    if isinstance(tree, dict) and "props" in tree:
        if kind is None or tree.get("type") == kind:
            out.append(tree)
        for value in tree["props"].values():
            out += nodes(value, kind)
    elif isinstance(tree, list):
        for item in tree:
            out += nodes(item, kind)
    return out


def card(page, card_id: str) -> dict:
    """A KPI card's parts: label, value, unit, delta, notes, class, ⓘ text."""
    node = find(page, card_id)
    assert node is not None, f"no card {card_id}"
    label, figure, *rest = prop(node, "children")
    value, unit = prop(figure, "children")
    delta = next((text_of(r).replace("同比", "").strip() for r in rest if "kpi-delta" in prop(r, "className")), None)
    notes = [text_of(r) for r in rest if prop(r, "className") == "kpi-note"]
    info = next((prop(n, "data-tip") for n in nodes(label) if prop(n, "className") == "info"), None)
    return {"label": text_of(label).replace("ⓘ", "").strip(), "value": text_of(value), "unit": text_of(unit),
            "delta": delta, "notes": notes, "class": prop(node, "className"), "info": info}


def figure(page, graph_id: str) -> dict:
    graph = find(page, graph_id)
    assert graph is not None, f"no graph {graph_id}"
    return prop(graph, "figure")


def hover_fields(text: str) -> dict[str, str]:
    """'<b>name</b><br>合同投资额：1.00 亿元<br>…' → {'name': …, '合同投资额': '1.00 亿元', …}."""
    first, *lines = text.split("<br>")
    out = {"name": re.sub("<.*?>", "", first)}
    for line in lines:
        key, _, value = line.partition("：")
        out[key] = value
    return out


def map_regions(page) -> dict[str, dict[str, str]]:
    """adcode → the map's hover fields for that region (every region of the map)."""
    trace = figure(page, "ov-map")["data"][0]
    return {loc: hover_fields(h) for loc, (_, h) in zip(trace["locations"], trace["customdata"])}


# ------------------------------------------------------------------ the rule, written independently

def yi(yuan) -> str:
    return f"{(Decimal(int(yuan)) / 100_000_000).quantize(TWO, ROUND_HALF_UP):,.2f}"


def rate(a, b) -> Decimal | None:
    return None if not b else (Decimal(int(a)) * 100 / Decimal(int(b))).quantize(TWO, ROUND_HALF_UP)


def pct(a, b) -> str:
    value = rate(a, b)
    return "—" if value is None else f"{value}%"


def change(cur, prev) -> str | None:
    value = rate(int(cur) - int(prev), prev)
    return None if value is None else f"{value:+}%"


def points(cur: Decimal | None, prev: Decimal | None) -> str | None:
    return None if cur is None or prev is None else f"{cur - prev:+}个百分点"


# ------------------------------------------------------------------ item 1: one rounding rule

def _regions(**figures) -> pd.DataFrame:
    base = {"adcode": [520326], "name": ["务川仡佬族苗族自治县"], "short_name": ["务川"], "label_lon": [107.9],
            "label_lat": [28.5], "projects": [64], "contract_yuan": [0], "started": [0], "producing": [0],
            "funds_yuan": [0]}
    return pd.DataFrame({**base, **{k: [v] for k, v in figures.items()}})


@pytest.mark.parametrize("figures, field, shown", [
    ({"funds_yuan": 4_048_500_000}, "到位资金", "40.49 亿元"),           # /region/520326 务川: 40.48 on the map
    ({"contract_yuan": 86_224_500_000}, "合同投资额", "862.25 亿元"),    # / 六盘水: 862.24 on the map
    ({"started": 34}, "开工率", "53.13%"),                              # 龙里 2022: 53.12% on the map (34/64)
])
def test_the_map_rounds_as_the_cards_do(figures, field, shown):
    """The three cases of the check, drawn on a map: the hover says what the card says."""
    from components import maps
    from components.overview_parts import map_frame

    frame = map_frame(_regions(**figures))
    fig = maps.choropleth(frame, "geo.json", maps.DEFAULT_METRIC)
    assert hover_fields(fig["data"][0]["customdata"][0][1])[field] == shown


def test_unit_rule_on_halves():
    from components.chain_format import fmt_coverage, fmt_number
    from components.units import fmt_count, fmt_pct, fmt_yi

    assert fmt_yi(4_048_500_000) == "40.49" and fmt_yi(86_224_500_000) == "862.25"
    assert fmt_pct(34, 64) == "53.13%"
    assert fmt_coverage(1, 8) == "13%"             # 12.5 %: half up, not to the even 12
    assert fmt_count(12.5) == "13" and fmt_number(2.5, "projects") == "3"
    assert fmt_yi(1_234_567_890.5) == "12.35"      # a pro-rated amount in yuan


VIEWS = [("/", {}), ("/region/520300", {"from": "2024-01-01", "to": "2024-12-31"}),
         ("/region/522700", {"from": "2022-01-01", "to": "2022-12-31"})]


@pytest.mark.parametrize("path, query", VIEWS, ids=["province", "zunyi-2024", "qiannan-2022"])
def test_every_map_region_equals_sql_half_up(demo_cockpit, demo_engine, path, query):
    page = screen(demo_cockpit, path, **query)
    filters = Filters(date_from=date.fromisoformat(query["from"]) if query else None,
                      date_to=date.fromisoformat(query["to"]) if query else None)
    if not query:
        cutoff = oracle.as_of(demo_engine, Filters())
        filters = Filters(date_from=date(cutoff.year, 1, 1), date_to=cutoff)
    adcode = None if path == "/" else int(path.rsplit("/", 1)[1])
    shown = map_regions(page)
    want = oracle.by_region(demo_engine, adcode, filters)
    assert len(shown) == len(want)
    for row in want.itertuples():
        got = shown[str(row.adcode)]
        assert got["合同投资额"] == f"{yi(row.contract_yuan)} 亿元", row.adcode
        assert got["到位资金"] == f"{yi(row.funds_yuan)} 亿元", row.adcode
        assert got["签约项目数"] == f"{row.projects:,} 个", row.adcode
        assert got["开工率"] == pct(row.started, row.projects), row.adcode
        assert got["投产率"] == pct(row.producing, row.projects), row.adcode


def test_each_city_on_the_map_says_what_its_own_cards_say(demo_cockpit):
    home = map_regions(screen(demo_cockpit, "/"))
    for adcode, hover in home.items():
        own = screen(demo_cockpit, f"/region/{adcode}")
        assert hover["合同投资额"] == card(own, "kpi-contract")["value"] + " 亿元", adcode
        assert hover["到位资金"] == card(own, "kpi-funds")["value"] + " 亿元", adcode
        assert hover["开工率"] == card(own, "kpi-start-rate")["value"], adcode
        assert hover["投产率"] == card(own, "kpi-production-rate")["value"], adcode


def test_funnel_and_charts_use_the_rule(demo_cockpit, demo_engine):
    query = {"from": "2024-01-01", "to": "2024-12-31"}
    filters = Filters(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31))
    page = screen(demo_cockpit, "/region/520300", **query)
    t = oracle.totals(demo_engine, 520300, filters)
    funnel = figure(page, "ov-funnel")["data"][0]
    assert funnel["text"] == [f"{t['projects']:,} 个 · 100%", f"{t['started']:,} 个 · {pct(t['started'], t['projects'])}",
                              f"{t['producing']:,} 个 · {pct(t['producing'], t['projects'])}"]
    industries = oracle.by_industry(demo_engine, 520300, filters).set_index("code")
    bars = figure(page, "ov-industries")["data"][0]
    for text in bars["text"]:
        amount, count = re.match(r"([\d,.]+) 亿 · ([\d,]+) 个", text).groups()
        assert any(yi(r.contract_yuan) == amount and f"{r.projects:,}" == count for r in industries.itertuples())
    for x, text in zip(bars["x"], bars["text"]):
        assert f"{x:,.2f}" == text.split(" ")[0], "the bar ends where its label says"
    sources = oracle.by_source(demo_engine, 520300, filters)
    got = dict(zip(figure(page, "ov-sources")["data"][0]["y"], figure(page, "ov-sources")["data"][0]["text"]))
    assert got == {r.source_region: yi(r.contract_yuan) for r in sources.itertuples()}
    months = oracle.monthly(demo_engine, 520300, filters)
    trend = figure(page, "ov-trend")["data"]
    assert trend[0]["hovertext"] == [f"{m} 签约 {yi(v)} 亿元" for m, v in zip(months["month"], months["contract_yuan"])]
    assert trend[1]["hovertext"] == [f"{m} 到位 {yi(v)} 亿元" for m, v in zip(months["month"], months["funds_yuan"])]


def test_funnel_by_money_shares_exact_amounts():
    """The funnel's shares by contract value are read off yuan, not off rounded 亿元."""
    from components.funnel import funnel_texts

    frame = pd.DataFrame({"label": ["签约", "已开工(含投产)", "已投产"], "projects": [3, 2, 1],
                          "contract_yuan": [4_048_500_000, 2_099_500_000, 999_999]})
    # 2,099.5 / 4,048.5 = 51.858…%; read off whole 亿 (20 / 40) it would be 50.00%
    assert funnel_texts(frame, "contract") == ["40.49 亿元 · 100%", "21.00 亿元 · 51.86%", "0.01 亿元 · 0.02%"]


# ------------------------------------------------------------------ item 5: no data is not 0 %

NO_DATA_VIEW = ("/region/522727", {"from": "2023-03-10", "to": "2024-08-20", "industry": "ENERGY"})


def _recolour(cockpit, page, metric: str) -> dict:
    """The map recoloured by `metric`, as the radio buttons ask for it: the patch's assignments."""
    app = cockpit.app
    key, outputs = callback_outputs(app, "ov-map.figure")
    body = {"output": key, "outputs": outputs[0],  # a single output is sent bare
            "inputs": [{"id": "ov-map-metric", "property": "value", "value": metric}],
            "state": [{"id": "ov-map-data", "property": "data", "value": prop(find(page, "ov-map-data"), "data")}],
            "changedPropIds": ["ov-map-metric.value"], "parsedChangedPropsIds": ["ov-map-metric.value"]}
    resp = cockpit.client.post("/_dash-update-component", json=body)
    assert resp.status_code == 200, resp.data[:300]
    ops = resp.get_json()["response"]["ov-map"]["figure"]["operations"]
    return {tuple(op["location"]): op["params"]["value"] for op in ops if op["operation"] == "Assign"}


def test_regions_without_projects_are_no_data_not_zero(demo_cockpit, demo_engine):
    path, query = NO_DATA_VIEW
    filters = Filters(date_from=date(2023, 3, 10), date_to=date(2024, 8, 20), industry="ENERGY")
    want = oracle.by_region(demo_engine, 522727, filters)
    empty = {str(r.adcode) for r in want.itertuples() if not r.projects}
    assert "522727" in empty, "平塘 signed no energy project in the period"
    page = screen(demo_cockpit, path, **query)
    assert card(page, "kpi-start-rate")["value"] == "—"
    regions = map_regions(page)
    for adcode in empty:
        assert regions[adcode]["开工率"] == "—" and regions[adcode]["投产率"] == "—"
    data = prop(find(page, "ov-map-data"), "data")
    rates = dict(zip(data["locations"], data["start_rate"]))
    assert {a for a, v in rates.items() if v is None} == empty
    patch = _recolour(demo_cockpit, page, "start_rate")
    assert patch[("data", 0, "z")] == [rates[a] for a in data["locations"]]
    assert set(patch[("data", 1, "locations")]) == empty and patch[("data", 1, "visible")] is True
    assert all(hover_fields(h)["开工率"] == "—" for _, h in patch[("data", 1, "customdata")])
    assert "无签约项目" in patch[("layout", "annotations")][0]["text"]
    # By contract value, a region without projects holds a true 0: drawn as such, nothing grey.
    patch = _recolour(demo_cockpit, page, "contract_yi")
    assert patch[("data", 1, "locations")] == [] and patch[("data", 1, "visible")] is False


# ------------------------------------------------------------------ item 6: no "nan" in the chain hovers

@pytest.mark.parametrize("query", [{}, {"industry": "CHEM"}, {"region": "520300", "industry": "BIGDATA"}],
                         ids=["default", "chem", "zunyi-bigdata"])
def test_chain_hovers_say_no_nan(demo_cockpit, query):
    page = screen(demo_cockpit, "/chains", **query)
    texts = []
    for gid in ("ch-atlas", "ch-diagram", "ch-gap", "ch-heat"):
        graph = find(page, gid)
        if graph is None:
            continue
        for trace in prop(graph, "figure")["data"]:
            for key in ("hovertext", "text"):
                values = trace.get(key) or []
                texts += [v for row in values for v in (row if isinstance(row, list) else [row]) if isinstance(v, str)]
    assert texts
    assert not [t for t in texts if re.search(r"\bnan\b|None", t)]
    notes = [t for t in texts if "短板说明" in t]
    assert notes and all("<b>短板</b>" in t for t in notes), "only links marked weak carry a 短板 note"


# ------------------------------------------------------------------ item 12: an honest empty screen

EMPTY_VIEW = ("/region/520382", {"channel": "云招商", "origin": "昆明市", "industry": "PHARMA"})


def test_a_filter_without_projects_says_so(demo_cockpit, demo_engine):
    path, query = EMPTY_VIEW
    cutoff = oracle.as_of(demo_engine, Filters())
    filters = Filters(date_from=date(cutoff.year, 1, 1), date_to=cutoff, channel="云招商", origin="昆明市",
                      industry="PHARMA")
    assert oracle.totals(demo_engine, 520382, filters)["projects"] == 0
    page = screen(demo_cockpit, path, **query)
    notice = text_of(find(page, "ov-no-projects"))
    assert "无符合条件的项目" in notice and "云招商" in notice and "昆明市" in notice and "健康医药" in notice
    assert "放宽筛选" in notice
    for gid in ("ov-funnel", "ov-industries", "ov-sources"):
        fig = figure(page, gid)
        assert fig["data"] == [], gid
        assert fig["layout"]["annotations"][0]["text"] == "无符合条件的项目", gid
    trend = figure(page, "ov-trend")
    if trend["data"]:  # money still arrived for earlier projects: the axis starts at zero, never −1
        assert trend["layout"]["yaxis"]["rangemode"] == "tozero"
    else:
        assert trend["layout"]["yaxis"]["visible"] is False


# ------------------------------------------------------------------ item 13: Chinese everywhere

def test_unknown_paths_are_answered_in_chinese(demo_cockpit):
    page = screen(demo_cockpit, "/no-such-page")
    assert find(page, "page-not-found") is not None
    words = text_of(page)
    assert "页面不存在" in words and "Page not found" not in words and "404" not in words


@pytest.mark.parametrize("path", ["/", "/chains"])
def test_controls_speak_chinese(demo_cockpit, path):
    page = screen(demo_cockpit, path)
    dropdowns = nodes(page, "Dropdown")
    assert dropdowns
    for d in dropdowns:
        labels = prop(d, "labels") or {}
        assert labels.get("search") == "搜索" and labels.get("no_options_found"), prop(d, "id")
    pickers = nodes(page, "DatePickerRange")
    assert pickers and all(prop(p, "first_day_of_week") == 1 for p in pickers)


def test_first_paint_says_loading_in_chinese():
    from pathlib import Path

    css = (Path(__file__).resolve().parent.parent / "assets" / "cockpit.css").read_text(encoding="utf-8")
    rule = re.search(r"\._dash-loading::after\s*\{([^}]*)\}", css)
    assert rule and "加载" in rule.group(1)
    assert re.search(r"\._dash-loading\s*\{[^}]*font-size:\s*0", css), "Dash's 'Loading...' is not shown"
