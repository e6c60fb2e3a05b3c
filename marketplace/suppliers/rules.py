"""Pure rules for the supplier register (no Django)."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date


def _(text: str) -> str:
    """Marks a message for makemessages; forms translate `Problem.template` with gettext (rules stay Django-free)."""
    return text


@dataclass(frozen=True)
class Problem:
    field: str
    template: str
    params: dict[str, str] = dataclass_field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.template % self.params if self.params else self.template


def reseller_problems(
    *,
    supplier_id: int | None,
    partner_id: int | None,
    partner_is_supplier: bool,
    valid_from: date | None,
    valid_to: date | None,
    contract_period: tuple[date, date] | None,
) -> list[Problem]:
    """What is wrong with a reseller agreement; empty when it may be registered.

    `contract_period` is the validity of the supplier's contract on the lot, or None if it holds none.
    """
    problems = []
    if supplier_id is not None and supplier_id == partner_id:
        problems.append(Problem("partner", _("En leverandør kan ikke være forhandler for seg selv.")))
    if partner_id is not None and not partner_is_supplier:
        problems.append(Problem("partner", _("Forhandleren må være registrert som leverandør.")))
    if contract_period is None:
        problems.append(Problem("lot", _("Leverandøren har ingen kontrakt på denne delkontrakten.")))
    if valid_from is None:
        problems.append(Problem("valid_from", _("Oppgi når avtalen gjelder fra.")))
    elif valid_to is not None and valid_to < valid_from:
        problems.append(Problem("valid_to", _("Sluttdatoen kan ikke være før startdatoen.")))
    if contract_period is not None and valid_from is not None:
        starts, ends = contract_period
        if valid_from < starts or valid_from > ends:
            problems.append(
                Problem(
                    "valid_from",
                    _("Startdatoen må ligge innenfor kontraktens gyldighet (%(starts)s–%(ends)s)."),
                    {"starts": f"{starts:%d.%m.%Y}", "ends": f"{ends:%d.%m.%Y}"},
                )
            )
        if valid_to is not None and valid_to > ends:
            problems.append(
                Problem(
                    "valid_to", f"Sluttdatoen kan ikke være etter at kontrakten utløper ({ends:%d.%m.%Y})."
                )
            )
    return problems


def periods_overlap(a_from: date, a_to: date | None, b_from: date, b_to: date | None) -> bool:
    """Closed date ranges; None means open-ended."""
    return (a_to is None or b_from <= a_to) and (b_to is None or a_from <= b_to)


def is_current(valid_from: date, valid_to: date | None, today: date) -> bool:
    return valid_from <= today and (valid_to is None or today <= valid_to)


def mou_problems(*, title: str, signed_on: date | None, expires_on: date | None) -> list[Problem]:
    problems = []
    if not title.strip():
        problems.append(Problem("title", _("Oppgi en tittel.")))
    if signed_on is None:
        problems.append(Problem("signed_on", _("Oppgi når MoU-en ble signert.")))
    elif expires_on is not None and expires_on < signed_on:
        problems.append(Problem("expires_on", _("Utløpsdatoen kan ikke være før signeringsdatoen.")))
    return problems
