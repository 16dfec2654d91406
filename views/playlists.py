"""What a wall plays (issue 13): a playlist's states as this actor may see them.

A state is a cockpit view URL (the URL grammar decides what is one) with a dwell time. Items are
stored without the wall key and get `wall=1` at play time. Which items an actor gets is decided
here, on the server, from its grant: a state of a region outside it, or of a list its role may not
open, is left out, never sent to the browser to hide. The built-in default playlist is computed
from the data at play time unless a playlist named "default" is stored.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import access
from data_access import playlists as store
from data_access.playlists import DEFAULT_NAME, Item, PlaylistError, StoredPlaylist
from data_access.scope import UnknownRegion
from data_access.vocab import PROVINCE_ADCODE
from urls.routes import ROUTES, WALL_KEY, Urls

from .runtime import Runtime

# The cockpit's views a wall may show; sign-in, admin, data and export routes never.
VIEW_ROUTES = ("overview", "region", "chains", "projects", "warnings", "rankings", "project")
# Views that need more than a viewer's figures (access.PERMISSIONS).
NEEDS = {"projects": "lists", "project": "lists"}
ROUTE_NAMES = "总览、地区总览、产业链图谱、项目清单、预警、考核排名或项目档案"
DEFAULT_TITLE = "默认播放列表"


@dataclass(frozen=True)
class State:
    """One slide as the player gets it: the view's URL with wall=1, its dwell and label."""
    url: str
    dwell_seconds: int
    label: str
    route: str


@dataclass(frozen=True)
class Playable:
    name: str
    title: str
    states: tuple[State, ...]
    builtin: bool = False
    skipped: int = 0  # items left out for this actor


# ------------------------------------------------------------------ item URLs

def normalise(urls: Urls, text) -> str:
    """The stored form of an item's URL: a cockpit view's path and query as the grammar writes
    them, without the wall key. PlaylistError (Chinese) for anything else."""
    raw = str(text or "").strip()
    if not raw:
        raise PlaylistError("地址不能为空")
    parts = urlsplit(raw)
    if parts.scheme:
        # A link copied from the address bar: keep its path and query, never another scheme.
        if parts.scheme not in ("http", "https"):
            raise PlaylistError("地址须为驾驶舱页面的链接（http/https 或以 / 开头的路径）")
    elif not raw.startswith("/") or raw.startswith("//"):
        raise PlaylistError("地址须以 / 开头，如总览 / 或某地区总览的路径")
    location = urls.parse(parts.path, "?" + parts.query)
    if location.route not in VIEW_ROUTES:
        raise PlaylistError(f"地址不是驾驶舱的页面（须为{ROUTE_NAMES}）")
    if location.problems:
        raise PlaylistError(location.problems[0])
    keys = ROUTES[location.route][1]
    unknown = sorted(set(location.query) - set(keys))
    if unknown:
        raise PlaylistError(f"参数“{unknown[0][:20]}”不适用于该页面")
    query = {k: v for k, v in location.query.items() if k != WALL_KEY}
    return urls.build(location.route, query, **location.args)


def check_items(rt: Runtime, rows: list[dict]) -> list[Item]:
    """Items from an editor's rows ({url, dwell, label}): URLs normalised, regions known.
    PlaylistError naming the row of the first problem."""
    items = []
    for n, row in enumerate(rows, 1):
        try:
            url = normalise(rt.urls, row.get("url"))
            region = _region_of(rt.urls, url)
            if region is not None:
                rt.regions().get(region)
            dwell = store.check_dwell(row.get("dwell"))
        except UnknownRegion as exc:
            raise PlaylistError(f"第 {n} 项：{exc}") from None
        except PlaylistError as exc:
            raise PlaylistError(f"第 {n} 项：{exc}") from None
        items.append(Item(url, dwell, str(row.get("label") or "").strip() or None))
    return items


def _region_of(urls: Urls, url: str) -> str | None:
    """The region a stored URL names (None: the viewer's own region, which is always theirs)."""
    path, _, query = url.partition("?")
    return _region_arg(urls.parse(path, "?" + query))


def _region_arg(location) -> str | None:
    """The region a parsed view URL names, as written (None: the viewer's own)."""
    if location.route == "region":
        return location.args.get("adcode")
    if location.route in ("chains", "projects", "warnings", "rankings"):
        return location.query.get("region") or None
    return None


# ------------------------------------------------------------------ what an actor plays

def playable(rt: Runtime, grant: access.Grant, playlist: StoredPlaylist, *, builtin: bool = False) -> Playable:
    """The playlist's states this actor may see, in order, as URLs with wall=1."""
    urls = rt.urls
    located = []
    for item in playlist.items:
        path, _, query = item.url.partition("?")
        location = urls.parse(path, "?" + query)
        if location.route not in VIEW_ROUTES or location.problems:
            continue
        located.append((item, location))
    codes = [loc.args["code"] for _, loc in located if loc.route == "project"]
    counties = {}
    if codes:
        with rt.engine.connect() as conn:
            counties = store.project_counties(conn, codes)
    states = []
    for item, location in located:
        if not _allowed(rt, grant, location, counties):
            continue
        query = {k: v for k, v in location.query.items() if k in ROUTES[location.route][1] and k != WALL_KEY}
        url = urls.build(location.route, {**query, WALL_KEY: "1"}, **location.args)
        states.append(State(url, item.dwell_seconds, item.label or "", location.route))
    return Playable(playlist.name, playlist.title, tuple(states), builtin, len(playlist.items) - len(states))


def _allowed(rt: Runtime, grant: access.Grant, location, counties: dict[str, int]) -> bool:
    need = NEEDS.get(location.route)
    if need and not grant.actor.may(need):
        return False
    if location.route == "project":
        county = counties.get(location.args["code"])
        return county is not None and grant.allows(county)
    region = _region_arg(location)
    if region is None:
        return True  # the overview at / (or no region key) is the viewer's own region
    try:
        return grant.allows(rt.regions().get(region).adcode)
    except UnknownRegion:
        return False


def builtin_default(rt: Runtime, grant: access.Grant) -> StoredPlaylist:
    """The default playlist of the actor's region, from the data as it is now: the overview, the three
    regions below with the largest contract value this year, the 签约未开工 projects (for a role that
    may open lists; a viewer gets the 签约未开工 warnings instead), the ten-chain atlas, the warnings."""
    urls = rt.urls
    root = grant.root
    region = None if root.adcode == PROVINCE_ADCODE else root.adcode
    top = rt.cached("wall-top-regions", (root.adcode,),
                    lambda: store.top_children_by_contract(rt.engine, root, 3))
    names = rt.regions().regions
    items = [Item(urls.overview(root.adcode), 30, f"{root.name}总览")]
    items += [Item(urls.overview(code), 20, f"{names[code].name}（合同投资额第 {n} 名）")
              for n, code in enumerate(top, 1)]
    if grant.actor.may("lists"):
        items.append(Item(urls.build("projects", {"region": root.adcode, "entry": "stalled"}), 20, "签约未开工项目"))
    else:
        items.append(Item(urls.build("warnings", {"region": region, "rule": "stall"}), 20, "签约未开工预警"))
    items.append(Item(urls.build("chains", {"region": region}), 30, "十大产业链图谱"))
    items.append(Item(urls.build("warnings", {"region": region}), 20, "预警"))
    return StoredPlaylist(DEFAULT_NAME, DEFAULT_TITLE, tuple(items))


def resolve(rt: Runtime, grant: access.Grant, name: str | None) -> Playable | None:
    """The playlist of that name as this actor plays it (None or "default": the stored default, else
    the built-in one); None for an unknown name."""
    name = name or DEFAULT_NAME
    with rt.engine.connect() as conn:
        stored = store.get_playlist(conn, name)
    if stored is not None:
        return playable(rt, grant, stored)
    if name == DEFAULT_NAME:
        return playable(rt, grant, builtin_default(rt, grant), builtin=True)
    return None


def single(rt: Runtime, grant: access.Grant, url: str, dwell_seconds: int = 3600) -> Playable:
    """One view as a playlist of one state (a wall URL opened directly)."""
    try:
        stored = normalise(rt.urls, url)
    except PlaylistError:
        return Playable("", "", ())
    return playable(rt, grant, StoredPlaylist("", "", (Item(stored, dwell_seconds),)))
