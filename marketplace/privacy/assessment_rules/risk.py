"""CNIL-style risk levels: three feared events, each rated for severity and likelihood on four levels."""

from __future__ import annotations

from dataclasses import dataclass

ILLEGITIMATE_ACCESS = "illegitimate_access"
UNWANTED_MODIFICATION = "unwanted_modification"
DISAPPEARANCE = "disappearance"
FEARED_EVENTS = (ILLEGITIMATE_ACCESS, UNWANTED_MODIFICATION, DISAPPEARANCE)

# 1 negligible, 2 limited, 3 significant, 4 maximum (CNIL PIA scale)
LEVELS = (1, 2, 3, 4)

ACCEPTABLE = "acceptable"
REDUCE = "reduce"
UNACCEPTABLE = "unacceptable"


@dataclass(frozen=True)
class RiskRating:
    severity: int
    likelihood: int

    @property
    def level(self) -> str:
        return risk_level(self.severity, self.likelihood)


def risk_level(severity: int, likelihood: int) -> str:
    """Both significant or worse: unacceptable; one of them: must be reduced; otherwise acceptable."""
    if severity not in LEVELS or likelihood not in LEVELS:
        raise ValueError("severity and likelihood must be 1–4")
    high = (severity >= 3) + (likelihood >= 3)
    if high == 2:
        return UNACCEPTABLE
    if high == 1:
        return REDUCE
    return ACCEPTABLE
