"""Who sees which region, cell by cell: role × the user's region × the region asked for × the way it
is asked for, on SQLite and on PostgreSQL.

    roles       viewer, analyst, data_manager, admin
    users       the province (520000), 遵义市 (520300), 仁怀市 (520382, a county of 遵义)
    requested   the province, 遵义市, 仁怀市, 南明区 (520102, a county of another city: 贵阳)
    actions     overview   the page router renders /region/<adcode>
                drill      the overview's `redraw` and `redraw_panels` callbacks, sent as if the
                           user's own overview were on screen (a forged drawn view included)
                chain      the page router renders /chains?region=<adcode>&industry=…&link=…
                chain-cb   the chain page's callbacks, found in /_dash-dependencies: its `redraw`
                           and the control bar's `apply_controls`
                options    the option lists: the chain page's region list (ch-region), the
                           overview's origin list (f-origin)

Each user signs in once through the sign-in form; the matrix shares their clients. An allowed
cell shows the region and its figures equal independent SQL (tests/oracle.py and plain SQL
here); a denied cell shows 无权查看该地区 or gets no update (204, 401, 403), and the raw response
body holds none of that region's project names (picked with SQL) nor its headline totals.
Viewers see figures but no project lists.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date

import pytest
from sqlalchemy import text

from components.units import fmt_int, fmt_yi
from data_access.scope import Filters
from tests import oracle
from tests.auth_helpers import body_text, dependency_payload, make_user, signed_in_client, unique
from tests.view_helpers import (
    drawn_of, find, kpi_value, panels_payload, prop, redraw_payload, response_page, router_payload, text_of,
)

PROVINCE, ZUNYI, RENHUAI, NANMING = 520000, 520300, 520382, 520102
ROLES = ("viewer", "analyst", "data_manager", "admin")
USERS = {"province": PROVINCE, "zunyi": ZUNYI, "renhuai": RENHUAI}
REQUESTED = {"province": PROVINCE, "zunyi": ZUNYI, "renhuai": RENHUAI, "nanming": NANMING}
ACTIONS = ("overview", "drill", "chain", "chain-cb", "options")
NAMES = {PROVINCE: "贵州省", ZUNYI: "遵义市", RENHUAI: "仁怀市", NANMING: "南明区"}

# The overview's period, and the chain page's (a longer one: its link has projects everywhere).
OV_FROM, OV_TO = date(2024, 1, 1), date(2024, 12, 31)
OV_SEARCH = f"?from={OV_FROM}&to={OV_TO}"
OTHER_SEARCH = "?from=2023-01-01&to=2023-12-31"  # what a forged "on screen" view shows
CH_FROM, CH_TO = date(2021, 1, 1), date(2025, 12, 31)
UPDATE = "/_dash-update-component"


# ------------------------------------------------------------------ independent SQL

def subtree(conn, adcode: int) -> set[int]:
    """A region and everything below it."""
    rows = conn.execute(text("""
        SELECT adcode FROM region WHERE adcode = :a OR parent_adcode = :a
           OR parent_adcode IN (SELECT adcode FROM region WHERE parent_adcode = :a)"""), {"a": adcode})
    return {int(r[0]) for r in rows}


def region_condition(adcode: int) -> tuple[str, dict]:
    if adcode == PROVINCE:
        return "1 = 1", {}
    column = "city_adcode" if adcode % 100 == 0 else "county_adcode"
    return f"p.{column} = :region", {"region": adcode}


ACTIVE = "(p.terminated_on IS NULL OR p.terminated_on > :b) AND p.signed_on BETWEEN :a AND :b"


def project_names(conn, adcode: int, *, link: int | None = None, start: date, end: date,
                  limit: int | None = None) -> list[str]:
    where, params = region_condition(adcode)
    sql = f"SELECT p.name FROM project p WHERE {where} AND {ACTIVE}"
    if link is not None:
        sql += " AND p.chain_link_id = :link"
        params["link"] = link
    sql += " ORDER BY p.contract_yuan DESC, p.code"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [r[0] for r in conn.execute(text(sql), {**params, "a": start, "b": end})]


def pick_link(conn) -> tuple[str, int]:
    """The chain link with the most projects in both counties of the matrix (仁怀市, 南明区)."""
    row = conn.execute(text(f"""
        SELECT l.industry_code, l.id,
               SUM(CASE WHEN p.county_adcode = {RENHUAI} THEN 1 ELSE 0 END) AS a,
               SUM(CASE WHEN p.county_adcode = {NANMING} THEN 1 ELSE 0 END) AS b
        FROM project p JOIN chain_link l ON l.id = p.chain_link_id
        WHERE {ACTIVE}
        GROUP BY l.industry_code, l.id
        ORDER BY CASE WHEN SUM(CASE WHEN p.county_adcode = {RENHUAI} THEN 1 ELSE 0 END)
                         < SUM(CASE WHEN p.county_adcode = {NANMING} THEN 1 ELSE 0 END)
                      THEN SUM(CASE WHEN p.county_adcode = {RENHUAI} THEN 1 ELSE 0 END)
                      ELSE SUM(CASE WHEN p.county_adcode = {NANMING} THEN 1 ELSE 0 END) END DESC, l.id
        LIMIT 1"""), {"a": CH_FROM, "b": CH_TO}).one()
    assert min(row[2], row[3]) >= 3, row
    return row[0], int(row[1])


def option_regions(conn, user: int, requested: int) -> set[int]:
    """The chain page's region list: the province, the cities, the counties of the requested
    region's city; of those, the ones the user may see."""
    level, parent = conn.execute(text("SELECT level, parent_adcode FROM region WHERE adcode = :a"),
                                 {"a": requested}).one()
    city = requested if level == "city" else parent if level == "county" else None
    rows = conn.execute(text("SELECT adcode FROM region WHERE level IN ('province', 'city') OR parent_adcode = :c"),
                        {"c": city if city is not None else -1})
    return {int(r[0]) for r in rows} & subtree(conn, user)


# ------------------------------------------------------------------ the world the matrix runs in

@dataclass
class Truth:
    """What the screen must show for a region (allowed) or must never show (denied)."""
    projects: int              # the overview's period
    contract_yuan: int
    link_projects: list[str]   # the chain page's link, its period, largest first
    names: list[str]           # project names of the region a denied user must never get


@dataclass
class World:
    cockpit: object
    engine: object
    industry: str
    link: int
    clients: dict = field(default_factory=dict)      # (role, user region) → signed-in client
    truth: dict = field(default_factory=dict)        # requested region → Truth
    visible: dict = field(default_factory=dict)      # user region → its subtree
    options: dict = field(default_factory=dict)      # (user, requested) → the region list's values
    deps: dict = field(default_factory=dict)         # callback name → its /_dash-dependencies entry
    responses: dict = field(default_factory=dict)    # a request, made once per client
    forbidden: dict = field(default_factory=dict)    # (user, requested) → names never to be sent

    def chain_search(self, region: int, start: date = CH_FROM, end: date = CH_TO) -> str:
        return f"?region={region}&industry={self.industry}&link={self.link}&measure=projects&from={start}&to={end}"

    def post(self, key: tuple, client, body: dict):
        if key not in self.responses:
            self.responses[key] = client.post(UPDATE, json=body)
        return self.responses[key]


@pytest.fixture(scope="module")
def world(demo_engine, cockpit_for) -> World:
    cockpit = cockpit_for(demo_engine)
    with demo_engine.connect() as conn:
        industry, link = pick_link(conn)
        w = World(cockpit=cockpit, engine=demo_engine, industry=industry, link=link)
        for user in USERS.values():
            w.visible[user] = subtree(conn, user)
            for requested in REQUESTED.values():
                w.options[(user, requested)] = option_regions(conn, user, requested)
        for requested in REQUESTED.values():
            totals = oracle.totals(demo_engine, requested, Filters(date_from=OV_FROM, date_to=OV_TO))
            names = (project_names(conn, requested, start=OV_FROM, end=OV_TO, limit=40)
                     + project_names(conn, requested, link=link, start=CH_FROM, end=CH_TO, limit=40)
                     + list(oracle.stalled_top(demo_engine, requested, Filters(date_from=OV_FROM, date_to=OV_TO),
                                               limit=20)["name"]))
            w.truth[requested] = Truth(
                projects=totals["projects"], contract_yuan=totals["contract_yuan"],
                link_projects=project_names(conn, requested, link=link, start=CH_FROM, end=CH_TO),
                names=list(dict.fromkeys(names)))
    # The link's project count as the oracle counts it agrees with the plain SQL above.
    counted = oracle.chain_links(demo_engine, RENHUAI, Filters(date_from=CH_FROM, date_to=CH_TO), industry)
    assert int(counted.set_index("link_id").loc[link, "projects"]) == len(w.truth[RENHUAI].link_projects)

    for role in ROLES:
        for user in USERS.values():
            name = unique(f"matrix-{role}-{user}")
            make_user(demo_engine, name, role=role, region=user)
            w.clients[(role, user)] = signed_in_client(cockpit.server, name)

    deps = w.clients[("admin", PROVINCE)].get("/_dash-dependencies")
    assert deps.status_code == 200
    for dep in deps.get_json():
        inputs = {(i["id"] if isinstance(i["id"], str) else json.dumps(i["id"]), i["property"])
                  for i in dep["inputs"]}
        if ("ch-location", "pathname") in inputs:
            w.deps["chain-redraw"] = dep
        if ("ch-region", "value") in inputs:
            w.deps["chain-controls"] = dep
        if ("ov-location", "pathname") in inputs:
            w.deps["overview-redraw"] = dep
    return w


# ------------------------------------------------------------------ requests

def chain_redraw_payload(w: World, search: str, drawn: str) -> dict:
    assert "chain-redraw" in w.deps, "the chain page's redraw callback is not in /_dash-dependencies"
    return dependency_payload(w.deps["chain-redraw"], {"ch-location.pathname": "/chains", "ch-location.search": search,
                                                       "ch-drawn.data": drawn}, "ch-location.search")


def chain_controls_payload(w: World, region: int, drawn: str) -> dict:
    assert "chain-controls" in w.deps, "the chain page's control callback is not in /_dash-dependencies"
    values = {"ch-region.value": region, "ch-period.value": "custom", "ch-dates.start_date": str(CH_FROM),
              "ch-dates.end_date": str(CH_TO), "ch-channel.value": None, "ch-origin.value": None,
              "ch-measure.value": "projects", "ch-drawn.data": drawn}
    return dependency_payload(w.deps["chain-controls"], values, "ch-region.value")


def page_of(resp) -> list | dict:
    return resp.get_json()["response"]["_pages_content"]["children"]


# ------------------------------------------------------------------ what a denied cell may hold

def assert_nothing_of(w: World, requested: int, resp, *, user: int, refusal: bool = True) -> None:
    """A denied answer: a refusal or no update, and nothing of the region in the raw body."""
    assert resp.status_code in (200, 204, 401, 403), resp.status_code
    raw = resp.get_data(as_text=True)
    decoded = body_text(resp)
    if resp.status_code == 200 and refusal and not no_update(resp):
        assert "无权查看该地区" in decoded, decoded[:300]
    truth = w.truth[requested]
    names = forbidden_names(w, user, requested)
    leaked = [n for n in names if n in decoded or n in raw]
    assert not leaked, f"project names of {requested} in a denied answer: {leaked[:5]}"
    for figure in (fmt_yi(truth.contract_yuan), fmt_int(truth.projects)):
        assert not re.search(rf"(?<![\d.,]){re.escape(figure)}(?![\d.,])", decoded), figure
    for key in ("kpi-projects", "ch-projects", "ch-candidates", "ov-map", "ch-atlas"):
        assert f'"{key}"' not in decoded, key


def forbidden_names(w: World, user: int, requested: int) -> list[str]:
    """The denied region's project names, less any that a project of the user's own region shares."""
    key = (user, requested)
    if key not in w.forbidden:
        names = w.truth[requested].names
        where, params = region_condition(user)
        with w.engine.connect() as conn:
            own = {r[0] for r in conn.execute(
                text(f"SELECT DISTINCT p.name FROM project p WHERE {where}"), params)}
        w.forbidden[key] = [n for n in names if n not in own]
        assert w.forbidden[key], "no name to look for"
    return w.forbidden[key]


def no_update(resp) -> bool:
    """Nothing sent: no content (204), a refusal (401, 403), or an empty response (every output
    no_update)."""
    if resp.status_code in (204, 401, 403):
        return True
    return resp.status_code == 200 and resp.get_json().get("response") == {}


def grid_names(node) -> list[str]:
    return [r["name"] for r in prop(node, "rowData")] if node is not None else []


def check_lists(w: World, role: str, requested: int, page, decoded: str) -> None:
    """Analysts and above get the link's projects; viewers get figures and a notice instead."""
    truth = w.truth[requested]
    grid = find(page, "ch-projects")
    if role == "viewer":
        assert grid is None and find(page, "ch-candidates") is None, "a viewer got a project list"
        assert not [n for n in truth.link_projects if n in decoded], "a viewer got the link's project names"
    else:
        assert grid is not None, "no project list for an analyst"
        assert sorted(grid_names(grid)) == sorted(truth.link_projects)


# ------------------------------------------------------------------ the matrix

def allowed(user: int, requested: int, w: World) -> bool:
    return requested in w.visible[user]


def cell(w: World, role: str, user: int, requested: int, action: str) -> None:
    client = w.clients[(role, user)]
    truth = w.truth[requested]
    ok = allowed(user, requested, w)
    region_name = NAMES[requested]

    if action == "overview":
        resp = w.post((role, user, "overview", requested), client, router_payload(f"/region/{requested}", OV_SEARCH))
        if not ok:
            return assert_nothing_of(w, requested, resp, user=user)
        assert resp.status_code == 200
        page = page_of(resp)
        assert text_of(find(page, "ov-title")) == f"{region_name} · 招商引资总览"
        assert kpi_value(page, "kpi-projects") == fmt_int(truth.projects)
        assert kpi_value(page, "kpi-contract") == fmt_yi(truth.contract_yuan)
        return None

    if action == "drill":
        # The user's own overview is on screen (of another period); the URL changes to the region.
        on_screen = {"adcode": user, "search": OTHER_SEARCH}
        head = client.post(UPDATE, json=redraw_payload(w.cockpit.app, f"/region/{requested}", OV_SEARCH, on_screen))
        # The panels' callback, forged to name the region directly.
        forged = {"adcode": requested, "search": OV_SEARCH}
        panels = client.post(UPDATE, json=panels_payload(w.cockpit.app, forged, on_screen))
        if not ok:
            assert_nothing_of(w, requested, head, user=user)
            if requested == PROVINCE and panels.status_code == 200:
                # The province's adcode is the overview's "/" (the user's own region): the
                # forged panels are the user's own, never the province's.
                assert panels.get_json()["response"]["ov-panels-drawn"]["data"]["adcode"] == user
                return assert_nothing_of(w, requested, panels, user=user, refusal=False)
            assert no_update(panels), panels.status_code
            return assert_nothing_of(w, requested, panels, user=user)
        assert head.status_code == 200 and panels.status_code == 200
        view = drawn_of(head.get_json())
        assert view["adcode"] == requested
        page = response_page(head.get_json(), panels.get_json())
        assert text_of(find(page, "ov-title")) == f"{region_name} · 招商引资总览"
        assert kpi_value(page, "kpi-projects") == fmt_int(truth.projects)
        assert find(page, "ov-durations") is not None
        return None

    if action == "chain":
        resp = w.post((role, user, "chain", requested), client, router_payload("/chains", w.chain_search(requested)))
        if not ok:
            return assert_nothing_of(w, requested, resp, user=user)
        assert resp.status_code == 200
        page = page_of(resp)
        assert f"{region_name} · 产业链图谱与补链" in text_of(find(page, "ch-head"))
        assert text_of(find(page, "ch-sum-actual")) == f"{len(truth.link_projects):,} 个"
        return check_lists(w, role, requested, page, body_text(resp))

    if action == "chain-cb":
        drawn = f"?region={user}&from=2023-01-01&to=2023-12-31"
        redraw = client.post(UPDATE, json=chain_redraw_payload(w, w.chain_search(requested), drawn))
        controls = client.post(UPDATE, json=chain_controls_payload(w, requested, drawn))
        if not ok:
            assert no_update(redraw), redraw.status_code
            assert_nothing_of(w, requested, redraw, user=user)
            assert no_update(controls), body_text(controls)[:300]
            return assert_nothing_of(w, requested, controls, user=user)
        assert redraw.status_code == 200, redraw.status_code
        body = redraw.get_json()["response"]
        page = response_page(redraw.get_json())
        assert f"{region_name} · 产业链图谱与补链" in text_of(find(page, "ch-head"))
        assert text_of(find(page, "ch-panels")) and text_of(find(page, "ch-sum-actual")) == \
            f"{len(truth.link_projects):,} 个"
        options = {o["value"] for o in body["ch-region"]["options"]}
        assert options == w.options[(user, requested)]
        check_lists(w, role, requested, page, body_text(redraw))
        assert controls.status_code == 200, controls.status_code
        href = json.dumps(controls.get_json()["response"], ensure_ascii=False)
        assert (f"region={requested}" in href) if requested != PROVINCE else ("region=" not in href)
        return None

    if action == "options":
        resp = w.post((role, user, "options", requested), client, router_payload("/chains", f"?region={requested}"))
        overview = w.post((role, user, "overview", requested), client,
                          router_payload(f"/region/{requested}", OV_SEARCH))
        if not ok:
            assert_nothing_of(w, requested, overview, user=user)
            if resp.status_code == 200:
                assert find(page_of(resp), "ch-region") is None
            return assert_nothing_of(w, requested, resp, user=user)
        page = page_of(resp)
        region_list = find(page, "ch-region")
        assert prop(region_list, "value") == requested
        assert {o["value"] for o in prop(region_list, "options")} == w.options[(user, requested)]
        origins = find(page_of(overview), "f-origin")
        assert origins is not None and len(prop(origins, "options")) > 1
        return None
    raise AssertionError(action)


CELLS = [(role, u, r, action) for role in ROLES for u in USERS for r in REQUESTED for action in ACTIONS]


@pytest.mark.parametrize("role, user, requested, action", CELLS,
                         ids=[f"{role}-{u}-sees-{r}-{a}" for role, u, r, a in CELLS])
def test_cell(world, role, user, requested, action):
    cell(world, role, USERS[user], REQUESTED[requested], action)


def test_the_matrix_has_both_kinds_of_cells(world):
    kinds = {allowed(USERS[u], REQUESTED[r], world) for _, u, r, _ in CELLS}
    assert kinds == {True, False}
    denied = [(u, r) for u in USERS for r in REQUESTED if not allowed(USERS[u], REQUESTED[r], world)]
    assert sorted(denied) == sorted([("zunyi", "province"), ("zunyi", "nanming"), ("renhuai", "province"),
                                     ("renhuai", "zunyi"), ("renhuai", "nanming")])


# ------------------------------------------------------------------ the cache never crosses users

def map_locations(page) -> list[str]:
    return list(find(page, "ov-map")["props"]["figure"]["data"][0]["locations"])


@pytest.mark.parametrize("first", ["province", "renhuai"])
def test_two_users_with_identical_requests_get_their_own_answers(world, first):
    """The view cache is keyed by region, not user: what a grant adds (the map's neighbours, the
    breadcrumb, the region list) is drawn per request, so neither user gets the other's payload."""
    province = world.clients[("analyst", PROVINCE)]
    county = world.clients[("analyst", RENHUAI)]
    order = [province, county] if first == "province" else [county, province]
    search = "?from=2022-01-01&to=2022-12-31"  # a period no other test asks for: a cold cache
    same_region = {}
    for client in order:
        same_region[client] = client.post(UPDATE, json=router_payload(f"/region/{RENHUAI}", search))
    home = {client: client.post(UPDATE, json=router_payload("/", search)) for client in order}
    chains = {client: client.post(UPDATE, json=router_payload("/chains", f"?region={RENHUAI}")) for client in order}

    p, c = page_of(same_region[province]), page_of(same_region[county])
    assert kpi_value(p, "kpi-projects") == kpi_value(c, "kpi-projects")  # one region, one set of figures
    assert map_locations(c) == [str(RENHUAI)]
    assert len(map_locations(p)) > 1  # the province's analyst sees 仁怀市 among its neighbours
    neighbours = [n for n in ("汇川区", "红花岗区", "习水县") if n in body_text(same_region[province])]
    assert neighbours and not [n for n in neighbours if n in body_text(same_region[county])]
    assert find(c, "ov-region-hrefs")["props"]["data"] == {}
    assert "贵州省" not in text_of(find(c, "breadcrumb")) and "贵州省" in text_of(find(p, "breadcrumb"))

    assert text_of(find(page_of(home[province]), "ov-title")) == "贵州省 · 招商引资总览"
    assert text_of(find(page_of(home[county]), "ov-title")) == "仁怀市 · 招商引资总览"

    county_options = {o["value"] for o in prop(find(page_of(chains[county]), "ch-region"), "options")}
    province_options = {o["value"] for o in prop(find(page_of(chains[province]), "ch-region"), "options")}
    assert county_options == {RENHUAI} and len(province_options) > 10


def test_a_forged_drawn_view_gets_no_foreign_panels(world):
    """The panels' callback names its region in a store the browser holds: a county user who
    forges it for the region another user has just had drawn gets nothing of it."""
    province = world.clients[("analyst", PROVINCE)]
    county = world.clients[("viewer", RENHUAI)]
    view = {"adcode": NANMING, "search": OV_SEARCH}
    assert province.post(UPDATE, json=panels_payload(world.cockpit.app, view, {"adcode": PROVINCE,
                                                                            "search": OV_SEARCH})).status_code == 200
    forged = county.post(UPDATE, json=panels_payload(world.cockpit.app, view, {"adcode": RENHUAI,
                                                                            "search": OV_SEARCH}))
    assert forged.status_code in (204, 401, 403)
    assert_nothing_of(world, NANMING, forged, user=RENHUAI)
