"""Reads of services in use, scoped to the organisation (404 for missing and forbidden alike)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from marketplace.accounts.models import Organisation
from marketplace.calloffs.models import CallOff
from marketplace.catalogue.models import Service, ServiceStatus
from marketplace.privacy.models import ServiceInUse
from marketplace.privacy.permissions import can_view_services_in_use, can_work_on_privacy


def services_in_use_list(organisation: Organisation) -> QuerySet[ServiceInUse]:
    """The organisation's services in use: those still in use first, then by name."""
    return (
        ServiceInUse.objects.filter(organisation=organisation)
        .select_related("service__contract__supplier", "calloff")
        .order_by("ended_on", "service__name", "name", "pk")
    )


def service_in_use_get_visible_to(user: Any, pk: int) -> ServiceInUse:
    siu = (
        ServiceInUse.objects.select_related(
            "organisation", "service__contract__supplier", "service__price_list"
        )
        .filter(pk=pk)
        .first()
    )
    if siu is None or not can_view_services_in_use(user, siu.organisation):
        raise Http404
    return siu


def service_in_use_get_manageable(user: Any, pk: int) -> ServiceInUse:
    siu = service_in_use_get_visible_to(user, pk)
    if not can_work_on_privacy(user, siu.organisation):
        raise Http404
    return siu


def service_in_use_for(organisation: Organisation, service: Service) -> ServiceInUse | None:
    return ServiceInUse.objects.filter(organisation=organisation, service=service).first()


def catalogue_services_for_registration() -> QuerySet[Service]:
    """Published catalogue services one may register as in use."""
    return (
        Service.objects.filter(status=ServiceStatus.PUBLISHED)
        .select_related("contract__supplier")
        .order_by("name", "contract__supplier__name", "pk")
    )


def awarded_calloffs(organisation: Organisation) -> QuerySet[CallOff]:
    """The organisation's call-offs that have an award (a contract to take a service from)."""
    return (
        CallOff.objects.filter(buyer=organisation, award__isnull=False)
        .select_related("award__contract__supplier")
        .order_by("-award__decided_at", "reference")
    )
