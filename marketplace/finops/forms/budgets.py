"""The budget form (shape only; the rules — phasing sums to 100, amount not negative, year in range — are checked
by the service, whose errors land on the matching fields) and the anomaly filter."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.core.forms import AccessibleForm
from marketplace.finops.models import Budget, BudgetScope, even_phasing
from marketplace.finops.services.budgets import BudgetInput, parse_phasing

MONTH_LABELS = (
    _("Januar"),
    _("Februar"),
    _("Mars"),
    _("April"),
    _("Mai"),
    _("Juni"),
    _("Juli"),
    _("August"),
    _("September"),
    _("Oktober"),
    _("November"),
    _("Desember"),
)
MONTH_FIELDS = tuple(f"month_{n}" for n in range(1, 13))


class BudgetForm(AccessibleForm):
    name = forms.CharField(label=_("Navn"), max_length=200)
    scope_kind = forms.ChoiceField(
        label=_("Gjelder"), choices=BudgetScope.choices, initial=BudgetScope.ORGANISATION
    )
    cost_centre = forms.CharField(
        label=_("Kostnadssted"),
        max_length=100,
        required=False,
        help_text=_("Koden i taggen CostCenter (eller cost-center, kostnadssted) på kostnadsradene."),
    )
    tag_key = forms.CharField(label=_("Taggnøkkel"), max_length=200, required=False)
    tag_value = forms.CharField(label=_("Taggverdi"), max_length=200, required=False)
    year = forms.IntegerField(label=_("År"))
    amount = forms.DecimalField(
        label=_("Beløp for året (NOK)"), max_digits=16, decimal_places=2, localize=True
    )
    owner_emails = forms.CharField(
        label=_("Varsle disse (e-post)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Én adresse per linje. Uten adresser går varslene til virksomhetens FinOps-analytikere."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label, share in zip(MONTH_FIELDS, MONTH_LABELS, even_phasing(), strict=True):
            self.fields[name] = forms.CharField(label=label, max_length=12, initial=share.replace(".", ","))
            self.fields[name].widget.attrs.update({"class": "ds-input", "inputmode": "decimal"})

    @classmethod
    def initial_for(cls, budget: Budget) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": budget.name,
            "scope_kind": budget.scope_kind,
            "cost_centre": budget.cost_centre,
            "tag_key": budget.tag_key,
            "tag_value": budget.tag_value,
            "year": budget.year,
            "amount": budget.amount,
            "owner_emails": "\n".join(budget.owner_emails),
        }
        for name, share in zip(MONTH_FIELDS, budget.phasing, strict=True):
            initial[name] = str(share).replace(".", ",")
        return initial

    def month_fields(self) -> list[Any]:
        return [self[name] for name in MONTH_FIELDS]

    def to_input(self) -> BudgetInput:
        """The cleaned values as service input (raises ValidationFailed for a share that is not a number)."""
        data = self.cleaned_data
        emails = [e for e in re.split(r"[\s,;]+", data.get("owner_emails") or "") if e]
        return BudgetInput(
            name=data["name"],
            year=data["year"],
            amount=data["amount"],
            scope_kind=data["scope_kind"],
            cost_centre=data.get("cost_centre") or "",
            tag_key=data.get("tag_key") or "",
            tag_value=data.get("tag_value") or "",
            phasing=parse_phasing([data[name] for name in MONTH_FIELDS]),
            owner_emails=emails,
        )


class AnomalyFilterForm(AccessibleForm):
    days = forms.IntegerField(
        label=_("Dager tilbake"), min_value=1, max_value=365, initial=30, required=False
    )
    nok_threshold = forms.DecimalField(
        label=_("Minste avvik (NOK)"),
        min_value=Decimal(0),
        initial=Decimal(1000),
        required=False,
        localize=True,
    )
    pct_threshold = forms.DecimalField(
        label=_("Minste avvik (%)"), min_value=Decimal(0), initial=Decimal(30), required=False, localize=True
    )
