"""API: `GET /api/v1/assessments` (the caller's organisation's assessments) and `GET /api/v1/assessments/{id}` (the
full report as JSON, with findings and versions; `?version=N` gives a signed-off version's frozen snapshot). Token auth; same visibility as the pages (404 for others)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from marketplace.core.exceptions import PermissionDenied
from marketplace.privacy.selectors import assessments as selectors

router = Router(tags=["personvern"])


class AssessmentSummary(Schema):
    id: int
    title: str
    service_name: str
    state: str
    version: int
    assessed_on: str
    needs_review: bool


@router.get("/assessments", response=list[AssessmentSummary])
def assessments_list(request: HttpRequest) -> list[dict[str, Any]]:
    from marketplace.accounts.permissions import active_organisation
    from marketplace.privacy.permissions import can_work_on_privacy

    if not can_work_on_privacy(request.user, active_organisation(request.user)):
        raise PermissionDenied("Bare personvernansvarlig eller administrator i en kundevirksomhet.")
    return [
        {
            "id": a.pk,
            "title": a.title,
            "service_name": a.service_name,
            "state": a.state,
            "version": a.version,
            "assessed_on": a.assessed_on.isoformat(),
            "needs_review": a.needs_review,
        }
        for a in selectors.assessment_list(request.user)
    ]


@router.get("/assessments/{assessment_id}", response=dict[str, Any])
def assessment_detail(request: HttpRequest, assessment_id: int, version: int | None = None) -> dict[str, Any]:
    """The current assessment, or with `?version=N` the snapshot frozen when version N was signed off."""
    assessment = selectors.assessment_get_visible_to(request.user, assessment_id)
    if version is None:
        return selectors.assessment_document(assessment)
    frozen = assessment.versions.filter(number=version).first()
    if frozen is None:
        raise Http404("version")
    return dict(frozen.snapshot)
