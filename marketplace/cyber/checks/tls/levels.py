"""Shared helpers of the TLS checks: NCSC levels -> (status, points), and the Outcome triple. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from marketplace.cyber.checks.base import FULL, NONE, Status
from marketplace.cyber.checks.tls import ncsc

# What each check function returns: status, points, evidence.
Outcome = tuple[Status, int, dict[str, Any]]


def by_level(levels: Iterable[ncsc.Level], *, phase_out_points: int = FULL) -> tuple[Status, int]:
    """Insufficient -> FAIL 0; phase-out -> WARNING (`phase_out_points`); good/sufficient -> PASS 10;
    nothing to judge -> NOT_TESTED."""
    weakest = ncsc.worst(levels)
    if weakest is None:
        return Status.NOT_TESTED, NONE
    if weakest == ncsc.Level.INSUFFICIENT:
        return Status.FAIL, NONE
    if weakest == ncsc.Level.PHASE_OUT:
        return Status.WARNING, phase_out_points
    return Status.PASS, FULL


def grouped(pairs: Iterable[tuple[str, ncsc.Level]]) -> dict[str, list[str]]:
    """{"good": [...], "phase-out": [...]} in first-seen order, without duplicates."""
    result: dict[str, list[str]] = {}
    for name, level in pairs:
        names = result.setdefault(level.label, [])
        if name not in names:
            names.append(name)
    return result
