"""The filter form of the cost pages (GET, kept in the URL) and the showback rule forms."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.core.forms import AccessibleForm
from marketplace.finops.analytics.backend import Scope
from marketplace.finops.analytics.report import Filters
from marketplace.finops.models import CostCentre, MatchKind, SplitMethod

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _month(value: str) -> dt.date | None:
    if not value:
        return None
    match = MONTH.match(value)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise forms.ValidationError(_("Skriv måneden som ÅÅÅÅ-MM, for eksempel 2026-09."))
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


class CostFilterForm(AccessibleForm):
    period_from = forms.CharField(
        label=_("Fra måned"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "ÅÅÅÅ-MM"}),
    )
    period_to = forms.CharField(
        label=_("Til måned"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "ÅÅÅÅ-MM"}),
    )
    provider = forms.CharField(label=_("Leverandør"), required=False, max_length=200)
    service_category = forms.CharField(label=_("Tjenestekategori"), required=False, max_length=200)
    service = forms.CharField(label=_("Tjeneste"), required=False, max_length=200)
    sub_account = forms.CharField(label=_("Underkonto"), required=False, max_length=200)
    region = forms.CharField(label=_("Region"), required=False, max_length=200)
    tag_key = forms.CharField(label=_("Taggnøkkel"), required=False, max_length=200)
    tag_value = forms.CharField(label=_("Taggverdi"), required=False, max_length=200)

    def clean_period_from(self) -> dt.date | None:
        return _month(self.cleaned_data.get("period_from", ""))

    def clean_period_to(self) -> dt.date | None:
        return _month(self.cleaned_data.get("period_to", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and start > end:
            self.add_error("period_to", _("Til-måneden er før fra-måneden."))
        if data.get("tag_value") and not data.get("tag_key"):
            self.add_error("tag_key", _("Oppgi taggnøkkelen for taggverdien."))
        return data

    def scope_and_filters(self, organisation: Any) -> tuple[Scope, Filters]:
        data = self.cleaned_data if self.is_valid() else {}
        scope = Scope(
            (organisation.pk,), period_from=data.get("period_from"), period_to=data.get("period_to")
        )
        filters = Filters(
            **{
                name: data.get(name) or None
                for name in (
                    "provider",
                    "service_category",
                    "service",
                    "sub_account",
                    "region",
                    "tag_key",
                    "tag_value",
                )
            }
        )
        return scope, filters


class CostCentreForm(AccessibleForm):
    code = forms.CharField(label=_("Kode"), max_length=40)
    name = forms.CharField(label=_("Navn"), max_length=200)
    parent = forms.ModelChoiceField(
        label=_("Overordnet kostnadssted"), queryset=CostCentre.objects.none(), required=False
    )

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = CostCentre.objects.filter(organisation=organisation)  # type: ignore[attr-defined]


class AllocationRuleForm(AccessibleForm):
    kind = forms.ChoiceField(
        label=_("Treff på"),
        choices=[(MatchKind.TAG, MatchKind.TAG.label), (MatchKind.SUB_ACCOUNT, MatchKind.SUB_ACCOUNT.label)],
    )
    key = forms.CharField(
        label=_("Taggnøkkel"), required=False, max_length=200, help_text=_("Bare for tagger.")
    )
    value = forms.CharField(label=_("Verdi"), max_length=200)
    cost_centre = forms.ModelChoiceField(label=_("Kostnadssted"), queryset=CostCentre.objects.none())
    priority = forms.IntegerField(
        label=_("Prioritet"),
        min_value=0,
        max_value=100000,
        initial=100,
        help_text=_("Lavest tall gjelder først."),
    )

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cost_centre"].queryset = CostCentre.objects.filter(organisation=organisation)  # type: ignore[attr-defined]


class SharedCostRuleForm(AccessibleForm):
    name = forms.CharField(label=_("Navn"), max_length=200)
    kind = forms.ChoiceField(label=_("Treff på"), choices=MatchKind.choices)
    key = forms.CharField(
        label=_("Taggnøkkel"), required=False, max_length=200, help_text=_("Bare for tagger.")
    )
    value = forms.CharField(label=_("Verdi"), max_length=200)
    method = forms.ChoiceField(label=_("Fordelingsmetode"), choices=SplitMethod.choices)
    targets = forms.ModelMultipleChoiceField(
        label=_("Kostnadssteder"),
        queryset=CostCentre.objects.none(),
        required=False,
        help_text=_("For forholdsmessig og lik fordeling. Ingen valgt: alle kostnadssteder."),
    )
    shares = forms.CharField(
        label=_("Faste prosenter"),
        required=False,
        max_length=2000,
        help_text=_("For faste prosenter: kode=prosent, skilt med komma, for eksempel «IT=60, HR=40»."),
    )
    priority = forms.IntegerField(label=_("Prioritet"), min_value=0, max_value=100000, initial=100)

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["targets"].queryset = CostCentre.objects.filter(organisation=organisation)  # type: ignore[attr-defined]

    def clean_shares(self) -> list[tuple[CostCentre, Decimal]]:
        text = self.cleaned_data.get("shares", "").strip()
        if not text:
            return []
        centres = {c.code: c for c in CostCentre.objects.filter(organisation=self.organisation)}
        shares: list[tuple[CostCentre, Decimal]] = []
        for part in text.split(","):
            code, _sep, percent = part.partition("=")
            code = code.strip()
            if code not in centres:
                raise forms.ValidationError(_("Ukjent kostnadssted: %(code)s") % {"code": code})
            try:
                shares.append((centres[code], Decimal(percent.strip().replace(" ", "").replace("%", ""))))
            except InvalidOperation:
                raise forms.ValidationError(_("Ugyldig prosent for %(code)s.") % {"code": code}) from None
        return shares


class CostCentreEditForm(AccessibleForm):
    """Name and parent of an existing cost centre (the code is the key the rules and CSV use, so it stays)."""

    name = forms.CharField(label=_("Navn"), max_length=200)
    parent = forms.ModelChoiceField(
        label=_("Overordnet kostnadssted"), queryset=CostCentre.objects.none(), required=False
    )

    def __init__(self, *args: Any, cost_centre: CostCentre, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = CostCentre.objects.filter(  # type: ignore[attr-defined]
            organisation_id=cost_centre.organisation_id
        ).exclude(pk=cost_centre.pk)


def shares_text(rule: Any) -> str:
    """A fixed-split rule's shares as the form writes them: «IT=60, HR=40»."""
    return ", ".join(f"{share.cost_centre.code}={share.percent.normalize():f}" for share in rule.shares.all())
