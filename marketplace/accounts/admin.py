from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import ApiToken, Membership, Organisation, User
from marketplace.core.admin import StaffAdmin, StaffInline


class MembershipInline(StaffInline):
    model = Membership
    autocomplete_fields = ("organisation",)


@admin.register(Organisation)
class OrganisationAdmin(StaffAdmin):
    list_display = (
        "name",
        "orgnr",
        "kind",
        "organisation_form",
        "municipality",
        "is_bankrupt",
        "is_under_liquidation",
    )
    list_filter = ("kind", "is_bankrupt", "is_under_liquidation")
    search_fields = ("name", "orgnr")


@admin.register(User)
class UserAdmin(StaffAdmin, DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,  # type: ignore[misc]
        (_("Innlogging med ID-porten"), {"fields": ("oidc_subject",)}),
    )
    list_display = ("username", "first_name", "last_name", "email", "is_staff", "is_active")
    inlines = (MembershipInline,)


@admin.register(Membership)
class MembershipAdmin(StaffAdmin):
    list_display = ("user", "organisation", "role")
    list_filter = ("role",)
    search_fields = ("user__username", "organisation__name", "organisation__orgnr")
    autocomplete_fields = ("user", "organisation")


@admin.register(ApiToken)
class ApiTokenAdmin(StaffAdmin):
    """Tokens are created by their owners (profile page, `mps token create`); here they can only be revoked."""

    list_display = ("prefix", "name", "user", "organisation", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("prefix", "name", "user__username")
    readonly_fields = ("user", "organisation", "name", "prefix", "key_hash", "created_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False
