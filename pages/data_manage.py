"""数据管理: data managers bring in the platform's and the counties' ledgers (台账).

Download a template, upload a file, see exactly what it would change and every error, confirm
(all or nothing), and roll the last import of a kind back. The uploaded bytes are staged on the
server (data_access.imports), so the preview and the confirmation read the same file in any
worker, and the page's state (which upload, which result) is its URL.

Only roles with the "import" permission; a city's or county's data manager writes only rows of
their region (data_access.imports refuses the others row by row).
"""
from __future__ import annotations

import base64
import binascii
import re

import dash
from dash import Input, Output, State, callback, dcc, html, no_update

import access
from components import imports as widgets
from components.panels import message, panel, refusal
from components.shell import NAV_LOCATION
from data_access import imports
from urls import ROUTES
from views.runtime import current

PAGE = "data"
TOKEN = re.compile(r"[A-Za-z0-9_\-]{16,64}")


def _scope(grant: access.Grant) -> frozenset[int] | None:
    """The regions the importer may write: None for the province (every county)."""
    return None if grant.root.level == "province" else frozenset(grant.visible)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def layout(kind=None, upload=None, sheet=None, batch=None, rolled=None, **_query):
    rt = current()
    try:
        grant = rt.grant(require="import")
    except access.Denied as exc:
        return refusal("无权访问数据管理", str(exc), rt.urls.build("overview"), "返回总览")
    kind = kind if kind in imports.KINDS else None
    token = upload if isinstance(upload, str) and TOKEN.fullmatch(upload) else None
    body = [html.Div([html.H1("数据管理", className="page-title"),
                      html.Span(f"导入范围：{grant.root.name}", className="muted", id="dm-scope")],
                     className="page-head")]
    # One read of the history serves the outcome line and the history table.
    batches = imports.list_batches(rt.engine, scope=_scope(grant), limit=200)
    body.append(_outcome(batches, _int(batch), _int(rolled)))
    body.append(html.Div([widgets.template_panel(imports.KINDS),
                          widgets.upload_panel(imports.KINDS, kind, rt.settings.max_upload_bytes)],
                         className="admin-forms"))
    if token:
        body.append(dcc.Store(id="dm-token", data={"token": token, "kind": kind, "sheet": sheet or None}))
        body.append(dcc.Loading(html.Div(id="dm-preview", children=panel("③ 预览", [html.P(
            "正在读取并逐行校验文件…", className="muted")])), type="circle", overlay_style={"visibility": "visible"}))
    body.append(html.Div(widgets.history(batches[:50], imports.KINDS), id="dm-history-wrap"))
    return html.Div(body, className="page admin data-manage", id="data-manage")


dash.register_page(__name__, path=ROUTES[PAGE][0], name="数据管理", title="数据管理", layout=layout)


def _outcome(batches: list, batch: int | None, rolled: int | None):
    """The message after a confirmed import or a rollback (the URL names the batch)."""
    wanted = batch or rolled
    if not wanted:
        return html.Div(id="dm-outcome")
    found = [b for b in batches if b.id == wanted]
    if not found:
        return html.Div(id="dm-outcome")
    b = found[0]
    label = imports.KINDS[b.kind].label if b.kind in imports.KINDS else b.kind
    if rolled:
        text = f"已撤销批次 {b.id}（{label}，{b.file_name}）：驾驶舱已显示撤销后的数据。"
    else:
        text = (f"导入完成：批次 {b.id}（{label}，{b.file_name}），新增 {b.inserted} 行，更新 {b.updated} 行，"
                f"未变 {b.unchanged} 行。驾驶舱已显示新数据。")
    return html.Div(message(text), id="dm-outcome")


def _here(**query) -> str:
    return current().urls.build(PAGE, {k: v for k, v in query.items() if v})


def _granted():
    """(grant, None) or (None, a Chinese message) for a callback's actor."""
    try:
        return current().grant(require="import"), None
    except access.Denied as exc:
        return None, str(exc)


# ------------------------------------------------------------------ template

@callback(Output("dm-template-file", "data"), Input("dm-template", "n_clicks"), State("dm-template-kind", "value"),
          prevent_initial_call=True)
def download_template(clicks, kind):
    grant, problem = _granted()
    if problem or not clicks or kind not in imports.KINDS:
        return no_update
    data = imports.build_template(current().engine, kind)
    return dcc.send_bytes(data, f"{imports.KINDS[kind].label}导入模板.xlsx")


# ------------------------------------------------------------------ upload → staged → preview URL

@callback(
    Output(NAV_LOCATION, "href", allow_duplicate=True),
    Output("dm-upload-message", "children"),
    Input("dm-upload", "contents"),
    State("dm-upload", "filename"), State("dm-kind", "value"), State("dm-sheet", "value"),
    prevent_initial_call=True,
)
def upload(contents, filename, kind, sheet):
    if not contents:
        return no_update, no_update
    grant, problem = _granted()
    if problem:
        return no_update, message(problem, tone="warning")
    name = str(filename or "").strip()[-200:] or "未命名文件"
    if not name.lower().endswith((".xlsx", ".xls", ".csv")):
        return no_update, message(f"「{name}」不是 .xlsx、.xls 或 .csv 文件", tone="warning")
    try:
        data = base64.b64decode(str(contents).partition(",")[2], validate=True)
    except (binascii.Error, ValueError):
        return no_update, message("文件上传不完整，请重新选择文件", tone="warning")
    rt = current()
    if len(data) > rt.settings.max_upload_bytes:
        return no_update, message(f"文件超过 {rt.settings.max_upload_bytes // (1024 * 1024)} MB 上限", tone="warning")
    if not data:
        return no_update, message("文件是空的", tone="warning")
    token = imports.stage_upload(rt.engine, data, name, grant.actor.name)
    kind = kind if kind in imports.KINDS else None
    sheet = str(sheet).strip()[:64] if sheet else None
    return _here(upload=token, kind=kind, sheet=sheet), None


@callback(Output("dm-preview", "children"), Input("dm-token", "data"))
def show_preview(staged):
    grant, problem = _granted()
    if problem:
        return message(problem, tone="warning")
    plan = _plan(grant, staged)
    if plan is None:
        return panel("③ 预览", [message("这份上传已失效（超过 1 小时或不是本账号上传的），请重新上传文件。", tone="warning",
                                        msg_id="dm-expired")])
    label = imports.KINDS[plan.kind].label if plan.kind in imports.KINDS else "未识别"
    return widgets.preview(plan, label, can_confirm=not current().read_only)


def _plan(grant, staged):
    if not isinstance(staged, dict) or not TOKEN.fullmatch(str(staged.get("token") or "")):
        return None
    rt = current()
    found = imports.staged_upload(rt.engine, staged["token"], grant.actor.name)
    if found is None:
        return None
    data, name = found
    kind = staged.get("kind") if staged.get("kind") in imports.KINDS else None
    sheet = str(staged["sheet"])[:64] if staged.get("sheet") else None
    return imports.plan_import(rt.engine, data, name, kind=kind, scope=_scope(grant), actor=grant.actor.name,
                               sheet=sheet)


@callback(Output("dm-errors-file", "data"), Input("dm-errors-download", "n_clicks"), State("dm-token", "data"),
          prevent_initial_call=True)
def download_errors(clicks, staged):
    grant, problem = _granted()
    if problem or not clicks:
        return no_update
    plan = _plan(grant, staged)
    if plan is None or not plan.errors:
        return no_update
    stem = plan.file_name.rsplit(".", 1)[0]
    return dcc.send_bytes(imports.errors_workbook(plan), f"{stem}_错误清单.xlsx")


# ------------------------------------------------------------------ confirm / cancel

@callback(
    Output(NAV_LOCATION, "href", allow_duplicate=True),
    Output("dm-preview", "children", allow_duplicate=True),
    Input("dm-confirm", "n_clicks"), Input("dm-cancel", "n_clicks"), State("dm-token", "data"),
    prevent_initial_call=True,
)
def confirm(confirm_clicks, cancel_clicks, staged):
    trigger = dash.ctx.triggered_id
    if trigger == "dm-cancel" and cancel_clicks:
        grant, _ = _granted()
        if grant and isinstance(staged, dict) and TOKEN.fullmatch(str(staged.get("token") or "")):
            # Only the uploader's own staged file: another's token is left alone.
            if imports.staged_upload(current().engine, staged["token"], grant.actor.name) is not None:
                imports.discard_upload(current().engine, staged["token"])
        return _here(), no_update
    if trigger != "dm-confirm" or not confirm_clicks:
        return no_update, no_update
    grant, problem = _granted()
    if problem:
        return no_update, message(problem, tone="warning")
    rt = current()
    if rt.read_only:
        return no_update, message("数据库为只读，不能导入", tone="warning")
    if not isinstance(staged, dict) or not TOKEN.fullmatch(str(staged.get("token") or "")):
        return no_update, no_update
    found = imports.staged_upload(rt.engine, staged["token"], grant.actor.name)
    if found is None:
        return no_update, message("这份上传已失效，请重新上传文件。", tone="warning")
    data, name = found
    kind = staged.get("kind") if staged.get("kind") in imports.KINDS else None
    sheet = str(staged["sheet"])[:64] if staged.get("sheet") else None
    try:
        result = imports.apply_import(rt.engine, data, name, kind=kind, scope=_scope(grant), actor=grant.actor.name,
                                      sheet=sheet)
    except imports.ImportRejected as exc:
        label = imports.KINDS[exc.plan.kind].label if exc.plan.kind in imports.KINDS else "未识别"
        return no_update, widgets.preview(exc.plan, label, can_confirm=False)
    rt.forget_version()
    return _here(batch=result.batch_id), no_update


# ------------------------------------------------------------------ rollback

@callback(Output("dm-rollback-confirm", "displayed"), Input("dm-rollback", "n_clicks"),
          State("dm-rollback-pick", "value"), prevent_initial_call=True)
def ask_rollback(clicks, picked):
    return bool(clicks and picked)


@callback(
    Output(NAV_LOCATION, "href", allow_duplicate=True),
    Output("dm-rollback-message", "children"),
    Input("dm-rollback-confirm", "submit_n_clicks"), State("dm-rollback-pick", "value"),
    prevent_initial_call=True,
)
def rollback(submitted, picked):
    if not submitted:
        return no_update, no_update
    grant, problem = _granted()
    if problem:
        return no_update, message(problem, tone="warning")
    rt = current()
    batch = _int(picked)
    if batch is None or rt.read_only:
        return no_update, message("请选择要撤销的导入批次", tone="warning")
    try:
        imports.rollback_batch(rt.engine, batch, actor=grant.actor.name, scope=_scope(grant))
    except imports.RollbackRefused as exc:
        return no_update, message(str(exc), tone="warning")
    rt.forget_version()
    return _here(rolled=batch), no_update
