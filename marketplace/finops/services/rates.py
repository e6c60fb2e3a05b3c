"""Exchange rates for NOK reporting: monthly NOK per unit of a billing currency (`ExchangeRate`).

`finops_rates_load(*, lines, user=None)` loads CSV text with the header `currency,month,nok_per_unit,source`
(month `YYYY-MM`; decimal point or comma). Every line is validated first; one bad line stores nothing and the error
names the line. An existing (currency, month) is updated. One audit event per load.

A refusal is a `RatesError` whose `issues` are `RateIssue`s: a stable `code`, the line number and the values, with
the English message for the CLI and JSON (`errors`) and the Norwegian one for the pages (`RateIssue.text()`).
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
from django.utils.translation import gettext_lazy

from marketplace.core.audit import audit_record
from marketplace.finops.models import ExchangeRate

__all__ = ["RATES_HEADER", "RateIssue", "RatesError", "RatesResult", "finops_rates_load", "rate_for"]

RATES_HEADER = ("currency", "month", "nok_per_unit", "source")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


# code → (English for the CLI, Norwegian for the pages); both formatted with the issue's `params` and `line`.
RATE_MESSAGES: dict[str, tuple[str, Any]] = {
    "header": (
        "The first line must be the header %(header)s",
        gettext_lazy("Første linje må være overskriften %(header)s."),
    ),
    "empty": ("The file holds no rates", gettext_lazy("Filen har ingen kurser.")),
    "fields": (
        "line %(line)s: expected 4 fields, got %(got)s",
        gettext_lazy("Linje %(line)s: forventet 4 felt, fant %(got)s."),
    ),
    "currency": (
        "line %(line)s: currency must be a three-letter ISO code other than NOK, not %(value)r",
        gettext_lazy(
            "Linje %(line)s: valuta må være en ISO-kode på tre bokstaver (ikke NOK), ikke «%(value)s»."
        ),
    ),
    "month": (
        "line %(line)s: month must be YYYY-MM, not %(value)r",
        gettext_lazy("Linje %(line)s: måned må være ÅÅÅÅ-MM, ikke «%(value)s»."),
    ),
    "rate_not_number": (
        "line %(line)s: nok_per_unit is not a number: %(value)r",
        gettext_lazy("Linje %(line)s: nok_per_unit er ikke et tall: «%(value)s»."),
    ),
    "rate_not_positive": (
        "line %(line)s: nok_per_unit must be greater than 0",
        gettext_lazy("Linje %(line)s: nok_per_unit må være større enn 0."),
    ),
    "source_missing": (
        "line %(line)s: source is required (e.g. 'Norges Bank, monthly average')",
        gettext_lazy("Linje %(line)s: kilde mangler (for eksempel «Norges Bank, månedsgjennomsnitt»)."),
    ),
    "duplicate": (
        "line %(line)s: %(currency)s %(month)s appears twice",
        gettext_lazy("Linje %(line)s: %(currency)s %(month)s står to ganger."),
    ),
}


@dataclass(frozen=True)
class RateIssue:
    """One reason a rates file was refused: `code` (a key of RATE_MESSAGES), the line (None for the whole file)
    and the values the message names."""

    code: str
    line: int | None = None
    params: tuple[tuple[str, Any], ...] = ()

    def _values(self) -> dict[str, Any]:
        return {"line": self.line, **dict(self.params)}

    @property
    def message(self) -> str:
        """English, for the CLI and JSON."""
        return RATE_MESSAGES[self.code][0] % self._values()

    def text(self) -> str:
        """Norwegian (the active language), for the pages."""
        return str(RATE_MESSAGES[self.code][1]) % self._values()


def _issue(code: str, line: int | None = None, **params: Any) -> RateIssue:
    return RateIssue(code, line, tuple(params.items()))


class RatesError(ValueError):
    def __init__(self, issues: list[RateIssue]) -> None:
        self.issues = issues
        self.errors = [issue.message for issue in issues]
        super().__init__("; ".join(self.errors))


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
        raise RatesError([_issue("header", header=",".join(RATES_HEADER))])
    errors: list[RateIssue] = []
    parsed: dict[tuple[str, dt.date], tuple[str, dt.date, Decimal, str]] = {}
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 4:
            errors.append(_issue("fields", number, got=len(row)))
            continue
        currency, month_text, rate_text, source = (cell.strip() for cell in row)
        currency = currency.upper()
        if not _CURRENCY.match(currency) or currency == "NOK":
            errors.append(_issue("currency", number, value=row[0]))
            continue
        match = _MONTH.match(month_text)
        if not match or not 1 <= int(match.group(2)) <= 12:
            errors.append(_issue("month", number, value=month_text))
            continue
        month = dt.date(int(match.group(1)), int(match.group(2)), 1)
        try:
            rate = Decimal(rate_text.replace(",", "."))
        except InvalidOperation:
            errors.append(_issue("rate_not_number", number, value=rate_text))
            continue
        if not rate.is_finite() or rate <= 0:
            errors.append(_issue("rate_not_positive", number))
            continue
        if not source:
            errors.append(_issue("source_missing", number))
            continue
        if (currency, month) in parsed:
            errors.append(_issue("duplicate", number, currency=currency, month=month_text))
            continue
        parsed[(currency, month)] = (currency, month, rate.quantize(Decimal("0.00000001")), source[:200])
    if errors:
        raise RatesError(errors)
    if not parsed:
        raise RatesError([_issue("empty")])
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
