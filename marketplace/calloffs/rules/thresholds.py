"""Procurement thresholds as dated, versioned data, and the classification of a call-off's value into FOA parts.

All amounts are NOK excluding VAT (procurement-rules.md §1.1). EU thresholds are revised every two years and new EU
values apply from 1 January 2026, but the NOK values for 2026–2028 were not found in the reference corpus. The
2024 rows are therefore open-ended (`valid_to=None`): when the 2026 values are published, close the 2024 rows the day
before and add new rows here — never change a row in place, so old classifications stay reproducible.

Only goods and services are modelled (cloud services); works, utilities, defence and special services have their own
thresholds and are out of scope for MPS call-offs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

GOODS_SERVICES = "goods_services"

# ProcurementPart values (the model's TextChoices use the same strings).
BELOW = "below"
PART_I = "part_1"
PART_II = "part_2"
PART_III = "part_3"

# Under this value only the basic principles of the act apply (FOA Part I does not apply).
BASIC_PRINCIPLES_LIMIT = Decimal("100000")


@dataclass(frozen=True)
class ThresholdRow:
    valid_from: dt.date
    valid_to: dt.date | None  # inclusive; None = still in force
    contract_type: str
    national_amount: Decimal
    eea_state_amount: Decimal  # central government bodies (statlige myndigheter)
    eea_other_amount: Decimal  # municipalities, counties, bodies governed by public law

    def covers(self, on: dt.date, contract_type: str) -> bool:
        return (
            self.contract_type == contract_type
            and self.valid_from <= on
            and (self.valid_to is None or on <= self.valid_to)
        )


THRESHOLDS: tuple[ThresholdRow, ...] = (
    # regjeringen.no "Nye terskelverdier" (in force 14.03.2024); KS 2024: national threshold unchanged at 1.3 MNOK.
    # Open-ended on purpose: the 2026 NOK values were not found (see module docstring).
    ThresholdRow(
        valid_from=dt.date(2024, 3, 14),
        valid_to=None,
        contract_type=GOODS_SERVICES,
        national_amount=Decimal("1300000"),
        eea_state_amount=Decimal("1490000"),
        eea_other_amount=Decimal("2300000"),
    ),
)


class NoThresholdRow(Exception):
    pass


@dataclass(frozen=True)
class Classification:
    part: str
    is_above_eea: bool
    national_amount: Decimal
    eea_amount: Decimal


def threshold_row(
    on: dt.date, *, contract_type: str = GOODS_SERVICES, table: tuple[ThresholdRow, ...] = THRESHOLDS
) -> ThresholdRow:
    for row in table:
        if row.covers(on, contract_type):
            return row
    raise NoThresholdRow(f"no threshold row for {contract_type} on {on.isoformat()}")


def eea_threshold(row: ThresholdRow, *, buyer_is_state: bool) -> Decimal:
    return row.eea_state_amount if buyer_is_state else row.eea_other_amount


def classify(
    value: Decimal,
    buyer_is_state: bool,
    on: dt.date,
    *,
    contract_type: str = GOODS_SERVICES,
    table: tuple[ThresholdRow, ...] = THRESHOLDS,
) -> Classification:
    """The FOA band of `value` (excl. VAT) for a buyer on a date: below 100 000 / Part I / Part II / Part III."""
    row = threshold_row(on, contract_type=contract_type, table=table)
    eea = eea_threshold(row, buyer_is_state=buyer_is_state)
    if value < BASIC_PRINCIPLES_LIMIT:
        part = BELOW
    elif value < row.national_amount:
        part = PART_I
    elif value < eea:
        part = PART_II
    else:
        part = PART_III
    return Classification(
        part=part, is_above_eea=value >= eea, national_amount=row.national_amount, eea_amount=eea
    )


@dataclass(frozen=True)
class SplittingWarning:
    threshold: str  # "national" or "eea"
    threshold_amount: Decimal
    aggregate_amount: Decimal  # earlier 12-month total + this value


def aggregation_window_start(on: dt.date) -> dt.date:
    """First day of the 12 months before `on` (the same day one year earlier; 29 Feb → 28 Feb)."""
    try:
        return on.replace(year=on.year - 1)
    except ValueError:
        return on.replace(year=on.year - 1, day=28)


def splitting_warnings(
    value: Decimal,
    earlier_12_months_total: Decimal,
    buyer_is_state: bool,
    on: dt.date,
    *,
    contract_type: str = GOODS_SERVICES,
    table: tuple[ThresholdRow, ...] = THRESHOLDS,
) -> list[SplittingWarning]:
    """Thresholds that the 12-month aggregate (same buyer, framework and lot) crosses but the single value does not.

    Similar purchases within 12 months are added up when comparing to a threshold; crossing one only in aggregate
    suggests a purchase split to stay below it (KOFA 2024/256).
    """
    row = threshold_row(on, contract_type=contract_type, table=table)
    aggregate = earlier_12_months_total + value
    found = []
    for name, amount in (
        ("national", row.national_amount),
        ("eea", eea_threshold(row, buyer_is_state=buyer_is_state)),
    ):
        if value < amount <= aggregate:
            found.append(
                SplittingWarning(threshold=name, threshold_amount=amount, aggregate_amount=aggregate)
            )
    return found
