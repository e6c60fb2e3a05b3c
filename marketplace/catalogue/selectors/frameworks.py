"""Reads for the framework pages (list, detail, front page). Kept apart from the search selectors."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from marketplace.catalogue.models import Contract, FrameworkAgreement, Lot, Service, ServiceStatus


def _count_subquery(queryset: QuerySet, group_field: str) -> Coalesce:
    return Coalesce(
        Subquery(
            queryset.order_by().values(group_field).annotate(n=Count("pk", distinct=True)).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def framework_list() -> QuerySet[FrameworkAgreement]:
    """Frameworks with lot, supplier, participant and published-service counts (one query)."""
    framework = OuterRef("pk")
    return FrameworkAgreement.objects.annotate(
        lot_count=_count_subquery(Lot.objects.filter(framework=framework), "framework"),
        supplier_count=Coalesce(
            Subquery(
                Contract.objects.filter(framework=framework)
                .order_by()
                .values("framework")
                .annotate(n=Count("supplier", distinct=True))
                .values("n")[:1],
                output_field=IntegerField(),
            ),
            0,
        ),
        participant_count=Count("participants", distinct=True),
        published_service_count=_count_subquery(
            Service.objects.filter(contract__framework=framework, status=ServiceStatus.PUBLISHED),
            "contract__framework",
        ),
    ).order_by("name")


def framework_get(pk: int) -> FrameworkAgreement:
    """One framework with mechanisms, criteria, lots (with ranked contracts and suppliers) and participants."""
    framework = (
        framework_list()
        .prefetch_related(
            "mechanisms",
            "criteria",
            Prefetch(
                "lots",
                queryset=Lot.objects.order_by("number").prefetch_related(
                    Prefetch(
                        "contracts",
                        queryset=Contract.objects.select_related("supplier").order_by(
                            "rank", "supplier__name"
                        ),
                    )
                ),
            ),
            Prefetch("participants", to_attr="participant_list"),
        )
        .filter(pk=pk)
        .first()
    )
    if framework is None:
        raise Http404("Framework not found")
    return framework
