from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import ApiToken, Membership, Organisation, User
from marketplace.accounts.services import api_token_revoke
from marketplace.core.admin import StaffAdmin, StaffInline
from marketplace.core.audit import audit_record


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
    """Adds the OIDC subject; password changes made here are audited like other admin writes."""

    fieldsets = (
        *DjangoUserAdmin.fieldsets,  # type: ignore[misc]
        (_("Innlogging med ID-porten"), {"fields": ("oidc_subject",)}),
    )
    list_display = ("username", "first_name", "last_name", "email", "is_staff", "is_active")
    search_fields = ("username", "first_name", "last_name", "email")
    inlines = (MembershipInline,)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = self.get_object(request, unquote(id))
                if user is not None:
                    audit_record(
                        actor=request.user,
                        verb="admin.password_change",
                        target=user,
                        data={"username": user.username},
                    )
        return response


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
    readonly_fields = (
        "user",
        "organisation",
        "name",
        "prefix",
        "key_hash",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    @admin.action(description=_("Trekk tilbake valgte API-nøkler"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(actor=request.user, token=token)
            count += 1
        self.message_user(request, _("%(count)d API-nøkler er trukket tilbake.") % {"count": count})
