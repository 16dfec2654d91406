"""What the chain page's charts share: the class colour scale as a plotly colourscale, labels of
links and measures, and the legend drawn into each figure (so a downloaded PNG explains itself)."""
from __future__ import annotations

import math

from data_access.chains import CLASSES, MEASURES
from data_access.glossary import MEASURES as GLOSSARY_MEASURES
from data_access.vocab import STAGES

from . import theme
from .units import YUAN_PER_YI, fmt_yi

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
        head, _, tail = name.partition("/")
        return f"{head}/<br>{tail}"
    cut = math.ceil(len(name) / 2)
    return f"{name[:cut]}<br>{name[cut:]}"


def amount(value, measure: str) -> float:
    """A measure's value in display units: 亿元 (2 decimals) for money, a count for projects."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return 0.0
    return round(float(value) / YUAN_PER_YI, 2) if measure == "contract" else float(value)


def fmt_amount(value, measure: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if measure == "contract":
        return f"{fmt_yi(int(round(float(value))))} 亿元"
    count = float(value)
    return f"{count:,.0f} 个" if count == int(count) else f"{count:,.1f} 个"


def fmt_coverage(coverage) -> str:
    if coverage is None or (isinstance(coverage, float) and math.isnan(coverage)):
        return "—"
    return f"{coverage * 100:.0f}%"


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
        f"覆盖率 {fmt_coverage(row[f'coverage_{measure}'])} · {row[f'class_{measure}']}",
    ]
    if row.get("weak_note"):
        lines.append(f"短板说明：{row['weak_note']}")
    return "<br>".join(lines)


def legend_annotations(y: float = 0.0, x: float = 0.0, size: int = 12, note: str = "") -> list[dict]:
    """The class legend and the 短板 outline, as one line of annotation text under the plot."""
    chips = "　".join(f"<span style='color:{theme.COVERAGE_FILL[c]}'>■</span> {c}" for c in CLASSES)
    chips += f"　<span style='color:{theme.WEAK_LINK_LINE}'>┅</span> 规划短板{note}"
    return [{
        "text": chips, "xref": "paper", "yref": "paper", "x": x, "y": y, "xanchor": "left", "yanchor": "top",
        "yshift": -4, "showarrow": False, "font": {"size": size, "color": theme.MUTED},
    }]
