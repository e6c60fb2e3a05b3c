"""A conformance finding: which rule, how bad, on which column, on how many rows, and what it means."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

ERROR = "error"  # rows rejected, or the whole file refused (see CheckResult.fatal)
WARNING = "warning"  # not conformant; normalised where the intent is unambiguous, or kept as is
INFO = "info"


@dataclass(frozen=True)
class Finding:
    rule_id: str
    severity: str
    column: str
    rows: int
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
