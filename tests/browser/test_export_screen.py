"""导出本屏: the server renders the user's own view with headless Chromium, as PNG and PDF, with
the view's figures in it, a footer saying what it is, and nothing outside the user's scope."""
from __future__ import annotations

import io
import shutil
import subprocess
import urllib.error
import urllib.request
from datetime import date
from urllib.parse import quote

import pytest
from PIL import Image

from components.units import fmt_int
from data_access.scope import Filters
from tests import oracle
from tests.conftest import session_token

pytestmark = pytest.mark.slow


def fetch(base: str, token: str, view: str, fmt: str) -> tuple[int, bytes, dict]:
    request = urllib.request.Request(f"{base}/export/screen?view={quote(view, safe='')}&format={fmt}",
                                     headers={"Cookie": f"cockpit_session={token}"})
    try:
        with urllib.request.urlopen(request, timeout=120) as resp:
            return resp.status, resp.read(), dict(resp.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "screen.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_png_and_pdf_of_a_city_view(live_server, cockpit_app, tmp_path):
    token = session_token(cockpit_app.server, role="analyst", region=520000)
    status, body, headers = fetch(live_server, token, "/region/520300", "png")
    assert status == 200, body[:300]
    image = Image.open(io.BytesIO(body))
    assert image.width == 3840 and image.height >= 2160  # 1920 wide at 2x, the whole page
    assert "attachment" in headers["Content-Disposition"]

    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext (poppler-utils) is installed by scripts/test.sh")
    status, body, _ = fetch(live_server, token, "/region/520300?from=2019-11-20&to=2020-12-15", "pdf")
    assert status == 200 and body.startswith(b"%PDF")
    words = pdf_text(body, tmp_path)
    engine = cockpit_app.server.extensions["cockpit"].engine
    totals = oracle.totals(engine, 520300, Filters(date_from=date(2019, 11, 20), date_to=date(2020, 12, 15)))
    assert "遵义市" in words and fmt_int(totals["projects"]) in words
    assert "数据截至" in words and "导出人 test-analyst-520000" in words


def test_screen_exports_stay_in_scope(live_server, cockpit_app):
    county = session_token(cockpit_app.server, role="analyst", region=520382)
    for view in ("/region/520300", "/region/520000", "/chains?region=520100", "/warnings?region=520300"):
        status, body, _ = fetch(live_server, county, view, "png")
        assert status == 403 and not body.startswith(b"\x89PNG"), view
    viewer = session_token(cockpit_app.server, role="viewer", region=520000)
    assert fetch(live_server, viewer, "/", "png")[0] == 403
    analyst = session_token(cockpit_app.server, role="analyst", region=520000)
    for bad in ("/login", "//evil.example/", "/admin/users", "/export/deck", "https://x/", "/region/520300\r\nX: y"):
        assert fetch(live_server, analyst, bad, "png")[0] == 400, bad
    assert fetch(live_server, analyst, "/", "gif")[0] == 400


def test_the_deck_carries_the_map_as_the_user_sees_it(live_server, cockpit_app):
    from pptx import Presentation

    token = session_token(cockpit_app.server, role="analyst", region=520300)
    request = urllib.request.Request(f"{live_server}/export/deck", headers={"Cookie": f"cockpit_session={token}"})
    with urllib.request.urlopen(request, timeout=120) as resp:
        deck = Presentation(io.BytesIO(resp.read()))
    slides = {s.shapes[0].text_frame.text: s for s in deck.slides}
    pictures = [sh for sh in slides["区域分布"].shapes if sh.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE
    assert len(pictures) == 1
    image = Image.open(io.BytesIO(pictures[0].image.blob))
    assert image.width >= 800 and image.height >= 400
