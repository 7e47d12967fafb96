"""Cutting a story's members in two: spectral bisection and the checks that a cut is real.

Pure NumPy over a members' similarity matrix, used by the clusterer's split check (clustering.py); kept
apart so the clusterer module reads as the assignment policy and this as the linear algebra under it.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from threadpoolctl import ThreadpoolController


def bisect(sim: Any, rounds: int = 10) -> Any:
    """Two groups (a boolean side per item) by spectral bisection, the sign of the normalised graph's
    Fiedler vector, refined by moving each item to the group whose other members it is closer to on
    average. Unlike average link, which tends to cut off one outlier, this finds the two halves that
    share the most inside."""
    n = len(sim)
    w = np.maximum(sim, 0.0)
    graph = w + 1e-3  # keeps items with no evidence connected
    np.fill_diagonal(graph, 0.0)
    inv_sqrt = 1.0 / np.sqrt(graph.sum(axis=1))
    laplacian = np.eye(n) - inv_sqrt[:, None] * graph * inv_sqrt[None, :]
    # A matrix this small is fastest on one thread; letting BLAS spread it over busy cores made each
    # call 50x slower on a loaded 2-core machine.
    with _blas_controller().limit(limits=1, user_api="blas"):
        _, vectors = np.linalg.eigh(laplacian)
    side = vectors[:, 1] * inv_sqrt >= 0
    for _ in range(rounds):
        if side.all() or not side.any():
            break
        mean_true, mean_false = _mean_to_sides(w, side)
        new_side = mean_true > mean_false
        if (new_side == side).all():
            break
        side = new_side
    return side


@functools.cache
def _blas_controller() -> ThreadpoolController:
    # Built once: it inspects the loaded libraries, which takes longer than the limit it then sets.
    return ThreadpoolController()


def _mean_to_sides(sim: Any, side: Any) -> tuple[Any, Any]:
    """Each item's mean similarity to the rest of each side (an item does not count towards its own)."""
    in_true, in_false = side.sum(), len(side) - side.sum()
    mean_true = sim[:, side].sum(axis=1) / np.maximum(in_true - side, 1)
    mean_false = sim[:, ~side].sum(axis=1) / np.maximum(in_false - ~side, 1)
    return mean_true, mean_false


def loo_agreement(sim: Any, side: Any, margin: float) -> float:
    """Share of the items whose mean similarity to the rest of their own group beats, by more than
    `margin`, their mean similarity to the other group: a test that does not depend on the group sizes."""
    mean_true, mean_false = _mean_to_sides(sim, side)
    own = np.where(side, mean_true, mean_false)
    other = np.where(side, mean_false, mean_true)
    return float(np.mean(own - other > margin))


def same_halves(before: tuple[set[str], set[str]], left: list[str], right: list[str]) -> bool:
    """Whether nine in ten of the members cut apart last time sit on the same sides again."""
    a, b = before
    kept = max(len(a & set(left)) + len(b & set(right)), len(a & set(right)) + len(b & set(left)))
    return kept >= 0.9 * (len(a) + len(b))
