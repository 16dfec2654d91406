"""Downloads of briefing files: who may have which, in which scope, how many at once, audited.

The region and filters arrive in the query string like an overview link's; the scope comes from
the session (views.runtime.Runtime.grant), so a county user who edits the URL to another region
gets 403 and nothing else.

Every route answers a GET with the file itself (a link opened directly, a script) and a POST from
the export menu (assets/export_links.js, header X-Export-Job: 1) with a background job
(web/jobs.py): the request is checked the same way first, then the file is made in a thread
while the page shows its progress, and downloaded with its file name when done.
"""
from __future__ import annotations

import io
import logging
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

from dataclasses import replace

from flask import Blueprint, jsonify, request, send_file

import access
from auth.credentials import digest, new_token
from auth.guard import COOKIE, audit
from data_access import accounts
from data_access import chains as chain_data
from data_access.scope import UnknownRegion
from data_access.warnings import LIGHT_LABELS, RULE_LABELS
from exports.briefing import briefing_of
from exports.deck import build_deck
from exports import tables
from exports.screen import RenderFailed, element_png, render
from exports.sheets import Column, csv_bytes, xlsx
from urls import ROUTES, chain_state
from views.catalog import read_catalog
from views.chains import read_chain_view
from views.rankings import rankings_place, read_rankings
from views.details import list_count, list_place, list_rows
from views.warnings import read_warnings, warning_rows, warnings_place
from views.overview import overview_place, read_overview
from views.runtime import current

from . import jobs

log = logging.getLogger(__name__)
blueprint = Blueprint("exports", __name__)
# The jobs' status and file routes: a blueprint of their own, outside the exports' rate limit
# (auth/limits.py counts the exports themselves; a page polls a job's state twice a second).
blueprint.record_once(lambda state: state.app.register_blueprint(jobs.blueprint))
GET_POST = ["GET", "POST"]
JOB_HEADER = "X-Export-Job"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
# The views a screen export may show: the cockpit's pages, never sign-in, admin or another export.
SCREEN_ROUTES = {"overview", "region", "chains", "warnings", "rankings", "projects", "project", "definitions"}
# Browsers one worker runs at once, whoever asks (each takes ~150 MB).
RENDERS = threading.BoundedSemaphore(2)
# Renders one user may run at once in a worker (a second tab, an impatient double click).
PER_USER = 2
_running: dict[str, int] = {}
_lock = threading.Lock()


class Busy(Exception):
    pass


def _take(user: str) -> None:
    with _lock:
        if _running.get(user, 0) >= PER_USER:
            raise Busy
        _running[user] = _running.get(user, 0) + 1


def _give(user: str) -> None:
    with _lock:
        _running[user] -= 1


@contextmanager
def _slot(user: str):
    _take(user)
    try:
        yield
    finally:
        _give(user)


def _deliver(owner: str, what: str, make):
    """make(job) -> (body, file name, mimetype). A POST from the export menu: a background job
    (202 with its status link); a GET: the file now. Either way at most PER_USER at once per user."""
    if request.method == "POST":
        if request.headers.get(JOB_HEADER) != "1":
            return _plain("导出参数无效", 400)
        try:
            _take(owner)
        except Busy:
            return _plain(f"您已有 {PER_USER} 个导出正在进行，请等其完成后再试", 429)

        def work(job):
            try:
                return make(job)
            except Busy:
                raise jobs.JobFailed("导出任务繁忙，请稍后再试") from None
            except RenderFailed as exc:
                log.warning("export failed: %s", exc.__cause__ or exc)
                raise jobs.JobFailed(str(exc)) from None
            finally:
                _give(owner)

        try:
            job_id = jobs.start(owner, what, work)
        except Exception:  # noqa: BLE001 - the job store is down: say so, keep the slot free
            _give(owner)
            log.exception("export job could not start")
            return _plain("导出服务暂不可用，请稍后再试", 503)
        urls = current().urls
        return jsonify({"job": job_id, "status": urls.build("export_job", job=job_id), "state": jobs.QUEUED}), 202
    try:
        with _slot(owner):
            body, name, mimetype = make(jobs.NO_JOB)
    except Busy:
        return _plain("导出任务繁忙，请稍后再试", 429)
    except RenderFailed as exc:
        log.warning("export failed: %s", exc.__cause__ or exc)
        return _plain(str(exc), 503)
    return send_file(io.BytesIO(body), mimetype=mimetype, as_attachment=True, download_name=name)


@contextmanager
def _renderer_session(rt, actor, job=None):
    """A session of the actor's own for the server's browser, ended when the render is done: the
    render sees what this user sees, and no cookie of the user's leaves the request."""
    job = job or jobs.NO_JOB
    job.queued()
    # A download waiting in its request gives up after 20 s; a background job may wait its turn.
    if not RENDERS.acquire(timeout=20 if job is jobs.NO_JOB else 120):
        raise Busy
    job.running()
    token = new_token()
    try:
        with rt.engine.begin() as conn:
            accounts.start_session(conn, digest(token), user_id=actor.user_id, address="export-renderer")
        yield token
    finally:
        RENDERS.release()
        with rt.engine.begin() as conn:
            accounts.end_session(conn, digest(token))


def _plain(text: str, status: int):
    return text, status, {"Content-Type": "text/plain; charset=utf-8"}


def filters_text(place) -> str:
    words = filter_words(place.filters)
    return "" if words == "无" else words


def _map_image(rt, actor, view: str, job=None) -> bytes | None:
    """The overview's map as the user sees it, or None (no browser here): the deck goes without."""
    if actor.user_id is None:
        return None
    try:
        with _renderer_session(rt, actor, job) as token:
            return element_png(request.host_url.rstrip("/") + view, "#ov-map", cookie_name=COOKIE, cookie_value=token,
                               chromium=rt.settings.chromium)
    except (RenderFailed, Busy) as exc:
        log.warning("deck without its map: %s", exc.__cause__ or exc)
        return None


@blueprint.route(ROUTES["export_deck"][0], methods=GET_POST)
def deck():
    rt = current()
    try:
        grant = rt.grant(require="export")
        region = request.args.get("region") or None
        scope = grant.scope(region)  # Denied outside the grant, UnknownRegion for no region
    except access.Denied as exc:
        return _plain(f"无权导出：{exc}", 403)
    except UnknownRegion:
        return _plain("没有这个地区", 404)
    query = {k: v for k, v in request.args.items() if k in ROUTES["overview"][1] and k != "wall"}
    path = rt.urls.overview(scope.adcode)
    place = overview_place(rt, path, "?" + urlencode(query) if query else "")
    user = grant.actor.label or grant.actor.name
    with_map = request.args.get("map") != "0"

    def make(job):
        job.running()
        data = read_overview(rt, place.scope, place.filters)
        links = rt.cached("deck_links", (place.scope, place.filters),
                          lambda: chain_data.link_coverage(rt.engine, place.scope, place.filters))
        made_at = datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(hours=8)
        map_png = _map_image(rt, grant.actor, path + (place.search or ""), job) if with_map else None
        job.running()
        briefing = briefing_of(data, links, region=place.scope.name, filters_text=filters_text(place),
                               user=user, made_at=made_at, map_png=map_png)
        body = build_deck(briefing)
        audit(rt, actor=grant.actor.name, action="export", region=place.scope.adcode, target="汇报材料 PPTX",
              detail=place.search or "默认期间")
        return body, f"招商引资汇报_{place.scope.name}_{briefing.period.replace(' 至 ', '至')}.pptx", PPTX

    return _deliver(grant.actor.name, "汇报材料 PPTX", make)


@blueprint.route(ROUTES["export_screen"][0], methods=GET_POST)
def screen():
    """导出本屏: ?view=<the cockpit path and query>&format=png|pdf."""
    rt = current()
    try:
        grant = rt.grant(require="export")
    except access.Denied as exc:
        return _plain(f"无权导出：{exc}", 403)
    fmt = request.args.get("format", "png")
    view = request.args.get("view", "")
    if fmt not in ("png", "pdf") or not view.startswith("/") or view.startswith("//") or len(view) > 1000 \
            or any(c in view for c in "\r\n\\"):
        return _plain("导出参数无效", 400)
    path, _, query = view.partition("?")
    location = rt.urls.parse(path, "?" + query)
    if location.route not in SCREEN_ROUTES:
        return _plain("只能导出驾驶舱的页面", 400)
    try:
        if location.route in ("overview", "region"):
            place = overview_place(rt, path, "?" + query)
            region, period = place.scope, f"{place.filters.date_from or ''} 至 {place.filters.date_to or ''}"
            filters = filters_text(place) or "无"
        else:
            region = grant.scope(location.query.get("region"))
            period, filters = "", "、".join(f"{k}={v}" for k, v in location.query.items() if k != "region") or "无"
    except access.Denied as exc:
        return _plain(f"无权导出：{exc}", 403)
    except UnknownRegion:
        return _plain("没有这个地区", 404)
    if grant.actor.user_id is None:
        return _plain("该账号不能导出本屏", 403)
    user = grant.actor.label or grant.actor.name
    cutoff = read_catalog(rt).cutoff
    url = request.host_url.rstrip("/") + view

    def make(job):
        now = datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(hours=8)
        footer = (f"{region.name}" + (f" · 统计期间 {period}" if period.strip(" 至") else "") + f" · 筛选：{filters}"
                  f" · 数据截至 {cutoff} · 导出时间 {now:%Y-%m-%d %H:%M} · 导出人 {user}")
        with _renderer_session(rt, grant.actor, job) as token:
            body = render(url, cookie_name=COOKIE, cookie_value=token, footer=footer, pdf=fmt == "pdf",
                          chromium=rt.settings.chromium)
        audit(rt, actor=grant.actor.name, action="export", region=region.adcode, target=f"本屏 {fmt.upper()}",
              detail=view[:500])
        return (body, f"驾驶舱_{region.name}_{now:%Y%m%d-%H%M}.{fmt}",
                "image/png" if fmt == "png" else "application/pdf")

    return _deliver(grant.actor.name, f"本屏 {fmt.upper()}", make)


LIST_COLUMNS = [
    Column("code", "项目编号"), Column("name", "项目名称", width=40), Column("investor", "投资方", width=30), Column("county", "县(市、区)"),
    Column("park", "园区"), Column("industry", "行业"), Column("link", "产业链环节"), Column("channel", "招商方式"),
    Column("status", "项目状态"), Column("contract_yuan", "合同投资额（亿元）", "yuan"), Column("funds_yuan", "到位资金（亿元）", "yuan"),
    Column("signed_on", "签约日期", "date"), Column("started_on", "开工日期", "date"),
    Column("production_on", "投产日期", "date"), Column("unit", "责任单位"),
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def filter_words(f) -> str:
    """A period's project filters in words, as a file's header block states them."""
    return "；".join(x for x in (f.channel and f"招商方式：{f.channel}", f.origin and f"投资方所在地：{f.origin}",
                                f.industry and f"行业：{f.industry}") if x) or "无"


class Refused(Exception):
    """An export request answered with a refusal (`response`) instead of a file."""

    def __init__(self, response) -> None:
        super().__init__(response[0])
        self.response = response


def _table_view(place_of, *, lists_needed: bool):
    """(rt, grant, place, fmt, view) of a table export request; Refused with the answer otherwise."""
    rt = current()
    fmt = request.args.get("format", "xlsx")
    view = request.args.get("view", "")
    if fmt not in ("xlsx", "csv") or not view.startswith("/") or len(view) > 1000:
        raise Refused(_plain("导出参数无效", 400))
    path, _, query = view.partition("?")
    try:
        grant = rt.grant(require="export")
        if lists_needed:
            access.require(grant.actor, "lists")
        place = place_of(rt, path, "?" + query)
    except access.Denied as exc:
        raise Refused(_plain(f"无权导出：{exc}", 403)) from None
    except UnknownRegion as exc:
        raise Refused(_plain(str(exc) or "没有这个地区", 404)) from None
    return rt, grant, place, fmt, view


def _table_file(rt, grant, fmt: str, view: str, *, scope, title: str, what: tuple[str, str], period: str,
                filters, columns: list[Column], read_rows, stem: str, count_label: str = "项目数",
                count_rows=None):
    """The table as XLSX or CSV with its header block, audited, at most PER_USER at once per user.
    `filters`: a period's Filters, or the filters in words."""
    words = filters if isinstance(filters, str) else filter_words(filters)

    def make(job):
        job.running()
        # A long list is counted first, then read a batch at a time; a page's table is a list.
        count = count_rows() if count_rows else None
        rows = read_rows()
        count = len(rows) if count is None else count
        now = datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(hours=8)
        cutoff = read_catalog(rt).cutoff
        block = [("地区", scope.name), what, ("统计期间", period), ("筛选", words),
                 ("数据截至", str(cutoff)), (count_label, f"{count:,}"),
                 ("导出时间", f"{now:%Y-%m-%d %H:%M}（北京时间）"), ("导出人", grant.actor.label or grant.actor.name)]
        body = xlsx(title, block, columns, rows) if fmt == "xlsx" else csv_bytes(block, columns, rows)
        audit(rt, actor=grant.actor.name, action="export", region=scope.adcode,
              target=f"{stem} {fmt.upper()} {count}行", detail=view[:500])
        name = f"{stem}_{scope.name}_{what[1]}_{now:%Y%m%d}.{fmt}".replace("/", "_").replace(" ", "")
        return body, name, XLSX if fmt == "xlsx" else "text/csv; charset=utf-8"

    return _deliver(grant.actor.name, f"{stem} {fmt.upper()}", make)


@blueprint.route(ROUTES["export_list"][0], methods=GET_POST)
def project_list():
    """A drill-to-detail list as Excel or CSV: ?view=<the list's URL>&format=xlsx|csv."""
    try:
        rt, grant, place, fmt, view = _table_view(list_place, lists_needed=False)  # list_place requires 'lists'
    except Refused as refused:
        return refused.response
    f = place.state.filters
    return _table_file(rt, grant, fmt, view, scope=place.scope, title=f"{place.scope.name}{place.title}",
                       what=("清单", place.title), period=f"{f.date_from or ''} 至 {f.date_to or read_catalog(rt).cutoff}",
                       filters=f, columns=LIST_COLUMNS, read_rows=lambda: list_rows(rt, place),
                       count_rows=lambda: list_count(rt, place),
                       stem="项目清单")


WARNING_COLUMNS = [
    Column("light", "预警"), Column("code", "项目编号"), Column("name", "项目名称", width=40), Column("investor", "投资方", width=30),
    Column("county", "县(市、区)"), Column("industry", "行业"), Column("contract_yuan", "合同投资额（亿元）", "yuan"),
    Column("funds_yuan", "到位资金（亿元）", "yuan"), Column("signed_on", "签约日期", "date"),
    Column("planned_start_on", "计划开工日期", "date"), Column("started_on", "开工日期", "date"),
    Column("planned_production_on", "计划投产日期", "date"), Column("updated_on", "更新日期", "date"),
    Column("days", "已持续（天）", "int"), Column("responsible_unit", "责任单位"),
]


@blueprint.route(ROUTES["export_warnings"][0], methods=GET_POST)
def warnings_list():
    """The warnings page's list as Excel or CSV: ?view=<the warnings page's URL>&format=xlsx|csv."""
    try:
        rt, grant, place, fmt, view = _table_view(warnings_place, lists_needed=True)
    except Refused as refused:
        return refused.response
    f = place.filters
    what = RULE_LABELS[place.rule] + (f" · {LIGHT_LABELS[place.light]}" if place.light else "")

    def rows():
        return [{**r, "light": LIGHT_LABELS.get(r["light"], r["light"])}
                for r in warning_rows(rt, place).to_dict("records")]

    return _table_file(rt, grant, fmt, view, scope=place.scope, title=f"{place.scope.name}预警清单",
                       what=("预警", what), period=f"签约 {f.date_from or '不限'} 至 {f.date_to or read_catalog(rt).cutoff}",
                       filters=f, columns=WARNING_COLUMNS, read_rows=rows, stem="预警清单")


# ------------------------------------------------------------------ the pages' tables

AUDIT_ROWS = 10_000  # the audit log's most recent events in a file (the screen shows 500)
AUDIT_ACTIONS = accounts.AUDIT_ACTIONS


def _chain_view(rt, grant, path: str, query: str):
    """The chain page's view of a URL, as pages/chains.py reads it (a county sees its column only)."""
    location = rt.urls.parse(path, "?" + query)
    if location.route != "chains":
        raise UnknownRegion("不是产业链页面的地址")
    scope = grant.scope(location.query.get("region"))
    catalog = read_catalog(rt)
    state = chain_state(location.query, cutoff=catalog.cutoff, first=catalog.first, plan=catalog.plan,
                        links_of=catalog.links_of)
    view = read_chain_view(rt, scope, state)
    return replace(view, grid=grant.only_visible(view.grid, column="region"))


def _chain_table(key: str):
    def read(rt, grant, path, query):
        view = _chain_view(rt, grant, path, query)
        f = view.state.filters
        words = filter_words(f)
        words = (f"评估口径：{'合同投资额' if view.state.measure == 'contract' else '项目数'}"
                 + ("" if words == "无" else f"；{words}"))
        industry = str(view.chain["industry_name"].iloc[0]) if len(view.chain) else ""
        link = str(view.detail.info["name"])
        if key == "chain_gaps":
            table = tables.chain_gaps(view.scope.name, view.chain)
        elif key == "chain_grid":
            table = tables.chain_grid(view.scope.name, industry, view.grid)
        elif key == "chain_projects":
            table = tables.chain_projects(view.scope.name, link, view.detail.projects)
        else:
            table = tables.chain_candidates(view.scope.name, link, view.detail.candidates)
        period = f"{f.date_from or '不限'} 至 {view.as_of}"
        return view.scope, table, period, words, "产业链"
    return read


def _rankings_table(rt, grant, path, query):
    place = rankings_place(rt, path, "?" + query)
    view = read_rankings(rt, place.scope, place.year)
    table = tables.rankings(place.scope.name, place.year, view.rows, view.complete)
    period = f"{place.year}年 · 截至 {view.ranking.as_of}"
    return place.scope, table, period, "无", "考核排名"


def _behind_table(rt, grant, path, query):
    place = warnings_place(rt, path, "?" + query)
    view = read_warnings(rt, place.scope, place.filters)
    year = view.ranking.year if view.ranking else view.as_of.year
    table = tables.behind(place.scope.name, year, grant.only_visible(view.behind))
    progress = f" · 时序进度 {view.ranking.progress}%" if view.ranking else ""
    return place.scope, table, f"{year}年 · 截至 {view.as_of}{progress}", "无", "目标滞后地区"


def _audit_table(rt, grant, path, query):
    access.require(grant.actor, "admin")
    location = rt.urls.parse(path, "?" + query)
    if location.route != "admin_audit":
        raise UnknownRegion("不是审计日志页面的地址")
    q = location.query

    def day(value):
        try:
            return datetime.combine(datetime.fromisoformat(str(value)[:10]).date(), datetime.min.time()) \
                if value else None
        except ValueError:
            return None

    user = q.get("user", "").strip()[:64] or None
    action = q.get("action") if q.get("action") in AUDIT_ACTIONS else None
    since, until = day(q.get("from")), day(q.get("to"))
    with rt.engine.connect() as conn:
        events = accounts.audit_events(conn, actor=user, action=action, since=since, until=until,
                                       regions=None if grant.root.level == "province" else set(grant.visible),
                                       limit=AUDIT_ROWS)
    names = {s.adcode: s.name for s in grant.index.regions.values()}
    rows = [{"at": e["at"] + timedelta(hours=8) if e["at"] else None, "actor": e["actor"],
             "action": AUDIT_ACTIONS.get(e["action"], e["action"]),
             "region": names.get(e["region_adcode"], "—") if e["region_adcode"] else "—",
             "target": e["target"] or "", "detail": e["detail"] or "", "address": e["address"] or ""} for e in events]
    words = "；".join(x for x in (user and f"用户：{user}", action and f"操作：{AUDIT_ACTIONS[action]}") if x) or "无"
    period = f"{since.date() if since else '不限'} 至 {until.date() if until else '今'}"
    table = tables.Table(f"{grant.root.name} · 审计日志", "审计日志", tables.AUDIT_COLUMNS, rows)
    return grant.root, table, period, words, "审计日志"


# table key → read(rt, grant, path, query) -> (scope, tables.Table, period, filters in words, stem);
# every reader takes the scope from the session and raises Denied / UnknownRegion as a page would.
TABLES = {
    "chain_gaps": _chain_table("chain_gaps"), "chain_grid": _chain_table("chain_grid"),
    "chain_projects": _chain_table("chain_projects"), "chain_candidates": _chain_table("chain_candidates"),
    "rankings": _rankings_table, "regions": _behind_table, "audit": _audit_table,
}
LISTS_NEEDED = {"chain_projects", "chain_candidates"}  # names of projects and enterprises


@blueprint.route(ROUTES["export_table"][0], methods=GET_POST)
def page_table():
    """A page's table as Excel or CSV: ?view=<the page's URL>&table=<key>&format=xlsx|csv."""
    rt = current()
    key = request.args.get("table", "")
    fmt = request.args.get("format", "xlsx")
    view = request.args.get("view", "")
    if key not in TABLES or fmt not in ("xlsx", "csv") or not view.startswith("/") or len(view) > 1000:
        return _plain("导出参数无效", 400)
    path, _, query = view.partition("?")
    try:
        grant = rt.grant(require="export")
        if key in LISTS_NEEDED:
            access.require(grant.actor, "lists")
        scope, table, period, words, stem = TABLES[key](rt, grant, path, query)
    except access.Denied as exc:
        return _plain(f"无权导出：{exc}", 403)
    except UnknownRegion as exc:
        return _plain(str(exc) or "没有这个地区", 404)
    return _table_file(rt, grant, fmt, view, scope=scope, title=table.title, what=("内容", table.what),
                       period=period, filters=words, columns=table.columns, read_rows=lambda: table.rows,
                       stem=stem, count_label="行数")
