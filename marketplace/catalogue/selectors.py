from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from marketplace.catalogue.models import FrameworkAgreement, Service, ServiceStatus


def service_list_published() -> QuerySet[Service]:
    return Service.objects.filter(status=ServiceStatus.PUBLISHED).select_related(
        "contract__supplier", "contract__lot", "contract__framework"
    )


def framework_list() -> QuerySet[FrameworkAgreement]:
    return FrameworkAgreement.objects.annotate(
        published_count=Count(
            "contracts__services", filter=Q(contracts__services__status=ServiceStatus.PUBLISHED)
        )
    ).order_by("name")
