"""Django admin for MPS staff: the shared base class, and the audit chain (read-only).

Only active users with `is_staff` (MPS administrators) get in; they may view and edit every registered model.
Each add, change and delete made in the admin is itself written to the audit chain.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from marketplace.core.audit import audit_record
from marketplace.core.models import AuditEvent

admin.site.site_header = "Markedsplassen – administrasjon"
admin.site.site_title = "Markedsplassen"
admin.site.index_title = "MPS-administrasjon"


def is_admin_user(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff)


class StaffAdmin(admin.ModelAdmin):
    """Base for every model admin: MPS staff may do everything; every write is audited."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_admin_user(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin_user(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_admin_user(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin_user(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin_user(request)

    def _audit(self, request: HttpRequest, verb: str, obj: models.Model, data: dict[str, Any]) -> None:
        audit_record(
            actor=request.user,
            verb=verb,
            target=obj,
            data={"model": obj._meta.label_lower, "object": str(obj)[:200], **data},
        )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            self._audit(
                request,
                "admin.change" if change else "admin.add",
                obj,
                {"fields": sorted(form.changed_data) if form is not None else []},
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            self._audit(request, "admin.delete", obj, {})
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                self._audit(request, "admin.delete", obj, {})
            super().delete_queryset(request, queryset)


class StaffInline(admin.TabularInline):
    extra = 0

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin_user(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin_user(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin_user(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin_user(request)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit chain is append-only: nobody adds, changes or deletes events here, not even superusers."""

    list_display = ("occurred_at", "verb", "actor_label", "organisation_label", "target_type", "target_id")
    list_filter = ("verb",)
    search_fields = ("verb", "actor_label", "organisation_label", "target_id")
    date_hierarchy = "occurred_at"
    ordering = ("-id",)
    actions = None

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in AuditEvent._meta.fields]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_admin_user(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin_user(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
