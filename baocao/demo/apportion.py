"""Exact apportionment: the demo fixes every published figure first and spreads it over
days, desks, communes and months with these, so that the parts always add up exactly."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

_T = TypeVar("_T")


def cumulative(weights: Sequence[float]) -> list[float]:
    """Running sums, for `random.choices(..., cum_weights=...)` in hot loops."""
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def split(total: int, weights: Sequence[float]) -> list[int]:
    """Integers proportional to `weights` that add up to exactly `total` (largest remainder)."""
    scale = sum(weights)
    raw = [total * w / scale for w in weights]
    out = [int(x) for x in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: (out[i] - raw[i], i))
    for i in by_remainder[:total - sum(out)]:
        out[i] += 1
    return out


def split_capped(total: int, weights: Sequence[float], caps: Sequence[int]) -> list[int]:
    """Like `split`, but no share exceeds its cap (a commune cannot lose more poor
    households than it has): the overflow goes to the shares that still have room."""
    out = [0] * len(weights)
    left = total
    while left:
        room = [w if out[i] < caps[i] else 0.0 for i, w in enumerate(weights)]
        for i, extra in enumerate(split(left, room)):
            out[i] += min(extra, caps[i] - out[i])
        left = total - sum(out)
    return out


def pick(rng: random.Random, pool: Sequence[_T], k: int,
         weights: Sequence[float] | None = None) -> list[_T]:
    """`k` items drawn without replacement, with probability ∝ weight (Efraimidis–Spirakis),
    returned in pool order."""
    if k > len(pool):
        raise RuntimeError(f"demo inbox: cannot pick {k} of {len(pool)} candidates")
    weights = weights or [1.0] * len(pool)
    keyed = sorted(((rng.random() ** (1.0 / w), i) for i, w in enumerate(weights) if w > 0),
                   reverse=True)
    return [pool[i] for i in sorted(i for _, i in keyed[:k])]
