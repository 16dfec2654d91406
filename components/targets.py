"""Annual targets read against the share of the year elapsed (目标完成率 vs 时序进度)."""
from __future__ import annotations

from decimal import Decimal

from dash import html

from .info import info
from .units import fmt_rate


def target_bars(rows: list[tuple[str, str, Decimal | None]], elapsed: Decimal, year: int, *, scope: str = "",
                neutral: bool = False):
    """`rows` are (label, 'achieved / target' text, completion %); a bar behind 时序进度 turns red.

    `scope` says which days and which projects the bars cover; `neutral` draws them without the
    red / green verdict (a filtered screen beside whole-region targets).
    """
    items = []
    for label, text, done in rows:
        width = float(min(done or 0, 100))
        behind = done is not None and done < elapsed
        state = "neutral" if neutral else "behind" if behind else "ahead"
        items.append(
            html.Div(
                [
                    html.Span(label, className="target-label"),
                    html.Div(
                        [html.Div(className=f"target-fill {state}", style={"width": f"{width}%"}),
                         html.Div(className="target-marker", style={"left": f"{float(elapsed)}%"})],
                        className="target-track",
                    ),
                    html.Span(fmt_rate(done), className="target-pct"),
                    html.Span(text, className="target-text muted"),
                ],
                className="target-row", title=f"{label}：{text}，时序进度 {elapsed}%",
            )
        )
    scope_text = [html.Span(scope, className="target-scope muted", id="ov-targets-scope")] if scope else []
    head = [html.Span([f"{year}年目标完成情况 ", info("targets"), " ", *scope_text]),
            html.Span(f"时序进度 {elapsed}%", className="target-elapsed")]
    return html.Div([html.Div(head, className="target-title"), *items], className="targets", id="ov-targets")
