"""Downloads of briefing files: who may have which, in which scope, how many at once, audited.

The region and filters arrive in the query string like an overview link's; the scope comes from
the session (views.runtime.Runtime.grant), so a county user who edits the URL to another region
gets 403 and nothing else.
"""
from __future__ import annotations

import io
import logging
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

from flask import Blueprint, request, send_file

import access
from auth.credentials import digest, new_token
from auth.guard import COOKIE, audit
from data_access import accounts
from data_access import chains as chain_data
from data_access.scope import UnknownRegion
from data_access.warnings import LIGHT_LABELS, RULE_LABELS
from exports.briefing import briefing_of
from exports.deck import build_deck
from exports.screen import RenderFailed, element_png, render
from exports.sheets import Column, csv_bytes, xlsx
from urls import ROUTES
from views.catalog import read_catalog
from views.details import list_place, list_rows
from views.warnings import warning_rows, warnings_place
from views.overview import overview_place, read_overview
from views.runtime import current

log = logging.getLogger(__name__)
blueprint = Blueprint("exports", __name__)
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


@contextmanager
def _slot(user: str):
    with _lock:
        if _running.get(user, 0) >= PER_USER:
            raise Busy
        _running[user] = _running.get(user, 0) + 1
    try:
        yield
    finally:
        with _lock:
            _running[user] -= 1


@contextmanager
def _renderer_session(rt, actor):
    """A session of the actor's own for the server's browser, ended when the render is done: the
    render sees what this user sees, and no cookie of the user's leaves the request."""
    if not RENDERS.acquire(timeout=20):
        raise Busy
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


def _map_image(rt, actor, view: str) -> bytes | None:
    """The overview's map as the user sees it, or None (no browser here): the deck goes without."""
    if actor.user_id is None:
        return None
    try:
        with _renderer_session(rt, actor) as token:
            return element_png(request.host_url.rstrip("/") + view, "#ov-map", cookie_name=COOKIE, cookie_value=token,
                               chromium=rt.settings.chromium)
    except (RenderFailed, Busy) as exc:
        log.warning("deck without its map: %s", exc.__cause__ or exc)
        return None


@blueprint.get(ROUTES["export_deck"][0])
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
    try:
        with _slot(grant.actor.name):
            data = read_overview(rt, place.scope, place.filters)
            links = rt.cached("deck_links", (place.scope, place.filters),
                              lambda: chain_data.link_coverage(rt.engine, place.scope, place.filters))
            made_at = datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(hours=8)
            map_png = _map_image(rt, grant.actor, path + (place.search or "")) if request.args.get("map") != "0" \
                else None
            briefing = briefing_of(data, links, region=place.scope.name, filters_text=filters_text(place),
                                   user=user, made_at=made_at, map_png=map_png)
            body = build_deck(briefing)
    except Busy:
        return _plain("您已有导出正在进行，请稍后再试", 429)
    audit(rt, actor=grant.actor.name, action="export", region=place.scope.adcode, target="汇报材料 PPTX",
          detail=place.search or "默认期间")
    name = f"招商引资汇报_{place.scope.name}_{briefing.period.replace(' 至 ', '至')}.pptx"
    return send_file(io.BytesIO(body), mimetype=PPTX, as_attachment=True, download_name=name)


@blueprint.get(ROUTES["export_screen"][0])
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
    user = grant.actor.label or grant.actor.name
    now = datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(hours=8)
    cutoff = read_catalog(rt).cutoff
    footer = (f"{region.name}" + (f" · 统计期间 {period}" if period.strip(" 至") else "") + f" · 筛选：{filters}"
              f" · 数据截至 {cutoff} · 导出时间 {now:%Y-%m-%d %H:%M} · 导出人 {user}")
    if grant.actor.user_id is None:
        return _plain("该账号不能导出本屏", 403)
    try:
        with _slot(grant.actor.name), _renderer_session(rt, grant.actor) as token:
            body = render(request.host_url.rstrip("/") + view, cookie_name=COOKIE, cookie_value=token,
                          footer=footer, pdf=fmt == "pdf", chromium=rt.settings.chromium)
    except Busy:
        return _plain("导出任务繁忙，请稍后再试", 429)
    except RenderFailed as exc:
        log.warning("screen export failed: %s", exc.__cause__ or exc)
        return _plain(str(exc), 503)
    audit(rt, actor=grant.actor.name, action="export", region=region.adcode, target=f"本屏 {fmt.upper()}",
          detail=view[:500])
    name = f"驾驶舱_{region.name}_{now:%Y%m%d-%H%M}.{fmt}"
    return send_file(io.BytesIO(body), mimetype="image/png" if fmt == "png" else "application/pdf",
                     as_attachment=True, download_name=name)


LIST_COLUMNS = [
    Column("code", "项目编号"), Column("name", "项目名称"), Column("investor", "投资方"), Column("county", "县(市、区)"),
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
                filters, columns: list[Column], read_rows, stem: str):
    """The table as XLSX or CSV with its header block, audited, at most PER_USER at once per user."""
    try:
        with _slot(grant.actor.name):
            rows = read_rows()
            now = datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(hours=8)
            cutoff = read_catalog(rt).cutoff
            block = [("地区", scope.name), what, ("统计期间", period), ("筛选", filter_words(filters)),
                     ("数据截至", str(cutoff)), ("项目数", f"{len(rows):,}"),
                     ("导出时间", f"{now:%Y-%m-%d %H:%M}（北京时间）"), ("导出人", grant.actor.label or grant.actor.name)]
            body = xlsx(title, block, columns, rows) if fmt == "xlsx" else csv_bytes(block, columns, rows)
    except Busy:
        return _plain("您已有导出正在进行，请稍后再试", 429)
    audit(rt, actor=grant.actor.name, action="export", region=scope.adcode,
          target=f"{stem} {fmt.upper()} {len(rows)}行", detail=view[:500])
    name = f"{stem}_{scope.name}_{what[1]}_{now:%Y%m%d}.{fmt}".replace("/", "_").replace(" ", "")
    return send_file(io.BytesIO(body), mimetype=XLSX if fmt == "xlsx" else "text/csv; charset=utf-8",
                     as_attachment=True, download_name=name)


@blueprint.get(ROUTES["export_list"][0])
def project_list():
    """A drill-to-detail list as Excel or CSV: ?view=<the list's URL>&format=xlsx|csv."""
    try:
        rt, grant, place, fmt, view = _table_view(list_place, lists_needed=False)  # list_place requires 'lists'
    except Refused as refused:
        return refused.response
    f = place.state.filters
    return _table_file(rt, grant, fmt, view, scope=place.scope, title=f"{place.scope.name}{place.title}",
                       what=("清单", place.title), period=f"{f.date_from or ''} 至 {f.date_to or read_catalog(rt).cutoff}",
                       filters=f, columns=LIST_COLUMNS, read_rows=lambda: list_rows(rt, place).to_dict("records"),
                       stem="项目清单")


WARNING_COLUMNS = [
    Column("light", "预警"), Column("code", "项目编号"), Column("name", "项目名称"), Column("investor", "投资方"),
    Column("county", "县(市、区)"), Column("industry", "行业"), Column("contract_yuan", "合同投资额（亿元）", "yuan"),
    Column("funds_yuan", "到位资金（亿元）", "yuan"), Column("signed_on", "签约日期", "date"),
    Column("planned_start_on", "计划开工日期", "date"), Column("started_on", "开工日期", "date"),
    Column("planned_production_on", "计划投产日期", "date"), Column("updated_on", "更新日期", "date"),
    Column("days", "已持续（天）", "int"), Column("responsible_unit", "责任单位"),
]


@blueprint.get(ROUTES["export_warnings"][0])
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
