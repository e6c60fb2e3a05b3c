from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from marketplace.catalogue.models import (
    Certification,
    Contract,
    ContractDocument,
    DataLocation,
    FrameworkAgreement,
    FrameworkCriterion,
    FrameworkMechanism,
    Lot,
    PriceLine,
    PriceList,
    Service,
    ServiceSearchDocument,
    ServiceVersion,
    Shortlist,
    ShortlistItem,
    ShortlistSnapshot,
    SubProcessor,
)
from marketplace.core.admin import StaffAdmin, StaffInline


class MechanismInline(StaffInline):
    model = FrameworkMechanism


class CriterionInline(StaffInline):
    model = FrameworkCriterion


class LotInline(StaffInline):
    model = Lot


@admin.register(FrameworkAgreement)
class FrameworkAgreementAdmin(StaffAdmin):
    list_display = ("name", "reference", "category", "starts_on", "ends_on", "max_value_amount")
    list_filter = ("category", "procedure")
    search_fields = ("name", "reference")
    filter_horizontal = ("participants",)
    inlines = (MechanismInline, CriterionInline, LotInline)


@admin.register(FrameworkMechanism)
class FrameworkMechanismAdmin(StaffAdmin):
    list_display = ("framework", "mechanism", "max_value_amount")


@admin.register(FrameworkCriterion)
class FrameworkCriterionAdmin(StaffAdmin):
    list_display = ("framework", "name", "kind", "weight_percent")


@admin.register(Lot)
class LotAdmin(StaffAdmin):
    list_display = ("framework", "number", "title")
    list_filter = ("framework",)
    search_fields = ("title", "framework__name")


class ContractDocumentInline(StaffInline):
    model = ContractDocument
    readonly_fields = ("sha256", "uploaded_at")


@admin.register(Contract)
class ContractAdmin(StaffAdmin):
    list_display = ("reference", "supplier", "framework", "lot", "rank", "valid_from", "valid_to")
    list_filter = ("framework",)
    search_fields = ("reference", "supplier__name", "supplier__orgnr")
    autocomplete_fields = ("supplier", "lot")
    inlines = (ContractDocumentInline,)


@admin.register(ContractDocument)
class ContractDocumentAdmin(StaffAdmin):
    list_display = ("title", "contract", "uploaded_at")
    readonly_fields = ("sha256", "uploaded_at")


class PriceLineInline(StaffInline):
    model = PriceLine


@admin.register(PriceList)
class PriceListAdmin(StaffAdmin):
    list_display = ("contract", "version", "valid_from", "created_at")
    inlines = (PriceLineInline,)


@admin.register(PriceLine)
class PriceLineAdmin(StaffAdmin):
    list_display = ("price_list", "sku", "unit", "unit_price_amount")
    search_fields = ("sku", "description")


class DataLocationInline(StaffInline):
    model = DataLocation


class CertificationInline(StaffInline):
    model = Certification


class SubProcessorInline(StaffInline):
    model = SubProcessor


@admin.register(Service)
class ServiceAdmin(StaffAdmin):
    """Listing content changes go through the listing workflow; the rich-text description is read-only here
    so that no unsanitised HTML can enter through the admin."""

    list_display = ("name", "contract", "service_model", "status", "is_cloud_service", "data_residency")
    list_filter = ("status", "service_model", "data_residency")
    search_fields = ("name", "contract__supplier__name")
    readonly_fields = (
        "description",
        "data_residency",
        "pending_changes",
        "submitted_at",
        "published_at",
        "withdrawn_at",
    )
    inlines = (DataLocationInline, CertificationInline, SubProcessorInline)


@admin.register(DataLocation)
class DataLocationAdmin(StaffAdmin):
    list_display = ("service", "country", "region")


@admin.register(Certification)
class CertificationAdmin(StaffAdmin):
    list_display = ("service", "scheme", "valid_until")
    list_filter = ("scheme",)


@admin.register(SubProcessor)
class SubProcessorAdmin(StaffAdmin):
    list_display = ("service", "name", "country", "purpose")


class ImmutableAdmin(StaffAdmin):
    """Published versions and export snapshots are evidence: viewable, never edited or deleted."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ServiceSearchDocument)
class ServiceSearchDocumentAdmin(ImmutableAdmin):
    """Derived from the published service by the search index (`mps reindex` rebuilds it): view only."""

    list_display = ("service", "service_model", "data_residency", "price_model", "is_cloud_service")


@admin.register(ServiceVersion)
class ServiceVersionAdmin(ImmutableAdmin):
    list_display = ("service", "number", "published_at", "approved_by")


class ShortlistItemInline(StaffInline):
    model = ShortlistItem


@admin.register(Shortlist)
class ShortlistAdmin(StaffAdmin):
    list_display = ("name", "organisation", "created_by", "updated_at")
    inlines = (ShortlistItemInline,)


@admin.register(ShortlistItem)
class ShortlistItemAdmin(StaffAdmin):
    list_display = ("shortlist", "service", "added_at")


@admin.register(ShortlistSnapshot)
class ShortlistSnapshotAdmin(ImmutableAdmin):
    list_display = ("shortlist", "format", "content_hash", "created_at")
