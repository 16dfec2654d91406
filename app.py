"""The Guizhou investment-promotion cockpit (贵州省招商引资驾驶舱): a Dash multi-page app.

`python app.py` serves it on http://127.0.0.1:8050, filling an empty database with demo data.
A WSGI server takes `app:server`; it upgrades the schema but never invents data.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

import dash
import flask_bootstrap
from dash import ALL, Dash, State, html
from flask import Flask, abort, send_from_directory

from components.plotly_bundle import installed_bundle
from components.shell import header
from pages.cache import init_cache
from pages.overview_view import MOUNTED
from data_access.db import get_engine
from data_access.queries import data_cutoff, dataset_source
from data_access.schema import ensure_schema

ROOT = Path(__file__).resolve().parent
# Bootstrap 5 and its icons come from the installed bootstrap-flask package: served locally,
# because the intranet has no CDN, and not copied into this repository.
VENDOR_DIR = Path(flask_bootstrap.__file__).resolve().parent / "static" / "bootstrap5" / "css"
VENDOR_SUFFIXES = {".css", ".woff", ".woff2"}

INDEX = """<!DOCTYPE html>
<html lang="zh-CN" data-bs-theme="dark">
<head>{%metas%}<title>{%title%}</title>{%favicon%}{%css%}
{plotly_preload}
<link rel="preload" as="script" href="{prefix}_dash-component-suites/dash/dcc/async-graph.js">
<link rel="preload" as="fetch" crossorigin="anonymous" href="{prefix}assets/geo/guizhou-cities.geojson">
<link rel="preload" as="fetch" crossorigin="anonymous" href="{prefix}assets/topojson/world_110m.json">
</head>
<body>{%app_entry%}<footer>{%config%}{%scripts%}{%renderer%}</footer></body>
</html>"""

log = logging.getLogger("cockpit")
# Only the trace types the cockpit draws, when built (components/plotly_bundle.py); else Dash's own.
PLOTLY_BUNDLE = installed_bundle() if os.environ.get("COCKPIT_PLOTLY_BUNDLE", "1") == "1" else None

ensure_schema(get_engine())

server = Flask(__name__)
# Boundaries are served as GeoJSON; flask-compress skips that type unless told (166 KB → 42 KB).
server.config["COMPRESS_MIMETYPES"] = [
    "text/html", "text/css", "text/plain", "text/javascript", "application/javascript",
    "application/json", "application/geo+json", "image/svg+xml",
]
# Assets are streamed responses; gzip is what every browser and the tests' clients accept.
server.config["COMPRESS_ALGORITHM_STREAMING"] = ["gzip", "deflate"]

app = Dash(
    __name__,
    server=server,
    use_pages=True,
    pages_folder=str(ROOT / "pages"),
    assets_folder=str(ROOT / "assets"),
    external_stylesheets=["/vendor/bootstrap.min.css", "/vendor/font/bootstrap-icons.min.css"],
    title="贵州省招商引资驾驶舱",
    update_title=None,
    suppress_callback_exceptions=True,
    compress=True,
    health_endpoint="health",
    # The router tells a page whether it is on screen already (an empty list when not): the
    # overview then keeps its components and redraws them in place (pages/overview.py).
    routing_callback_inputs={"drawn_view": State({**MOUNTED, "page": ALL}, "data")},
)


def page_template(prefix: str, bundle: Path | None) -> tuple[str, list[str]]:
    """The index page and the extra scripts it loads, with or without the cockpit's plotly bundle.

    The map's borders are requested only once plotly draws it, and Dash's plotly.js only once
    the first graph mounts; preloading them overlaps their download with the app's start-up. The
    cockpit's own bundle is a script of the page instead: it sets window.Plotly before any graph
    mounts, and dcc.Graph then never asks for Dash's.
    """
    if bundle:
        preload, scripts = "", [f"{prefix}plotly-bundle/{bundle.name}"]
    else:
        preload = f'<link rel="preload" as="script" href="{prefix}_dash-component-suites/plotly/package_data/plotly.min.js">'
        scripts = []
    return INDEX.replace("{plotly_preload}", preload).replace("{prefix}", prefix), scripts


app.index_string, _scripts = page_template(app.config.requests_pathname_prefix, PLOTLY_BUNDLE)
app.config.external_scripts.extend(_scripts)
init_cache(server)


def _prewarm() -> None:
    from data_access.config import database_url
    from data_access.schema import has_projects
    from pages import chains_data, overview_data

    with server.app_context():
        try:
            if has_projects(get_engine()):
                started = time.perf_counter()
                n = overview_data.prewarm(database_url()) + chains_data.prewarm(database_url())
                log.info("prewarmed %d default views in %.1f s", n, time.perf_counter() - started)
        except Exception:  # a cold cache is slower, never wrong: the cockpit must still start
            log.exception("prewarming the view cache failed")


def start_prewarm() -> None:
    if os.environ.get("COCKPIT_PREWARM", "1") == "1":
        threading.Thread(target=_prewarm, name="prewarm", daemon=True).start()


start_prewarm()


@server.route("/vendor/<path:filename>")
def vendor(filename: str):
    if Path(filename).suffix not in VENDOR_SUFFIXES:
        abort(404)
    return send_from_directory(VENDOR_DIR, filename, max_age=86400)


@server.route("/plotly-bundle/<name>")
def plotly_bundle(name: str):
    if PLOTLY_BUNDLE is None or name != PLOTLY_BUNDLE.name:
        abort(404)
    # Named by plotly.js version and trace list: a new bundle has a new name.
    return send_from_directory(PLOTLY_BUNDLE.parent, name, max_age=365 * 86400, mimetype="text/javascript")


def layout():
    engine = get_engine()
    return html.Div(
        [header(data_cutoff(engine), dataset_source(engine)), html.Main(dash.page_container, className="cockpit-main")],
        className="cockpit",
    )


app.layout = layout


def main() -> None:
    from data_access.demo import ensure_demo_database
    from data_access.schema import has_projects

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if not has_projects(get_engine()):
        log.info("数据库为空，正在生成演示数据 (empty database: generating demo data) …")
        ensure_demo_database()
        start_prewarm()
    host = os.environ.get("COCKPIT_HOST", "127.0.0.1")
    port = int(os.environ.get("COCKPIT_PORT", "8050"))
    log.info("贵州省招商引资驾驶舱: http://%s:%d/", host, port)
    app.run(host=host, port=port, debug=False)


if __name__ == "__main__":
    main()
