"""Widgets of 系统管理 · 播放列表 (issue 13): the list of playlists and the editor of one playlist's items."""
from __future__ import annotations

from dash import dcc, html

URL, DWELL, LABEL = "ap-url", "ap-dwell", "ap-label"
UP, DOWN, REMOVE = "ap-up", "ap-down", "ap-remove"


def playlist_table(rows: list[dict]) -> html.Table:
    """Rows: name, title, items, by, at, edit (href), play (href)."""
    head = html.Thead(html.Tr([html.Th(h) for h in ("名称", "标题", "页面数", "修改人", "修改于", "")]))
    body = html.Tbody([
        html.Tr([html.Td(html.Code(r["name"])), html.Td(r["title"]), html.Td(r["items"]), html.Td(r["by"]),
                 html.Td(r["at"]),
                 html.Td([dcc.Link("编辑", href=r["edit"], className="me-3"),
                          html.A("预览", href=r["play"], target="_blank", rel="noopener")])],
                className="ap-row")
        for r in rows
    ] or [html.Tr(html.Td("尚无保存的播放列表", colSpan=6, className="muted"))])
    return html.Table([head, body], className="table table-sm ap-table", id="ap-list")


def item_rows(items: list[dict]) -> list:
    """One editable row per item ({url, dwell, label}), with move and delete buttons."""
    out = []
    last = len(items) - 1
    for n, item in enumerate(items):
        out.append(html.Div([
            html.Span(f"{n + 1}.", className="ap-index"),
            dcc.Input(id={"role": URL, "i": n}, value=item.get("url") or "", maxLength=500, debounce=True,
                      placeholder="驾驶舱页面的地址，如 总览、地区或产业链页面的链接", className="form-control ap-url",
                      style={"flex": "5 1 0", "minWidth": 0}),
            dcc.Input(id={"role": DWELL, "i": n}, value=item.get("dwell"), type="number", min=5, max=3600, step=1,
                      debounce=True, className="form-control ap-dwell", placeholder="秒", style={"flex": "0 0 7em"}),
            dcc.Input(id={"role": LABEL, "i": n}, value=item.get("label") or "", maxLength=100, debounce=True,
                      placeholder="说明（可选）", className="form-control ap-label",
                      style={"flex": "3 1 0", "minWidth": 0}),
            html.Button("↑", id={"role": UP, "i": n}, disabled=n == 0, title="上移",
                        className="btn btn-sm btn-outline-secondary"),
            html.Button("↓", id={"role": DOWN, "i": n}, disabled=n == last, title="下移",
                        className="btn btn-sm btn-outline-secondary"),
            html.Button("删除", id={"role": REMOVE, "i": n}, title="删除此页面",
                        className="btn btn-sm btn-outline-danger", style={"whiteSpace": "nowrap"}),
        ], className="ap-item d-flex gap-2 align-items-center mb-2"))
    return out


def reorder(items: list[dict], op: str, index: int) -> list[dict]:
    """The items after one editor action: "up", "down", "remove" of item `index`, or "add"."""
    items = [dict(i) for i in items]
    if op == "add":
        return items + [{"url": "", "dwell": 20, "label": ""}]
    if not 0 <= index < len(items):
        return items
    if op == "remove":
        del items[index]
    elif op == "up" and index > 0:
        items[index - 1], items[index] = items[index], items[index - 1]
    elif op == "down" and index < len(items) - 1:
        items[index + 1], items[index] = items[index], items[index + 1]
    return items
