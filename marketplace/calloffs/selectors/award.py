"""Reads for the award panel, the supplier's notices inbox and the call-off record."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from marketplace.accounts.models import Organisation
from marketplace.accounts.permissions import active_organisation
from marketplace.calloffs import permissions
from marketplace.calloffs.models import Award, AwardNotice, CallOff, Complaint, Offer
from marketplace.core.exceptions import NotFound
from marketplace.core.models import AuditEvent


def award_of(calloff: CallOff) -> Award | None:
    return Award.objects.filter(calloff=calloff).select_related("supplier", "contract", "decided_by").first()


def notice_list_for_calloff(calloff: CallOff) -> QuerySet[AwardNotice]:
    return AwardNotice.objects.filter(award__calloff=calloff).select_related("recipient")


def complaint_list(calloff: CallOff) -> QuerySet[Complaint]:
    return Complaint.objects.filter(calloff=calloff).select_related("complainant", "recorded_by")


def complainant_choices(calloff: CallOff) -> list[tuple[int, str]]:
    """Suppliers that took part (offered, were invited or got a notice)."""
    ids = set(Offer.objects.filter(calloff=calloff).values_list("supplier_id", flat=True))
    ids |= set(calloff.invitations.values_list("supplier_id", flat=True))
    ids |= set(AwardNotice.objects.filter(award__calloff=calloff).values_list("recipient_id", flat=True))
    return [(org.pk, org.name) for org in Organisation.objects.filter(pk__in=ids).order_by("name")]


def notice_list_for_supplier(user: Any) -> QuerySet[AwardNotice]:
    """The award notices addressed to the organisation the user acts for (bidders and supplier admins only)."""
    organisation = active_organisation(user)
    if organisation is None or not permissions.acts_for_supplier(user, organisation):
        return AwardNotice.objects.none()
    return (
        AwardNotice.objects.filter(recipient=organisation)
        .select_related("award__calloff__buyer", "recipient")
        .order_by("-sent_at", "-id")
    )


def notice_get_visible_to(user: Any, pk: int) -> AwardNotice:
    """One notice: its recipient's bidders, or the buyer side / MPS staff. NotFound for missing and forbidden alike."""
    notice = (
        AwardNotice.objects.filter(pk=pk)
        .select_related("award__calloff__buyer", "award__supplier", "recipient")
        .first()
    )
    if notice is None or not permissions.can_read_award_notice(user, notice):
        raise NotFound("notice")
    return notice


def audit_trail_for(calloff: CallOff) -> QuerySet[AuditEvent]:
    """Audit events whose target is the call-off or one of its rows (offers, award, notices, complaints ...)."""
    targets = Q(target_type="calloffs.calloff", target_id=str(calloff.pk))
    related = {
        "calloffs.offer": Offer.objects.filter(calloff=calloff).values_list("pk", flat=True),
        "calloffs.award": Award.objects.filter(calloff=calloff).values_list("pk", flat=True),
        "calloffs.complaint": Complaint.objects.filter(calloff=calloff).values_list("pk", flat=True),
        "calloffs.evaluation": calloff.evaluations.values_list("pk", flat=True),
        "calloffs.question": calloff.questions.values_list("pk", flat=True),
        "calloffs.invitation": calloff.invitations.values_list("pk", flat=True),
        "calloffs.cascadestep": calloff.cascade_steps.values_list("pk", flat=True),
    }
    for label, ids in related.items():
        id_list = [str(pk) for pk in ids]
        if id_list:
            targets |= Q(target_type=label, target_id__in=id_list)
    return AuditEvent.objects.filter(targets).order_by("id")


def notice_score_rows(content: dict[str, Any]) -> list[dict[str, Any]]:
    """Side-by-side rows of a notice's scores: criterion, weight, the recipient's points, the winner's points."""
    winner = (content.get("winner_scores") or {}).get("criteria") or []
    own = (content.get("own_scores") or {}).get("criteria") or []
    own_by_name = {row["name"]: row.get("points") for row in own}
    return [
        {
            "name": row["name"],
            "weight_percent": row.get("weight_percent"),
            "own": own_by_name.get(row["name"]),
            "winner": row.get("points"),
        }
        for row in winner
    ]
