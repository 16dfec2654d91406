"""The wall player (issue 13): /wall, /wall/<playlist>, and any cockpit view opened with wall=1.

The player is a plain page holding two same-origin iframes (double buffer) and its script: the
next state is drawn in the hidden frame and shown only once it is drawn. Everything it needs
(the states as URLs built by the URL grammar, dwell times, idle time, poll period, the data
version's URL) is written into the page here, for the actor of the request: states outside its
region, or lists its role may not open, are never sent. A display token's screen plays the
playlist bound to it.

Browsers say what a request is for (Sec-Fetch-Dest): a view URL with wall=1 asked for as a
top-level document gets the player holding that one state; the player's own frames ask as
"iframe" and get the page itself (its wall mode). A client that sends no such header gets the
page too: wall mode without double buffering.
"""
from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from flask import Blueprint, abort, g, make_response, redirect, render_template, request, send_file

import access
from data_access.playlists import DEFAULT_NAME, NAME
from urls.routes import ROUTES, WALL_KEY
from views import playlists
from views.runtime import current

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static" / "wall"
blueprint = Blueprint("wall", __name__, template_folder="templates")
READY_TIMEOUT_MS = 30_000   # a state not drawn by then is given up for now; the shown one stays
QUIET_MS = 400              # a drawn frame must stay unchanged this long before it is shown
RELOAD_HOUR = 3             # the nightly reload of a screen left on, local time


def _versioned() -> dict[str, tuple[str, Path]]:
    """player.js and player.css under names that carry their content's digest: cached for a year,
    and a new release has new names."""
    out = {}
    for path in sorted(STATIC.glob("player.*")):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
        out[path.suffix] = (f"player-{digest}{path.suffix}", path)
    return out


FILES = _versioned()
_BY_NAME = {name: path for name, path in FILES.values()}


@blueprint.get("/wall/static/<name>")
def static_file(name: str):
    path = _BY_NAME.get(name)
    if path is None:
        abort(404)
    response = send_file(path, mimetype="text/javascript" if path.suffix == ".js" else "text/css",
                         max_age=365 * 86400)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@blueprint.get(ROUTES["wall"][0])
def default_wall():
    return _play(None)


@blueprint.get(ROUTES["playlist"][0])
def named_wall(playlist: str):
    if not NAME.fullmatch(playlist):  # never a query for a name no playlist can have
        return _message("没有这个播放列表", f"播放列表“{playlist[:64]}”不存在，请检查地址或联系系统管理员。", 404)
    return _play(playlist)


@blueprint.before_app_request
def wall_document():
    """A cockpit view with wall=1 opened as a page of its own (not in a frame): the player, holding it."""
    if request.method != "GET" or request.headers.get("Sec-Fetch-Dest") != "document":
        return None
    if request.args.get(WALL_KEY) != "1" or g.get("actor") is None:
        return None
    rt = current()
    location = rt.urls.parse(request.path, "?" + request.query_string.decode("utf-8", "replace"))
    if location.route not in playlists.VIEW_ROUTES:
        return None
    try:
        grant = rt.grant()
    except access.Denied:
        return None  # the page says why
    played = playlists.single(rt, grant, request.full_path)
    if not played.states:
        return None  # outside the actor's scope or not a view it may open: the page refuses it itself
    return _player(rt, played)


def _play(name: str | None):
    rt = current()
    try:
        grant = rt.grant()
    except access.Denied as exc:
        return _message("无权播放", str(exc), 403)
    actor = grant.actor
    if actor.kind == "display":
        own = actor.playlist or DEFAULT_NAME
        if (name or DEFAULT_NAME) != own:
            # A screen plays the playlist bound to its token, whatever it asks for.
            return redirect(rt.urls.build("wall") if own == DEFAULT_NAME else rt.urls.build("playlist", playlist=own))
    played = playlists.resolve(rt, grant, name)
    if played is None and actor.kind == "display":
        log.warning("display token %s is bound to the missing playlist %r: playing the default", actor.name, name)
        played = playlists.resolve(rt, grant, None)
    if played is None:
        return _message("没有这个播放列表", f"播放列表“{name}”不存在，请检查地址或联系系统管理员。", 404)
    if not played.states:
        return _message("没有可播放的页面", "该播放列表中没有本账号可以查看的页面（地区或权限不符）。", 200)
    return _player(rt, played)


def _player(rt, played: playlists.Playable):
    settings = rt.settings
    config = {
        "name": played.name,
        "title": played.title,
        "states": [{"url": s.url, "dwell": s.dwell_seconds, "label": s.label} for s in played.states],
        "idleMs": int(settings.wall_idle_seconds * 1000),
        "pollMs": max(500, int(settings.wall_poll_seconds * 1000)),
        "versionUrl": rt.urls.prefix + "api/data-version",
        "version": rt.data_version(),
        "readyTimeoutMs": READY_TIMEOUT_MS,
        "quietMs": QUIET_MS,
        "reloadHour": RELOAD_HOUR,
    }
    # A JSON data block, not a script: the CSP runs no inline code, and "<" cannot end the block.
    text = json.dumps(config, ensure_ascii=False).replace("<", "\\u003c")
    body = render_template("wall/player.html", config=text, title=played.title or "大屏",
                           js=rt.urls.prefix + "wall/static/" + FILES[".js"][0],
                           css=rt.urls.prefix + "wall/static/" + FILES[".css"][0])
    response = make_response(body, 200)
    response.headers["Cache-Control"] = "no-store"
    return response


def _message(title: str, text: str, status: int):
    body = render_template("wall/message.html", title=title, text=text,
                           css=current().urls.prefix + "wall/static/" + FILES[".css"][0])
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    return response
