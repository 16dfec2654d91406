"""Headline figure cards."""
from __future__ import annotations

from dash import dcc, html

from .info import info as info_mark


def kpi_card(label: str, value: str, unit: str = "", *, delta: tuple[str, int] | None = None,
             note: str | None = None, card_id: str | None = None, tone: str | None = None,
             info: str | None = None, detail: str | None = None, href: str | None = None):
    """A card; `delta` is (text, sign) for the change against last year, sign -1/0/+1 colours it.

    `info` is the glossary key of its definition (the ⓘ); `detail` a second note line, for what
    the number covers when that is not what the label alone suggests.
    """
    head = [label, " ", info_mark(info)] if info else [label]
    lines = [
        html.Div(head, className="kpi-label"),
        html.Div([html.Span(value, className="kpi-value"), html.Span(unit, className="kpi-unit")]),
    ]
    if delta is not None:
        text, sign = delta
        arrow = {1: "bi-caret-up-fill", -1: "bi-caret-down-fill"}.get(sign, "bi-dash")
        lines.append(html.Div([html.I(className=f"bi {arrow}"), f" 同比 {text}"],
                              className=f"kpi-delta kpi-delta-{'up' if sign > 0 else 'down' if sign < 0 else 'flat'}"))
    for text in (note, detail):
        if text:
            lines.append(html.Div(text, className="kpi-note", title=text))
    if href:
        # The projects behind the number (analysts and up): the whole card is the link.
        lines.append(dcc.Link("清单 ›", href=href, className="kpi-list-link stretched-link",
                              title="查看该数字对应的项目清单", **({"id": f"{card_id}-list"} if card_id else {})))
    props = {"id": card_id} if card_id else {}
    return html.Div(lines, className=f"kpi-card {'kpi-' + tone if tone else ''}".strip(), **props)
