"""Budgets per organisation, cost centre or tag, the alerts sent for them, and the in-app notices FinOps shows.

A budget is a yearly NOK amount phased over the twelve months (`phasing`: twelve percentage shares summing to 100).
An alert is one (budget, month, threshold, basis) and is unique, so `budgets_check` never sends the same one twice.
The platform has no in-app notification store, so FinOps keeps its own small one (`FinopsNotice`), shown on the
budget page (and on the FinOps dashboard through `finops/_notices.html`).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import Organisation

__all__ = [
    "AlertBasis",
    "Budget",
    "BudgetAlert",
    "BudgetScope",
    "FinopsNotice",
    "even_phasing",
]

YEAR_MIN = 2000
YEAR_MAX = 2100


def even_phasing() -> list[str]:
    """Twelve shares summing to exactly 100: 8.33 × 8 and 8.34 × 4 (the last four months take the rounding)."""
    return ["8.33"] * 8 + ["8.34"] * 4


class BudgetScope(models.TextChoices):
    ORGANISATION = "organisation", _("Hele virksomheten")
    COST_CENTRE = "cost_centre", _("Kostnadssted")
    TAG = "tag", _("Tagg")


class AlertBasis(models.TextChoices):
    ACTUAL = "actual", _("Faktisk")
    FORECAST = "forecast", _("Prognose")


class Budget(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="finops_budgets")
    name = models.CharField(_("navn"), max_length=200)
    scope_kind = models.CharField(
        _("gjelder"), max_length=20, choices=BudgetScope.choices, default=BudgetScope.ORGANISATION
    )
    cost_centre = models.CharField(_("kostnadssted"), max_length=100, blank=True)
    tag_key = models.CharField(_("taggnøkkel"), max_length=200, blank=True)
    tag_value = models.CharField(_("taggverdi"), max_length=200, blank=True)
    year = models.PositiveIntegerField(_("år"))
    amount = models.DecimalField(_("beløp (NOK)"), max_digits=16, decimal_places=2)
    # Twelve percentage shares as decimal strings ("8.33"), January first; they sum to exactly 100.
    phasing = models.JSONField(_("månedsfordeling"), default=even_phasing)
    owner_emails = models.JSONField(_("e-post til ansvarlige"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("endret"), auto_now=True)

    class Meta:
        ordering = ["organisation", "-year", "name", "pk"]
        verbose_name = _("budsjett")
        verbose_name_plural = _("budsjetter")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="finops_budget_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(year__gte=YEAR_MIN) & Q(year__lte=YEAR_MAX), name="finops_budget_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}"

    def month_amount(self, month: int) -> Decimal:
        """The budget of month 1–12 (amount × share / 100), to the øre."""
        share = Decimal(str(self.phasing[month - 1]))
        return (self.amount * share / Decimal(100)).quantize(Decimal("0.01"))


class BudgetAlert(models.Model):
    """One alert sent: the budget's month reached `threshold` % by actual cost or by forecast."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="alerts")
    month = models.DateField(_("måned"))  # the first day of the month
    threshold = models.PositiveSmallIntegerField(_("terskel (%)"))
    basis = models.CharField(_("grunnlag"), max_length=10, choices=AlertBasis.choices)
    value_amount = models.DecimalField(_("beløp (NOK)"), max_digits=16, decimal_places=2)
    sent_at = models.DateTimeField(_("sendt"))

    class Meta:
        ordering = ["budget", "month", "threshold", "basis"]
        verbose_name = _("budsjettvarsel")
        verbose_name_plural = _("budsjettvarsler")
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "month", "threshold", "basis"], name="finops_budget_alert_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.budget} {self.month:%Y-%m} {self.threshold} % {self.basis}"


class FinopsNotice(models.Model):
    """An in-app message for an organisation's FinOps users (budget alerts so far)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="finops_notices")
    budget = models.ForeignKey(
        Budget, on_delete=models.SET_NULL, null=True, blank=True, related_name="notices"
    )
    subject = models.CharField(_("emne"), max_length=300)
    body = models.TextField(_("tekst"))
    created_at = models.DateTimeField(_("opprettet"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("FinOps-melding")
        verbose_name_plural = _("FinOps-meldinger")

    def __str__(self) -> str:
        return self.subject
