"""Boundary geometry of Guizhou, read once from the committed assets (scripts/build_boundaries.py)."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

GEO_DIR = Path(__file__).resolve().parent.parent / "assets" / "geo"
LAYERS = {"city": "guizhou-cities.geojson", "county": "guizhou-counties.geojson"}


@lru_cache(maxsize=2)
def layer(level: str) -> dict:
    """The FeatureCollection of all cities or all counties, features keyed by adcode in `id`."""
    with open(GEO_DIR / LAYERS[level], encoding="utf-8") as fh:
        return json.load(fh)


def features(level: str, adcodes) -> dict:
    """A FeatureCollection with only the given regions, so a response carries no unused geometry."""
    wanted = {str(a) for a in adcodes}
    return {"type": "FeatureCollection", "features": [f for f in layer(level)["features"] if f["id"] in wanted]}
