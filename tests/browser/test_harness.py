"""Self-test of the browser fixtures on a tiny Flask app, independent of the cockpit."""

import threading

import pytest
from flask import Flask
from playwright.sync_api import expect
from werkzeug.serving import make_server

from .conftest import wait_for_dash

PAGES = {
    "/external": '<p>离线页面</p><img src="https://example.com/x.png">',
    "/console": "<p>console</p><script>console.error('x')</script>",
    "/throw": "<p>throw</p><script>throw new Error('boom')</script>",
    # Looks like Dash while it works: busy title and a loading marker, cleared after 400 ms.
    "/busy": """<title>Updating...</title><div class="_dash-loading">Loading...</div>
        <script src="/local.js"></script>""",
}


@pytest.fixture(scope="module")
def tiny_server():
    app = Flask(__name__)
    for path, html in PAGES.items():
        app.add_url_rule(path, path, lambda html=html: f"<!doctype html>{html}")
    app.add_url_rule(
        "/local.js",
        "local.js",
        lambda: (
            """setTimeout(() => {
                 document.title = '就绪';
                 document.querySelector('._dash-loading').remove();
                 document.body.insertAdjacentHTML('beforeend', '<p id="done">完成</p>');
               }, 400);""",
            {"Content-Type": "text/javascript"},
        ),
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def test_external_request_is_aborted_and_recorded(page_factory, tiny_server):
    guarded = page_factory(base_url=tiny_server, check=False)
    guarded.page.goto(tiny_server + "/external")  # waits for "load", i.e. for the <img> to fail
    expect(guarded.page.get_by_text("离线页面")).to_be_visible()
    assert guarded.blocked_requests == ["GET https://example.com/x.png"]
    with pytest.raises(AssertionError, match="example.com/x.png"):
        guarded.check()


def test_console_error_is_recorded(page_factory, tiny_server):
    guarded = page_factory(base_url=tiny_server, check=False)
    guarded.page.goto(tiny_server + "/console")
    assert [e.split(" (")[0] for e in guarded.console_errors] == ["x"]
    assert guarded.blocked_requests == []
    with pytest.raises(AssertionError, match="console errors"):
        guarded.check()


def test_uncaught_error_is_recorded(page_factory, tiny_server):
    guarded = page_factory(base_url=tiny_server, check=False)
    guarded.page.goto(tiny_server + "/throw")
    guarded.page.wait_for_timeout(100)  # page errors arrive as events, after "load"
    assert any("boom" in e for e in guarded.page_errors), guarded.page_errors


def test_wait_for_dash_waits_until_idle_and_clean_page_passes(page_factory, tiny_server):
    # check=True: the fixture itself asserts at teardown that nothing was recorded.
    guarded = page_factory(1280, 720, base_url=tiny_server)
    guarded.goto("/busy")  # same-origin script is let through; goto waits for "Dash"
    assert guarded.page.title() == "就绪"
    assert guarded.page.locator("#done").is_visible()
    assert guarded.page.viewport_size == {"width": 1280, "height": 720}
    assert guarded.page.evaluate("navigator.language") == "zh-CN"


def test_wait_for_dash_times_out_on_a_page_that_stays_busy(page_factory, tiny_server):
    guarded = page_factory(base_url=tiny_server)
    guarded.page.set_content("<title>Updating...</title><p>never done</p>")
    with pytest.raises(Exception, match="Timeout"):
        wait_for_dash(guarded.page, timeout=500)


def test_screenshot_dir_is_under_artifacts(screenshot_dir):
    assert screenshot_dir.is_dir()
    assert screenshot_dir.parts[-2:] == ("artifacts", "screenshots")
