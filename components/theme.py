"""Look of the cockpit: colours, the CJK font chain and the graph config every chart shares."""
from __future__ import annotations

import math
import re
from datetime import date

# Chinese text must survive a PNG download made on any viewer's machine, so name the fonts
# the wall PCs (Noto on Linux, YaHei on Windows, PingFang on macOS) actually have.
FONT_FAMILY = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"

BG = "#061a33"
PANEL = "#0b2545"
GRID = "rgba(120, 170, 230, 0.15)"
TEXT = "#e6f0ff"
MUTED = "#8fb0d9"
ACCENT = "#33c9ff"
GOLD = "#ffc857"
DANGER = "#ff6b6b"

# Sequential scale for money and counts: dark navy (little) to bright cyan-white (much), legible on BG.
SEQUENTIAL = [
    [0.0, "#123a66"],
    [0.25, "#1a5f9e"],
    [0.5, "#2390d0"],
    [0.75, "#4fc3f0"],
    [1.0, "#c8f1ff"],
]
# Rates read on a fixed 0–100 % scale, red (low) to green (high), so maps of two regions compare.
RATE_SCALE = [
    [0.0, "#b8394a"],
    [0.5, "#e8b03a"],
    [1.0, "#2fbf71"],
]

CATEGORICAL = [ACCENT, GOLD, "#7ee081", "#ff8c69", "#b39dff", "#5ad1c4", "#ff6fae", "#9ec5ff", "#f4e285", "#c0c0c0"]

TOPOJSON_DIR = "topojson/"


def base_layout(**overrides) -> dict:
    layout = {
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"family": FONT_FAMILY, "color": TEXT, "size": 14},
        "margin": {"l": 8, "r": 8, "t": 8, "b": 8},
        "colorway": CATEGORICAL,
        "hoverlabel": {"font": {"family": FONT_FAMILY, "size": 15}, "bgcolor": PANEL, "bordercolor": ACCENT},
    }
    layout.update(overrides)
    return layout


BASE_WIDTH = 1920
FONT_KEYS = {"font", "textfont", "tickfont", "insidetextfont", "outsidetextfont", "hoverlabel"}


def screen_scale(width) -> float:
    """How much larger than on a 1920-px screen text must be: 1 up to 1920 px, 2 on a 4K wall.

    `width` comes from a cookie the browser sets: anything but a finite number is 1.
    """
    try:
        value = float(str(width)[:12])
    except (TypeError, ValueError):
        return 1.0
    if not math.isfinite(value):
        return 1.0
    return min(max(value / BASE_WIDTH, 1.0), 2.5)


def scaled(figure: dict, scale: float) -> dict:
    """The figure with every font size, margin, line width and colour-bar thickness times `scale`."""
    if scale == 1.0:
        return figure

    def walk(node, key=None):
        if isinstance(node, dict):
            out = {}
            for k, v in node.items():
                if k == "size" and key in FONT_KEYS and isinstance(v, (int, float)):
                    out[k] = round(v * scale, 1)
                elif key == "margin" and isinstance(v, (int, float)):
                    out[k] = round(v * scale)
                elif (k == "thickness" and key == "colorbar") or (k == "width" and key == "line"):
                    out[k] = round(v * scale)
                else:
                    out[k] = walk(v, k)
            return out
        if isinstance(node, list):
            return [walk(v, key) for v in node]
        return node

    return walk(figure)


def _safe_filename(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("_")


def graph_config(title: str, region_name: str, as_of: date, topojson_url: str | None = None, *,
                 since: date | None = None, units: str | None = None) -> dict:
    """dcc.Graph config: image downloads named '<title>_<region>_<period>' and described inside the
    image (assets/chart_export.js reads `cockpit`), and a local topojson URL so plotly never
    reaches for its CDN (engineering.md, offline trap 2)."""
    period = f"{since.isoformat()} 至 {as_of.isoformat()}" if since and since <= as_of else f"截至 {as_of.isoformat()}"
    stem = f"{title}_{region_name}_{since.isoformat()}至{as_of.isoformat()}" if since and since <= as_of else \
        f"{title}_{region_name}_{as_of.isoformat()}"
    config = {
        "displaylogo": False,
        # Chart Studio upload: data must not leave the intranet (and it could not reach it).
        "showSendToCloud": False,
        "locale": "zh-CN",  # plotly's own words: assets/plotly_locale.js
        "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
        "toImageButtonOptions": {
            "format": "png",
            "filename": _safe_filename(stem),
            "scale": 2,
            # What the downloaded image says about itself (title, region, period, units).
            "cockpit": {"title": title, "region": region_name, "period": period, "units": units or ""},
        },
    }
    if topojson_url:
        config["topojsonURL"] = topojson_url
    return config


# Coverage classes of chain links (data_access/chains.py), one scale for every chart of the chain
# page: red for a gap, amber for on the way, green for ahead; "nothing there" and "no target" in
# greys that recede behind the classes a leader acts on. Text colours keep labels legible on each.
from data_access.chains import BASIC, BLANK, NO_TARGET, STRONG, WEAK  # noqa: E402  (kept with its use)

COVERAGE_FILL = {BLANK: "#1b2d45", WEAK: "#d9534f", BASIC: "#e8b03a", STRONG: "#2fbf71", NO_TARGET: "#4f6a8c"}
COVERAGE_TEXT = {BLANK: MUTED, WEAK: "#ffffff", BASIC: BG, STRONG: BG, NO_TARGET: "#ffffff"}
WEAK_LINK_LINE = GOLD  # outline of the links plans name as 短板
SELECTED_LINE = "#ffffff"
