"""Exact money arithmetic for the calibrated totals: amounts in whole 万元 (10 000 yuan)."""
from __future__ import annotations

import math
from collections.abc import Sequence

WAN = 10_000
YI = 100_000_000
WAN_PER_YI = YI // WAN


def allocate(total: int, weights: Sequence[float], caps: Sequence[int] | None = None) -> list[int]:
    """Split the integer `total` in proportion to `weights`, exactly (largest remainders).

    With `caps`, no share exceeds its cap; the excess goes to the others in proportion.
    Ties are broken by position, so the result is deterministic.
    """
    n = len(weights)
    alloc = [0] * n
    if total == 0:
        return alloc
    if total < 0:
        raise ValueError("negative total")
    active = [i for i in range(n) if weights[i] > 0 and (caps is None or caps[i] > 0)]
    if caps is not None and sum(caps[i] for i in active) < total:
        raise ValueError(f"caps too small for {total}")
    remaining = total
    while remaining > 0:
        if not active:
            raise ValueError("nothing to allocate to")
        wsum = math.fsum(weights[i] for i in active)
        shares = {i: remaining * weights[i] / wsum for i in active}
        if caps is not None:
            capped = [i for i in active if alloc[i] + shares[i] >= caps[i]]
            if capped:
                for i in capped:
                    remaining -= caps[i] - alloc[i]
                    alloc[i] = caps[i]
                capped_set = set(capped)
                active = [i for i in active if i not in capped_set]
                continue
        floors = {i: int(math.floor(shares[i])) for i in active}
        given = sum(floors.values())
        for i in active:
            alloc[i] += floors[i]
        left = remaining - given
        order = sorted(active, key=lambda i: (-(shares[i] - floors[i]), i))
        for k in range(left):
            alloc[order[k % len(order)]] += 1
        remaining = 0
    return alloc


def rescale(values: Sequence[int], total: int, minimum: int = 0) -> list[int]:
    """Scale integer values so they sum to `total` exactly, keeping each at least `minimum`."""
    n = len(values)
    base = total - n * minimum
    if base < 0:
        raise ValueError("total below the minimum")
    excess = allocate(base, [max(v - minimum, 0) + 1e-9 for v in values])
    return [minimum + e for e in excess]
