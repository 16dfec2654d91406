"""Lifecycle of the generated projects: planned and actual start, production and termination.

* planned start ≈ signing + 2–4 months; actual start after a lognormal delay (median ~125 days);
  ~16 % of projects (more in 黔东南, fewer in 贵阳) stall and never start (签约未开工);
* production after ~14 months of construction (most 7–27), longer for big projects; ~7 % of
  started projects are stuck and do not produce; planned production is usually earlier than actual;
* ~4 % terminated: mostly stalled projects, a few started ones, never after production;
* everything after the cut-off is unknown (NULL), so recent cohorts are less advanced.
"""
from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np

from ..vocab import STATUS_BUILDING, STATUS_PRODUCING, STATUS_SIGNED, STATUS_TERMINATED
from . import dates as D
from .money import WAN_PER_YI

CITY_STALL = {
    520100: 0.8, 520300: 0.9, 520200: 1.05, 520400: 1.0, 520500: 1.1, 520600: 1.05, 522300: 1.1, 522600: 1.3,
    522700: 1.0,
}
STALL = 0.165
STUCK = 0.07
TERMINATE_STALLED = 0.2
TERMINATE_STARTED = 0.008


def assign(projects: list[dict], rng: np.random.Generator) -> None:
    """Set the lifecycle dates of every project without a fixed lifecycle (in place)."""
    n = len(projects)
    U = rng.random((n, 8))
    Z = rng.normal(size=(n, 3))
    cutoff = D.CUTOFF
    for i, p in enumerate(projects):
        if "fixed_life" in p:
            p.update(p["fixed_life"])
            p.setdefault("terminated_on", None)
            continue
        signed: date = p["signed"]
        sz = p["group"] in ("sz", "sz_term")
        size_yi = p["size_wan"] / WAN_PER_YI
        planned_start = signed + timedelta(days=60 + int(U[i, 0] * 60))
        stall = STALL * CITY_STALL.get(p["city"], 1.0) * (0.6 if sz else 1.0)
        started = production = terminated = None
        if U[i, 1] >= stall:
            median = 60 if sz else 125
            delay = max(3, int(math.exp(math.log(median) + 0.75 * Z[i, 0])))
            started = signed + timedelta(days=delay)
        months = math.exp(math.log(14) + 0.4 * Z[i, 1]) * (1 + 0.12 * math.log(max(size_yi, 0.1)))
        months = min(42.0, max(6.0, months))
        planned_months = min(36.0, max(6.0, math.exp(math.log(12) + 0.3 * Z[i, 2])))
        planned_production = planned_start + timedelta(days=int(planned_months * 30.4))
        if started is not None and U[i, 2] >= STUCK:
            production = started + timedelta(days=int(months * 30.4))
        # Termination: stalled projects are given up after 5–30 months; a few started ones too.
        if started is None and U[i, 3] < TERMINATE_STALLED:
            terminated = signed + timedelta(days=150 + int(U[i, 4] * 750))
        elif started is not None and U[i, 5] < TERMINATE_STARTED:
            terminated = started + timedelta(days=90 + int(U[i, 6] * 510))
            if production is not None and production <= terminated:
                terminated = None
            else:
                production = None
        if p["group"] == "sz_term":  # terminated before the report date by construction
            started = production = None
            terminated = min(signed + timedelta(days=120 + int(U[i, 7] * 150)), date(2020, 12, 10))
        elif p["group"] == "sz" and terminated is not None and terminated <= D.SZ_REPORT_END:
            terminated = None
        elif p["group"] == "cloud_term":
            started = production = None
            terminated = signed + timedelta(days=150 + int(U[i, 7] * 60))
        elif p["group"] == "cloud" and terminated is not None and terminated <= date(2020, 12, 31):
            terminated = None
        if started is not None and started > cutoff:
            started = production = None
        if production is not None and production > cutoff:
            production = None
        if terminated is not None and terminated > cutoff:
            terminated = None
        if terminated is not None and started is not None and started >= terminated:
            started = production = None
        p.update(planned_start_on=planned_start, started_on=started, planned_production_on=planned_production,
                 production_on=production, terminated_on=terminated)


def status(p: dict, as_of: date = D.CUTOFF) -> str:
    if p["terminated_on"] is not None and p["terminated_on"] <= as_of:
        return STATUS_TERMINATED
    if p["production_on"] is not None and p["production_on"] <= as_of:
        return STATUS_PRODUCING
    if p["started_on"] is not None and p["started_on"] <= as_of:
        return STATUS_BUILDING
    return STATUS_SIGNED


# The platform's last recorded progress (project.updated_on), for the 无进展 warning. Teams
# report live projects about monthly; a share of them goes quiet, stalled projects far more
# often (nobody reports a project that does not move). Older records carried over from before
# the platform kept update dates have none.
QUIET = {"stalled": 0.22, "building": 0.09, "producing": 0.04}
REPORT_GAP_DAYS = 22      # mean days since the last report of a project reported on regularly
QUIET_GAP_DAYS = 55       # mean days beyond 60 of a quiet project
NO_DATE_BEFORE = date(2020, 1, 1)
NO_DATE_SHARE = 0.35


def update_dates(rows: list[dict], rng: np.random.Generator) -> None:
    """Set updated_on on the project rows (in place), never before the project's last event nor
    after the cut-off; a terminated project was last updated when it was given up."""
    cutoff = D.CUTOFF
    U = rng.random((len(rows), 3))
    for p, (u_quiet, u_gap, u_none) in zip(rows, U):
        if p["terminated_on"] is not None:
            p["updated_on"] = p["terminated_on"]
            continue
        if p["signed_on"] < NO_DATE_BEFORE and u_none < NO_DATE_SHARE:
            p["updated_on"] = None
            continue
        state = "producing" if p["production_on"] else "building" if p["started_on"] else "stalled"
        if u_quiet < QUIET[state]:
            gap = 61 + int(-math.log(max(u_gap, 1e-9)) * QUIET_GAP_DAYS)
        else:
            gap = int(-math.log(max(u_gap, 1e-9)) * REPORT_GAP_DAYS) % 60
        last_event = max(d for d in (p["signed_on"], p["started_on"], p["production_on"]) if d is not None)
        p["updated_on"] = min(cutoff, max(last_event, cutoff - timedelta(days=gap)))
