"""Budgets: create, change, delete (each an audit event), and `budgets_check`, which sends an alert when a month's
actual cost or forecast reaches 80 % or 100 % of the month's budget.

Alerts go out as an in-app notice (`FinopsNotice`) and an e-mail (to the budget's owners, or else to the
organisation's FinOps analysts and org admins), once: `BudgetAlert` is unique per (budget, month, threshold, basis)
and the budget row is locked while checking. When the actual cost has reached a threshold, the forecast alert for
the same threshold is not sent (it would say less). The months checked are yesterday's month and the month before
(late cost data still lands in it). E-mails go after the transaction commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from marketplace.accounts.models import Membership
from marketplace.core.audit import audit_record
from marketplace.core.deadlines import OSLO
from marketplace.core.exceptions import PermissionDenied, ValidationFailed
from marketplace.finops.models import AlertBasis, Budget, BudgetAlert, BudgetScope, FinopsNotice
from marketplace.finops.models.budgets import YEAR_MAX, YEAR_MIN
from marketplace.finops.permissions import FINOPS_ROLES, can_manage_finops
from marketplace.finops.selectors.budgets import BudgetStatus, MonthStatus, budget_status

THRESHOLDS = (80, 100)
HUNDRED = Decimal(100)
MAX_AMOUNT = Decimal("99999999999999.99")


@dataclass
class BudgetInput:
    name: str
    year: int
    amount: Decimal
    scope_kind: str = BudgetScope.ORGANISATION
    cost_centre: str = ""
    tag_key: str = ""
    tag_value: str = ""
    phasing: list[Decimal] | None = None  # twelve percentages; None = even
    owner_emails: list[str] = field(default_factory=list)


def budget_input_errors(data: BudgetInput) -> list[dict[str, str]]:
    """Every problem with the input, as {"field", "message"} (empty when it can be stored)."""
    errors: list[dict[str, str]] = []

    def add(name: str, message: str) -> None:
        errors.append({"field": name, "message": message})

    if not data.name.strip():
        add("name", _("Gi budsjettet et navn."))
    if not YEAR_MIN <= data.year <= YEAR_MAX:
        add("year", _("Året må være mellom %(min)s og %(max)s.") % {"min": YEAR_MIN, "max": YEAR_MAX})
    if data.amount < 0:
        add("amount", _("Beløpet kan ikke være negativt."))
    elif data.amount > MAX_AMOUNT or data.amount != data.amount.quantize(Decimal("0.01")):
        add("amount", _("Beløpet må være et kronebeløp med høyst to desimaler."))
    if data.scope_kind not in BudgetScope.values:
        add("scope_kind", _("Velg hva budsjettet gjelder."))
    if data.scope_kind == BudgetScope.COST_CENTRE and not data.cost_centre.strip():
        add("cost_centre", _("Oppgi kostnadssted."))
    if data.scope_kind == BudgetScope.TAG:
        if not data.tag_key.strip():
            add("tag_key", _("Oppgi taggnøkkel."))
        if not data.tag_value.strip():
            add("tag_value", _("Oppgi taggverdi."))
    if data.phasing is not None:
        if len(data.phasing) != 12:
            add("phasing", _("Månedsfordelingen må ha tolv andeler."))
        elif any(share < 0 for share in data.phasing):
            add("phasing", _("Andelene i månedsfordelingen kan ikke være negative."))
        elif sum(data.phasing, Decimal(0)) != HUNDRED:
            add(
                "phasing",
                _("Månedsfordelingen må summere til 100 %% (nå %(sum)s %%).")
                % {"sum": formats.number_format(sum(data.phasing, Decimal(0)))},
            )
    for email in data.owner_emails:
        try:
            validate_email(email)
        except ValidationError:
            add("owner_emails", _("Ugyldig e-postadresse: %(email)s") % {"email": email})
    return errors


def _fields(data: BudgetInput) -> dict[str, Any]:
    kind = data.scope_kind
    return {
        "name": data.name.strip(),
        "year": data.year,
        "amount": data.amount,
        "scope_kind": kind,
        "cost_centre": data.cost_centre.strip() if kind == BudgetScope.COST_CENTRE else "",
        "tag_key": data.tag_key.strip() if kind == BudgetScope.TAG else "",
        "tag_value": data.tag_value.strip() if kind == BudgetScope.TAG else "",
        "phasing": [str(share) for share in data.phasing] if data.phasing is not None else None,
        "owner_emails": sorted({email.strip().lower() for email in data.owner_emails if email.strip()}),
    }


def _audit_data(budget: Budget) -> dict[str, Any]:
    return {
        "name": budget.name,
        "year": budget.year,
        "amount": str(budget.amount),
        "scope_kind": budget.scope_kind,
        "cost_centre": budget.cost_centre,
        "tag_key": budget.tag_key,
        "tag_value": budget.tag_value,
        "phasing": list(budget.phasing),
        "owner_emails": list(budget.owner_emails),
    }


def _check(actor: Any, organisation: Any, data: BudgetInput | None = None) -> None:
    if not can_manage_finops(actor, organisation):
        raise PermissionDenied(_("Du har ikke tilgang til budsjettene til denne virksomheten."))
    if data is not None:
        errors = budget_input_errors(data)
        if errors:
            raise ValidationFailed(_("Budsjettet ble ikke lagret. Rett feilene under."), errors=errors)


def budget_create(
    *, actor: Any, organisation: Any, data: BudgetInput, now: dt.datetime | None = None
) -> Budget:
    _check(actor, organisation, data)
    values = _fields(data)
    if values["phasing"] is None:
        values.pop("phasing")
    with transaction.atomic():
        budget = Budget.objects.create(organisation=organisation, created_by=actor, **values)
        audit_record(
            actor=actor,
            verb="budget.created",
            target=budget,
            organisation=organisation,
            data=_audit_data(budget),
            now=now,
        )
    return budget


def budget_update(*, actor: Any, budget: Budget, data: BudgetInput, now: dt.datetime | None = None) -> Budget:
    _check(actor, budget.organisation, data)
    values = _fields(data)
    if values["phasing"] is None:
        values.pop("phasing")
    with transaction.atomic():
        budget = Budget.objects.select_for_update().get(pk=budget.pk)
        for name, value in values.items():
            setattr(budget, name, value)
        budget.save()
        audit_record(
            actor=actor,
            verb="budget.updated",
            target=budget,
            organisation=budget.organisation,
            data=_audit_data(budget),
            now=now,
        )
    return budget


def budget_delete(*, actor: Any, budget: Budget, now: dt.datetime | None = None) -> None:
    _check(actor, budget.organisation)
    with transaction.atomic():
        audit_record(
            actor=actor,
            verb="budget.deleted",
            target=budget,
            organisation=budget.organisation,
            data=_audit_data(budget),
            now=now,
        )
        budget.delete()


def parse_phasing(values: list[str]) -> list[Decimal]:
    """Twelve shares from text ("8,33" or "8.33"); raises ValidationFailed on text that is not a number."""
    shares = []
    for text in values:
        try:
            shares.append(Decimal(text.strip().replace(",", ".").replace("\u00a0", "").replace(" ", "")))
        except InvalidOperation:
            raise ValidationFailed(
                _("Budsjettet ble ikke lagret. Rett feilene under."),
                errors=[{"field": "phasing", "message": _("Andelene må være tall.")}],
            ) from None
    return shares


# --- alerts -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertDue:
    month: MonthStatus
    threshold: int
    basis: str
    value: Decimal


def alerts_due(status: BudgetStatus, months: list[dt.date]) -> list[AlertDue]:
    """Which alerts the status calls for in the given months (before looking at what was sent)."""
    due = []
    for month in status.months:
        if month.month not in months or month.budget <= 0:
            continue
        for threshold in THRESHOLDS:
            limit = month.budget * threshold / HUNDRED
            if month.actual >= limit:
                due.append(AlertDue(month, threshold, AlertBasis.ACTUAL, month.actual))
            elif month.days_forecast and month.forecast >= limit:
                due.append(AlertDue(month, threshold, AlertBasis.FORECAST, month.forecast))
    return due


def _nok(amount: Decimal) -> str:
    return formats.number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)


def _message(budget: Budget, alert: AlertDue) -> tuple[str, str]:
    month = formats.date_format(alert.month.month, "F Y")
    values = {
        "budget": budget.name,
        "threshold": alert.threshold,
        "month": month,
        "value": _nok(alert.value),
        "month_budget": _nok(alert.month.budget),
        "pct": formats.number_format(alert.value / alert.month.budget * HUNDRED, decimal_pos=1),
    }
    if alert.basis == AlertBasis.ACTUAL:
        subject = _("Budsjettvarsel: %(budget)s har nådd %(threshold)s %% i %(month)s") % values
        body = (
            _(
                "De faktiske kostnadene i %(month)s er %(value)s NOK, som er %(pct)s %% av månedsbudsjettet på "
                "%(month_budget)s NOK for «%(budget)s»."
            )
            % values
        )
    else:
        subject = _("Budsjettvarsel: %(budget)s ventes å nå %(threshold)s %% i %(month)s") % values
        body = (
            _(
                "Prognosen for %(month)s er %(value)s NOK, som er %(pct)s %% av månedsbudsjettet på %(month_budget)s "
                "NOK for «%(budget)s»."
            )
            % values
        )
    return subject, body


def _recipients(budget: Budget) -> list[str]:
    if budget.owner_emails:
        return sorted(set(budget.owner_emails))
    emails = (
        Membership.objects.filter(
            organisation=budget.organisation, role__in=FINOPS_ROLES, user__is_active=True
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
        .distinct()
    )
    return sorted(set(emails))


def _months_checked(yesterday: dt.date) -> list[dt.date]:
    current = yesterday.replace(day=1)
    previous = (current - dt.timedelta(days=1)).replace(day=1)
    return [previous, current]


def budget_check(*, budget_id: int, now: dt.datetime | None = None) -> list[BudgetAlert]:
    """Send the alerts due for one budget that were not sent before; return the alerts recorded now."""
    now = now or timezone.now()
    yesterday = now.astimezone(OSLO).date() - dt.timedelta(days=1)
    months = _months_checked(yesterday)
    sent: list[BudgetAlert] = []
    messages: list[tuple[str, str, str, list[str]]] = []
    with transaction.atomic(), translation.override("nb"):
        budget = Budget.objects.select_for_update().filter(pk=budget_id).first()
        if budget is None or budget.year not in {m.year for m in months}:
            return []
        budget = Budget.objects.select_related("organisation").get(pk=budget_id)
        status = budget_status(budget, today=yesterday + dt.timedelta(days=1))
        existing = set(budget.alerts.values_list("month", "threshold", "basis"))
        link = reverse("finops:budget_detail", args=[budget.pk])
        for alert in alerts_due(status, months):
            if (alert.month.month, alert.threshold, alert.basis) in existing:
                continue
            record = BudgetAlert.objects.create(
                budget=budget,
                month=alert.month.month,
                threshold=alert.threshold,
                basis=alert.basis,
                value_amount=alert.value,
                sent_at=now,
            )
            subject, body = _message(budget, alert)
            FinopsNotice.objects.create(
                organisation=budget.organisation, budget=budget, subject=subject, body=body, created_at=now
            )
            recipients = _recipients(budget)
            audit_record(
                actor=None,
                verb="budget.alert_sent",
                target=budget,
                organisation=budget.organisation,
                data={
                    "month": alert.month.month.isoformat(),
                    "threshold": alert.threshold,
                    "basis": alert.basis,
                    "value": str(alert.value),
                    "recipients": len(recipients),
                },
                now=now,
            )
            text = f"{body}\n\n{_('Se budsjettet')}: {link}"
            messages.extend((subject, text, settings.DEFAULT_FROM_EMAIL, [email]) for email in recipients)
            sent.append(record)
        if messages:
            batch = tuple(messages)
            transaction.on_commit(lambda: send_mass_mail(batch, fail_silently=False))
    return sent


def budgets_check(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Check every budget of the years concerned (what `mps finops tick` runs); idempotent."""
    now = now or timezone.now()
    years = {m.year for m in _months_checked(now.astimezone(OSLO).date() - dt.timedelta(days=1))}
    ids = list(Budget.objects.filter(year__in=years).order_by("pk").values_list("pk", flat=True))
    sent = 0
    for budget_id in ids:
        sent += len(budget_check(budget_id=budget_id, now=now))
    return {"checked": len(ids), "sent": sent}
