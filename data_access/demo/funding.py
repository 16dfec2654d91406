"""Funds in place (到位资金): dated tranches per project, in whole 万元.

A started project receives a first tranche around its start, then tranches at growing intervals;
its cumulative share of the contract follows S·(1 − e^(−t/τ)) with a final share S of 35–95 %
(τ 160–360 days), so producing projects of 2019–2022 hold ~45–85 % by the cut-off (median ~65 %)
and a year's funds come to ~50–57 % of that year's contract value from 2021 on. Unstarted
projects receive at most a small deposit. Nothing arrives after termination or after the cut-off;
nothing exceeds the contract.

The Shenzhen team's projects are funded faster (S 60–95 %, τ 80–180 days: the release reports
639.21 亿 in place against 1777.02 亿 contracted within 13 months). Their funds in the window are then
made exactly 639.21 亿: the window's tranches are rescaled (by ~1.13, largest remainders in 万元,
at most 92 % of a contract), later tranches trimmed to stay under the contract.
"""
from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np

from . import dates as D
from .money import WAN, allocate
from .published import SZ_FUNDS_YUAN


def tranches(projects: list[dict], rng: np.random.Generator) -> dict[int, list[list]]:
    """{project id: [[received_on, amount_wan], …]} in date order."""
    out: dict[int, list[list]] = {}
    n = len(projects)
    U = rng.random((n, 6))
    B = rng.beta(2.0, 2.0, size=n)
    G = rng.random((n, 16))
    for i, p in enumerate(projects):
        contract = p["size_wan"]
        signed: date = p["signed"]
        end = D.CUTOFF
        if p["terminated_on"] is not None:
            end = min(end, p["terminated_on"] - timedelta(days=1))
        rows: list[list] = []
        started = p["started_on"]
        if started is not None:
            fast = p["group"] == "sz"
            share_final = p.get("funded_share") or ((0.6 + 0.35 * B[i]) if fast else (0.35 + 0.6 * B[i]))
            tau = (80 + 100 * U[i, 0]) if fast else (160 + 200 * U[i, 0])
            t = max(signed + timedelta(days=7), started - timedelta(days=int(45 * U[i, 1])))
            cum_prev = 0
            for k in range(14):
                if t > end:
                    break
                share = share_final * (1 - math.exp(-((t - signed).days + 30) / tau))
                cum = int(round(contract * share))
                if cum > cum_prev:
                    rows.append([t, cum - cum_prev])
                    cum_prev = cum
                if k >= 3 and share_final - share < 0.01:
                    break
                t = t + timedelta(days=int((45 + 75 * G[i, k]) * 1.3 ** k))
        elif U[i, 2] < 0.3:
            t = signed + timedelta(days=20 + int(180 * U[i, 3]))
            amount = int(round(contract * (0.01 + 0.04 * U[i, 4])))
            if t <= end and amount > 0:
                rows.append([t, amount])
        out[p["id"]] = rows
    return out


def calibrate_shenzhen(projects: list[dict], funds: dict[int, list[list]]) -> None:
    """Make the Shenzhen team's funds in its window exactly 639.21 亿 (in place)."""
    lo, hi = D.SZ_TEAM_START, D.SZ_REPORT_END
    members = [p for p in projects if p["group"] == "sz"]
    natural = [sum(a for t, a in funds[p["id"]] if lo <= t <= hi) for p in members]
    caps = [int(p["size_wan"] * 0.92) if nat > 0 else 0 for p, nat in zip(members, natural)]
    target = SZ_FUNDS_YUAN // WAN
    new_totals = allocate(target, [float(x) for x in natural], caps)
    for p, nat, new in zip(members, natural, new_totals):
        rows = funds[p["id"]]
        inside = [r for r in rows if lo <= r[0] <= hi]
        if inside:
            for r, v in zip(inside, allocate(new, [float(r[1]) for r in inside])):
                r[1] = v
        after = [r for r in rows if r[0] > hi]
        room = int(p["size_wan"] * 0.95) - new
        if after and sum(r[1] for r in after) > room:
            for r, v in zip(after, allocate(max(room, 0), [float(r[1]) for r in after])):
                r[1] = v
        funds[p["id"]] = [r for r in rows if r[1] > 0]


def rows(projects: list[dict], funds: dict[int, list[list]]) -> list[dict]:
    out = []
    for p in projects:  # projects are in id order
        for t, amount in funds[p["id"]]:
            out.append({"id": len(out) + 1, "project_id": p["id"], "received_on": t, "amount_yuan": amount * WAN})
    return out
