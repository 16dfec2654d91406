"""Annual targets read against the share of the year elapsed (目标完成率 vs 时序进度)."""
from __future__ import annotations

from decimal import Decimal

from dash import html


def target_bars(rows: list[tuple[str, str, Decimal | None]], elapsed: Decimal, year: int):
    """`rows` are (label, 'achieved / target' text, completion %); a bar behind 时序进度 turns red."""
    items = []
    for label, text, done in rows:
        width = float(min(done or 0, 100))
        behind = done is not None and done < elapsed
        items.append(
            html.Div(
                [
                    html.Span(label, className="target-label"),
                    html.Div(
                        [html.Div(className=f"target-fill {'behind' if behind else 'ahead'}", style={"width": f"{width}%"}),
                         html.Div(className="target-marker", style={"left": f"{float(elapsed)}%"})],
                        className="target-track",
                    ),
                    html.Span(f"{done}%" if done is not None else "—", className="target-pct"),
                    html.Span(text, className="target-text muted"),
                ],
                className="target-row", title=f"{label}：{text}，时序进度 {elapsed}%",
            )
        )
    return html.Div(
        [html.Div([f"{year}年目标完成情况", html.Span(f"时序进度 {elapsed}%", className="target-elapsed")],
                  className="target-title"), *items],
        className="targets", id="ov-targets",
    )
