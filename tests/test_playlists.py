"""Wall playlists and the player's routes (issue 13): storage, checks, what each actor plays, the
built-in default against an independent SQL top 3, display tokens bound to playlists, forged
admin callbacks. Database tests run on SQLite and again on PostgreSQL (`demo_cockpit`)."""
from __future__ import annotations

import json
import re
from datetime import date
from urllib.parse import urlsplit

import pytest
from sqlalchemy import text

from auth.credentials import digest, new_token
from data_access import accounts
from data_access import playlists as store
from data_access.playlists import Item, PlaylistError, StoredPlaylist
from tests.auth_helpers import audit_rows, body_text, find_dependency, make_user, signed_in_client, unique, utcnow
from tests.conftest import signed_in
from tests.view_helpers import router_payload, text_of
from urls import Urls
from views.playlists import normalise
from views.runtime import EXTENSION

ZUNYI, GUIYANG, HONGHUAGANG = 520300, 520100, 520302


# ------------------------------------------------------------------ helpers

def engine_of(cockpit):
    return cockpit.server.extensions[EXTENSION].engine


def player_config(resp) -> dict:
    assert resp.status_code == 200, (resp.status_code, resp.get_data(as_text=True)[:300])
    found = re.search(r'<script type="application/json" id="wall-config">(.*?)</script>', resp.get_data(as_text=True),
                      re.S)
    assert found, "not the player page"
    return json.loads(found.group(1))


def urls_of(config: dict) -> list[str]:
    return [s["url"] for s in config["states"]]


def store_playlist(engine, name: str, urls: list[str], dwell: int = 20, title: str = "测试") -> None:
    with engine.begin() as conn:
        store.save_playlist(conn, StoredPlaylist(name, title, tuple(Item(u, dwell) for u in urls)), by="test")


def display_client(cockpit, *, region: int, playlist: str | None):
    """A screen signed in with a new display token (through /display/<token>, as a wall does)."""
    token, name = new_token(), unique("wall-token")
    with engine_of(cockpit).begin() as conn:
        accounts.create_token(conn, name=name, token_hash=digest(token), region=region, playlist=playlist,
                              created_by="test")
    client = cockpit.server.test_client()
    resp = client.get(Urls().build("display", token=token))
    assert resp.status_code == 302
    return client, resp.headers["Location"], name


def regions_named(url: str) -> set[int]:
    """Every adcode a state's URL names (path or region=)."""
    return {int(x) for x in re.findall(r"(?:/region/|region=)(\d{6})", url)}


# ------------------------------------------------------------------ checks, no database

def test_names_and_dwell_times_are_checked():
    assert store.check_name("lobby-2") == "lobby-2"
    for bad in ("Lobby", "大厅", "a b", "", "x" * 65, "../x"):
        with pytest.raises(PlaylistError):
            store.check_name(bad)
    assert (store.check_dwell("5"), store.check_dwell(3600)) == (5, 3600)
    for bad in (4, 3601, "ten", None, 0):
        with pytest.raises(PlaylistError, match="停留时间"):
            store.check_dwell(bad)
    with pytest.raises(PlaylistError, match="至少"):
        store.check_playlist("a", "标题", [])
    with pytest.raises(PlaylistError, match="第 2 项"):
        store.check_playlist("a", "标题", [Item("/", 5), Item("/", 2)])
    with pytest.raises(PlaylistError, match="控制字符"):
        store.check_playlist("a", "标题", [Item("/", 5, "说明\x00")])


def test_an_item_url_must_be_a_cockpit_view():
    urls = Urls()
    # Stored as the grammar writes it, without the wall key; a copied address keeps its path.
    assert normalise(urls, "/region/520300?wall=1&from=2024-01-01") == "/region/520300?from=2024-01-01"
    assert normalise(urls, "http://cockpit.example/chains?industry=CHEM&region=520300") == \
        "/chains?region=520300&industry=CHEM"
    assert normalise(urls, "/projects?entry=stalled&region=520000") == "/projects?region=520000&entry=stalled"
    assert normalise(urls, "/") == "/"
    for bad, reason in [("/admin/users", "不是驾驶舱的页面"), ("/login", "不是驾驶舱的页面"), ("/wall/x", "不是驾驶舱的页面"),
                        ("/export/deck?region=520000", "不是驾驶舱的页面"), ("javascript:alert(1)", "http"),
                        ("region/520300", "以 / 开头"), ("//evil.example/", "以 / 开头"), ("", "不能为空"),
                        ("/chains?bogus=1", "不适用"), ("/?from=a&from=b", "重复")]:
        with pytest.raises(PlaylistError, match=reason):
            normalise(urls, bad)


# ------------------------------------------------------------------ storage

def test_playlists_are_stored_read_reordered_and_deleted(demo_cockpit):
    engine = engine_of(demo_cockpit)
    name = unique("crud")
    store_playlist(engine, name, ["/", "/region/520300", "/chains"], dwell=15)
    with engine.begin() as conn:
        again = store.get_playlist(conn, name)
        assert [i.url for i in again.items] == ["/", "/region/520300", "/chains"]
        created = store.save_playlist(conn, StoredPlaylist(name, "新标题", (Item("/chains", 30, "图谱"), Item("/", 5))),
                                      by="test2")
    assert created is False
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT i.position, i.url, i.dwell_seconds, i.label, p.title, p.updated_by FROM playlist_item i "
            "JOIN playlist p ON p.id = i.playlist_id WHERE p.name = :n ORDER BY i.position"), {"n": name}).all()
        listed = {r["name"]: r["items"] for r in store.list_playlists(conn)}
    assert [tuple(r) for r in rows] == [(0, "/chains", 30, "图谱", "新标题", "test2"), (1, "/", 5, None, "新标题", "test2")]
    assert listed[name] == 2
    with engine.begin() as conn:
        assert store.delete_playlist(conn, name) is True
        assert store.delete_playlist(conn, name) is False
    with engine.connect() as conn:
        left = conn.execute(text("SELECT count(*) FROM playlist_item i JOIN playlist p ON p.id = i.playlist_id "
                                 "WHERE p.name = :n"), {"n": name}).scalar()
        assert left == 0 and store.get_playlist(conn, name) is None


def test_the_database_refuses_a_dwell_out_of_bounds(demo_cockpit):
    from sqlalchemy.exc import IntegrityError

    engine = engine_of(demo_cockpit)
    name = unique("bounds")
    store_playlist(engine, name, ["/"])
    with pytest.raises(IntegrityError):
        with engine.begin() as conn:
            playlist_id = conn.execute(text("SELECT id FROM playlist WHERE name = :n"), {"n": name}).scalar()
            conn.execute(text("INSERT INTO playlist_item (playlist_id, position, url, dwell_seconds) "
                              "VALUES (:p, 5, '/', 2)"), {"p": playlist_id})


# ------------------------------------------------------------------ the built-in default

def sql_top3(engine, parent_column: str, where: str = "1 = 1") -> list[int]:
    """The three regions with the largest contract value this year, read with plain SQL: projects
    signed from 1 January of the cut-off's year to the cut-off, not terminated by the cut-off."""
    with engine.connect() as conn:
        cutoff = conn.execute(text("SELECT value FROM dataset_info WHERE key = 'data_cutoff'")).scalar()
        cutoff = date.fromisoformat(cutoff) if cutoff else conn.execute(
            text("SELECT max(signed_on) FROM project")).scalar()
        rows = conn.execute(text(
            f"SELECT {parent_column}, SUM(contract_yuan) AS c FROM project "
            f"WHERE signed_on >= :start AND signed_on <= :cutoff AND (terminated_on IS NULL OR terminated_on > :cutoff) "
            f"AND {where} GROUP BY {parent_column} ORDER BY c DESC, {parent_column} LIMIT 3"),
            {"start": date(cutoff.year, 1, 1), "cutoff": cutoff}).all()
    return [int(r[0]) for r in rows]


def test_the_builtin_default_is_the_province_then_its_top_three_cities(demo_cockpit):
    engine = engine_of(demo_cockpit)
    with engine.connect() as conn:
        assert store.get_playlist(conn, store.DEFAULT_NAME) is None, "a stored default would override the built-in"
    top = sql_top3(engine, "city_adcode")
    assert len(top) == 3
    config = player_config(signed_in(demo_cockpit.server, role="analyst", region=520000).get("/wall"))
    assert urls_of(config) == ["/?wall=1", *[f"/region/{c}?wall=1" for c in top],
                               "/projects?region=520000&entry=stalled&wall=1", "/chains?wall=1", "/warnings?wall=1"]
    assert [s["dwell"] for s in config["states"]] == [30, 20, 20, 20, 20, 30, 20]
    assert config["versionUrl"] == "/api/data-version" and config["pollMs"] == 60_000 and config["idleMs"] == 60_000


def test_a_city_screen_plays_the_default_of_its_city(demo_cockpit):
    engine = engine_of(demo_cockpit)
    client, location, _ = display_client(demo_cockpit, region=ZUNYI, playlist="default")
    assert urlsplit(location).path == "/wall"
    config = player_config(client.get("/wall"))
    top = sql_top3(engine, "county_adcode", f"city_adcode = {ZUNYI}")
    # A viewer opens no project lists: the 签约未开工 warnings stand in for the stalled list.
    assert urls_of(config) == [f"/region/{ZUNYI}?wall=1", *[f"/region/{c}?wall=1" for c in top],
                               f"/warnings?region={ZUNYI}&rule=stall&wall=1", f"/chains?region={ZUNYI}&wall=1",
                               f"/warnings?region={ZUNYI}&wall=1"]


# ------------------------------------------------------------------ what each actor gets

def test_a_city_token_never_gets_a_province_or_another_citys_state(demo_cockpit):
    engine = engine_of(demo_cockpit)
    with engine.connect() as conn:
        codes = dict(conn.execute(text(
            "SELECT city_adcode, min(code) FROM project WHERE city_adcode IN (:z, :g) GROUP BY city_adcode"),
            {"z": ZUNYI, "g": GUIYANG}).all())
    name = unique("mixed")
    urls = ["/", f"/region/{GUIYANG}", f"/region/{ZUNYI}", f"/region/{HONGHUAGANG}", "/chains?region=520000",
            f"/warnings?region={GUIYANG}", f"/rankings?region={ZUNYI}", f"/projects?region={ZUNYI}&entry=stalled",
            f"/project/{codes[ZUNYI]}", f"/project/{codes[GUIYANG]}", "/warnings"]
    store_playlist(engine, name, urls)

    client, location, _ = display_client(demo_cockpit, region=ZUNYI, playlist=name)
    assert urlsplit(location).path == f"/wall/{name}"
    played = urls_of(player_config(client.get(location)))
    assert played == ["/?wall=1", f"/region/{ZUNYI}?wall=1", f"/region/{HONGHUAGANG}?wall=1",
                      f"/rankings?region={ZUNYI}&wall=1", "/warnings?wall=1"]
    zunyi_and_below = {ZUNYI} | {int(c) for c in engine.connect().execute(
        text("SELECT adcode FROM region WHERE parent_adcode = :z"), {"z": ZUNYI}).scalars()}
    assert all(regions_named(u) <= zunyi_and_below for u in played)

    # A city analyst may open lists and files, of its own city only.
    analyst = signed_in(demo_cockpit.server, role="analyst", region=ZUNYI)
    played = urls_of(player_config(analyst.get(f"/wall/{name}")))
    assert f"/projects?region={ZUNYI}&entry=stalled&wall=1" in played
    assert f"/project/{codes[ZUNYI]}?wall=1" in played and f"/project/{codes[GUIYANG]}?wall=1" not in played
    assert all(regions_named(u) <= zunyi_and_below for u in played)

    # The province sees every state.
    assert len(player_config(signed_in(demo_cockpit.server, role="analyst").get(f"/wall/{name}"))["states"]) == len(urls)


def test_a_token_session_plays_only_its_own_playlist(demo_cockpit):
    engine = engine_of(demo_cockpit)
    mine, other = unique("mine"), unique("other")
    store_playlist(engine, mine, [f"/region/{ZUNYI}"])
    store_playlist(engine, other, ["/chains"])
    client, _, _ = display_client(demo_cockpit, region=ZUNYI, playlist=mine)
    for path in ("/wall", f"/wall/{other}", "/wall/default"):
        resp = client.get(path)
        assert resp.status_code == 302 and urlsplit(resp.headers["Location"]).path == f"/wall/{mine}", path
    assert urls_of(player_config(client.get(f"/wall/{mine}"))) == [f"/region/{ZUNYI}?wall=1"]

    # Bound to a playlist deleted since: the screen plays the default rather than a dead end.
    gone = unique("gone")
    client, location, _ = display_client(demo_cockpit, region=ZUNYI, playlist=gone)
    assert urls_of(player_config(client.get(location)))[0] == f"/region/{ZUNYI}?wall=1"

    # A token with no playlist still opens its region's overview.
    client, location, _ = display_client(demo_cockpit, region=ZUNYI, playlist=None)
    assert urlsplit(location).path == f"/region/{ZUNYI}"


def test_unknown_playlists_and_empty_ones_say_so_in_chinese(demo_cockpit):
    engine = engine_of(demo_cockpit)
    client = signed_in(demo_cockpit.server, role="analyst", region=ZUNYI)
    resp = client.get("/wall/no-such-list")
    assert resp.status_code == 404 and "播放列表“no-such-list”不存在" in resp.get_data(as_text=True)
    name = unique("guiyang-only")
    store_playlist(engine, name, [f"/region/{GUIYANG}"])
    resp = client.get(f"/wall/{name}")
    assert resp.status_code == 200 and "没有本账号可以查看的页面" in resp.get_data(as_text=True)
    assert "wall-config" not in resp.get_data(as_text=True)
    # Not signed in: the sign-in page, as everywhere.
    resp = demo_cockpit.server.test_client().get("/wall")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_a_wall_url_opened_as_a_page_gets_the_player_and_its_frames_the_page(demo_cockpit):
    client = signed_in(demo_cockpit.server, role="analyst", region=ZUNYI)
    path = f"/region/{ZUNYI}?from=2024-01-01&wall=1"
    config = player_config(client.get(path, headers={"Sec-Fetch-Dest": "document"}))
    assert urls_of(config) == [f"/region/{ZUNYI}?from=2024-01-01&wall=1"]
    for headers in ({"Sec-Fetch-Dest": "iframe"}, {}):  # the player's frames; a browser that does not say
        page = client.get(path, headers=headers)
        assert page.status_code == 200 and "wall-config" not in page.get_data(as_text=True)
        assert "react-entry-point" in page.get_data(as_text=True)
    # Without wall=1, or outside the actor's region, the page itself answers (and refuses).
    for other in (f"/region/{ZUNYI}", f"/region/{GUIYANG}?wall=1"):
        page = client.get(other, headers={"Sec-Fetch-Dest": "document"})
        assert page.status_code == 200 and "wall-config" not in page.get_data(as_text=True)


def test_the_players_files_are_versioned_and_cached_long(demo_cockpit):
    from web.wall import FILES

    client = signed_in(demo_cockpit.server, role="viewer", region=ZUNYI)
    page = client.get("/wall").get_data(as_text=True)
    for suffix, (name, path) in FILES.items():
        assert f"/wall/static/{name}" in page
        resp = client.get(f"/wall/static/{name}")
        assert resp.status_code == 200 and resp.data == path.read_bytes()
        assert "max-age=31536000" in resp.headers["Cache-Control"] and "immutable" in resp.headers["Cache-Control"]
    assert client.get("/wall/static/player.js").status_code == 404
    sneaky = client.get("/wall/static/..%2Fwall.py")  # never a file beside the player's
    assert b"Blueprint" not in sneaky.data and "javascript" not in sneaky.headers.get("Content-Type", "")


# ------------------------------------------------------------------ binding tokens

def test_tokens_create_checks_the_playlist_name(demo_cockpit):
    runner = demo_cockpit.server.test_cli_runner()
    bad = runner.invoke(args=["tokens", "create", unique("cli-wall"), "--region", "520300", "--playlist", "Lobby Hall"])
    assert bad.exit_code != 0 and "小写字母" in bad.output
    name, listed = unique("cli-wall"), unique("listed")
    store_playlist(engine_of(demo_cockpit), listed, ["/"])
    ok = runner.invoke(args=["tokens", "create", name, "--region", "520300", "--playlist", listed])
    assert ok.exit_code == 0 and "尚不存在" not in ok.output
    warned = runner.invoke(args=["tokens", "create", unique("cli-wall"), "--region", "520300", "--playlist", "later"])
    assert warned.exit_code == 0 and "尚不存在" in warned.output
    with engine_of(demo_cockpit).connect() as conn:
        assert conn.execute(text("SELECT playlist FROM display_token WHERE name = :n"), {"n": name}).scalar() == listed


# ------------------------------------------------------------------ the admin page

def save_payload(client, name, title, rows: list[tuple[str, object, str]]) -> dict:
    dep = find_dependency(client, "ap-save", "n_clicks")

    def each(role, values):
        return [{"id": {"i": n, "role": role}, "property": "value", "value": v} for n, v in enumerate(values)]

    return {"output": dep["output"],
            "outputs": [{"id": "ap-message", "property": "children"}, {"id": "ap-list-box", "property": "children"},
                        {"id": "ap-name", "property": "disabled"}],
            "inputs": [{"id": "ap-save", "property": "n_clicks", "value": 1}],
            "state": [{"id": "ap-name", "property": "value", "value": name},
                      {"id": "ap-title", "property": "value", "value": title},
                      each("ap-url", [r[0] for r in rows]), each("ap-dwell", [r[1] for r in rows]),
                      each("ap-label", [r[2] for r in rows])],
            "changedPropIds": ["ap-save.n_clicks"]}


def save(client, name, title, rows):
    resp = client.post("/_dash-update-component", json=save_payload(client, name, title, rows))
    assert resp.status_code in (200, 204), resp.status_code
    return body_text(resp)


def test_an_admin_saves_a_playlist_checked_and_audited(demo_cockpit):
    engine = engine_of(demo_cockpit)
    admin = unique("pl-admin")
    make_user(engine, admin, role="admin", region=520000)
    client = signed_in_client(demo_cockpit.server, admin)
    since = utcnow()
    name = unique("lobby")
    assert "第 2 项" in save(client, name, "大厅", [("/", 20, ""), ("/admin/users", 20, "")])
    assert "第 1 项" in save(client, name, "大厅", [("/", 2, "")]) and "停留时间" in save(client, name, "大厅", [("/", 2, "")])
    assert "小写字母" in save(client, "Bad Name", "大厅", [("/", 20, "")])
    with engine.connect() as conn:
        assert store.get_playlist(conn, name) is None
    said = save(client, name, "大厅", [("/region/520300?wall=1", 10, "遵义"), ("/chains", 30, "")])
    assert f"已保存播放列表 {name}" in said
    with engine.connect() as conn:
        stored = store.get_playlist(conn, name)
    assert [(i.url, i.dwell_seconds, i.label) for i in stored.items] == [("/region/520300", 10, "遵义"),
                                                                         ("/chains", 30, None)]
    assert audit_rows(engine, actor=admin, action="playlist_saved", target=name, since=since)
    page = client.post("/_dash-update-component", json=router_payload("/admin/playlists", f"?name={name}"))
    assert name in body_text(page) and "/region/520300" in body_text(page)


def test_a_city_admin_keeps_to_its_region_and_the_default(demo_cockpit):
    engine = engine_of(demo_cockpit)
    admin = unique("pl-city-admin")
    make_user(engine, admin, role="admin", region=ZUNYI)
    client = signed_in_client(demo_cockpit.server, admin)
    name = unique("zunyi")
    assert "不在本账号的管辖范围" in save(client, name, "遵义", [(f"/region/{GUIYANG}", 20, "")])
    assert "只有省级系统管理员" in save(client, "default", "默认", [(f"/region/{ZUNYI}", 20, "")])
    assert "已保存" in save(client, name, "遵义", [(f"/region/{ZUNYI}", 20, "")])
    with engine.connect() as conn:
        assert store.get_playlist(conn, "default") is None
        assert [i.url for i in store.get_playlist(conn, name).items] == [f"/region/{ZUNYI}"]


@pytest.mark.parametrize("role", ["viewer", "analyst", "data_manager"])
def test_the_playlist_callbacks_refuse_everyone_else(demo_cockpit, role):
    engine = engine_of(demo_cockpit)
    forger = unique(f"pl-forger-{role}")
    make_user(engine, forger, role=role, region=520000)
    client = signed_in_client(demo_cockpit.server, forger)
    name = unique("forged")
    said = save(client, name, "伪造", [("/", 20, "")])
    assert "已保存" not in said
    victim = unique("victim")
    store_playlist(engine, victim, ["/"])
    dep = find_dependency(client, "ap-delete", "submit_n_clicks")
    resp = client.post("/_dash-update-component", json={
        "output": dep["output"], "outputs": [{"id": "ap-message", "property": "children"},
                                             {"id": "ap-list-box", "property": "children"}],
        "inputs": [{"id": "ap-delete", "property": "submit_n_clicks", "value": 1}],
        "state": [{"id": "ap-name", "property": "value", "value": victim}],
        "changedPropIds": ["ap-delete.submit_n_clicks"]})
    assert resp.status_code in (200, 204) and "已删除" not in body_text(resp)
    with engine.connect() as conn:
        assert store.get_playlist(conn, name) is None and store.get_playlist(conn, victim) is not None
    page = client.post("/_dash-update-component", json=router_payload("/admin/playlists"))
    assert "无权访问系统管理" in text_of(page.get_json()["response"]["_pages_content"]["children"])


def test_a_playlist_bound_to_a_token_is_not_deleted(demo_cockpit):
    engine = engine_of(demo_cockpit)
    admin = unique("pl-admin-del")
    make_user(engine, admin, role="admin", region=520000)
    client = signed_in_client(demo_cockpit.server, admin)
    name = unique("bound")
    store_playlist(engine, name, ["/"])
    _, _, token = display_client(demo_cockpit, region=ZUNYI, playlist=name)
    dep = find_dependency(client, "ap-delete", "submit_n_clicks")
    body = {"output": dep["output"], "outputs": [{"id": "ap-message", "property": "children"},
                                                 {"id": "ap-list-box", "property": "children"}],
            "inputs": [{"id": "ap-delete", "property": "submit_n_clicks", "value": 1}],
            "state": [{"id": "ap-name", "property": "value", "value": name}],
            "changedPropIds": ["ap-delete.submit_n_clicks"]}
    assert token in body_text(client.post("/_dash-update-component", json=body))
    with engine.begin() as conn:
        assert store.get_playlist(conn, name) is not None
        accounts.revoke_token(conn, token)
    assert "已删除" in body_text(client.post("/_dash-update-component", json=body))
    with engine.connect() as conn:
        assert store.get_playlist(conn, name) is None
    assert audit_rows(engine, actor=admin, action="playlist_deleted", target=name)
