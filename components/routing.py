"""How pages meet Dash's page router: the URL a layout was asked for, and redrawing in place.

A page on screen holds a store of the MOUNTED pattern; app.py hands the router those stores
(`routing_callback_inputs`), so a page's layout can tell that it is already on screen and
answer "no change": its own Location then fires its redraw callback, which sends new values to
the components in place (graphs re-plot, nothing is torn down). A first load, a copied link or
another page's link renders the layout in full.
"""
from __future__ import annotations

from urllib.parse import urlencode

import dash
from dash import dcc

MOUNTED = "mounted-page"

# A click on a map's region goes where the server said it leads (a store of hrefs by adcode):
# the browser builds no URL, and a click on the region on screen changes nothing.
MAP_DRILL_JS = """
function (click, hrefs) {
    const nu = window.dash_clientside.no_update;
    const point = click && click.points && click.points[0];
    const target = point && hrefs && hrefs[String(point.location)];
    if (!target) { return nu; }
    return target === window.location.pathname + window.location.search ? nu : target;
}
"""


def mounted_store(page: str) -> dcc.Store:
    return dcc.Store(id={"role": MOUNTED, "page": page}, data=page)


def is_mounted(drawn_view, page: str) -> bool:
    """Whether the router found this page on screen (`drawn_view`: the MOUNTED stores' data)."""
    return isinstance(drawn_view, list) and page in drawn_view


def router_url(fallback_path: str, query: dict) -> tuple[str, str]:
    """(pathname, search) of the URL the router was asked to render.

    Read from the router's request, because its keyword arguments merge the path's variables
    with the query's keys (a query key could pose as a path variable). Outside a router request
    (a layout called directly) they are rebuilt from the page's path and its query arguments.
    """
    try:
        inputs = dash.ctx.inputs
    except Exception:  # noqa: BLE001 - no callback context
        inputs = {}
    # The router's only inputs are its Location's pathname and search.
    values = {key.rsplit(".", 1)[-1]: value for key, value in inputs.items()}
    if isinstance(values.get("pathname"), str):
        search = values.get("search")
        return values["pathname"], search if isinstance(search, str) else ""
    flat = {k: v[0] if isinstance(v, list) else v for k, v in query.items()}
    return fallback_path, ("?" + urlencode(flat)) if flat else ""


# Sent by assets/wall.js with every Dash request of a page in wall mode (?wall=1).
WALL_HEADER = "X-Cockpit-Wall"


def is_wall(wall=None) -> bool:
    """Whether the view is drawn for a wall: its URL's `wall` key (a layout's keyword argument)
    is 1, or the request comes from a page in wall mode. Only the look depends on it: what may
    be seen is decided by the session alone."""
    if str(wall).strip() == "1":
        return True
    import flask

    return flask.has_request_context() and flask.request.headers.get(WALL_HEADER) == "1"


def screen_scale(wall=None) -> float:
    """Text scale for the viewer's screen, reported by assets/viewport.js in a cookie.

    1 in wall mode: a wall's page is laid out on a logical canvas of 1080 units' height that
    assets/wall.js scales to the screen as a whole, so figures are drawn in canvas units (the
    screen's real width would scale them twice).
    """
    import flask

    from .theme import screen_scale as scale_of

    if not flask.has_request_context() or is_wall(wall):
        return 1.0
    return scale_of(flask.request.cookies.get("cockpit_vw"))
