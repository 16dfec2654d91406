"""Background exports (web/jobs.py): the export menu POSTs, the page polls the job's state in
Chinese (排队中 / 正在生成… / 完成 / 失败与原因) and downloads the file with its name. A job runs as
its requester; another user's job id, or a forged one, gives nothing; the per-user limit holds
for jobs too; a failure says why."""
from __future__ import annotations

import io
import threading
import time
from urllib.parse import quote, unquote

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from tests.conftest import signed_in

HEADERS = {"X-Export-Job": "1"}


def start(client, href: str):
    return client.post(href, headers=HEADERS)


def state(client, status_url: str) -> dict:
    resp = client.get(status_url)
    return {"code": resp.status_code, **resp.get_json()}


def wait(client, status_url: str, until=("完成", "失败"), seconds: float = 60) -> dict:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        got = state(client, status_url)
        if got["state"] in until:
            return got
        time.sleep(0.05)
    raise AssertionError(f"job still {got}")


def table_href(view: str = "/rankings?region=520300", table: str = "rankings") -> str:
    return f"/export/table?view={quote(view, safe='')}&table={table}&format=xlsx"


def test_a_background_table_export_delivers_its_file(demo_cockpit, demo_engine):
    client = signed_in(demo_cockpit.server, role="analyst", region=520300)
    resp = start(client, table_href())
    assert resp.status_code == 202, resp.get_data(as_text=True)
    started = resp.get_json()
    assert started["state"] == "排队中" and started["status"].startswith("/export/job/")
    done = wait(client, started["status"])
    assert done["state"] == "完成" and done["name"].endswith(".xlsx") and "考核排名" in done["name"]
    file = client.get(done["file"])
    assert file.status_code == 200 and file.data.startswith(b"PK")
    assert "考核排名" in unquote(file.headers["Content-Disposition"])
    rows = list(load_workbook(io.BytesIO(file.data)).active.iter_rows(values_only=True))
    with demo_engine.connect() as conn:
        counties = conn.scalar(text("SELECT count(*) FROM region WHERE parent_adcode = 520300"))
    assert ("地区", "遵义市") in [r[:2] for r in rows] and len(rows) - rows.index(next(
        r for r in rows[1:] if all(v is None for v in r))) - 2 == counties
    with demo_engine.connect() as conn:
        audited = conn.scalar(text("SELECT count(*) FROM audit_log WHERE action = 'export' AND actor = "
                                   "'test-analyst-520300' AND target LIKE '考核排名 XLSX%'"))
    assert audited >= 1


def test_another_users_job_and_a_forged_id_give_nothing(cockpit_app):
    server = cockpit_app.server
    owner = signed_in(server, role="analyst", region=520300)
    started = start(owner, table_href()).get_json()
    done = wait(owner, started["status"])
    stranger = signed_in(server, role="analyst", region=520000)  # sees more, still not theirs
    for url in (started["status"], done["file"]):
        resp = stranger.get(url)
        assert resp.status_code == 404 and not resp.data.startswith(b"PK"), url
    job = started["job"]
    for forged in (job[:-1] + ("A" if job[-1] != "A" else "B"), "x" * 22, "x" * 200):
        resp = owner.get(f"/export/job/{quote(forged, safe='')}")
        assert resp.status_code == 404 and resp.get_json()["state"] == "失败"
    assert server.test_client().get(started["status"]).status_code in (302, 401)
    viewer = signed_in(server, role="viewer", region=520000)
    assert viewer.get(done["file"]).status_code == 404
    assert start(viewer, table_href("/rankings")).status_code == 403


def test_a_job_needs_the_menus_header(cockpit_app):
    assert cockpit_app.client.post(table_href("/rankings")).status_code == 400


@pytest.fixture
def held_renders(monkeypatch):
    """Screen renders that wait until the test lets them go, then return a tiny PNG."""
    from web import exports

    gate = threading.Event()
    calls = []

    def render(url, **kwargs):
        calls.append(url)
        assert gate.wait(30)
        return b"\x89PNG fake"

    monkeypatch.setattr(exports, "render", render)
    yield gate, calls
    gate.set()


def screen_href(view: str = "/region/520300") -> str:
    return f"/export/screen?view={quote(view, safe='')}&format=png"


def test_progress_queue_limit_and_finish(cockpit_app, held_renders):
    from web import exports

    gate, calls = held_renders
    client = signed_in(cockpit_app.server, role="analyst", region=520300)
    # Both of the worker's browsers are busy: a new job waits its turn.
    assert exports.RENDERS.acquire(timeout=5) and exports.RENDERS.acquire(timeout=5)
    try:
        first = start(client, screen_href()).get_json()
        time.sleep(0.3)
        assert state(client, first["status"])["state"] == "排队中"
    finally:
        exports.RENDERS.release()
        exports.RENDERS.release()
    assert wait(client, first["status"], until=("正在生成…",))["state"] == "正在生成…"
    second = start(client, screen_href("/chains?region=520300"))
    assert second.status_code == 202
    # Two running for this user: a third is refused at once, with the reason.
    third = start(client, screen_href())
    assert third.status_code == 429 and "正在进行" in third.get_data(as_text=True)
    gate.set()
    done = wait(client, first["status"])
    assert done["state"] == "完成" and done["name"].startswith("驾驶舱_遵义市_") and done["name"].endswith(".png")
    assert client.get(done["file"]).data == b"\x89PNG fake"
    assert wait(client, second.get_json()["status"])["state"] == "完成"
    last = start(client, screen_href())
    assert last.status_code == 202  # the slots are free again
    assert wait(client, last.get_json()["status"])["state"] == "完成"
    assert len(calls) == 3 and all(c.endswith(("/region/520300", "/chains?region=520300")) for c in calls)


def test_a_failed_job_says_why(cockpit_app, monkeypatch):
    from exports.screen import RenderFailed
    from web import exports

    def render(url, **kwargs):
        raise RenderFailed("页面在 30 秒内未能完成绘制，请稍后重试")

    monkeypatch.setattr(exports, "render", render)
    client = signed_in(cockpit_app.server, role="analyst", region=520300)
    started = start(client, screen_href()).get_json()
    failed = wait(client, started["status"])
    assert failed["state"] == "失败" and failed["message"] == "页面在 30 秒内未能完成绘制，请稍后重试"
    assert "file" not in failed
    assert client.get(f"{started['status']}/file").status_code == 404

    def broken(url, **kwargs):
        raise ValueError("internal detail that must not reach the page")

    monkeypatch.setattr(exports, "render", broken)
    started = start(client, screen_href()).get_json()
    failed = wait(client, started["status"])
    assert failed["state"] == "失败" and "internal" not in failed["message"] and "请稍后重试" in failed["message"]


def test_a_forged_region_is_refused_before_any_job(cockpit_app, held_renders):
    _, calls = held_renders
    county = signed_in(cockpit_app.server, role="analyst", region=520382)
    for href in (screen_href("/region/520300"), table_href("/rankings?region=520300"),
                 "/export/deck?region=520300&map=0"):
        resp = start(county, href)
        assert resp.status_code == 403 and "job" not in resp.get_data(as_text=True), href
    assert calls == []


def test_the_job_store_in_redis():
    """Production keeps jobs in the cache's Redis, so any worker answers a job's poll."""
    import redis

    from settings import Settings
    from web.jobs import JobStore

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    store = JobStore(Settings(cache_redis_url=url))
    store.put("probe", {"owner": "u", "state": "完成"})
    store.put("probe:file", b"PK\x03\x04")
    other = JobStore(Settings(cache_redis_url=url))  # another worker
    assert other.get("probe") == {"owner": "u", "state": "完成"} and other.get("probe:file") == b"PK\x03\x04"
    assert other.get("never") is None
