"""What the chain page's charts share: the class colour scale as a plotly colourscale, labels of
links and measures, and the legend drawn into each figure (so a downloaded PNG explains itself)."""
from __future__ import annotations

import math

from data_access.chains import CLASSES, MEASURES, has_target
from data_access.glossary import MEASURES as GLOSSARY_MEASURES
from data_access.vocab import STAGES

from . import theme
from .units import ONE, fmt_count, fmt_pct, fmt_yi, yi_value

MEASURE_LABELS = {m.key: (m.label, m.unit) for m in GLOSSARY_MEASURES.values()}
STAGE_LABELS = STAGES
STAGE_ORDER = ("up", "mid", "down")


def class_index(label: str) -> int:
    return CLASSES.index(label)


def class_colorscale() -> list:
    """A stepped colourscale for z = class_index(label), zmin 0, zmax len(CLASSES) - 1."""
    n = len(CLASSES)
    scale = []
    for i, label in enumerate(CLASSES):
        lo, hi = i / n, (i + 1) / n
        scale += [[lo, theme.COVERAGE_FILL[label]], [hi, theme.COVERAGE_FILL[label]]]
    return scale


def class_heat(z: list, text: list, customdata: list, hover: list, font_size: int) -> dict:
    """A heatmap trace of class cells: colour by class, text on each, clickable, no colour bar."""
    return {
        "type": "heatmap", "z": z, "text": text, "customdata": customdata, "hovertext": hover,
        "texttemplate": "%{text}", "textfont": {"size": font_size, "family": theme.FONT_FAMILY},
        "hovertemplate": "%{hovertext}<extra></extra>", "colorscale": class_colorscale(),
        "zmin": -0.5, "zmax": len(CLASSES) - 0.5, "showscale": False, "xgap": 3, "ygap": 3,
    }


def wrap(name: str, width: int = 5) -> str:
    """A link name in at most two lines for a cell: at its slash, else in the middle."""
    if len(name) <= width:
        return name
    if "/" in name:
        # At the slash nearest the middle, so neither line is much longer than the other.
        cuts = [i for i, ch in enumerate(name) if ch == "/"]
        cut = min(cuts, key=lambda i: abs(i + 1 - len(name) / 2)) + 1
        return f"{name[:cut]}<br>{name[cut:]}"
    cut = math.ceil(len(name) / 2)
    return f"{name[:cut]}<br>{name[cut:]}"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def amount(value, measure: str) -> float:
    """A measure's plotted value: 亿元 rounded as its label is, or a count."""
    if _missing(value):
        return 0.0
    return yi_value(value) if measure == "contract" else float(value)


def fmt_amount(value, measure: str) -> str:
    """A measure's text: money in 亿元, projects as a whole count (pro-rated targets rounded half up)."""
    if _missing(value):
        return "—"
    return f"{fmt_yi(value)} 亿元" if measure == "contract" else f"{fmt_count(value)} 个"


def fmt_number(value, measure: str) -> str:
    """The bare number of `fmt_amount`, for cells and bar ends."""
    return fmt_yi(value) if measure == "contract" else fmt_count(value)


def fmt_coverage(actual, target) -> str:
    """Coverage as a whole percentage, from the actual and the (pro-rated) target themselves."""
    if _missing(actual) or _missing(target) or not target:
        return "—"
    return fmt_pct(actual, target, places=ONE)


def row_coverage(row, measure: str) -> str:
    """A link row's coverage under a measure (MEASURES names its actual and target columns)."""
    actual_col, target_col = MEASURES[measure]
    return fmt_coverage(row[actual_col], row[target_col]) if has_target(row[target_col]) else "—"


def link_key(industry_code: str, link_id: int) -> str:
    """What a click carries: the industry and the link, read by the page's clientside callback."""
    return f"{industry_code}:{int(link_id)}"


def link_hover(row, measure: str) -> str:
    """Hover text of a link: its figures against its target under the page's measure."""
    actual_col, target_col = MEASURES[measure]
    lines = [
        f"<b>{row['name']}</b>（{STAGE_LABELS[row['stage']]}）" + ("　<b>短板</b>" if row["is_weak"] else ""),
        f"项目 {int(row['projects']):,} 个（已开工 {int(row['realised_projects']):,} · 未开工 "
        f"{int(row['pipeline_projects']):,} · 已投产 {int(row['producing']):,}）",
        f"合同投资额 {fmt_yi(int(row['contract_yuan']))} 亿元",
        f"目标（{MEASURE_LABELS[measure][0]}）{fmt_amount(row[target_col], measure)} · "
        f"覆盖率 {row_coverage(row, measure)} · {row[f'class_{measure}']}",
    ]
    note = row.get("weak_note")
    # A link not marked weak has no note: NULL in the database, NaN once in a frame (never text).
    if row["is_weak"] and isinstance(note, str) and note.strip():
        lines.append(f"短板说明：{note}")
    return "<br>".join(lines)


def legend_annotations(y: float = 0.0, x: float = 0.0, size: int = 14, note: str = "") -> list[dict]:
    """The class legend and the 短板 outline, as one line of annotation text under the plot."""
    chips = "　".join(f"<span style='color:{theme.COVERAGE_FILL[c]}'>■</span> {c}" for c in CLASSES)
    chips += f"　<span style='color:{theme.WEAK_LINK_LINE}'>┅</span> 规划短板{note}"
    return [{
        "text": chips, "xref": "paper", "yref": "paper", "x": x, "y": y, "xanchor": "left", "yanchor": "top",
        "yshift": -4, "showarrow": False, "font": {"size": size, "color": theme.MUTED},
    }]
