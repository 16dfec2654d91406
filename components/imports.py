"""Widgets of 数据管理 (pages/data_manage.py): the upload, the preview of an import, its errors and
the history of imports. Pure functions of data_access.imports' plans and batches."""
from __future__ import annotations

from dash import dcc, html

from .admin import beijing, table
from .panels import message, panel
from .units import fmt_int, fmt_yi

ACTIONS = {"insert": "新增", "update": "更新", "unchanged": "未变"}


def kind_options(kinds: dict) -> list[dict]:
    return [{"label": spec.label, "value": kind} for kind, spec in kinds.items()]


def upload_panel(kinds: dict, kind: str | None, limit_bytes: int):
    """Step 2: which kind (or let the file say), an optional sheet name, and the drop zone."""
    mb = limit_bytes / (1024 * 1024)
    return panel("② 上传台账", [
        html.Div([
            html.Div([html.Label("台账类型", className="filter-label"),
                      dcc.Dropdown(id="dm-kind", options=[{"label": "自动识别（按表头）", "value": "auto"},
                                                          *kind_options(kinds)],
                                   value=kind or "auto", clearable=False)], className="admin-field"),
            html.Div([html.Label("工作表（可选，默认第一个）", className="filter-label"),
                      dcc.Input(id="dm-sheet", maxLength=64, className="form-control", placeholder="如：项目台账")],
                     className="admin-field"),
        ], className="dm-upload-options"),
        dcc.Upload(
            id="dm-upload", multiple=False, max_size=limit_bytes, accept=".xlsx,.xls,.csv",
            children=html.Div([html.I(className="bi bi-cloud-arrow-up me-2"),
                               "将 Excel（.xlsx / .xls）或 CSV 文件拖到这里，或", html.A("点击选择文件"),
                               html.Div(f"单个文件不超过 {mb:.0f} MB；上传后先预览，确认后才写入", className="muted")]),
            className="dm-drop",
        ),
        html.Div(id="dm-upload-message"),
    ], cls="admin-form")


def template_panel(kinds: dict):
    """Step 1: the XLSX template of a kind (headers, drop-downs, one example row, 说明 sheet)."""
    return panel("① 下载模板", [
        html.P("模板含中文表头、枚举列的下拉选项、一行示例和逐列说明；平台导出的台账也可直接上传。", className="muted"),
        html.Div([
            dcc.Dropdown(id="dm-template-kind", options=kind_options(kinds), value=next(iter(kinds)),
                         clearable=False, className="dm-template-kind"),
            html.Button([html.I(className="bi bi-download me-1"), "下载模板"], id="dm-template",
                        className="btn btn-outline-info"),
        ], className="dm-row"),
        dcc.Download(id="dm-template-file"),
    ], cls="admin-form")


def _counts(plan) -> html.Div:
    cells = [("新增", plan.inserted, "dm-inserted"), ("更新", plan.updated, "dm-updated"),
             ("未变", plan.unchanged, "dm-unchanged"), ("拒绝", plan.rejected, "dm-rejected")]
    return html.Div([html.Div([html.Div(label, className="kpi-label"),
                               html.Div(fmt_int(value), className="kpi-value", id=cid)],
                              className="dm-count" + (" dm-count-bad" if label == "拒绝" and value else ""))
                     for label, value, cid in cells], className="dm-counts")


def _totals(plan) -> html.Table:
    head = html.Thead(html.Tr([html.Th("指标"), html.Th("导入前", className="num"), html.Th("导入后", className="num"),
                               html.Th("变化", className="num")]))
    rows = []
    for t in plan.totals:
        unit = f"（{t.unit}）" if t.unit else ""
        show = fmt_yi if t.is_money else fmt_int  # money is integer yuan, shown in 亿元 (units.py)
        delta = t.after - t.before
        rows.append(html.Tr([html.Td(f"{t.label}{unit}"), html.Td(show(t.before), className="num"),
                             html.Td(show(t.after), className="num"),
                             html.Td(("+" if delta > 0 else "") + show(delta) if delta else "—", className="num")]))
    return html.Table([head, html.Tbody(rows)], className="dm-totals", id="dm-totals")


def errors_table(errors: list):
    rows = [{"row": e.row, "column": e.column, "value": e.value, "reason": e.reason} for e in errors]
    return table("dm-errors-grid", [("row", "行号", 1), ("column", "列", 2), ("value", "原始值", 2),
                                    ("reason", "原因", 6)], rows, fit=True)


def changes_table(changes: list):
    rows = [{"row": c.row, "action": ACTIONS.get(c.action, c.action), "key": c.key, "name": c.name,
             "fields": "、".join(c.fields) if c.fields else ""} for c in changes]
    return table("dm-changes-grid", [("row", "行号", 1), ("action", "操作", 1), ("key", "编号", 2), ("name", "名称", 4),
                                     ("fields", "变更字段", 4)], rows, fit=True)


def preview(plan, label: str, *, can_confirm: bool):
    """What the import will do, every error, and confirm / cancel."""
    if plan.fatal:
        return panel("③ 预览", [message(plan.fatal, tone="warning", msg_id="dm-fatal"),
                                html.Button("重新选择文件", id="dm-cancel", className="btn btn-outline-secondary")],
                     panel_id="dm-preview-panel")
    title = f"③ 预览：{plan.file_name}（{label}，{fmt_int(plan.rows_total)} 行"
    title += f"，工作表「{plan.sheet}」" if plan.sheet else ""
    title += f"，表头在第 {plan.header_row} 行）" if plan.header_row else "）"
    body = [_counts(plan)]
    if plan.errors:
        body += [message(f"有 {fmt_int(plan.rejected)} 行不合格，共 {fmt_int(len(plan.errors))} 处错误："
                         "整份文件不会导入（全部成功或全部不导入）。请按下表修改后重新上传。", tone="warning",
                         msg_id="dm-verdict"),
                 html.Button([html.I(className="bi bi-file-earmark-excel me-1"), "下载错误清单（Excel）"],
                             id="dm-errors-download", className="btn btn-outline-warning mb-2"),
                 dcc.Download(id="dm-errors-file"),
                 errors_table(plan.errors)]
    elif plan.rows_total == 0:
        body.append(message("文件中没有数据行", tone="warning", msg_id="dm-verdict"))
    else:
        body += [message("全部行校验通过。确认后一次性写入；导入记录中可撤销最近一次导入。", msg_id="dm-verdict"),
                 html.H3("导入后驾驶舱将显示（本账号范围，全部时间）", className="dm-sub"), _totals(plan)]
    if plan.policy:
        body.append(html.P(plan.policy, className="muted dm-policy", id="dm-policy"))
    if plan.ignored:
        body.append(html.P("未读取的列：" + "、".join(plan.ignored), className="muted", id="dm-ignored"))
    # Confirm only for a file that passed; the callback checks again (a forged click gets the errors).
    confirm = html.Button([html.I(className="bi bi-check2-circle me-1"), "确认导入"], id="dm-confirm",
                          className="btn btn-info me-2", disabled=not (can_confirm and plan.ok),
                          style=None if plan.ok else {"display": "none"})
    body.append(html.Div([confirm, html.Button("取消" if plan.ok else "放弃这份文件", id="dm-cancel",
                                               className="btn btn-outline-secondary")], className="dm-row"))
    if plan.changes and not plan.errors:
        body += [html.H3("逐行变化（已知项目编号更新，新编号新增）", className="dm-sub"), changes_table(plan.changes)]
    return panel(title, body, panel_id="dm-preview-panel")


def history(batches: list, kinds: dict):
    """Past imports, newest first; the last live import of a kind can be rolled back."""
    def state(b) -> str:
        if b.rolled_back_at:
            return f"已撤销（{b.rolled_back_by}，{beijing(b.rolled_back_at)}）"
        return "可撤销" if b.can_roll_back else "已生效"

    rows = [{"id": b.id, "kind": kinds[b.kind].label if b.kind in kinds else b.kind, "file": b.file_name,
             "sha": b.sha256[:12], "actor": b.actor, "at": beijing(b.created_at), "rows": b.rows_total,
             "inserted": b.inserted, "updated": b.updated, "unchanged": b.unchanged, "state": state(b)}
            for b in batches]
    grid = table("dm-history-grid", [("id", "批次", 1), ("kind", "类型", 2), ("file", "文件", 4), ("sha", "SHA-256", 2),
                                     ("actor", "导入人", 2), ("at", "时间（北京）", 3), ("rows", "行数", 1),
                                     ("inserted", "新增", 1), ("updated", "更新", 1), ("unchanged", "未变", 1),
                                     ("state", "状态", 3)], rows, fit=True)
    live = [b for b in batches if b.can_roll_back and not b.rolled_back_at]
    options = [{"label": f"批次 {b.id} · {kinds[b.kind].label if b.kind in kinds else b.kind} · {b.file_name}",
                "value": b.id} for b in live]
    rollback = html.Div([
        dcc.Dropdown(id="dm-rollback-pick", options=options, placeholder="选择要撤销的导入（每类仅最近一次）",
                     className="dm-template-kind"),
        html.Button([html.I(className="bi bi-arrow-counterclockwise me-1"), "撤销导入"], id="dm-rollback",
                    className="btn btn-outline-danger", disabled=not options),
        dcc.ConfirmDialog(id="dm-rollback-confirm",
                          message="撤销后，该批次新增的记录将删除、更新的记录恢复为导入前的值。确定撤销吗？"),
    ], className="dm-row")
    return panel("④ 导入记录", [rollback, html.Div(id="dm-rollback-message"), grid], panel_id="dm-history")
