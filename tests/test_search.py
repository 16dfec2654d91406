"""The header's search: projects and enterprises by name or code, inside the actor's region only."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from data_access import search as finder
from data_access.scope import resolve_scope
from tests.conftest import BACKENDS
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


# ------------------------------------------------------------------ pinyin (issue 14's bonus)

def test_spellings_of_names():
    assert finder.spellings("贵州茅台酒股份有限公司") == ("gzmtjgfyxgs", "guizhoumaotaijiugufenyouxiangongsi")
    # Latin runs and numbers stay whole; punctuation goes; 重庆/银行 read as words, not characters.
    assert finder.spellings("ABC2号（一期）") == ("abc2hyq", "abc2haoyiqi")
    assert finder.spellings("重庆银行") == ("cqyh", "chongqingyinhang")
    assert finder.search_key("绿色项目", None) == "lsxm lvsexiangmu| "
    assert finder.pinyin_needle("Gui Zhou") == "guizhou" and finder.pinyin_needle("g") is None
    assert finder.pinyin_needle("贵州") is None and finder.pinyin_needle("gz%") is None


def _by_sql(engine, sql: str, **params) -> list:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).all()


def test_every_demo_project_has_its_key(demo_engine):
    rows = _by_sql(demo_engine, "SELECT p.name, e.name, p.search_key FROM project p "
                                "JOIN enterprise e ON e.id = p.enterprise_id ORDER BY p.id")
    assert rows and all(key == finder.search_key(name, investor) for name, investor, key in rows)


def test_initials_and_full_pinyin_find_projects_and_enterprises(demo_engine):
    province = resolve_scope(demo_engine, None)
    # The largest project: its name's initials and a full syllable string of its investor.
    name, investor, code = _by_sql(demo_engine, "SELECT p.name, e.name, p.code FROM project p JOIN enterprise e "
                                                "ON e.id = p.enterprise_id ORDER BY p.contract_yuan DESC, p.code "
                                                "LIMIT 1")[0]
    initials = finder.spellings(name)[0][:4]
    hits = finder.search(demo_engine, province, initials.upper())
    assert code in [h.code for h in hits if h.kind == "project"]
    # Every project hit's name really has those initials (checked apart from the stored key).
    assert all(initials in finder.spellings(h.title)[0] for h in hits if h.kind == "project")
    full = finder.spellings(investor)[1]
    hits = finder.search(demo_engine, province, full[:12])
    assert investor in [h.title for h in hits if h.kind == "enterprise"]
    assert all(full[:12] in finder.spellings(h.title)[1] for h in hits if h.kind == "enterprise")


def test_pinyin_stays_in_the_county(demo_engine):
    county = resolve_scope(demo_engine, RENHUAI)
    name = _by_sql(demo_engine, "SELECT name FROM project WHERE county_adcode = :a ORDER BY code LIMIT 1",
                   a=RENHUAI)[0][0]
    initials = finder.spellings(name)[0][:3]
    elsewhere = [n for (n,) in _by_sql(demo_engine, "SELECT name FROM project WHERE county_adcode <> :a", a=RENHUAI)
                 if initials in finder.spellings(n)[0]]
    assert elsewhere  # the initials match outside the county too
    hits = finder.search(demo_engine, county, initials)
    assert hits and {county_of(demo_engine, h.code) for h in hits} == {RENHUAI}


def test_an_import_keeps_the_key(demo_engine):
    """A renamed project (the import path the CLI sync uses too) is found by its new name's pinyin."""
    from data_access.imports.apply import _search_keys
    from data_access.imports.kinds import Outcome

    with demo_engine.connect() as conn:
        pid, eid, name = conn.execute(text("SELECT id, enterprise_id, name FROM project ORDER BY id LIMIT 1")).one()
        investor = conn.execute(text("SELECT name FROM enterprise WHERE id = :e"), {"e": eid}).scalar()
        before = {"id": pid, "name": name, "enterprise_id": eid}
        update = Outcome(1, "update", "project", "x", "改名", {"name": "遵义辣椒深加工"}, {"id": pid}, before, ())
        keyed = _search_keys(conn, [{"name": "新项目", "enterprise_id": eid}], [update], lambda r: r)
        assert keyed({"name": "遵义辣椒深加工"}, before) == finder.search_key("遵义辣椒深加工", investor)
        assert keyed({"name": "新项目", "enterprise_id": eid}, {}).startswith("xxm xinxiangmu|")


@pytest.mark.parametrize("backend", BACKENDS)
def test_migration_0007_fills_the_keys_of_existing_projects(backend, backend_url):
    from data_access.db import get_engine
    from data_access.reference import load_reference
    from data_access.schema import downgrade, upgrade

    engine = get_engine(backend_url(backend))
    upgrade(engine, "0006")
    with engine.begin() as conn:
        load_reference(conn)
        conn.execute(text(
            "INSERT INTO enterprise (id, name, origin_province, origin_city, source_region, ownership, quality_tags) "
            "VALUES (1, '贵州茅台酒股份有限公司', '贵州省', '遵义市', '省内', '国有', 0)"))
        conn.execute(text(
            "INSERT INTO project (id, code, name, enterprise_id, origin_province, source_region, quality_tags, "
            "industry_code, county_adcode, city_adcode, channel, contract_yuan, signed_on, status, is_industrial) "
            "VALUES (1, 'M1', '酱香酒技改项目', 1, '贵州省', '省内', 0, 'LIQUOR', 520382, 520300, '驻点招商', "
            "100000000, '2024-01-02', '已签约', :t)"), {"t": True})
    upgrade(engine, "0007")
    with engine.connect() as conn:
        key = conn.execute(text("SELECT search_key FROM project WHERE id = 1")).scalar()
    assert key == "jxjjgxm jiangxiangjiujigaixiangmu|gzmtjgfyxgs guizhoumaotaijiugufenyouxiangongsi"
    assert [h.code for h in finder.search(engine, resolve_scope(engine, None), "gzmt")] == ["M1"]
    downgrade(engine, "0006")
    upgrade(engine, "0007")
