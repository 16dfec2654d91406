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
from dash import Dash, html
from flask import Flask, abort, send_from_directory

from components.shell import header
from pages.cache import init_cache
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
<link rel="preload" as="script" href="{prefix}_dash-component-suites/plotly/package_data/plotly.min.js">
<link rel="preload" as="script" href="{prefix}_dash-component-suites/dash/dcc/async-graph.js">
<link rel="preload" as="fetch" crossorigin="anonymous" href="{prefix}assets/geo/guizhou-cities.geojson">
<link rel="preload" as="fetch" crossorigin="anonymous" href="{prefix}assets/topojson/world_110m.json">
</head>
<body>{%app_entry%}<footer>{%config%}{%scripts%}{%renderer%}</footer></body>
</html>"""

log = logging.getLogger("cockpit")

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
)
# plotly.js (1.4 MB gzipped) is requested only once the first graph mounts, and the map's borders
# only once plotly draws it; preloading both overlaps their download with the app's start-up.
app.index_string = INDEX.replace("{prefix}", app.config.requests_pathname_prefix)
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
