"""What a notice adds to the market analysis; pure (no Django).

- the value is the awarded value when the notice has one, else the estimated value;
- only NOK is summed: a value in another currency gives `value_amount=None` and `has_foreign_value=True`;
- a value counts for contract notices, award notices and voluntary transparency notices that are not change
  notices; prior information, modification and completion notices add no value (the procedure's value is counted
  on its contract or award notice). The import also stops counting a contract notice once an award notice of the
  same procedure is stored, so a procedure is not counted twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

NOK = "NOK"
VALUE_KINDS = frozenset({"contract_notice", "award", "veat"})


@dataclass(frozen=True)
class NoticeValue:
    value_amount: Decimal | None
    has_foreign_value: bool
    counts: bool


def notice_value(
    *,
    kind: str,
    is_change: bool,
    awarded_amount: Decimal | None,
    awarded_currency: str,
    estimated_amount: Decimal | None,
    estimated_currency: str,
) -> NoticeValue:
    amount: Decimal | None
    if awarded_amount is not None:
        amount, currency = awarded_amount, awarded_currency
    else:
        amount, currency = estimated_amount, estimated_currency
    counts = kind in VALUE_KINDS and not is_change
    if amount is None:
        return NoticeValue(None, False, counts)
    if currency != NOK:
        return NoticeValue(None, True, counts)
    return NoticeValue(amount, False, counts)
