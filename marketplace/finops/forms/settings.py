"""Forms of the FinOps settings that were CLI-only: licence prices, SKU mappings and exchange rates."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.catalogue.models import Contract, PriceLine
from marketplace.core.forms import AccessibleForm

RATES_MAX_BYTES = 1024 * 1024


class LicencePriceForm(AccessibleForm):
    """How one product's seats are priced: a contract price line (unit user-month), a manual monthly price or the
    product's SaaS rows in the cost data (the first one given wins, as in `licence_price_set`)."""

    product = forms.CharField(label=gettext_lazy("Produkt"), max_length=200)
    contract = forms.CharField(
        label=gettext_lazy("Kontraktsnummer"),
        max_length=60,
        required=False,
        help_text=gettext_lazy("Med varenummer: prislinjen i rammeavtalens prisliste (enhet bruker-måned)."),
    )
    price_sku = forms.CharField(label=gettext_lazy("Varenummer i prislisten"), max_length=80, required=False)
    monthly_amount = forms.DecimalField(
        label=gettext_lazy("Pris per bruker og måned (NOK)"),
        required=False,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=4,
        localize=True,
    )
    focus_service_name = forms.CharField(
        label=gettext_lazy("FOCUS ServiceName"), max_length=200, required=False
    )
    focus_sku_id = forms.CharField(label=gettext_lazy("FOCUS SkuId"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        contract, sku = cleaned.get("contract", ""), cleaned.get("price_sku", "")
        cleaned["price_line"] = None
        if contract or sku:
            if not contract or not sku:
                self.add_error(
                    "price_sku" if contract else "contract",
                    _("Oppgi både kontraktsnummer og varenummer."),
                )
                return cleaned
            line = (
                PriceLine.objects.select_related("price_list__contract")
                .filter(price_list__contract__reference=contract, sku=sku)
                .order_by("-price_list__version")
                .first()
            )
            if line is None:
                self.add_error("price_sku", _("Fant ingen slik prislinje i kontrakten."))
            cleaned["price_line"] = line
        return cleaned


class SkuMappingForm(AccessibleForm):
    contract = forms.CharField(label=gettext_lazy("Kontraktsnummer"), max_length=60)
    price_sku = forms.CharField(label=gettext_lazy("Varenummer i prislisten"), max_length=80)
    provider_name = forms.CharField(
        label=gettext_lazy("Leverandør i FOCUS (ProviderName)"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Tom: leverandørens navn."),
    )
    sku_id = forms.CharField(label=gettext_lazy("FOCUS SkuId"), max_length=200, required=False)
    service_name = forms.CharField(label=gettext_lazy("FOCUS ServiceName"), max_length=200, required=False)
    charge_description_contains = forms.CharField(
        label=gettext_lazy("ChargeDescription inneholder"), max_length=200, required=False
    )
    pricing_unit = forms.CharField(label=gettext_lazy("FOCUS PricingUnit"), max_length=60, required=False)
    unit_factor = forms.DecimalField(
        label=gettext_lazy("Omregningsfaktor"),
        initial=Decimal(1),
        max_digits=20,
        decimal_places=10,
        localize=True,
        help_text=gettext_lazy("Prislinjens enheter per FOCUS PricingUnit (Hours → vcpu_hour: 1)."),
    )
    tolerance_percent = forms.DecimalField(
        label=gettext_lazy("Toleranse (%)"), initial=Decimal(0), max_digits=6, decimal_places=2, localize=True
    )

    def clean_contract(self) -> Contract:
        reference = self.cleaned_data["contract"].strip()
        contract = Contract.objects.select_related("supplier").filter(reference=reference).first()
        if contract is None:
            raise forms.ValidationError(_("Fant ingen kontrakt med dette nummeret."))
        return contract


class RatesForm(AccessibleForm):
    """Exchange rates as CSV (currency,month,nok_per_unit,source): pasted text or a file."""

    text = forms.CharField(
        label=gettext_lazy("Lim inn kurser"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "CSV med overskriften currency,month,nok_per_unit,source; måned ÅÅÅÅ-MM, NOK per enhet av valutaen."
        ),
    )
    file = forms.FileField(label=gettext_lazy("Eller last opp en CSV-fil"), required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Filen må være en CSV-fil (.csv)."))
        if upload.size > RATES_MAX_BYTES:
            raise forms.ValidationError(_("Filen er for stor (maks 1 MB)."))
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload, text = cleaned.get("file"), (cleaned.get("text") or "").strip()
        if "file" in self.errors:
            return cleaned
        if upload is not None and text:
            raise forms.ValidationError(_("Lim inn kurser eller last opp en fil, ikke begge."))
        if upload is not None:
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("file", _("Filen er ikke UTF-8-tekst."))
                return cleaned
        if not text.strip():
            raise forms.ValidationError(_("Lim inn kurser eller last opp en fil."))
        cleaned["lines"] = text.splitlines()
        return cleaned
