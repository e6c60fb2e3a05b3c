"""Anonymised figures other apps read (insights' goal measures). Never an organisation's name or its own data.

Each area appends its functions: privacy_coverage() (assessments area), terms_balance() (terms area).
"""

from __future__ import annotations


def privacy_coverage() -> dict[str, int]:
    """Services in use (not ended) and how many of them have a signed-off assessment of the same organisation."""
    from django.db.models import Exists, OuterRef, Q

    from marketplace.privacy.models import Assessment, ServiceInUse

    signed = Assessment.objects.filter(
        is_template=False, versions__isnull=False, organisation=OuterRef("organisation")
    ).filter(Q(service_in_use=OuterRef("pk")) | Q(service__isnull=False, service=OuterRef("service")))
    rows = ServiceInUse.objects.filter(ended_on__isnull=True)
    return {
        "services_in_use": rows.count(),
        "with_completed_assessment": rows.filter(Exists(signed)).count(),
    }


def terms_balance() -> dict[str, int]:
    """Term checks (framework contracts and services in use together): topics checked and topics that meet the MPS
    baseline. Counts only; no organisation, contract or supplier is named (terms area)."""
    from django.db.models import Count, Q

    from marketplace.privacy.models import TermCheckItem, TermStatus

    counts = TermCheckItem.objects.aggregate(
        checked=Count("id"), meeting=Count("id", filter=Q(status=TermStatus.MEETS))
    )
    return {"topics_checked": counts["checked"] or 0, "topics_meeting": counts["meeting"] or 0}
