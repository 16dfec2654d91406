"""No 500 on any input: every URL, filter, cookie and callback body gets a page with a Chinese
message, or a 4xx for a malformed request, never a server error.

Pages are drawn by Dash's router callback: a GET of `/region/…` returns the shell only, and the
page comes from a POST to /_dash-update-component with the router's body, so each URL is
rendered both ways. Every failure is reported with the input and the server's exception.
The cases are deterministic (fixed lists and seeded generators, tests/fuzz_cases.py) and bounded.
"""
from __future__ import annotations

import json
import random
import time
import warnings

import pytest

from tests import fuzz_cases as fc
from tests.conftest import signed_in

BUDGET_S = {"callbacks": 30, "urls": 60}


@pytest.fixture(scope="module")
def server(cockpit_app):
    """The cockpit's Flask app on the SQLite demo database, pages registered (first request)."""
    srv = cockpit_app.server
    client = signed_in(srv)
    assert client.get("/health").status_code == 200
    assert client.get("/").status_code == 200  # Dash registers the pages' callbacks on the first request
    return srv


@pytest.fixture
def probe(server):
    return fc.Probe(server)


def assert_clean(probe: fc.Probe) -> None:
    if probe.failures:
        pytest.fail(probe.report(), pytrace=False)


def assert_explained(probe: fc.Probe, resp, *words: str) -> str:
    """The router drew a page (no server error) whose text is Chinese and names the problem."""
    assert_clean(probe)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    text = fc.page_text(resp)
    assert fc.CJK.search(text), f"no Chinese text on the page: {text[:300]}"
    for word in words:
        assert word in text, f"the page does not say {word!r}: {text[:500]}"
    return text


# ------------------------------------------------------------------ 1. specific regressions

@pytest.mark.parametrize("pathname, search", [
    ("/region/99999999999999999999999", ""),          # OverflowError: Python int too large for SQLite
    ("/region/-99999999999999999999999", ""),
    ("/region/" + "9" * 400, ""),
    ("/", "?adcode=99999999999999999999999"),         # a query key the router passes to the layout
    ("/chains", "?region=99999999999999999999999"),
], ids=["region-huge", "region-huge-negative", "region-400-digits", "overview-adcode-query", "chains-region-huge"])
def test_huge_region_code_is_not_found(probe, pathname, search):
    resp = probe.render(f"router {pathname}{search}", pathname, search)
    probe.get(f"GET {pathname}", fc.get_url(pathname), query_string=search.lstrip("?"))
    assert_explained(probe, resp, "地区")


@pytest.mark.parametrize("pathname, search", [
    ("/", "?from=0001-01-01&to=0001-12-31"),          # ValueError: year 0 is out of range (last year)
    ("/", "?from=0001-01-01"),
    ("/", "?to=0001-12-31"),
    ("/region/520300", "?from=0001-03-01"),
    ("/region/520300", "?from=0001-01-01&to=0001-12-31"),
    ("/", "?from=9999-01-01&to=9999-12-31"),          # the other end: next year is year 10000
    ("/chains", "?from=0001-01-01&to=0001-12-31"),
    ("/chains", "?from=9999-01-01&to=9999-12-31"),
], ids=["overview-0001", "overview-from-0001", "overview-to-0001", "region-from-0001", "region-0001",
        "overview-9999", "chains-0001", "chains-9999"])
def test_far_dates_get_a_message_not_an_error(probe, pathname, search):
    resp = probe.render(f"router {pathname}{search}", pathname, search)
    assert_explained(probe, resp)


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "-1", "1e309", "-1e309", "1e-320", "",
                                   "x" * 4000, "9" * 4000, "深圳"],
                         ids=["nan", "NaN", "inf", "-inf", "-1", "1e309", "-1e309", "denormal", "empty",
                              "long-x", "long-digits", "chinese"])
@pytest.mark.parametrize("pathname", ["/", "/chains", "/region/520100"])
def test_screen_width_cookie(server, pathname, value):
    probe = fc.Probe(server)
    headers = {"Cookie": f"cockpit_vw={value}"}
    resp = probe.render(f"router {pathname} cockpit_vw={value[:20]}", pathname, headers=headers)
    probe.get(f"GET {pathname} cockpit_vw={value[:20]}", pathname, headers=headers)
    assert_explained(probe, resp)


@pytest.mark.parametrize("url", [
    "/_dash-component-suites/dash/nope.js",
    "/_dash-component-suites/nope/x.js",
    "/_dash-component-suites/dash/nope.v4_0_0m1700000000.js",
    "/_dash-component-suites/plotly/package_data/nope.min.js",
    "/_dash-component-suites/os/path.py",
], ids=["dash-unknown-file", "unknown-package", "dash-fingerprinted-unknown", "plotly-unknown", "python-module"])
def test_unregistered_component_suite_is_404(probe, url):
    resp = probe.get(f"GET {url}", url)
    assert_clean(probe)
    assert resp.status_code == 404


def test_oversized_callback_body_is_413(probe):
    body = json.dumps({**fc.router_payload("/", "?origin=" + "x" * (5 * 1024 * 1024))}).encode()
    assert len(body) > 5 * 1024 * 1024
    resp = probe.request("POST 5 MB router body", "POST", fc.UPDATE, data=body, content_type="application/json")
    assert_clean(probe)
    assert resp.status_code == 413


def test_oversized_body_anywhere_is_4xx(probe):
    body = b"x" * (5 * 1024 * 1024)
    for url in ["/", "/health", "/region/520100", "/_dash-layout"]:
        resp = probe.request(f"POST 5 MB to {url}", "POST", url, data=body, content_type="application/octet-stream")
        assert resp is None or resp.status_code < 500
    assert_clean(probe)


def test_a_callback_body_under_the_limit_is_served(probe):
    """The limit is on size only: a large but legitimate-looking body still gets an answer."""
    resp = probe.render("router with a 500 kB origin", "/", "?origin=" + "深" * 170_000)
    assert_explained(probe, resp)


# ------------------------------------------------------------------ 2. malformed callback bodies

def _seen_values(server) -> dict:
    """(component id, property) -> value, from the pages the router draws: plausible inputs."""
    seen: dict = {}

    def walk(node):
        if isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict) and "id" in props:
                cid = props["id"]
                key = json.dumps(cid, sort_keys=True, separators=(",", ":")) if isinstance(cid, dict) else cid
                for name, value in props.items():
                    if name not in ("id", "children"):
                        seen[(key, name)] = value
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    client = signed_in(server)
    for pathname in ["/", "/region/520100", "/chains"]:
        resp = client.post(fc.UPDATE, json=fc.router_payload(pathname, ""))
        if resp.status_code == 200:
            walk(resp.get_json())
    return seen


def test_malformed_callback_bodies(server):
    # A body the cockpit's pages never send only has to be answered without a server error; an
    # exception a catch-all handler turned into a 4xx or an on-page notice is reported as a warning.
    probe = fc.Probe(server, strict=False)
    resp = probe.get("GET /_dash-dependencies", "/_dash-dependencies")
    assert resp is not None and resp.status_code == 200, probe.report()
    deps = resp.get_json()
    assert any(not cb.get("clientside_function") for cb in deps), "no server-side callback registered"
    cases = fc.callback_cases(deps, _seen_values(server), random.Random(20240614))
    assert 100 <= len(cases) <= 1500, len(cases)  # bounded; the time budget is checked below

    started = time.perf_counter()
    for label, body in cases:
        probe.post_json(label, body)
    router = json.dumps(fc.router_payload("/", ""))
    for label, raw, ctype in fc.RAW_BODIES:
        data = router.encode() if raw is None else raw
        kwargs = {"content_type": ctype} if ctype else {}
        probe.request(label, "POST", fc.UPDATE, data=data, **kwargs)
    for method in ["GET", "PUT", "DELETE", "PATCH"]:
        probe.request(f"{method} {fc.UPDATE}", method, fc.UPDATE, data=router, content_type="application/json")
    elapsed = time.perf_counter() - started

    if probe.masked:
        warnings.warn(fc.MaskedException("malformed callback bodies: answered < 500, but the server logged "
                                         + probe.report(failures=probe.masked)))
    assert_clean(probe)
    assert elapsed < BUDGET_S["callbacks"], f"{probe.count} malformed bodies took {elapsed:.1f} s"


# ------------------------------------------------------------------ 3. URLs, query strings, cookies

def url_cases(n: int = 500, seed: int = 20240615) -> list[tuple[str | None, str, str | None, bool]]:
    """(path, query string, Cookie header or None, drawn) for the URL fuzz."""
    rng = random.Random(seed)
    cases = []
    for i in range(n):
        path = fc.random_path(rng)
        search = fc.random_search(rng)
        cookie = fc.random_cookie(rng) if rng.random() < 0.25 else None
        drawn = rng.random() < 0.1
        cases.append((path, search, cookie, drawn))
    return cases


def test_url_cases_are_deterministic():
    assert url_cases(50) == url_cases(50)
    assert len({(p, s) for p, s, _, _ in url_cases()}) > 400


def test_fuzzed_urls_render_without_server_errors(server):
    probe = fc.Probe(server)
    started = time.perf_counter()
    for path, search, cookie, drawn in url_cases():
        headers = {"Cookie": cookie} if cookie else {}
        label = f"{path!r} {search[:120]!r}" + (f" cookie {cookie[:60]!r}" if cookie else "") + (" drawn" if drawn else "")
        probe.render(f"router {label}", path, search, drawn=drawn or None, headers=headers)
        probe.get(f"GET {label}", fc.get_url(path), query_string=search.lstrip("?"),
                  headers=headers)
    elapsed = time.perf_counter() - started
    assert_clean(probe)
    assert elapsed < BUDGET_S["urls"], f"{probe.count} URL requests took {elapsed:.1f} s"


def test_fuzzed_cookies_on_every_page(server):
    probe = fc.Probe(server)
    rng = random.Random(20240616)
    for _ in range(60):
        cookie = fc.random_cookie(rng)
        pathname = rng.choice(["/", "/chains", "/region/520100", "/region/520102"])
        probe.render(f"router {pathname} cookie {cookie[:80]!r}", pathname, headers={"Cookie": cookie})
    assert_clean(probe)


def test_router_values_of_the_wrong_type(server):
    """The router's own inputs (pathname, search) as no browser sends them but a replayed or
    hand-made request may: not strings, or a path without its leading slash. Like the other
    malformed bodies: no server error; an exception handled into a notice is a warning."""
    probe = fc.Probe(server, strict=False)
    values = {**fc.GARBAGE, "empty": "", "relative": "region/520100", "relative-chains": "chains", "query-only": "?from=x"}
    for name, value in values.items():
        probe.render(f"router pathname={name}", value, "")
        probe.render(f"router search={name}", "/", value)
        probe.render(f"router /chains search={name}", "/chains", value)
    if probe.masked:
        warnings.warn(fc.MaskedException("router values of the wrong type: answered < 500, but the server logged "
                                         + probe.report(failures=probe.masked)))
    assert_clean(probe)
