"""汇报材料: a PowerPoint deck of a region's briefing, its charts native and editable.

The funnel, industries, trend and source regions are PowerPoint charts holding their data (staff
restyle them in PowerPoint or WPS, and the numbers travel with them); tables are PowerPoint
tables. Every text run names a Chinese font for East Asian text too (`a:ea`): without it
PowerPoint and WPS fall back to a Latin font and draw boxes or a wrong face.
"""
from __future__ import annotations

import io

from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Inches, Pt

from .briefing import Briefing

FONT = "Microsoft YaHei"  # 微软雅黑: on every Windows desk; LibreOffice maps it to Noto Sans CJK
INK = RGBColor(0x1F, 0x2A, 0x37)
MUTED = RGBColor(0x5B, 0x6B, 0x7F)
ACCENT = RGBColor(0x0B, 0x5C, 0xAD)
HEAD_FILL = RGBColor(0x0B, 0x25, 0x45)
WIDE, HIGH = Inches(13.333), Inches(7.5)  # 16:9
MARGIN = Inches(0.5)


def _ea(rpr) -> None:
    """Name FONT for Latin and East Asian text on a run's (or a chart's default) properties."""
    for tag in ("a:latin", "a:ea", "a:cs"):
        found = rpr.find(qn(tag))
        if found is None:
            found = etree.SubElement(rpr, qn(tag))
        found.set("typeface", FONT)
    # The schema orders latin, ea, cs after fills and before sym/hlink: move them to the end of
    # what precedes those.
    for tag in ("a:sym", "a:hlinkClick", "a:hlinkMouseOver", "a:rtl", "a:extLst"):
        later = rpr.find(qn(tag))
        if later is not None:
            rpr.remove(later)
            rpr.append(later)


def _text(frame, text: str, *, size: int, bold: bool = False, color: RGBColor = INK,
          align=None) -> None:
    frame.clear()
    paragraph = frame.paragraphs[0]
    if align is not None:
        paragraph.alignment = align
    run = paragraph.add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = color
    _ea(run._r.get_or_add_rPr())


def _box(slide, text: str, x, y, w, h, *, size: int, bold: bool = False, color: RGBColor = INK, align=None):
    shape = slide.shapes.add_textbox(x, y, w, h)
    shape.text_frame.word_wrap = True
    _text(shape.text_frame, text, size=size, bold=bold, color=color, align=align)
    return shape


def _slide(prs, b: Briefing, title: str):
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    _box(slide, title, MARGIN, Inches(0.3), WIDE - 2 * MARGIN, Inches(0.7), size=26, bold=True, color=ACCENT)
    _box(slide, f"{b.region} · {b.period} · 筛选：{b.filters} · 数据截至 {b.cutoff}", MARGIN, HIGH - Inches(0.5),
         WIDE - 2 * MARGIN, Inches(0.35), size=10, color=MUTED)
    return slide


def _table(slide, header: list[str], rows: list[list[str]], x, y, w, h, *, size: int = 12,
           numeric: set[int] = frozenset()):
    shape = slide.shapes.add_table(len(rows) + 1, len(header), x, y, w, h)
    table = shape.table
    for c, text in enumerate(header):
        cell = table.cell(0, c)
        cell.fill.solid()
        cell.fill.fore_color.rgb = HEAD_FILL
        _text(cell.text_frame, text, size=size, bold=True, color=RGBColor(0xFF, 0xFF, 0xFF),
              align=PP_ALIGN.RIGHT if c in numeric else None)
    for r, row in enumerate(rows, start=1):
        for c, text in enumerate(row):
            _text(table.cell(r, c).text_frame, str(text), size=size,
                  align=PP_ALIGN.RIGHT if c in numeric else None)
    return table


def _chart(slide, kind, categories: list[str], series: list[tuple[str, list[float]]], x, y, w, h, *,
           number_format: str, legend: bool = False):
    data = CategoryChartData(number_format=number_format)
    data.categories = categories
    for name, values in series:
        data.add_series(name, values)
    chart = slide.shapes.add_chart(kind, x, y, w, h, data).chart
    chart.font.size = Pt(12)
    _ea(chart.font._rPr)
    chart.has_legend = legend
    if legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
    plot = chart.plots[0]
    if kind != XL_CHART_TYPE.LINE_MARKERS:
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.number_format = number_format
        labels.number_format_is_linked = False
        labels.font.size = Pt(11)
        _ea(labels.font._rPr)
    return chart


def build_deck(b: Briefing) -> bytes:
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDE, HIGH
    body_y, body_h = Inches(1.15), HIGH - Inches(1.85)
    full_w = WIDE - 2 * MARGIN

    # Cover
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _box(slide, b.title, MARGIN, Inches(2.4), full_w, Inches(1.2), size=40, bold=True, color=ACCENT,
         align=PP_ALIGN.CENTER)
    _box(slide, f"统计期间：{b.period}    筛选：{b.filters}", MARGIN, Inches(3.8), full_w, Inches(0.5), size=18,
         align=PP_ALIGN.CENTER)
    _box(slide, f"数据截至 {b.cutoff} · 贵州省招商引资驾驶舱 · {b.user} 于 {b.made_at:%Y-%m-%d %H:%M} 导出",
         MARGIN, Inches(4.5), full_w, Inches(0.5), size=14, color=MUTED, align=PP_ALIGN.CENTER)

    # Headline figures with 同比
    slide = _slide(prs, b, "核心指标")
    _table(slide, ["指标", "数值", "单位", "同比"], [[k.label, k.value, k.unit, k.yoy] for k in b.kpis],
           MARGIN, body_y, full_w, Inches(0.45) * (len(b.kpis) + 1), size=16, numeric={1, 3})

    if b.map_png:
        slide = _slide(prs, b, "区域分布")
        picture = slide.shapes.add_picture(io.BytesIO(b.map_png), MARGIN, body_y, height=body_h)
        if picture.width > full_w:  # keep the aspect ratio, fit the width
            ratio = full_w / picture.width
            picture.width, picture.height = int(full_w), int(picture.height * ratio)
        picture.left = int((WIDE - picture.width) / 2)

    slide = _slide(prs, b, "项目推进漏斗（签约 → 已开工(含投产) → 已投产）")
    _chart(slide, XL_CHART_TYPE.COLUMN_CLUSTERED, [s for s, _ in b.funnel], [("项目数", [n for _, n in b.funnel])],
           MARGIN, body_y, full_w, body_h, number_format="#,##0")

    slide = _slide(prs, b, "十大产业合同投资额（亿元）")
    ordered = sorted(b.industries, key=lambda r: r[1])  # a bar chart draws its first category at the bottom
    _chart(slide, XL_CHART_TYPE.BAR_CLUSTERED, [n for n, _, _ in ordered], [("合同投资额（亿元）", [v for _, v, _ in ordered])],
           MARGIN, body_y, full_w, body_h, number_format="#,##0.00")

    slide = _slide(prs, b, "月度趋势（亿元）")
    _chart(slide, XL_CHART_TYPE.LINE_MARKERS, [m for m, _, _ in b.trend],
           [("签约合同额（亿元）", [c for _, c, _ in b.trend]), ("到位资金（亿元）", [f for _, _, f in b.trend])],
           MARGIN, body_y, full_w, body_h, number_format="#,##0.00", legend=True)

    slide = _slide(prs, b, "投资来源地区（合同投资额，亿元）")
    _chart(slide, XL_CHART_TYPE.COLUMN_CLUSTERED, [s for s, _, _ in b.sources],
           [("合同投资额（亿元）", [v for _, v, _ in b.sources])], MARGIN, body_y, full_w, body_h,
           number_format="#,##0.00")

    slide = _slide(prs, b, "重点产业链薄弱环节（空白、薄弱）")
    gaps = [list(map(str, g)) for g in b.gaps[:14]]
    if gaps:
        _table(slide, ["产业", "链位", "环节", "评估", "项目数", "合同投资额（亿元）"], gaps, MARGIN, body_y, full_w,
               Inches(0.36) * (len(gaps) + 1), size=12, numeric={4, 5})
        if len(b.gaps) > len(gaps):
            _box(slide, f"另有 {len(b.gaps) - len(gaps)} 个环节，详见驾驶舱产业链图谱", MARGIN, HIGH - Inches(0.9),
                 full_w, Inches(0.3), size=11, color=MUTED)
    else:
        _box(slide, "本期间没有空白或薄弱的重点产业链环节", MARGIN, body_y, full_w, Inches(0.5), size=16)

    slide = _slide(prs, b, "签约未开工项目（合同额最大者）")
    if b.stalled:
        _table(slide, ["项目", "县(市、区)", "合同投资额（亿元）", "签约日期", "已等待（天）"],
               [[n, c, v, s, f"{d:,}"] for n, c, v, s, d in b.stalled], MARGIN, body_y, full_w,
               Inches(0.42) * (len(b.stalled) + 1), size=12, numeric={2, 4})
    else:
        _box(slide, "本期间没有超过预警期的签约未开工项目", MARGIN, body_y, full_w, Inches(0.5), size=16)

    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()

