"""汇报材料: the PowerPoint deck. Its native charts hold the numbers an independent query gives
for the same region and period; its fonts are Chinese on every run; it is only for roles that
may export, only in their scope, limited per user, audited; and it opens in LibreOffice."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date
from urllib.parse import unquote

import pytest
from pptx import Presentation
from pptx.oxml.ns import qn
from sqlalchemy import text

from components.units import fmt_int, fmt_yi, yi_value
from data_access.scope import Filters
from tests import oracle
from tests.conftest import signed_in

PRESS = {"from": "2019-11-20", "to": "2020-12-15", "channel": "驻点招商", "origin": "深圳"}


def get_deck(client, **query):
    # map=0: the map slide needs the server's browser to reach the app over HTTP (a live server:
    # tests/browser/test_export_screen.py); the test client has none.
    resp = client.get("/export/deck", query_string={"map": "0", **query})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp, Presentation(io.BytesIO(resp.data))


def charts(deck) -> dict[str, object]:
    """Each slide's chart by the slide's title."""
    out = {}
    for slide in deck.slides:
        title = slide.shapes[0].text_frame.text
        for shape in slide.shapes:
            if shape.has_chart:
                out[title] = shape.chart
    return out


def series(chart, index: int = 0) -> tuple[list[str], list[float]]:
    plot = chart.plots[0]
    return list(plot.categories), list(plot.series[index].values)


def table_rows(deck, title: str) -> list[list[str]]:
    for slide in deck.slides:
        if slide.shapes[0].text_frame.text == title:
            for shape in slide.shapes:
                if shape.has_table:
                    return [[c.text for c in row.cells] for row in shape.table.rows]
    raise AssertionError(f"no table on slide {title}")


@pytest.mark.parametrize("adcode, query", [(None, {}), (520300, PRESS), (520382, {"from": "2024-01-01"})])
def test_the_decks_charts_hold_the_numbers_of_an_independent_query(demo_cockpit, demo_engine, adcode, query):
    client = signed_in(demo_cockpit.server, role="analyst", region=520000)
    resp, deck = get_deck(client, **({"region": adcode} if adcode else {}), **query)
    filters = Filters(date_from=date.fromisoformat(query["from"]) if "from" in query else None,
                      date_to=date.fromisoformat(query["to"]) if "to" in query else None,
                      channel=query.get("channel"), origin=query.get("origin"))
    if not query:  # the default period: this year of the data (what the screen opens on)
        with demo_engine.connect() as conn:
            end = oracle.cutoff(conn)
        filters = Filters(date_from=date(end.year, 1, 1), date_to=None)
    totals = oracle.totals(demo_engine, adcode, filters)
    found = charts(deck)

    _, funnel = series(found["项目推进漏斗（签约 → 已开工(含投产) → 已投产）"])
    assert funnel == [totals["projects"], totals["started"], totals["producing"]]

    names, values = series(found["十大产业合同投资额（亿元）"])
    expected = oracle.by_industry(demo_engine, adcode, filters)
    with demo_engine.connect() as conn:
        industry_names = dict(conn.execute(text("SELECT code, name FROM industry")).all())
    by_name = {industry_names[r.code]: yi_value(r.contract_yuan) for r in expected.itertuples()}
    assert dict(zip(names, values)) == by_name

    names, values = series(found["投资来源地区（合同投资额，亿元）"])
    sources = oracle.by_source(demo_engine, adcode, filters)
    assert dict(zip(names, values)) == {r.source_region: yi_value(r.contract_yuan) for r in sources.itertuples()}

    months, contract = series(found["月度趋势（亿元）"], 0)
    _, funds = series(found["月度趋势（亿元）"], 1)
    monthly = oracle.monthly(demo_engine, adcode, filters)
    assert len(months) == len(monthly)
    assert contract == [yi_value(v) for v in monthly["contract_yuan"]]
    assert funds == [yi_value(v) for v in monthly["funds_yuan"]]

    kpis = {row[0]: row[1] for row in table_rows(deck, "核心指标")[1:]}
    assert kpis["签约项目数"] == fmt_int(totals["projects"])
    assert kpis["合同投资额"] == fmt_yi(totals["contract_yuan"])
    assert kpis["到位资金（本期到账）"] == fmt_yi(totals["funds_in_period_yuan"])

    disposition = unquote(resp.headers["Content-Disposition"])
    with demo_engine.connect() as conn:
        name = conn.scalar(text("SELECT name FROM region WHERE adcode = :a"), {"a": adcode or 520000})
    assert name in disposition and disposition.endswith(".pptx")
    if "from" in query:
        assert query["from"] in disposition


def test_every_text_run_names_a_chinese_font(cockpit_app):
    _, deck = get_deck(cockpit_app.client)
    runs = 0
    for slide in deck.slides:
        for shape in slide.shapes:
            frames = [shape.text_frame] if shape.has_text_frame else []
            if shape.has_table:
                frames += [c.text_frame for row in shape.table.rows for c in row.cells]
            for frame in frames:
                for paragraph in frame.paragraphs:
                    for run in paragraph.runs:
                        ea = run._r.find(qn("a:rPr")).find(qn("a:ea"))
                        assert ea is not None and ea.get("typeface"), run.text
                        runs += 1
            if shape.has_chart:
                assert shape.chart.font._rPr.find(qn("a:ea")) is not None
    assert runs > 50


def test_exports_are_refused_outside_role_and_scope(cockpit_app):
    server = cockpit_app.server
    viewer = signed_in(server, role="viewer", region=520000)
    resp = viewer.get("/export/deck")
    assert resp.status_code == 403 and "无权" in resp.get_data(as_text=True)
    county = signed_in(server, role="analyst", region=520382)
    for forged in ("520300", "520000", "520102"):
        resp = county.get(f"/export/deck?region={forged}&map=0")
        assert resp.status_code == 403 and not resp.data.startswith(b"PK")
    resp, deck = get_deck(county)
    assert "仁怀市" in deck.slides[0].shapes[0].text_frame.text
    assert signed_in(server).get("/export/deck?region=999999").status_code == 404
    assert server.test_client().get("/export/deck").status_code in (302, 401)


def test_exports_are_audited_and_limited_per_user(cockpit_app):
    from web import exports

    server = cockpit_app.server
    client = signed_in(server, role="analyst", region=520300)
    engine = server.extensions["cockpit"].engine
    with engine.connect() as conn:
        before = conn.scalar(text("SELECT count(*) FROM audit_log WHERE action = 'export' AND actor = :a"),
                             {"a": "test-analyst-520300"})
    get_deck(client)
    with engine.connect() as conn:
        after = conn.execute(text("SELECT count(*), max(region_adcode) FROM audit_log WHERE action = 'export' "
                                  "AND actor = :a"), {"a": "test-analyst-520300"}).one()
    assert after[0] == before + 1 and after[1] == 520300

    with exports._slot("test-analyst-520300"), exports._slot("test-analyst-520300"):
        resp = client.get("/export/deck")
        assert resp.status_code == 429 and "稍后" in resp.get_data(as_text=True)
    assert client.get("/export/deck").status_code == 200


@pytest.mark.slow
def test_the_deck_opens_in_libreoffice(cockpit_app, tmp_path):
    if not shutil.which("soffice") or not shutil.which("pdftotext"):
        pytest.fail("LibreOffice (libreoffice-impress) and poppler-utils: scripts/test.sh installs them")
    resp, deck = get_deck(cockpit_app.client)
    path = tmp_path / "deck.pptx"
    path.write_bytes(resp.data)
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=180,
                   env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    pdf = tmp_path / "deck.pdf"
    words = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert "贵州省招商引资工作汇报" in words and "核心指标" in words and "签约项目数" in words
    pages = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", pages).group(1)) == len(deck.slides)
