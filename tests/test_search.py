"""The header's search: projects and enterprises by name or code, inside the actor's region only."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from data_access import search as finder
from data_access.scope import resolve_scope
from tests.view_helpers import callback_outputs, text_of

RENHUAI = 520382


def county_of(engine, code: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT county_adcode FROM project WHERE code = :c"), {"c": code}).scalar()


def test_names_and_codes_are_found(demo_engine):
    province = resolve_scope(demo_engine, None)
    hits = finder.search(demo_engine, province, "恒力")
    assert hits and all("恒力" in h.title for h in hits)
    assert {"project", "enterprise"} <= {h.kind for h in hits}
    with demo_engine.connect() as conn:
        code = conn.execute(text("SELECT code FROM project ORDER BY code LIMIT 1")).scalar()
    assert code in [h.code for h in finder.search(demo_engine, province, code.lower()) if h.kind == "project"]
    # Wildcards are characters, not patterns; nothing and too much find nothing extra.
    assert finder.search(demo_engine, province, "%") == [] and finder.search(demo_engine, province, "_") == []
    assert finder.search(demo_engine, province, "   ") == []


def test_a_county_finds_only_its_own(demo_engine):
    county = resolve_scope(demo_engine, RENHUAI)
    with demo_engine.connect() as conn:
        word = conn.execute(text("SELECT SUBSTR(name, 1, 2) FROM project WHERE county_adcode = :a ORDER BY code "
                                 "LIMIT 1"), {"a": RENHUAI}).scalar()
        elsewhere = conn.execute(text("SELECT COUNT(*) FROM project WHERE county_adcode <> :a AND name LIKE :w"),
                                 {"a": RENHUAI, "w": f"%{word}%"}).scalar()
    assert elsewhere > 0  # the word matches outside too
    hits = finder.search(demo_engine, county, word)
    assert hits and {county_of(demo_engine, h.code) for h in hits} == {RENHUAI}


@pytest.mark.parametrize("role, region, sees", [("analyst", RENHUAI, True), ("viewer", 520000, False)])
def test_the_header_box(cockpit_app, role, region, sees):
    from tests.conftest import signed_in

    client = signed_in(cockpit_app.server, role=role, region=region)
    key, outputs = callback_outputs(cockpit_app.app, "hdr-search-results.children")
    body = {"output": key, "outputs": outputs[0], "inputs": [{"id": "hdr-search", "property": "value", "value": "项目"}],
            "changedPropIds": ["hdr-search.value"]}
    resp = client.post("/_dash-update-component", json=body)
    assert resp.status_code == 200
    shown = resp.get_json()["response"]["hdr-search-results"]["children"]
    if sees:
        links = [n["props"]["href"] for n in shown["props"]["children"]]
        assert links and all(h.startswith("/project/") for h in links)
        from views.runtime import EXTENSION

        engine = cockpit_app.server.extensions[EXTENSION].engine
        assert {county_of(engine, h.rsplit("/", 1)[1]) for h in links} == {RENHUAI}
    else:
        assert "需业务人员及以上权限" in text_of(shown)
