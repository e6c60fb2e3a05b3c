from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from marketplace.core.admin import StaffAdmin
from marketplace.suppliers.models import MoU, Reseller
from marketplace.suppliers.services import problem_message, reseller_validate


class ResellerAdminForm(forms.ModelForm):
    class Meta:
        model = Reseller
        fields = ("supplier", "partner", "lot", "valid_from", "valid_to")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        supplier = data.get("supplier")
        if supplier is None or self.errors:
            return data
        for problem in reseller_validate(
            supplier=supplier,
            partner=data.get("partner"),
            lot=data.get("lot"),
            valid_from=data.get("valid_from"),
            valid_to=data.get("valid_to"),
        ):
            self.add_error(problem.field if problem.field in self.fields else None, problem_message(problem))
        return data


@admin.register(Reseller)
class ResellerAdmin(StaffAdmin):
    form = ResellerAdminForm
    list_display = ("partner", "supplier", "lot", "valid_from", "valid_to")
    list_filter = ("lot__framework",)
    search_fields = ("partner__name", "supplier__name", "partner__orgnr", "supplier__orgnr")
    autocomplete_fields = ("supplier", "partner")


@admin.register(MoU)
class MoUAdmin(StaffAdmin):
    list_display = ("title", "supplier", "signed_on", "expires_on")
    search_fields = ("title", "supplier__name")
    autocomplete_fields = ("supplier",)
