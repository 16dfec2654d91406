"""Signing in and the Content-Security-Policy in a real browser (Chromium, offline).

- the sign-in form: type, submit, land on the overview of the user's region; a wrong password
  says so in Chinese; signing out from the header ends the session;
- every page runs under the cockpit's CSP with zero violations: the overview, a region, the chain
  page with a link's lists, the admin pages; a violation is caught twice, as the browser's
  `securitypolicyviolation` event and as a console error (the guarded page fails on any);
- the demo database's one-click buttons sign in as their accounts.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.auth_helpers import PASSWORD, engine_of, make_user, unique
from tests.browser.conftest import wait_for_dash

# Recorded in every document before its own scripts run.
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`
      + ` at ${e.sourceFile || '?'}:${e.lineNumber} ${e.sample || ''}`);
});
"""


def watched(guarded):
    guarded.context.add_init_script(CSP_RECORDER)
    return guarded


def violations(page) -> list[str]:
    return page.evaluate("() => window.__cspViolations || []")


def csp_free(guarded, path: str):
    """Open a page, wait for Dash, and assert that nothing was blocked by the policy."""
    page = guarded.goto(path)
    assert violations(page) == [], f"CSP violations on {path}: {violations(page)}"
    csp_errors = [e for e in guarded.console_errors if "Content Security Policy" in e]
    assert not csp_errors, csp_errors
    return page


@pytest.fixture(scope="module")
def accounts(cockpit_app):
    """Users with passwords on the live server's database: 遵义's analyst and a provincial admin."""
    engine = engine_of(cockpit_app.server)
    made = {"zunyi": unique("browser-zunyi"), "admin": unique("browser-admin")}
    make_user(engine, made["zunyi"], role="analyst", region=520300)
    make_user(engine, made["admin"], role="admin", region=520000)
    return made


def sign_in(page, username: str, password: str) -> None:
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")


def checked_but_the_401(guarded) -> None:
    """The guard's check, less the console's note on the wrong password's 401 answer (expected)."""
    guarded.console_errors[:] = [e for e in guarded.console_errors
                                 if not ("status of 401" in e and "/login" in e)]
    guarded.check()


def test_signing_in_with_the_form_lands_on_the_overview(page_factory, accounts):
    guarded = watched(page_factory(role=None, check=False))
    page = guarded.page
    # A page without a session sends the browser to the sign-in form, which brings it back.
    page.goto(guarded.base_url + "/region/520382?from=2024-01-01&to=2024-12-31")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    expect(page.locator("h1")).to_contain_text("贵州省招商引资驾驶舱")
    assert violations(page) == []

    sign_in(page, accounts["zunyi"], "wrong-password-1")
    expect(page.locator("#login-error")).to_have_text("用户名或密码错误")

    sign_in(page, accounts["zunyi"], PASSWORD)
    page.wait_for_url(re.compile(r"/region/520382\?from=2024-01-01&to=2024-12-31$"))
    wait_for_dash(page)
    expect(page.locator("#ov-title")).to_have_text("仁怀市 · 招商引资总览")
    expect(page.locator("#kpi-projects .kpi-value")).to_be_visible()
    expect(page.locator("#user-badge")).to_contain_text(accounts["zunyi"])
    assert violations(page) == []
    cookie = next(c for c in guarded.context.cookies() if c["name"] == "cockpit_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert page.evaluate("() => document.cookie").find("cockpit_session") == -1  # not readable by scripts

    # Drilling up to the user's city and sign out from the header.
    page.goto(guarded.base_url + "/")
    wait_for_dash(page)
    expect(page.locator("#ov-title")).to_have_text("遵义市 · 招商引资总览")
    page.click("#logout-button")
    page.wait_for_url(re.compile(r"/login"))
    page.goto(guarded.base_url + "/")
    expect(page).to_have_url(re.compile(r"/login"))
    assert violations(page) == []
    checked_but_the_401(guarded)


def test_the_response_headers_in_the_browser(page_factory):
    guarded = page_factory(role=None)
    response = guarded.page.goto(guarded.base_url + "/login")
    headers = response.headers
    csp = headers["content-security-policy"]
    script = re.search(r"script-src ([^;]*)", csp).group(1).split()
    assert "'self'" in script and "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
    assert "object-src 'none'" in csp and "frame-ancestors 'self'" in csp
    assert headers["x-content-type-options"] == "nosniff" and headers.get("referrer-policy")


PAGES = ["/", "/region/520300", "/region/520382?from=2024-01-01&to=2024-12-31", "/chains",
         "/chains?region=520300&industry=LIQUOR&measure=projects"]
ADMIN_PAGES = ["/admin/users", "/admin/tokens", "/admin/audit"]


def test_every_page_runs_without_csp_violations(page_factory, accounts):
    guarded = watched(page_factory(role=None))
    page = guarded.page
    page.goto(guarded.base_url + "/login")
    sign_in(page, accounts["admin"], PASSWORD)
    page.wait_for_url(re.compile(r"/$"))
    for path in PAGES + ADMIN_PAGES:
        page = csp_free(guarded, path)
        expect(page.locator("#user-badge")).to_be_visible()
        text = page.locator(".cockpit-main").inner_text()
        assert "无权" not in text and "页面不存在" not in text, (path, text[:200])
    # The chain page's lists (AG Grid) and its graphs drew under the policy.
    csp_free(guarded, "/chains?region=520300&industry=LIQUOR&measure=projects")
    expect(page.locator("#ch-atlas .js-plotly-plot")).to_be_visible()
    expect(page.locator("#ch-projects .ag-row").first).to_be_visible()
    # Up the breadcrumb: the overview redraws in place (server and clientside callbacks).
    page = csp_free(guarded, "/region/520382")
    page.evaluate("() => { document.getElementById('overview').dataset.mark = 'kept'; }")
    page.locator("#breadcrumb a", has_text="遵义市").click()
    page.wait_for_url(re.compile(r"/region/520300"))
    wait_for_dash(page)
    expect(page.locator("#ov-title")).to_have_text("遵义市 · 招商引资总览")
    assert page.evaluate("() => document.getElementById('overview').dataset.mark") == "kept"
    assert violations(page) == []


def test_a_viewer_sees_figures_and_no_lists_in_the_browser(page_factory):
    guarded = watched(page_factory(role="viewer", region=520300))
    page = csp_free(guarded, "/chains?region=520300&industry=LIQUOR")
    expect(page.locator("#ch-atlas .js-plotly-plot")).to_be_visible()
    assert page.locator("#ch-projects").count() == 0 and page.locator("#ch-candidates").count() == 0
    page = csp_free(guarded, "/region/520100")
    expect(page.locator(".cockpit-main")).to_contain_text("无权查看该地区")


EXPECTED_TITLE = [("仁怀", "仁怀市"), ("遵义", "遵义市"), ("", "贵州省")]


def test_the_demo_buttons_sign_in(page_factory):
    probe = page_factory(role=None)
    probe.page.goto(probe.base_url + "/login")
    buttons = probe.page.locator("#demo-accounts button")
    labels = buttons.all_inner_texts()
    assert len(labels) == 4, labels
    for index, label in enumerate(labels):
        guarded = watched(page_factory(role=None))
        page = guarded.page
        page.goto(guarded.base_url + "/login")
        page.locator("#demo-accounts button").nth(index).click()
        page.wait_for_url(lambda url: "/login" not in url)
        wait_for_dash(page)
        region = next(name for key, name in EXPECTED_TITLE if key in label)
        expect(page.locator("#ov-title")).to_have_text(f"{region} · 招商引资总览")
        expect(page.locator("#user-badge")).to_be_visible()
        if "管理员" in label:
            expect(page.locator("#admin-link")).to_be_visible()
        else:
            assert page.locator("#admin-link").count() == 0
        assert violations(page) == []


def test_the_policy_is_enforced_and_violations_are_seen(page_factory):
    """The control for the tests above: an injected inline script is blocked, and both recorders
    (the event and the console) see it."""
    guarded = watched(page_factory(check=False))
    page = guarded.goto("/")
    page.evaluate("() => { const s = document.createElement('script');"
                  " s.textContent = 'window.__injected = 1'; document.body.appendChild(s); }")
    page.wait_for_function("() => (window.__cspViolations || []).length > 0")
    assert page.evaluate("() => window.__injected === undefined")
    assert any("script-src" in v for v in violations(page))
    assert any("Content Security Policy" in e for e in guarded.console_errors)
