"""Prewarm: the views a leader opens first are computed before anyone asks, so the first open of
the province's overview, 预警 and 考核排名 reads nothing from the database."""
from __future__ import annotations

import pytest

from settings import Settings
from tests.conftest import signed_in
from tests.view_helpers import router_payload


@pytest.fixture(scope="module")
def warmed(demo_sqlite_url):
    import app as module
    from views.prewarm import prewarm
    from views.runtime import current

    server = module.create_app(Settings(database_url=demo_sqlite_url, prewarm=False))
    with server.app_context():
        assert prewarm(current()) == 10  # the province and its nine cities
        assert prewarm(current()) == 0   # claimed once per data version
    return server


@pytest.mark.parametrize("path", ["/warnings", "/rankings", "/"])
def test_first_opens_read_nothing_after_prewarm(warmed, monkeypatch, path):
    from data_access import rankings, warnings

    def forbidden(*_args, **_kwargs):
        raise AssertionError("computed again: prewarm did not cache it")

    monkeypatch.setattr(warnings, "counts_by_county", forbidden)
    monkeypatch.setattr(rankings, "rank_table", forbidden)
    client = signed_in(warmed, role="analyst", region=520000)
    page = {"/warnings": "warnings", "/rankings": "rankings", "/": "overview"}[path]
    resp = client.post("/_dash-update-component", json=router_payload(path, "", page=page))
    assert resp.status_code == 200 and "数据暂时无法加载" not in resp.get_data(as_text=True)
