"""Exchange rates for NOK reporting: monthly NOK per unit of a billing currency (`ExchangeRate`).

`finops_rates_load(*, lines, user=None)` loads CSV text with the header `currency,month,nok_per_unit,source`
(month `YYYY-MM`; decimal point or comma). Every line is validated first; one bad line stores nothing and the error
names the line. An existing (currency, month) is updated. One audit event per load.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from marketplace.core.audit import audit_record
from marketplace.finops.models import ExchangeRate

__all__ = ["RATES_HEADER", "RatesError", "RatesResult", "finops_rates_load", "rate_for"]

RATES_HEADER = ("currency", "month", "nok_per_unit", "source")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class RatesError(ValueError):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class RatesResult:
    created: int
    updated: int

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated}


def _parse(lines: Iterable[str]) -> list[tuple[str, dt.date, Decimal, str]]:
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None or tuple(h.strip().lower().lstrip("\ufeff") for h in header) != RATES_HEADER:
        raise RatesError([f"The first line must be the header {','.join(RATES_HEADER)}"])
    errors: list[str] = []
    parsed: dict[tuple[str, dt.date], tuple[str, dt.date, Decimal, str]] = {}
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 4:
            errors.append(f"line {number}: expected 4 fields, got {len(row)}")
            continue
        currency, month_text, rate_text, source = (cell.strip() for cell in row)
        currency = currency.upper()
        if not _CURRENCY.match(currency) or currency == "NOK":
            errors.append(
                f"line {number}: currency must be a three-letter ISO code other than NOK, not {row[0]!r}"
            )
            continue
        match = _MONTH.match(month_text)
        if not match or not 1 <= int(match.group(2)) <= 12:
            errors.append(f"line {number}: month must be YYYY-MM, not {month_text!r}")
            continue
        month = dt.date(int(match.group(1)), int(match.group(2)), 1)
        try:
            rate = Decimal(rate_text.replace(",", "."))
        except InvalidOperation:
            errors.append(f"line {number}: nok_per_unit is not a number: {rate_text!r}")
            continue
        if not rate.is_finite() or rate <= 0:
            errors.append(f"line {number}: nok_per_unit must be greater than 0")
            continue
        if not source:
            errors.append(f"line {number}: source is required (e.g. 'Norges Bank, monthly average')")
            continue
        if (currency, month) in parsed:
            errors.append(f"line {number}: {currency} {month_text} appears twice")
            continue
        parsed[(currency, month)] = (currency, month, rate.quantize(Decimal("0.00000001")), source[:200])
    if errors:
        raise RatesError(errors)
    if not parsed:
        raise RatesError(["The file holds no rates"])
    return list(parsed.values())


def finops_rates_load(*, lines: Iterable[str], user: Any = None) -> RatesResult:
    rates = _parse(lines)
    created = updated = 0
    with transaction.atomic():
        for currency, month, rate, source in rates:
            _obj, was_created = ExchangeRate.objects.update_or_create(
                currency=currency, month=month, defaults={"nok_per_unit": rate, "source": source}
            )
            created += was_created
            updated += not was_created
        audit_record(
            actor=user if getattr(user, "is_authenticated", False) else None,
            verb="finops.rates_load",
            data={
                "created": created,
                "updated": updated,
                "currencies": sorted({r[0] for r in rates}),
                "months": [f"{min(r[1] for r in rates):%Y-%m}", f"{max(r[1] for r in rates):%Y-%m}"],
            },
        )
    return RatesResult(created=created, updated=updated)


def rate_for(currency: str, month: dt.date) -> Decimal | None:
    """NOK per unit for the month (1 for NOK), or None when no rate is loaded."""
    if currency == "NOK":
        return Decimal(1)
    return (
        ExchangeRate.objects.filter(currency=currency, month=month.replace(day=1))
        .values_list("nok_per_unit", flat=True)
        .first()
    )
