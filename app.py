"""The Guizhou investment-promotion cockpit (贵州省招商引资驾驶舱): a Dash multi-page app.

    python app.py                    the newcomer's cockpit: upgrades the schema, fills an empty
                                     database with demo data, serves http://127.0.0.1:8050
    gunicorn app:server              a WSGI deployment (`server` is made on first access)
    flask --app app db upgrade       the deploy step that brings the schema to this version

`create_app(settings)` builds the whole app from one Settings object; importing this module
does nothing else. A worker checks the schema when it starts (data_access/schema.prepare):
an empty database is initialised by one worker under a lock, one whose schema is behind is
refused with the command above.
"""
from __future__ import annotations

import hashlib
import logging
import threading
from pathlib import Path

import click
import dash
import flask
import flask_bootstrap
from dash import ALL, ClientsideFunction, Dash, Input, Output, State
from flask import Flask, abort, jsonify, request, send_from_directory
from flask.cli import with_appcontext
from flask_caching import Cache
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

import access
import imports_cli
from auth import init_auth
from auth import cli as auth_cli
from auth.limits import LIMITED_TEXT, init_limits, is_limited
from auth.routes import logout_token
from auth.secret import secret_for
from components.panels import message
from components.plotly_bundle import installed_bundle
from components.routing import MOUNTED
from components.shell import APP_ERROR, GRID_WARMUP, UserBadge, header, shell
from data_access import schema
from data_access.db import get_engine, is_read_only, is_timeout, require_database, set_statement_timeout, sqlite_file
from settings import INSTANCE_DIR, Settings
from views.catalog import read_catalog
from views.prewarm import prewarm
from views.runtime import EXTENSION, Runtime, current
from web import init_web

ROOT = Path(__file__).resolve().parent
# Bootstrap 5 and its icons come from the installed bootstrap-flask package: served locally,
# because the intranet has no CDN, and not copied into this repository.
VENDOR_DIR = Path(flask_bootstrap.__file__).resolve().parent / "static" / "bootstrap5" / "css"
VENDOR_SUFFIXES = {".css", ".woff", ".woff2"}
# Pages tell the router they are on screen with a store of this id pattern (components/routing.py).
MOUNTED_PAGES = State({"role": MOUNTED, "page": ALL}, "data")

INDEX = """<!DOCTYPE html>
<html lang="zh-CN" data-bs-theme="dark">
<head>{%metas%}<title>{%title%}</title>{%favicon%}{%css%}
{plotly_preload}
<link rel="preload" as="script" href="{prefix}_dash-component-suites/dash/dcc/async-graph.js">
<link rel="preload" as="fetch" crossorigin="anonymous" href="{prefix}assets/geo/guizhou-cities.geojson">
<link rel="preload" as="fetch" crossorigin="anonymous" href="{prefix}assets/topojson/world_110m.json">
<link rel="prefetch" as="script" href="{prefix}_dash-component-suites/dash_ag_grid/async-community.js">
</head>
<body>{%app_entry%}<footer>{%config%}{%scripts%}{%renderer%}</footer></body>
</html>"""

log = logging.getLogger("cockpit")


def create_app(settings: Settings | None = None) -> Flask:
    """The cockpit's Flask server with the Dash app on it; raises SchemaError for a database that
    cannot be served as it is (the message names the command that fixes it)."""
    settings = settings or Settings.from_env()
    runtime = _runtime(settings)
    _refuse_missing(runtime.engine, settings)
    schema.prepare(runtime.engine, upgrade_behind=settings.auto_upgrade and not is_read_only(runtime.engine))
    # After the schema check: a migration run at start-up (COCKPIT_AUTO_UPGRADE) is not bound.
    set_statement_timeout(runtime.engine, settings.statement_timeout_ms)
    runtime.secret = secret_for(settings.secret_key, runtime.engine)
    server = runtime_server(runtime)
    dash_app = _dash_app(server, settings)
    init_auth(server, settings, runtime.secret)
    init_web(server)
    init_limits(server, settings)  # after init_auth: a request's budget is its actor's
    _routes(server, dash_app, settings)
    _warm_up(server)
    if settings.prewarm:
        threading.Thread(target=_prewarm, args=(server,), name="prewarm", daemon=True).start()
    return server


def runtime_server(runtime: Runtime) -> Flask:
    """A Flask app holding the runtime and the command-line groups (what `flask --app app` runs)."""
    server = Flask(__name__)
    server.config["MAX_CONTENT_LENGTH"] = runtime.settings.max_request_bytes
    runtime.cache.init_app(server, config=_cache_config(runtime.settings))
    server.extensions[EXTENSION] = runtime
    server.cli.add_command(db_cli)
    auth_cli.register(server)
    imports_cli.register(server)
    return server


def _refuse_missing(engine, settings: Settings) -> None:
    """Serving never creates a database (issue 16): a missing SQLite file or a server that does not
    answer stops the start with a message naming COCKPIT_DATABASE_URL, and so does an empty one
    unless COCKPIT_AUTO_UPGRADE lets the workers initialise it. `python app.py` (main) and
    `flask --app app db upgrade` are what make a database."""
    require_database(engine)
    if not settings.auto_upgrade and schema.state(engine) == "empty":
        where = engine.url.render_as_string(hide_password=True)
        raise schema.SchemaError(
            f"数据库 {where} 是空的（没有任何表）：请核对 COCKPIT_DATABASE_URL，或先运行 `{schema.UPGRADE_COMMAND}` 建立结构"
            f"（或设 COCKPIT_AUTO_UPGRADE=1）（the database is empty: run `{schema.UPGRADE_COMMAND}`）。")


def _runtime(settings: Settings) -> Runtime:
    if settings.database_url == Settings().database_url:
        INSTANCE_DIR.mkdir(exist_ok=True)  # the newcomer's embedded database lives here
    return Runtime(settings, get_engine(settings.database_url), Cache())


def _cache_config(settings: Settings) -> dict:
    # Several deployments may share one Redis: keys carry a digest of their database.
    digest = hashlib.sha256(settings.database_url.encode()).hexdigest()[:12]
    if settings.cache_redis_url:
        # A Redis that does not answer costs half a second, then views/runtime.SharedCache stops
        # asking it for a while (the OS's connect timeout would hold every request for minutes).
        config = {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": settings.cache_redis_url,
                  "CACHE_KEY_PREFIX": f"cockpit:{digest}:",
                  "CACHE_OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}}
    else:
        config = {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 2000}
    config["CACHE_DEFAULT_TIMEOUT"] = settings.cache_seconds
    return config


def _dash_app(server: Flask, settings: Settings) -> Dash:
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
        pages_folder="pages",
        assets_folder=str(ROOT / "assets"),
        external_stylesheets=["/vendor/bootstrap.min.css", "/vendor/font/bootstrap-icons.min.css"],
        title="贵州省招商引资驾驶舱",
        update_title=None,
        suppress_callback_exceptions=True,
        compress=True,
        health_endpoint="health",
        on_error=_callback_failed,
        # The router tells a page whether it is on screen already: it then keeps its components
        # and redraws them in place (components/routing.py).
        routing_callback_inputs={"drawn_view": MOUNTED_PAGES},
    )
    bundle = installed_bundle() if settings.plotly_bundle else None
    app.index_string, scripts = page_template(app.config.requests_pathname_prefix, bundle)
    app.config.external_scripts.extend(scripts)
    server.extensions["plotly_bundle"] = bundle
    server.extensions["dash_app"] = app
    app.layout = _layout
    app.clientside_callback(ClientsideFunction("cockpit_shell", "warmGrid"),
                            Output(GRID_WARMUP, "children"), Input("data-version", "data"))
    return app


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


def _layout():
    rt = current()
    catalog = read_catalog(rt)
    hrefs = {name: rt.urls.build(name) for name in ("overview", "chains", "warnings", "rankings", "definitions", "logout")}
    try:
        actor = access.actor_of_request()
    except access.Denied:
        # Only Dash's own set-up asks for the layout without an actor (auth/guard.py refuses
        # every request that has none): the frame without the user's part.
        actor = None
    user = None
    if actor is not None:
        if not actor.may("lists"):
            hrefs["search"] = ""  # project search is for analysts and up: no box a viewer cannot use
        if actor.may("import"):
            hrefs["data"] = rt.urls.build("data")
        if actor.may("admin"):
            hrefs["admin"] = rt.urls.build("admin_users")
        session_hash = flask.g.get("session_hash")
        user = UserBadge(name=actor.label or actor.name, role=access.ROLE_NAMES.get(actor.role, actor.role),
                         logout_token=logout_token(session_hash) if session_hash else None)
    return shell(header(catalog.cutoff, catalog.source, hrefs, user), dash.page_container,
                 data_version=rt.data_version(), grid_warmup=actor is not None and actor.may("lists"))


def _callback_failed(exc: Exception):
    """A callback that fails says so on the page; the browser gets no stack trace, the log does."""
    if is_limited(exc):  # over the actor's budget of new views (auth/limits.py): no stack trace
        log.warning("callback refused: %s", exc)
        dash.set_props(APP_ERROR, {"children": message(LIMITED_TEXT, tone="warning")})
        return None
    log.exception("callback failed: %s", exc)
    if is_timeout(exc):  # ended by COCKPIT_STATEMENT_TIMEOUT_MS, before the worker's own timeout
        text = "查询超时：数据暂时无法加载，请缩小筛选范围或稍后重试"
    elif isinstance(exc, (OperationalError, InterfaceError)):  # the database does not answer
        text = "数据暂不可用：数据库暂时无法访问，请稍后刷新重试"
    else:
        text = "数据暂时无法加载，请稍后刷新页面重试"
    dash.set_props(APP_ERROR, {"children": message(text, tone="warning")})
    return None  # Dash sends no update for the callback's outputs


def _routes(server: Flask, dash_app: Dash, settings: Settings) -> None:
    bundle = server.extensions["plotly_bundle"]

    @server.route("/vendor/<path:filename>")
    def vendor(filename: str):
        if Path(filename).suffix not in VENDOR_SUFFIXES:
            abort(404)
        return send_from_directory(VENDOR_DIR, filename, max_age=86400)

    @server.route("/plotly-bundle/<name>")
    def plotly_bundle(name: str):
        if bundle is None or name != bundle.name:
            abort(404)
        # Named by plotly.js version and trace list: a new bundle has a new name.
        return send_from_directory(bundle.parent, name, max_age=365 * 86400, mimetype="text/javascript")

    @server.route("/ready")
    def ready():
        """For a load balancer: 200 when the database answers with the current schema (and Redis
        answers, when configured); 503 with the reason otherwise. /health only says the process is up."""
        rt = current()
        checks: dict[str, str] = {}
        try:
            found = schema.state(rt.engine)
            checks["database"] = "ok" if found == "current" else f"schema {found}"
        except Exception as exc:  # noqa: BLE001 - any failure means not ready
            checks["database"] = f"unreachable: {type(exc).__name__}"
        if settings.cache_redis_url:
            try:
                rt.cache.ping()
                checks["redis"] = "ok"
            except Exception as exc:  # noqa: BLE001
                checks["redis"] = f"unreachable: {type(exc).__name__}"
        ok = all(v == "ok" for v in checks.values())
        return jsonify(status="ready" if ok else "not ready", checks=checks), 200 if ok else 503

    @server.route("/api/data-version")
    def data_version():
        """What an open screen polls to learn that the data changed (a few dozen bytes)."""
        rt = current()
        return jsonify(version=rt.data_version(), cutoff=read_catalog(rt).cutoff.isoformat())

    @server.errorhandler(Exception)
    def unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return exc
        if request.path.startswith("/_dash-component-suites/"):
            return jsonify(error="没有这个文件"), 404  # Dash raises for a file it does not serve
        if request.path.startswith(("/_dash-", "/api/")):
            # A request the cockpit's own pages never send (a body of the wrong shape): the
            # client's fault, said as such; the log keeps the details.
            log.warning("malformed request to %s: %r", request.path, exc)
            return jsonify(error="请求格式无效"), 400
        log.exception("unexpected error on %s", request.path)
        return "服务器内部错误，请稍后重试", 500


def _warm_up(server: Flask) -> None:
    # Dash moves the pages' callbacks onto an app at its first request; asking for them now
    # binds them to this app before another app of the process (the tests make several) could.
    with server.test_client() as client:
        client.get("/_dash-dependencies")


def _prewarm(server: Flask) -> None:
    with server.app_context():
        try:
            prewarm(current())
        except Exception:  # a cold cache is slower, never wrong: the cockpit must still serve
            log.exception("prewarming the view cache failed")


# ------------------------------------------------------------------ command line

@click.group("db", help="The database schema (a deploy step).")
def db_cli() -> None:
    pass


@db_cli.command("upgrade", help="Bring the schema to this version and load the master data.")
@with_appcontext
def db_upgrade() -> None:
    rt = current()
    where = rt.engine.url.render_as_string(hide_password=True)
    before = schema.state(rt.engine)
    with schema.schema_lock(rt.engine):
        schema.ensure_schema(rt.engine)
    click.echo(f"{where}: schema {before} → current ({schema.head_revision()})")


@db_cli.command("status", help="Say whether the schema is current.")
@with_appcontext
def db_status() -> None:
    path = sqlite_file(current().engine.url.render_as_string(hide_password=False))
    if path is not None and not path.is_file():
        click.echo(f"missing ({path.resolve()})")  # asking SQLite would create an empty file
        raise SystemExit(1)
    found = schema.state(current().engine)
    click.echo(found)
    if found != "current":
        raise SystemExit(1)


def __getattr__(name: str):
    """`server` for WSGI servers and `app` for the flask command, made on first access only."""
    if name == "server":
        globals()["server"] = made = create_app()
        return made
    if name == "app":
        # The flask command needs the runtime and the command groups, not the pages: it must work
        # on a database whose schema is behind (that is what `db upgrade` is for).
        settings = Settings.from_env()
        globals()["app"] = made = runtime_server(_runtime(settings))
        return made
    raise AttributeError(name)


def main() -> None:
    from data_access.demo import ensure_demo_database
    from data_access.schema import has_projects

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    settings = Settings.from_env(auto_upgrade=True)
    engine = _runtime(settings).engine
    if not is_read_only(engine):
        schema.prepare(engine, upgrade_behind=True)
        if not has_projects(engine):
            log.info("数据库为空，正在生成演示数据 (empty database: generating demo data) …")
            ensure_demo_database(settings.database_url)
    server = create_app(settings)
    # No version banner: the development server would name itself and Python's version.
    from werkzeug.serving import WSGIRequestHandler

    WSGIRequestHandler.server_version, WSGIRequestHandler.sys_version = "cockpit", ""
    log.info("贵州省招商引资驾驶舱: http://%s:%d/", settings.host, settings.port)
    server.run(host=settings.host, port=settings.port, debug=False, threaded=True)


if __name__ == "__main__":
    main()
