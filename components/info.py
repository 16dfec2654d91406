"""The ⓘ beside a figure, holding its definition (口径) from data_access/glossary.py, and the
sentence that says which days a screen's figures cover.

The definition travels in the page as an attribute; assets/info_tip.js shows it in one tooltip
above everything on hover or keyboard focus (the cards and panels clip what overflows them, so
a tooltip inside them would be cut off).
"""
from __future__ import annotations

from datetime import date

from dash import html

from data_access.glossary import tip


def info(key: str, *, info_id: str | None = None):
    text = tip(key)
    props = {"id": info_id} if info_id else {}
    return html.Span("ⓘ", className="info", tabIndex="0", role="note", **{"data-tip": text, "aria-label": text},
                     **props)


def period_text(date_from: date | None, date_to: date | None, as_of: date, cutoff: date,
                first: date | None) -> str:
    """'统计期间 A 至 B', saying where the period starts when open and where the data ends it."""
    start = f"最早记录（{first}）" if date_from is None and first else (date_from or "最早记录")
    if date_from is not None and date_from > cutoff:
        return f"统计期间 {date_from} 至 {date_to} · 数据截止 {cutoff}，本期间尚无数据"
    text = f"统计期间 {start} 至 {as_of}"
    if date_to is not None and date_to > as_of:
        text += f"（所选至 {date_to}，数据截止 {cutoff}）"
    return text

