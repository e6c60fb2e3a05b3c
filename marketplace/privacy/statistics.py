"""Anonymised figures other apps read (insights' goal measures). Never an organisation's name or its own data.

Each area appends its functions: privacy_coverage() (assessments area), terms_balance() (terms area).
"""

from __future__ import annotations


def terms_balance() -> dict[str, int]:
    """Term checks (framework contracts and services in use together): topics checked and topics that meet the MPS
    baseline. Counts only; no organisation, contract or supplier is named (terms area)."""
    from django.db.models import Count, Q

    from marketplace.privacy.models import TermCheckItem, TermStatus

    counts = TermCheckItem.objects.aggregate(
        checked=Count("id"), meeting=Count("id", filter=Q(status=TermStatus.MEETS))
    )
    return {"topics_checked": counts["checked"] or 0, "topics_meeting": counts["meeting"] or 0}
