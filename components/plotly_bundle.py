"""The cockpit's own plotly.js bundle: only the trace types its charts draw.

Dash serves plotly.min.js with every trace type (4.8 MB); evaluating it takes about 0.8 s of
a first load on the meeting-room machines, more than everything else the page runs. A bundle
of the traces below is 1.4 MB and evaluates in a fraction of that. `python
scripts/build_plotly_bundle.py` builds it from the npm registry at install time (it is
third-party code: built, never committed); the app serves it when it is there and made from the
same plotly.js version as the installed plotly package, and Dash's full bundle otherwise.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from settings import INSTANCE_DIR

# Every trace type a figure in components/ uses (a browser test fails on one not drawn).
TRACES = ("bar", "choropleth", "funnel", "heatmap", "scatter", "scattergeo")
BUNDLE_DIR = INSTANCE_DIR / "vendor"


def plotlyjs_version() -> str:
    from plotly.offline import get_plotlyjs_version

    return get_plotlyjs_version()


def bundle_name(version: str, traces: tuple[str, ...] = TRACES) -> str:
    """Named by version and trace list, so that a plotly upgrade or a new chart type never
    serves a stale bundle (and browsers may cache it for good)."""
    digest = hashlib.sha256(",".join(sorted(traces)).encode()).hexdigest()[:8]
    return f"plotly-cockpit-{version}-{digest}.min.js"


def installed_bundle(directory: Path = BUNDLE_DIR, version: str | None = None) -> Path | None:
    """The bundle for the installed plotly and today's trace list, or None to use Dash's own."""
    path = directory / bundle_name(version or plotlyjs_version())
    return path if path.is_file() and path.stat().st_size > 0 else None
