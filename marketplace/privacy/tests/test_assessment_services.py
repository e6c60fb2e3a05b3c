"""Service tests: start and prefill, validation (nothing partial stored), permissions, workflow and versions,
the EDPS example, catalogue changes flagging assessments, coverage statistics."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from marketplace.accounts.middleware import activate
from marketplace.accounts.models import Role
from marketplace.core import hooks
from marketplace.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from marketplace.core.models import AuditEvent
from marketplace.privacy import statistics
from marketplace.privacy.demo_assessments import office_suite_example, templates_ensure
from marketplace.privacy.models import Assessment, AssessmentVersion, ServiceInUse, TransferRow
from marketplace.privacy.selectors.assessments import assessment_findings
from marketplace.privacy.services import assessments as services
from marketplace.privacy.tests.helpers_assessments import ASSESSED_ON, office_service, officer

pytestmark = pytest.mark.django_db


def verbs() -> list[str]:
    return list(AuditEvent.objects.order_by("pk").values_list("verb", flat=True))


def test_start_from_catalogue_copies_facts_with_provenance(buyer_org):
    user = officer(buyer_org)
    service = office_service()
    in_use = ServiceInUse.objects.create(
        organisation=buyer_org,
        service=service,
        created_by=user,
        created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    assessment = services.assessment_start(
        actor=user, organisation=buyer_org, assessed_on=ASSESSED_ON, service=service
    )
    assert assessment.service_name == "E-post og kalender"
    assert assessment.supplier_name == service.contract.supplier.name
    assert assessment.service_in_use == in_use
    assert assessment.title == "Personvernvurdering: E-post og kalender"
    facts = assessment.catalogue_facts
    assert facts["service_id"] == service.pk
    assert [(s["name"], s["country"]) for s in facts["sub_processors"]] == [
        ("Atlantic Cloud Services Inc.", "US"),
        ("Global Support Services Pvt. Ltd.", "IN"),
        ("Supportpartner Polska", "PL"),
    ]
    assert facts["data_locations"] == [
        {"country": "IE", "region": "Dublin"},
        {"country": "NL", "region": "Amsterdam"},
    ]
    rows = list(assessment.transfers.values_list("recipient", "country", "tool", "source", "is_onward"))
    assert rows == [
        ("Atlantic Cloud Services Inc.", "US", "", "catalogue", True),
        ("Global Support Services Pvt. Ltd.", "IN", "", "catalogue", True),
        ("Supportpartner Polska", "PL", "adequacy", "catalogue", True),
    ]
    assert sorted(assessment.risks.values_list("event", flat=True)) == [
        "disappearance",
        "illegitimate_access",
        "unwanted_modification",
    ]
    assert verbs() == ["privacy.assessment_started"]


def test_start_outside_catalogue_needs_a_name(buyer_org):
    user = officer(buyer_org)
    with pytest.raises(ValidationFailed) as exc:
        services.assessment_start(
            actor=user, organisation=buyer_org, assessed_on=ASSESSED_ON, service_name=" "
        )
    assert exc.value.errors == [{"field": "service_name", "message": "Oppgi hvilken tjeneste som vurderes."}]
    assert Assessment.objects.count() == 0
    assessment = services.assessment_start(
        actor=user,
        organisation=buyer_org,
        assessed_on=ASSESSED_ON,
        service_name="Lokal skjemaløsning",
        supplier_name="Skjema AS",
    )
    assert (assessment.service_id, assessment.service_name, assessment.catalogue_facts) == (
        None,
        "Lokal skjemaløsning",
        {},
    )


@pytest.mark.parametrize(
    ("roles", "org_fixture"),
    [
        ((Role.BUYER,), "buyer_org"),
        ((Role.SECURITY_OFFICER,), "buyer_org"),
        ((Role.SUPPLIER_ADMIN,), "supplier_org"),
        ((Role.CATEGORY_MANAGER,), "mps_org"),
    ],
)
def test_start_denied_to_wrong_roles(request, roles, org_fixture):
    organisation = request.getfixturevalue(org_fixture)
    user = officer(organisation, roles=roles)
    with pytest.raises(PermissionDenied):
        services.assessment_start(
            actor=user, organisation=organisation, assessed_on=ASSESSED_ON, service_name="X"
        )
    assert Assessment.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_other_organisation_cannot_edit(buyer_org, other_buyer_org):
    assessment = services.assessment_start(
        actor=officer(buyer_org), organisation=buyer_org, assessed_on=ASSESSED_ON, service_name="X"
    )
    stranger = officer(other_buyer_org)
    with pytest.raises(PermissionDenied):
        services.assessment_row_add(
            actor=stranger,
            assessment=assessment,
            kind="processing",
            data={"purpose": "P", "data_category": "C", "data_subjects": "S", "legal_basis": "e"},
        )
    assert assessment.processing.count() == 0
    assert verbs() == ["privacy.assessment_started"]


@pytest.mark.parametrize(
    ("kind", "data", "errors"),
    [
        (
            "processing",
            {"purpose": "", "data_category": "Dokumenter", "data_subjects": "Ansatte", "legal_basis": "e"},
            [{"field": "purpose", "message": "Formål mangler."}],
        ),
        (
            "processing",
            {"purpose": "P", "data_category": "", "data_subjects": "", "legal_basis": "x"},
            [
                {"field": "data_category", "message": "Kategori personopplysninger mangler."},
                {"field": "data_subjects", "message": "Registrerte mangler."},
                {"field": "legal_basis", "message": "Velg behandlingsgrunnlag etter art. 6(1)."},
            ],
        ),
        (
            "transfer",
            {"data_category": "D", "recipient": "R", "country": "XX", "purpose": "P", "tool": "scc"},
            [
                {
                    "field": "country",
                    "message": "Ukjent landkode. Bruk ISO 3166-1 alfa-2, f.eks. NO, IE eller US.",
                }
            ],
        ),
        (
            "transfer",
            {
                "data_category": "D",
                "recipient": "R",
                "country": "IN",
                "purpose": "",
                "tool": "scc",
                "review_on": ASSESSED_ON - dt.timedelta(days=1),
            },
            [
                {"field": "purpose", "message": "Formål mangler."},
                {"field": "review_on", "message": "Revisjonsdatoen må være etter vurderingsdatoen."},
            ],
        ),
        (
            "action",
            {
                "description": "Tiltak",
                "owner": "IT",
                "due_on": ASSESSED_ON - dt.timedelta(days=1),
                "status": "planned",
            },
            [{"field": "due_on", "message": "Fristen kan ikke være før vurderingsdatoen."}],
        ),
        (
            "provider_purpose",
            {"purpose": "", "legal_basis": "none"},
            [{"field": "purpose", "message": "Formål mangler."}],
        ),
    ],
)
def test_bad_rows_are_refused_and_nothing_is_stored(buyer_org, kind, data, errors):
    user = officer(buyer_org)
    assessment = services.assessment_start(
        actor=user, organisation=buyer_org, assessed_on=ASSESSED_ON, service_name="X"
    )
    before = (assessment.updated_at, assessment.transfers.count())
    with pytest.raises(ValidationFailed) as exc:
        services.assessment_row_add(actor=user, assessment=assessment, kind=kind, data=data)
    assert exc.value.errors == errors
    assessment.refresh_from_db()
    assert (assessment.updated_at, assessment.transfers.count()) == before
    assert (
        assessment.processing.count()
        == assessment.actions.count()
        == assessment.provider_purposes.count()
        == 0
    )
    assert verbs() == ["privacy.assessment_started"]


def test_update_refuses_review_before_assessment(buyer_org):
    user = officer(buyer_org)
    assessment = services.assessment_start(
        actor=user, organisation=buyer_org, assessed_on=ASSESSED_ON, service_name="X"
    )
    data = services.AssessmentInput(
        title="Ny tittel",
        assessed_on=ASSESSED_ON,
        review_on=ASSESSED_ON,
        provider_purposes_known=True,
        is_limited_to_instructions=True,
        has_disclosure_clause=True,
        dpo_opinion="",
    )
    with pytest.raises(ValidationFailed) as exc:
        services.assessment_update(actor=user, assessment=assessment, data=data)
    assert exc.value.errors == [
        {"field": "review_on", "message": "Revisjonsdatoen må være etter vurderingsdatoen."}
    ]
    assessment.refresh_from_db()
    assert assessment.title == "Personvernvurdering: X"


def _ready_for_sign_off(user, assessment):
    services.assessment_row_add(
        actor=user,
        assessment=assessment,
        kind="processing",
        data={
            "purpose": "Saksbehandling",
            "data_category": "Dokumenter",
            "data_subjects": "Ansatte",
            "legal_basis": "e",
        },
    )
    services.assessment_update(
        actor=user,
        assessment=assessment,
        data=services.AssessmentInput(
            title="Vurdering",
            assessed_on=ASSESSED_ON,
            review_on=ASSESSED_ON + dt.timedelta(days=365),
            provider_purposes_known=True,
            is_limited_to_instructions=True,
            has_disclosure_clause=True,
            dpo_opinion="Personvernombudet har ingen innvendinger.",
        ),
    )


def test_workflow_sign_off_freezes_a_version_and_an_edit_starts_the_next(buyer_org):
    user = officer(buyer_org)
    assessment = services.assessment_start(
        actor=user, organisation=buyer_org, assessed_on=ASSESSED_ON, service_name="X"
    )
    with pytest.raises(ValidationFailed) as exc:
        services.assessment_sign_off(actor=user, assessment=assessment, accept_residual_risk=True)
    assert [e["field"] for e in exc.value.errors] == ["state", "dpo_opinion", "processing"]
    _ready_for_sign_off(user, assessment)
    services.assessment_submit(actor=user, assessment=assessment)
    version = services.assessment_sign_off(actor=user, assessment=assessment)
    assert AuditEvent.objects.filter(verb="privacy.assessment_signed_off").get().data == {
        "version": 1,
        "accepted_high_findings": [],
    }
    assessment.refresh_from_db()
    assert (assessment.state, assessment.version, version.number) == ("signed_off", 1, 1)
    assert version.snapshot["processing"][0]["purpose"] == "Saksbehandling"
    assert version.snapshot["state"] == "signed_off"
    # an edit of a signed-off assessment makes version 2 (draft); version 1 stays frozen
    services.assessment_row_add(
        actor=user,
        assessment=assessment,
        kind="processing",
        data={
            "purpose": "Arkiv",
            "data_category": "Dokumenter",
            "data_subjects": "Ansatte",
            "legal_basis": "c",
        },
    )
    assessment.refresh_from_db()
    assert (assessment.state, assessment.version, assessment.signed_off_at) == ("draft", 2, None)
    assert len(AssessmentVersion.objects.get(assessment=assessment, number=1).snapshot["processing"]) == 1
    assert "privacy.assessment_new_version" in verbs()
    assert verbs()[-1] == "privacy.assessment_processing_added"
    services.assessment_submit(actor=user, assessment=assessment)
    services.assessment_sign_off(actor=user, assessment=assessment, accept_residual_risk=True)
    assert list(assessment.versions.values_list("number", flat=True)) == [2, 1]


def test_sign_off_with_open_high_findings_needs_the_residual_risk_accepted(buyer_org):
    user = officer(buyer_org, roles=(Role.ORG_ADMIN, Role.PRIVACY_OFFICER))
    assessment = office_suite_example(
        actor=user, organisation=buyer_org, assessed_on=ASSESSED_ON, service=office_service()
    )
    assessment.dpo_opinion = "Overføringene til USA er ikke avklart."  # the example leaves the opinion open
    assessment.save(update_fields=["dpo_opinion"])
    services.assessment_submit(actor=user, assessment=assessment)
    assessment.refresh_from_db()
    high = sorted({f.rule_id for f in assessment_findings(assessment) if f.severity == "high"})
    assert "US_NOT_DPF" in high
    events = len(verbs())
    with pytest.raises(ValidationFailed) as exc:
        services.assessment_sign_off(actor=user, assessment=assessment)
    assert [e["field"] for e in exc.value.errors] == ["accept_residual_risk"]
    assessment.refresh_from_db()
    assert (assessment.state, assessment.versions.count(), len(verbs())) == ("in_review", 0, events)
    services.assessment_sign_off(actor=user, assessment=assessment, accept_residual_risk=True)
    assessment.refresh_from_db()
    assert assessment.state == "signed_off"
    assert AuditEvent.objects.filter(verb="privacy.assessment_signed_off").get().data == {
        "version": 1,
        "accepted_high_findings": high,
    }


def test_submit_twice_is_refused(buyer_org):
    user = officer(buyer_org)
    assessment = services.assessment_start(
        actor=user, organisation=buyer_org, assessed_on=ASSESSED_ON, service_name="X"
    )
    services.assessment_submit(actor=user, assessment=assessment)
    with pytest.raises(ValidationFailed):
        services.assessment_submit(actor=user, assessment=assessment)
    services.assessment_return(actor=user, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.state == "draft"


def test_office_suite_example_finds_what_the_edps_found(buyer_org):
    """Office suite, US parent, EU data centres: the findings match the EDPS decision on the Commission's M365."""
    user = officer(buyer_org, roles=(Role.ORG_ADMIN,))
    assessment = office_suite_example(
        actor=user, organisation=buyer_org, assessed_on=ASSESSED_ON, service=office_service()
    )
    found = [(f.rule_id, f.subject) for f in assessment_findings(assessment)]
    assert found == [
        # art. 4(1)(b): types of data per purpose not determined (diagnostic data goes to the US, no purpose stated)
        ("PURPOSE_PER_CATEGORY", "Diagnostikk- og telemetridata"),
        # the provider's own ("legitimate business") purposes without a legal basis
        ("PROVIDER_PURPOSE_NO_BASIS", "Telemetri og diagnostikk"),
        ("PROVIDER_PURPOSE_NO_BASIS", "Produktforbedring"),
        ("PROVIDER_PURPOSE_NO_BASIS", "KI-trening"),
        # art. 29(3)(a): not only on documented instructions
        ("NOT_LIMITED_TO_INSTRUCTIONS", ""),
        # unauthorised disclosures (third-country public authorities)
        ("NO_DISCLOSURE_CLAUSE", ""),
        # art. 46-48: transfers to the US parent without assessed supplementary measures
        ("US_NOT_DPF", "Atlantic Cloud Services Inc. (US)"),
        ("TIA_INCOMPLETE", "Atlantic Cloud Services Inc. (US)"),
        # transfer mapping incl. onward transfers along the sub-processor chain
        ("ONWARD_NOT_MAPPED", "Global Support Services Pvt. Ltd. (IN)"),
        # CNIL: a significant risk without measures
        ("RISK_WITHOUT_MEASURES", "illegitimate_access"),
    ]


def test_template_copy(buyer_org):
    user = officer(buyer_org)
    templates_ensure(user, dt.datetime(2026, 5, 1, tzinfo=dt.UTC))
    templates_ensure(user, dt.datetime(2026, 5, 1, tzinfo=dt.UTC))
    template = Assessment.objects.get(is_template=True, template_key="videomoter")
    assert Assessment.objects.filter(is_template=True).count() == 3
    copy = services.assessment_start(
        actor=user,
        organisation=buyer_org,
        assessed_on=ASSESSED_ON,
        service_name="Videomøter",
        template=template,
    )
    assert copy.copied_from == template
    assert list(copy.processing.values_list("purpose", flat=True)) == [
        "Interne og eksterne møter",
        "Opptak av møter",
    ]
    assert list(copy.provider_purposes.values_list("purpose", flat=True)) == [
        "Tjenestekvalitet og diagnostikk"
    ]
    assert copy.risks.count() == 3
    assert template.processing.count() == 2


def test_catalogue_change_flags_assessments_and_notifies_owners(
    buyer_org, other_buyer_org, django_capture_on_commit_callbacks
):
    service = office_service()
    owner = officer(buyer_org, username="nve.personvern")
    officer(buyer_org, username="nve.leder", roles=(Role.ORG_ADMIN,))
    officer(buyer_org, username="nve.innkjoper", roles=(Role.BUYER,))
    flagged = services.assessment_start(
        actor=owner, organisation=buyer_org, assessed_on=ASSESSED_ON, service=service
    )
    other = services.assessment_start(
        actor=officer(other_buyer_org),
        organisation=other_buyer_org,
        assessed_on=ASSESSED_ON,
        service_name="Annen",
    )
    with django_capture_on_commit_callbacks(execute=True):
        hooks.publish(
            hooks.SERVICE_CHANGED,
            service=service,
            fields=["price_list"],
            version=None,
            actor=None,
            now=dt.datetime(2026, 7, 1, 8, tzinfo=dt.UTC),
        )
    flagged.refresh_from_db()
    assert flagged.needs_review is False
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        hooks.publish(
            hooks.SERVICE_CHANGED,
            service=service,
            fields=["summary", "sub_processors"],
            version=None,
            actor=None,
            now=dt.datetime(2026, 7, 1, 8, tzinfo=dt.UTC),
        )
    flagged.refresh_from_db()
    other.refresh_from_db()
    assert flagged.needs_review is True
    assert flagged.review_reason == "Katalogen endret tjenestens underdatabehandlere 01.07.2026."
    assert flagged.catalogue_facts["changed"] == ["sub_processors"]
    assert other.needs_review is False
    notice = flagged.notices.get()
    assert notice.subject == "Revurder personvernvurderingen: Personvernvurdering: E-post og kalender"
    assert sorted(m.to[0] for m in mail.outbox) == ["nve.leder@example.no", "nve.personvern@example.no"]
    assert AuditEvent.objects.filter(verb="privacy.assessment_flagged").count() == 1


def test_privacy_coverage(buyer_org, other_buyer_org):
    user = officer(buyer_org)
    service = office_service()
    created = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    ServiceInUse.objects.create(organisation=buyer_org, service=service, created_by=user, created_at=created)
    ServiceInUse.objects.create(
        organisation=buyer_org, name="Eget system", created_by=user, created_at=created
    )
    ServiceInUse.objects.create(
        organisation=buyer_org,
        name="Avsluttet",
        created_by=user,
        created_at=created,
        started_on=dt.date(2025, 1, 1),
        ended_on=dt.date(2025, 12, 31),
    )
    other_user = officer(other_buyer_org)
    ServiceInUse.objects.create(
        organisation=other_buyer_org, service=service, created_by=other_user, created_at=created
    )
    assert statistics.privacy_coverage() == {"services_in_use": 3, "with_completed_assessment": 0}
    activate(user, buyer_org)
    assessment = services.assessment_start(
        actor=user, organisation=buyer_org, assessed_on=ASSESSED_ON, service=service
    )
    _ready_for_sign_off(user, assessment)
    services.assessment_submit(actor=user, assessment=assessment)
    assert statistics.privacy_coverage() == {"services_in_use": 3, "with_completed_assessment": 0}
    services.assessment_sign_off(actor=user, assessment=assessment, accept_residual_risk=True)
    assert statistics.privacy_coverage() == {"services_in_use": 3, "with_completed_assessment": 1}


def test_delete_row(buyer_org):
    user = officer(buyer_org)
    assessment = services.assessment_start(
        actor=user, organisation=buyer_org, assessed_on=ASSESSED_ON, service=office_service()
    )
    row = assessment.transfers.first()
    services.assessment_row_delete(actor=user, assessment=assessment, kind="transfer", row_id=row.pk)
    assert not TransferRow.objects.filter(pk=row.pk).exists()
    assert verbs()[-1] == "privacy.assessment_transfer_removed"


# --- rows edited in place ------------------------------------------------------------------------------------------

ROWS = {
    "processing": {
        "purpose": "Saksbehandling",
        "data_category": "Dokumenter",
        "data_subjects": "Ansatte",
        "legal_basis": "e",
    },
    "provider_purpose": {"purpose": "Telemetri", "legal_basis": "none", "note": ""},
    "transfer": {
        "data_category": "Dokumenter",
        "recipient": "Drift AS",
        "country": "IE",
        "purpose": "Drift",
        "tool": "",
    },
    "action": {
        "description": "Kryptering",
        "owner": "IT",
        "due_on": ASSESSED_ON + dt.timedelta(days=30),
        "status": "planned",
    },
}


@pytest.mark.parametrize(
    ("kind", "change", "stored"),
    [
        (
            "processing",
            {"purpose": "Arkivering", "legal_basis": "c"},
            {"purpose": "Arkivering", "data_category": "Dokumenter", "legal_basis": "c"},
        ),
        (
            "provider_purpose",
            {"legal_basis": "law", "note": "Arkivloven"},
            {"legal_basis": "law", "note": "Arkivloven"},
        ),
        (
            "transfer",
            {"country": "us", "is_dpf_certified": True, "tool": "adequacy", "review_on": dt.date(2027, 1, 1)},
            {"country": "US", "is_dpf_certified": True, "tool": "adequacy", "review_on": dt.date(2027, 1, 1)},
        ),
        ("action", {"status": "done", "owner": "Drift"}, {"status": "done", "owner": "Drift"}),
    ],
)
def test_row_update_changes_in_place_with_audit(buyer_org, kind, change, stored):
    user = officer(buyer_org)
    assessment = services.assessment_start(
        actor=user, organisation=buyer_org, assessed_on=ASSESSED_ON, service_name="X"
    )
    row = services.assessment_row_add(actor=user, assessment=assessment, kind=kind, data=ROWS[kind])
    services.assessment_row_update(
        actor=user, assessment=assessment, kind=kind, row_id=row.pk, data={**ROWS[kind], **change}
    )
    row.refresh_from_db()
    assert {name: getattr(row, name) for name in stored} == stored
    event = AuditEvent.objects.order_by("pk").last()
    assert (event.verb, event.data) == (
        f"privacy.assessment_{kind}_changed",
        {"row_id": row.pk, "fields": sorted(change)},
    )
    assessment.refresh_from_db()
    assert (assessment.state, assessment.version) == ("draft", 1)


def test_row_update_without_change_writes_nothing(buyer_org):
    user = officer(buyer_org)
    assessment = services.assessment_start(
        actor=user, organisation=buyer_org, assessed_on=ASSESSED_ON, service_name="X"
    )
    row = services.assessment_row_add(actor=user, assessment=assessment, kind="action", data=ROWS["action"])
    count = AuditEvent.objects.count()
    services.assessment_row_update(
        actor=user, assessment=assessment, kind="action", row_id=row.pk, data=ROWS["action"]
    )
    assert AuditEvent.objects.count() == count


@pytest.mark.parametrize(
    ("kind", "change", "errors"),
    [
        ("processing", {"purpose": " "}, [{"field": "purpose", "message": "Formål mangler."}]),
        (
            "transfer",
            {"country": "XX"},
            [
                {
                    "field": "country",
                    "message": "Ukjent landkode. Bruk ISO 3166-1 alfa-2, f.eks. NO, IE eller US.",
                }
            ],
        ),
        (
            "transfer",
            {"review_on": dt.date(2026, 6, 1)},
            [{"field": "review_on", "message": "Revisjonsdatoen må være etter vurderingsdatoen."}],
        ),
        (
            "action",
            {"due_on": None, "status": "maybe"},
            [
                {"field": "due_on", "message": "Frist mangler."},
                {"field": "status", "message": "Ukjent status."},
            ],
        ),
    ],
)
def test_row_update_bad_input_changes_nothing(buyer_org, kind, change, errors):
    user = officer(buyer_org)
    assessment = services.assessment_start(
        actor=user, organisation=buyer_org, assessed_on=ASSESSED_ON, service_name="X"
    )
    row = services.assessment_row_add(actor=user, assessment=assessment, kind=kind, data=ROWS[kind])
    before = (type(row).objects.filter(pk=row.pk).values().get(), AuditEvent.objects.count())
    with pytest.raises(ValidationFailed) as exc:
        services.assessment_row_update(
            actor=user, assessment=assessment, kind=kind, row_id=row.pk, data={**ROWS[kind], **change}
        )
    assert exc.value.errors == errors
    assert (type(row).objects.filter(pk=row.pk).values().get(), AuditEvent.objects.count()) == before


def test_review_dates_in_the_past_are_refused_unless_unchanged(buyer_org):
    """Today is 2026-06-02 (conftest). An assessment dated 2026-01-01 may not get a review date before today."""
    user = officer(buyer_org)
    assessed_on = dt.date(2026, 1, 1)
    assessment = services.assessment_start(
        actor=user, organisation=buyer_org, assessed_on=assessed_on, service_name="X"
    )
    past = dt.date(2026, 3, 1)
    message = [{"field": "review_on", "message": "Revisjonsdatoen kan ikke være tilbake i tid."}]
    with pytest.raises(ValidationFailed) as exc:
        services.assessment_row_add(
            actor=user, assessment=assessment, kind="transfer", data={**ROWS["transfer"], "review_on": past}
        )
    assert exc.value.errors == message
    assert assessment.transfers.count() == 0
    data = services.AssessmentInput(
        title="X",
        assessed_on=assessed_on,
        review_on=past,
        provider_purposes_known=False,
        is_limited_to_instructions=None,
        has_disclosure_clause=None,
        dpo_opinion="",
    )
    with pytest.raises(ValidationFailed) as exc:
        services.assessment_update(actor=user, assessment=assessment, data=data)
    assert exc.value.errors == message
    assessment.refresh_from_db()
    assert assessment.review_on is None
    # a review date that has passed since it was set may stay while other fields change
    Assessment.objects.filter(pk=assessment.pk).update(review_on=past)
    assessment.refresh_from_db()
    services.assessment_update(
        actor=user, assessment=assessment, data=data.__class__(**{**data.__dict__, "title": "Y"})
    )
    assessment.refresh_from_db()
    assert (assessment.title, assessment.review_on) == ("Y", past)


def test_row_update_on_signed_off_starts_next_version_and_keeps_the_snapshot(buyer_org):
    user = officer(buyer_org)
    assessment = services.assessment_start(
        actor=user, organisation=buyer_org, assessed_on=ASSESSED_ON, service_name="X"
    )
    _ready_for_sign_off(user, assessment)
    services.assessment_submit(actor=user, assessment=assessment)
    services.assessment_sign_off(actor=user, assessment=assessment, accept_residual_risk=True)
    row = assessment.processing.get()
    services.assessment_row_update(
        actor=user,
        assessment=assessment,
        kind="processing",
        row_id=row.pk,
        data={**ROWS["processing"], "purpose": "Arkiv"},
    )
    assessment.refresh_from_db()
    assert (assessment.state, assessment.version) == ("draft", 2)
    assert assessment.processing.get().purpose == "Arkiv"
    snapshot = AssessmentVersion.objects.get(assessment=assessment, number=1).snapshot
    assert [p["purpose"] for p in snapshot["processing"]] == ["Saksbehandling"]
    assert verbs()[-2:] == ["privacy.assessment_new_version", "privacy.assessment_processing_changed"]


def test_row_update_denied_and_unknown_rows_change_nothing(buyer_org, other_buyer_org):
    user = officer(buyer_org)
    assessment = services.assessment_start(
        actor=user, organisation=buyer_org, assessed_on=ASSESSED_ON, service_name="X"
    )
    other = services.assessment_start(
        actor=user, organisation=buyer_org, assessed_on=ASSESSED_ON, service_name="Y"
    )
    row = services.assessment_row_add(actor=user, assessment=assessment, kind="action", data=ROWS["action"])
    count = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        services.assessment_row_update(
            actor=officer(other_buyer_org),
            assessment=assessment,
            kind="action",
            row_id=row.pk,
            data={**ROWS["action"], "status": "done"},
        )
    with pytest.raises(NotFound):
        services.assessment_row_update(
            actor=user,
            assessment=other,
            kind="action",
            row_id=row.pk,
            data={**ROWS["action"], "status": "done"},
        )
    row.refresh_from_db()
    assert (row.status, row.assessment_id, AuditEvent.objects.count()) == ("planned", assessment.pk, count)
