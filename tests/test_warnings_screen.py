"""The /warnings, /rankings and /admin/settings screens as users of each role and region get them,
through the app (SQLite demo data): counts equal the lists' totals, a county analyst's forged
URLs and callback bodies get nothing outside their county, viewers get no lists, and a setting
changed by the provincial admin takes effect at once (and is audited)."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from tests.conftest import acting, signed_in
from tests.view_helpers import callback_outputs, find, text_of

RENHUAI, ZUNYI, GUIYANG = 520382, 520300, 520100


def router(client, pathname: str, search: str = ""):
    body = {"output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": pathname},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "state": [[]], "changedPropIds": ["_pages_location.pathname"]}
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.data[:300]
    return response.get_data(as_text=True)


def list_request(app, client, drawn: str, start: int = 0, end: int = 100, sort=None):
    key, outputs = callback_outputs(app, "wn-grid.getRowsResponse")
    body = {"output": key, "outputs": outputs[0] if len(outputs) == 1 else outputs,
            "inputs": [{"id": "wn-grid", "property": "getRowsRequest",
                        "value": {"startRow": start, "endRow": end, "sortModel": sort or [], "filterModel": {}}}],
            "state": [{"id": "wn-drawn", "property": "data", "value": drawn}],
            "changedPropIds": ["wn-grid.getRowsRequest"]}
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code in (200, 204), response.data[:300]
    if response.status_code == 204:
        return None
    return json.loads(response.data)["response"]["wn-grid"]["getRowsResponse"]


@pytest.fixture(scope="module")
def cockpit(cockpit_app):
    return cockpit_app


def county_of(cockpit, code: str) -> int:
    with cockpit.server.extensions["cockpit"].engine.connect() as conn:
        return conn.scalar(text("SELECT county_adcode FROM project WHERE code = :c"), {"c": code})


def test_list_total_equals_the_card(cockpit):
    from pages.warnings import layout

    with acting(cockpit.server, role="analyst", region=520000):
        page = layout(region=str(ZUNYI), rule="funds", light="red")
    card = text_of(find(page, "wn-funds-red"))
    client = signed_in(cockpit.server, role="analyst", region=520000)
    got = list_request(cockpit.app, client, f"?region={ZUNYI}&rule=funds&light=red", end=100)
    assert card.endswith(f"{got['rowCount']:,}") and got["rowCount"] > 0
    assert len(got["rowData"]) == min(100, got["rowCount"])
    assert all(r["light"] == "红灯" for r in got["rowData"])
    # Every row is 遵义's, and links to its project file.
    codes = [r["code"] for r in got["rowData"]]
    with cockpit.server.extensions["cockpit"].engine.connect() as conn:
        cities = {c for (c,) in conn.execute(text(
            "SELECT DISTINCT city_adcode FROM project WHERE code IN (" + ",".join(f"'{c}'" for c in codes) + ")"))}
    assert cities == {ZUNYI}
    assert f"(/project/{codes[0]})" in got["rowData"][0]["name"]


def test_county_analyst_gets_only_their_county(cockpit):
    client = signed_in(cockpit.server, role="analyst", region=RENHUAI)
    own = list_request(cockpit.app, client, "?rule=stall", end=500)
    assert own["rowCount"] > 0 and {county_of(cockpit, r["code"]) for r in own["rowData"]} == {RENHUAI}
    # Forged: the state of another region, the parent city, the province: nothing.
    for forged in (f"?region={ZUNYI}&rule=stall", f"?region={GUIYANG}", "?region=520000", "?region=abc"):
        assert list_request(cockpit.app, client, forged) == {"rowData": [], "rowCount": 0}, forged
    # The page of another region is refused before anything is read.
    for search in (f"?region={ZUNYI}", f"?region={GUIYANG}&rule=funds"):
        body = router(client, "/warnings", search)
        assert "无权查看该地区" in body and "wn-grid" not in body
    assert "无权查看该地区" in router(client, "/rankings", f"?region={ZUNYI}")


def test_viewer_sees_counts_and_map_but_no_list(cockpit):
    client = signed_in(cockpit.server, role="viewer", region=520000)
    body = router(client, "/warnings")
    assert "wn-list-closed" in body and "wn-map" in body and "wn-grid" not in body
    assert list_request(cockpit.app, client, "?rule=stall") == {"rowData": [], "rowCount": 0}


def test_county_user_ranking_shows_their_own_row_only(cockpit):
    from pages.rankings import layout

    with acting(cockpit.server, role="viewer", region=RENHUAI):
        page = layout()
    grid = find(page, "rk-grid")
    assert [r["adcode"] for r in grid.rowData] == [RENHUAI]
    assert grid.rowData[0]["rank"] is None and "rank" not in [c.get("field") for c in grid.columnDefs]
    assert find(page, "rk-own-row") is not None
    with acting(cockpit.server, role="viewer", region=ZUNYI):
        page = layout()
    assert len(find(page, "rk-grid").rowData) == 14


def settings_call(cockpit, client, changes: dict, trigger: str = "as-save"):
    from data_access.settings_store import DECLARED, defaults

    key, outputs = callback_outputs(cockpit.app, "as-message.children")
    ids = [{"role": "as-value", "key": k} for k in DECLARED]
    values = [changes.get(k, defaults()[k]) for k in DECLARED]
    body = {"output": key, "outputs": outputs,
            "inputs": [{"id": "as-save", "property": "n_clicks", "value": 1},
                       {"id": "as-reset", "property": "n_clicks", "value": None}],
            "state": [[{"id": i, "property": "value", "value": v} for i, v in zip(ids, values)],
                      [{"id": i, "property": "id", "value": i} for i in ids]],
            "changedPropIds": [f"{trigger}.n_clicks"]}
    if trigger == "as-reset":
        body["inputs"][1]["value"] = 1
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.data[:300]
    return text_of(json.loads(response.data)["response"]["as-message"]["children"])


def test_settings_change_takes_effect_and_is_audited(cockpit):
    from pages.rankings import layout

    rt = cockpit.server.extensions["cockpit"]
    admin = signed_in(cockpit.server, role="admin", region=520000)
    city_admin = signed_in(cockpit.server, role="admin", region=ZUNYI)
    analyst = signed_in(cockpit.server, role="analyst", region=520000)
    assert "只有省级系统管理员" in settings_call(cockpit, city_admin, {"rank.weight_contract": 100,
                                                                  "rank.weight_funds": 0, "rank.weight_projects": 0})
    assert "无权" in settings_call(cockpit, analyst, {"rank.weight_contract": 100})
    assert "权重之和须为 100%" in settings_call(cockpit, admin, {"rank.weight_contract": 50})
    assert "红灯月数须大于黄灯月数" in settings_call(cockpit, admin, {"warn.stall_yellow_months": 6})
    assert "须在" in settings_call(cockpit, admin, {"warn.funds_min_pct": 1000})
    before = text_of(find(_rankings(cockpit, layout), "rk-formula"))
    assert "40% × 合同投资额完成率" in before
    done = settings_call(cockpit, admin, {"rank.weight_contract": 100, "rank.weight_funds": 0,
                                          "rank.weight_projects": 0})
    try:
        assert "已保存" in done
        page = _rankings(cockpit, layout)  # same process: the version was forgotten, the view recomputed
        assert "100% × 合同投资额完成率" in text_of(find(page, "rk-formula"))
        rows = find(page, "rk-grid").rowData
        assert all(r["score"] == min(r["contract_pct"], 150) for r in rows)
        with rt.engine.connect() as conn:
            audit = conn.execute(text("SELECT actor, detail FROM audit_log WHERE action = 'settings_changed' "
                                      "ORDER BY id DESC")).first()
        assert audit.actor == "test-admin-520000" and "rank.weight_contract: 40→100" in audit.detail
    finally:
        assert "恢复" in settings_call(cockpit, admin, {}, trigger="as-reset")
    assert "40% × 合同投资额完成率" in text_of(find(_rankings(cockpit, layout), "rk-formula"))


def _rankings(cockpit, layout):
    with acting(cockpit.server, role="viewer", region=520000):
        return layout()
