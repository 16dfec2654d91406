"""导出: the export menu of a page head (本屏 PNG/PDF, 汇报材料 PPTX, 数据 XLSX/CSV).

Links only, written by the server (web/exports.py answers them); assets/export_links.js shows
that a file is being made and says why when the server refuses.
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


def export_menu(hrefs: dict[str, str] | None, *, menu_id: str) -> html.Details | html.Span:
    """A small drop-down of export links; nothing for a user who may not export (hrefs None)."""
    if not hrefs:
        return html.Span(id=menu_id)
    items = [html.A([html.I(className=f"bi {LABELS[key][0]} me-2"), LABELS[key][1]], href=href,
                    className="export-link", id=f"{menu_id}-{key}", **{"data-kind": key})
             for key, href in hrefs.items() if key in LABELS]
    return html.Details([html.Summary([html.I(className="bi bi-download me-1"), "导出"], className="btn btn-sm "
                                      "btn-outline-info"), html.Div(items, className="export-items")],
                        className="export-menu", id=menu_id)
