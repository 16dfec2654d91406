"""导出: the export menu of a page head (本屏 PNG/PDF, 汇报材料 PPTX, 数据 XLSX/CSV, the page's tables).

Links only, written by the server (web/exports.py answers them); assets/export_links.js makes
the file in the background, shows its progress and hands it to the browser, or says why the
server refused.
"""
from __future__ import annotations

from dash import html

LABELS = {
    "png": ("bi-image", "本屏图片（PNG）"),
    "pdf": ("bi-file-earmark-pdf", "本屏 PDF（A4 横版）"),
    "deck": ("bi-file-earmark-slides", "汇报材料（PPT，图表可编辑）"),
    "xlsx": ("bi-file-earmark-excel", "数据（Excel）"),
    "csv": ("bi-filetype-csv", "数据（CSV）"),
}
# The pages' tables (urls.routes.PAGE_TABLES), as the menu names them.
TABLE_LABELS = {
    "chain_gaps": "环节缺口表", "chain_grid": "环节 × 地区表", "chain_projects": "环节在库项目",
    "chain_candidates": "候选企业", "rankings": "考核排名表", "regions": "目标滞后地区表", "audit": "审计日志",
}
FORMATS = {"xlsx": ("bi-file-earmark-excel", "Excel"), "csv": ("bi-filetype-csv", "CSV")}


def _label(key: str) -> tuple[str, str] | None:
    if key in LABELS:
        return LABELS[key]
    parts = key.split(":")
    if len(parts) == 3 and parts[0] == "table" and parts[1] in TABLE_LABELS and parts[2] in FORMATS:
        icon, word = FORMATS[parts[2]]
        return icon, f"{TABLE_LABELS[parts[1]]}（{word}）"
    return None


def export_menu(hrefs: dict[str, str] | None, *, menu_id: str) -> html.Details | html.Span:
    """A small drop-down of export links; nothing for a user who may not export (hrefs None)."""
    if not hrefs:
        return html.Span(id=menu_id)
    items = [html.A([html.I(className=f"bi {label[0]} me-2"), label[1]], href=href, className="export-link",
                    id=f"{menu_id}-{key.replace(':', '-')}", **{"data-kind": key})
             for key, href in hrefs.items() if (label := _label(key))]
    return html.Details([html.Summary([html.I(className="bi bi-download me-1"), "导出"], className="btn btn-sm "
                                      "btn-outline-info"), html.Div(items, className="export-items")],
                        className="export-menu", id=menu_id)
