"""Django admin for call-offs: MPS staff may look at the record, not change it.

Call-off state only changes through the services (state rules, audit chain), so every call-off model is read-only
here. The sealed guarantee holds in the admin too: `sealed_content` and `wrapped_data_key` are never shown, and an
offer's price only appears once the call-off's offers have been opened.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from marketplace.calloffs.models import (
    Award,
    AwardNotice,
    CallOff,
    CallOffDocument,
    CascadeStep,
    Complaint,
    Criterion,
    Evaluation,
    ImpartialityDeclaration,
    Invitation,
    Offer,
    OfferReceipt,
    Question,
    Score,
)
from marketplace.core.admin import StaffAdmin

SECRET_FIELDS = frozenset({"sealed_content", "wrapped_data_key", "opened_price_amount"})


class ReadOnlyAdmin(StaffAdmin):
    """MPS staff view; nobody adds, changes or deletes call-off records in the admin."""

    actions = None

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [f.name for f in self.model._meta.fields if f.name not in SECRET_FIELDS and f.name != "id"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return list(self.get_fields(request, obj)) + list(getattr(self, "extra_readonly", ()))

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CallOff)
class CallOffAdmin(ReadOnlyAdmin):
    list_display = (
        "reference",
        "title",
        "buyer",
        "mechanism",
        "published_at",
        "offer_deadline_at",
        "offers_opened_at",
    )
    list_filter = ("mechanism", "procurement_part")
    search_fields = ("reference", "title", "buyer__name", "buyer__orgnr")


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdmin):
    """Metadata only: who, when, version, hash. The price appears once the offers are opened; content never."""

    list_display = (
        "calloff",
        "supplier",
        "version",
        "submitted_at",
        "withdrawn_at",
        "sha256",
        "price_if_opened",
    )
    list_select_related = ("calloff", "supplier")
    search_fields = ("calloff__reference", "supplier__name", "supplier__orgnr")
    extra_readonly = ("price_if_opened",)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [*super().get_fields(request, obj), "price_if_opened"]

    @admin.display(description=_("tilbudt pris (åpnet)"))
    def price_if_opened(self, obj: Offer) -> str:
        if obj.calloff.offers_opened_at is None or obj.opened_price_amount is None:
            return "–"
        return str(obj.opened_price_amount)


@admin.register(OfferReceipt)
class OfferReceiptAdmin(ReadOnlyAdmin):
    list_display = ("calloff", "supplier", "kind", "received_at", "sha256")
    list_select_related = ("calloff", "supplier")


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("calloff", "supplier", "invited_at", "excluded_reason")


@admin.register(CallOffDocument)
class CallOffDocumentAdmin(ReadOnlyAdmin):
    list_display = ("calloff", "title", "uploaded_at", "sha256")


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdmin):
    list_display = ("calloff", "name", "kind", "weight_percent")


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ("calloff", "asked_at", "answered_at")


for model in (Evaluation, CascadeStep, ImpartialityDeclaration, Score, Award, AwardNotice, Complaint):
    admin.site.register(model, ReadOnlyAdmin)
