"""Reads of assessments. All scoping is here: `assessment_get_visible_to` is 404 for missing and forbidden alike."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from marketplace.accounts.permissions import active_organisation
from marketplace.privacy.assessment_rules import adequacy
from marketplace.privacy.assessment_rules import findings as engine
from marketplace.privacy.models import Assessment, AssessmentNotice
from marketplace.privacy.permissions import can_view_assessment, can_work_on_privacy


def assessment_list(user: Any) -> QuerySet[Assessment]:
    organisation = active_organisation(user)
    if not can_work_on_privacy(user, organisation):
        return Assessment.objects.none()
    return Assessment.objects.filter(organisation=organisation, is_template=False).select_related("service")


def assessment_templates() -> QuerySet[Assessment]:
    return Assessment.objects.filter(is_template=True).order_by("title")


def assessment_get_visible_to(user: Any, pk: int) -> Assessment:
    assessment = (
        Assessment.objects.select_related("organisation", "service", "service__contract__supplier")
        .filter(pk=pk)
        .first()
    )
    if assessment is None or not can_view_assessment(user, assessment):
        raise Http404("assessment")
    return assessment


ROW_RELATIONS = {
    "processing": "processing",
    "provider_purpose": "provider_purposes",
    "transfer": "transfers",
    "action": "actions",
}


def assessment_row_get(assessment: Assessment, kind: str, row_id: int) -> Any:
    """A row of an assessment the caller has already been allowed to see; 404 when it is not this one's."""
    row = getattr(assessment, ROW_RELATIONS[kind]).filter(pk=row_id).first()
    if row is None:
        raise Http404("row")
    return row


def assessments_for_service(user: Any, service: Any) -> list[Assessment]:
    """The acting organisation's assessments of a catalogue service (for the service page panel)."""
    return list(assessment_list(user).filter(service=service).order_by("-updated_at"))


def notices_recent(user: Any, *, limit: int = 10) -> list[AssessmentNotice]:
    organisation = active_organisation(user)
    if not can_work_on_privacy(user, organisation):
        return []
    return list(
        AssessmentNotice.objects.filter(assessment__organisation=organisation).select_related("assessment")[
            :limit
        ]
    )


def assessment_facts(assessment: Assessment) -> engine.AssessmentFacts:
    actions_by_event = set(assessment.actions.exclude(risk_event="").values_list("risk_event", flat=True))
    subs = assessment.catalogue_facts.get("sub_processors", []) if assessment.catalogue_facts else []
    return engine.AssessmentFacts(
        assessed_on=assessment.assessed_on,
        processing=tuple(
            engine.ProcessingFact(
                purpose=row.purpose,
                data_category=row.data_category,
                data_subjects=row.data_subjects,
                legal_basis=row.legal_basis,
                is_special=row.is_special,
                special_condition=row.special_condition,
            )
            for row in assessment.processing.all()
        ),
        provider_purposes=tuple(
            engine.ProviderPurposeFact(purpose=row.purpose, legal_basis=row.legal_basis)
            for row in assessment.provider_purposes.all()
        ),
        provider_purposes_known=assessment.provider_purposes_known,
        is_limited_to_instructions=assessment.is_limited_to_instructions,
        has_disclosure_clause=assessment.has_disclosure_clause,
        transfers=tuple(
            engine.TransferFact(
                recipient=row.recipient,
                country=row.country,
                data_category=row.data_category,
                purpose=row.purpose,
                tool=row.tool,
                is_dpf_certified=row.is_dpf_certified,
                is_commercial=row.is_commercial,
                is_onward=row.is_onward,
                edpb_steps_done=row.edpb_steps_done,
                supplementary_measures=row.supplementary_measures,
                residual_risk=row.residual_risk,
                review_on=row.review_on,
            )
            for row in assessment.transfers.all()
        ),
        sub_processors=tuple(
            engine.SubProcessorFact(name=sub.get("name", ""), country=sub.get("country", "")) for sub in subs
        ),
        risks=tuple(
            engine.RiskFact(
                event=row.event,
                severity=row.severity,
                likelihood=row.likelihood,
                has_measures=bool(row.measures.strip()) or row.event in actions_by_event,
            )
            for row in assessment.risks.all()
        ),
    )


def assessment_findings(assessment: Assessment) -> list[engine.Finding]:
    return engine.findings_for(assessment_facts(assessment))


def open_high_findings(findings: list[engine.Finding]) -> list[str]:
    """The rule ids of the high-severity findings among `findings` (what a sign-off must accept), sorted."""
    return sorted({finding.rule_id for finding in findings if finding.severity == engine.HIGH})


def transfer_rows_with_decisions(assessment: Assessment) -> list[tuple[Any, adequacy.AdequacyDecision]]:
    return [
        (
            row,
            adequacy.decide(
                row.country,
                on=assessment.assessed_on,
                is_dpf_certified=row.is_dpf_certified,
                is_commercial=row.is_commercial,
            ),
        )
        for row in assessment.transfers.all()
    ]


def assessment_document(assessment: Assessment) -> dict[str, Any]:
    """The assessment as one JSON-able document (API, version snapshots)."""
    return {
        "id": assessment.pk,
        "title": assessment.title,
        "version": assessment.version,
        "state": assessment.state,
        "service": {
            "id": assessment.service_id,
            "name": assessment.service_name,
            "supplier": assessment.supplier_name,
        },
        "assessed_on": assessment.assessed_on.isoformat(),
        "review_on": assessment.review_on.isoformat() if assessment.review_on else None,
        "needs_review": assessment.needs_review,
        "review_reason": assessment.review_reason,
        "catalogue_facts": assessment.catalogue_facts or {},
        "provider_purposes_known": assessment.provider_purposes_known,
        "is_limited_to_instructions": assessment.is_limited_to_instructions,
        "has_disclosure_clause": assessment.has_disclosure_clause,
        "processing": [
            {
                "purpose": row.purpose,
                "data_category": row.data_category,
                "data_subjects": row.data_subjects,
                "legal_basis": row.legal_basis,
                "is_special": row.is_special,
                "special_condition": row.special_condition,
            }
            for row in assessment.processing.all()
        ],
        "provider_purposes": [
            {"purpose": row.purpose, "legal_basis": row.legal_basis, "note": row.note}
            for row in assessment.provider_purposes.all()
        ],
        "transfers": [
            {
                "data_category": row.data_category,
                "recipient": row.recipient,
                "country": row.country,
                "purpose": row.purpose,
                "is_onward": row.is_onward,
                "is_dpf_certified": row.is_dpf_certified,
                "tool": row.tool,
                "adequacy": decision.outcome,
                "adequacy_reason": decision.reason,
                "edpb_steps_done": row.edpb_steps_done,
                "supplementary_measures": row.supplementary_measures,
                "residual_risk": row.residual_risk,
                "review_on": row.review_on.isoformat() if row.review_on else None,
                "source": row.source,
            }
            for row, decision in transfer_rows_with_decisions(assessment)
        ],
        "risks": [
            {
                "event": row.event,
                "severity": row.severity,
                "likelihood": row.likelihood,
                "level": engine.risk.risk_level(row.severity, row.likelihood),
                "measures": row.measures,
            }
            for row in assessment.risks.all()
        ],
        "actions": [
            {
                "description": row.description,
                "owner": row.owner,
                "due_on": row.due_on.isoformat(),
                "status": row.status,
                "risk_event": row.risk_event,
            }
            for row in assessment.actions.all()
        ],
        "dpo_opinion": assessment.dpo_opinion,
        "signed_off_at": assessment.signed_off_at.isoformat() if assessment.signed_off_at else None,
        "findings": [finding.as_dict() for finding in assessment_findings(assessment)],
        "versions": [
            {"number": v.number, "signed_off_at": v.signed_off_at.isoformat()}
            for v in assessment.versions.all()
        ],
    }


def assessment_statistics() -> dict[str, Any]:
    """Anonymised counts across organisations (MPS staff): by state and findings frequency. No organisation."""
    assessments = Assessment.objects.filter(is_template=False)
    by_state = Counter(assessments.values_list("state", flat=True))
    findings: Counter[str] = Counter()
    for assessment in assessments.prefetch_related(
        "processing", "provider_purposes", "transfers", "risks", "actions"
    ):
        findings.update({finding.rule_id for finding in assessment_findings(assessment)})
    return {
        "total": sum(by_state.values()),
        "by_state": dict(sorted(by_state.items())),
        "findings": sorted(findings.items(), key=lambda item: (-item[1], item[0])),
        "needs_review": assessments.filter(needs_review=True).count(),
    }
