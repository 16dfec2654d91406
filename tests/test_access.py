"""The access layer: the only way to a region scope is a grant for the actor of the request.

Today's only actor is the anonymous viewer of the province; the login issue plugs users in at
access.actor_of_request. These tests plug in other actors there and check that every page,
callback and option list follows the grant, and that what is outside it is refused and never
computed.
"""
from __future__ import annotations

import pytest

import access
from access import Actor, Denied, grant_for
from data_access.scope import UnknownRegion, load_regions
from tests.view_helpers import find, router_payload, text_of

ZUNYI, RENHUAI, HUICHUAN, GUIYANG, NANMING = 520300, 520382, 520303, 520100, 520102


@pytest.fixture(scope="module")
def index(demo_sqlite_url):
    from data_access.db import get_engine

    return load_regions(get_engine(demo_sqlite_url))


def test_the_anonymous_viewer_sees_the_whole_province(index):
    grant = grant_for(access.ANONYMOUS_VIEWER, index)
    assert grant.scope().adcode == 520000 and len(grant.visible) == 1 + 9 + 88
    assert grant.scope(str(RENHUAI)).name == "仁怀市"


@pytest.mark.parametrize("requested, allowed", [
    (None, True), (ZUNYI, True), (RENHUAI, True), (HUICHUAN, True),
    (520000, False), (GUIYANG, False), (NANMING, False),
])
def test_a_city_actor_sees_its_city_and_below_only(index, requested, allowed):
    grant = grant_for(Actor("zunyi", "analyst", ZUNYI), index)
    if allowed:
        assert grant.scope(requested).adcode == (requested or ZUNYI)
    else:
        with pytest.raises(Denied):
            grant.scope(requested)


def test_a_county_actor_sees_its_county_alone(index):
    grant = grant_for(Actor("renhuai", "viewer", RENHUAI), index)
    assert grant.visible == {RENHUAI}
    assert [s.adcode for s in grant.trail(grant.scope())] == [RENHUAI]
    with pytest.raises(Denied):
        grant.scope(ZUNYI)


@pytest.mark.parametrize("region", [None, 999999, 520000_0])
def test_an_actor_without_a_known_region_sees_nothing(index, region):
    with pytest.raises(Denied):
        grant_for(Actor("nobody", "viewer", region), index)


@pytest.mark.parametrize("requested", ["abc", "5203", "99999999999999999999999", "５２０３００", "-520300", "520300.0"])
def test_malformed_region_codes_are_unknown_regions(index, requested):
    with pytest.raises(UnknownRegion):
        grant_for(access.ANONYMOUS_VIEWER, index).scope(requested)


# ------------------------------------------------------------------ the screens follow the grant

@pytest.fixture
def as_actor(monkeypatch):
    def use(actor: Actor):
        monkeypatch.setattr(access, "actor_of_request", lambda: actor)
    return use


def render(cockpit_app, path: str, search: str = "") -> dict:
    resp = cockpit_app.client.post("/_dash-update-component", json=router_payload(path, search))
    assert resp.status_code == 200, resp.data[:300]
    return resp.get_json()["response"]


def test_a_city_user_drills_from_their_city(cockpit_app, as_actor):
    as_actor(Actor("zunyi", "analyst", ZUNYI))
    page = render(cockpit_app, "/")["_pages_content"]["children"]
    assert text_of(find(page, "ov-title")) == "遵义市 · 招商引资总览"
    crumbs = text_of(find(page, "breadcrumb"))
    assert "贵州省" not in crumbs and "遵义市" in crumbs
    assert len(find(page, "ov-map")["props"]["figure"]["data"][0]["locations"]) == 14


def test_a_county_users_map_shows_no_neighbours(cockpit_app, as_actor):
    as_actor(Actor("renhuai", "viewer", RENHUAI))
    page = render(cockpit_app, "/")["_pages_content"]["children"]
    figure = find(page, "ov-map")["props"]["figure"]
    assert figure["data"][0]["locations"] == [str(RENHUAI)]
    names = [row[0] for row in figure["data"][0]["customdata"]]
    assert names == ["仁怀市"]
    assert find(page, "ov-region-hrefs")["props"]["data"] == {}


@pytest.mark.parametrize("path, search", [("/region/520100", ""), ("/region/520000", ""), ("/chains", "?region=520100"),
                                          ("/chains", "")])
def test_a_region_outside_the_grant_is_refused_and_never_computed(cockpit_app, as_actor, monkeypatch, path, search):
    as_actor(Actor("zunyi", "analyst", ZUNYI))
    import views.chains
    import views.overview

    read = []
    original = views.overview._read
    monkeypatch.setattr(views.overview, "_read", lambda rt, scope, f: read.append(scope.adcode) or original(rt, scope, f))
    body = render(cockpit_app, path, search)
    text = text_of(body["_pages_content"]["children"])
    if search == "" and path == "/chains":
        # The chain page without a region is the actor's own region.
        assert "遵义市" in text and "贵阳" not in text
        return
    assert "无权查看该地区" in text
    assert all(code in (ZUNYI, RENHUAI) or str(code).startswith("5203") for code in read), read


def test_the_chain_pages_region_list_holds_only_the_grant(cockpit_app, as_actor):
    as_actor(Actor("zunyi", "analyst", ZUNYI))
    page = render(cockpit_app, "/chains")["_pages_content"]["children"]
    values = [o["value"] for o in find(page, "ch-region")["props"]["options"]]
    assert values[0] == ZUNYI and len(values) == 15 and all(str(v).startswith("5203") for v in values)


def test_a_forged_redraw_for_another_region_changes_nothing(cockpit_app, as_actor):
    from tests.view_helpers import redraw_payload

    as_actor(Actor("zunyi", "analyst", ZUNYI))
    body = redraw_payload(cockpit_app.app, "/region/520100", "", {"adcode": ZUNYI, "search": ""})
    resp = cockpit_app.client.post("/_dash-update-component", json=body)
    assert resp.status_code == 204  # PreventUpdate: nothing of 贵阳 is sent


@pytest.mark.parametrize("role, named", [("viewer", False), ("analyst", True)])
def test_viewers_see_stalled_counts_but_not_project_names(cockpit_app, role, named):
    """A viewer's screen shows the 签约未开工 lights; the names of projects are for analysts and up."""
    from tests.conftest import signed_in

    client = signed_in(cockpit_app.server, role=role, region=ZUNYI)
    body = client.post("/_dash-update-component", json=router_payload("/region/520300")).get_json()
    box = find(body["response"]["_pages_content"]["children"], "ov-stalled")
    assert box is not None and "超6个月" in text_of(box)
    assert (find(box, "ov-stalled-closed") is None) == named


def test_an_unreadable_region_table_fails_closed(cockpit_app, monkeypatch):
    """If the grant cannot be worked out, the answer is an error, never unfiltered figures."""
    from sqlalchemy.exc import OperationalError

    from views.runtime import Runtime

    def broken(self):
        raise OperationalError("SELECT region", {}, Exception("no such table: region"))

    client = cockpit_app.client
    monkeypatch.setattr(Runtime, "regions", broken)
    resp = client.post("/_dash-update-component", json=router_payload("/region/520300"))
    body = resp.get_data(as_text=True)
    assert resp.status_code < 500
    assert "kpi-projects" not in body and "ov-map" not in body
