"""Demo assessments: three templates (office suite, video meetings, IaaS) and, for NVE, a full example of an office
suite with a US parent and EU data centres whose findings match what the EDPS found wrong in the European
Commission's use of Microsoft 365 (case 2021-0518). Built through the services; idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from marketplace.accounts.models import Organisation, User
from marketplace.catalogue.models import Service, ServiceStatus
from marketplace.core import demo as core_demo
from marketplace.core.demo import DemoResult
from marketplace.privacy.models import Assessment, ProcessingRecord, ProviderPurpose, RiskEntry, TransferRow
from marketplace.privacy.models.assessments import FearedEvent
from marketplace.privacy.services import assessments as services

NVE_ORGNR = "970205039"
EXAMPLE_TITLE = "Kontorpakke i skyen (amerikansk morselskap, datasentre i EU)"

# The EDPS M365 example: what was recorded (and what was missing) before the Commission's remedies.
OFFICE_SUITE_SUB_PROCESSORS = [
    {
        "name": "Atlantic Office Inc.",
        "country": "US",
        "purpose": "Morselskap: feilsøking, diagnostikk og support",
    },
    {"name": "Global Support Services Pvt. Ltd.", "country": "IN", "purpose": "Tredjelinjesupport"},
    {"name": "Atlantic Office Ireland Ltd.", "country": "IE", "purpose": "Drift av datasentre i EU"},
]
OFFICE_SUITE_LOCATIONS = [{"country": "IE", "region": "Dublin"}, {"country": "NL", "region": "Amsterdam"}]


def office_suite_example(
    *, actor: Any, organisation: Organisation, assessed_on: dt.date, service: Service | None = None
) -> Assessment:
    """Fill an assessment the way the European Commission had documented Microsoft 365 before the EDPS decision."""
    assessment = services.assessment_start(
        actor=actor,
        organisation=organisation,
        assessed_on=assessed_on,
        service=service,
        service_name="Kontorpakke i skyen",
        supplier_name="Atlantic Office Ireland Ltd.",
        title=EXAMPLE_TITLE,
    )
    if service is None:
        assessment.catalogue_facts = {
            "copied_at": timezone.now().isoformat(),
            "sub_processors": OFFICE_SUITE_SUB_PROCESSORS,
            "data_locations": OFFICE_SUITE_LOCATIONS,
        }
        assessment.save(update_fields=["catalogue_facts"])
    # the example maps only the EU data centres and the US parent; the other sub-processors stay unmapped
    TransferRow.objects.filter(assessment=assessment, source="catalogue").delete()
    us_recipient = next(
        (
            sub["name"]
            for sub in assessment.catalogue_facts.get("sub_processors", [])
            if sub.get("country") == "US"
        ),
        "Atlantic Office Inc.",
    )
    for data in (
        {
            "purpose": "Saksbehandling, e-post og dokumentsamskriving",
            "data_category": "Dokumenter og e-post",
            "data_subjects": "Ansatte, innbyggere og næringsliv",
            "legal_basis": "e",
        },
        {
            "purpose": "Brukeradministrasjon og pålogging",
            "data_category": "Kontaktinformasjon og brukeridentitet",
            "data_subjects": "Ansatte",
            "legal_basis": "b",
        },
    ):
        services.assessment_row_add(actor=actor, assessment=assessment, kind="processing", data=data)
    for purpose, basis, note in (
        ("Telemetri og diagnostikk", "unknown", "Leverandørens «legitimate business purposes»"),
        ("Produktforbedring", "none", ""),
        ("KI-trening", "none", "Ikke avklart om innhold brukes"),
    ):
        services.assessment_row_add(
            actor=actor,
            assessment=assessment,
            kind="provider_purpose",
            data={"purpose": purpose, "legal_basis": basis, "note": note},
        )
    services.assessment_row_add(
        actor=actor,
        assessment=assessment,
        kind="transfer",
        data={
            "data_category": "Dokumenter og e-post",
            "recipient": "Atlantic Office Ireland Ltd.",
            "country": "IE",
            "purpose": "Lagring og drift i EU-datasentre",
            "tool": "",
        },
    )
    services.assessment_row_add(
        actor=actor,
        assessment=assessment,
        kind="transfer",
        data={
            "data_category": "Diagnostikk- og telemetridata",
            "recipient": us_recipient,
            "country": "US",
            "purpose": "Feilsøking og support fra morselskapet",
            "is_onward": True,
            "is_dpf_certified": False,
            "tool": "scc",
            "edpb_steps_done": 2,
        },
    )
    services.assessment_update(
        actor=actor,
        assessment=assessment,
        data=services.AssessmentInput(
            title=EXAMPLE_TITLE,
            assessed_on=assessed_on,
            review_on=assessed_on + dt.timedelta(days=365),
            provider_purposes_known=True,
            is_limited_to_instructions=False,
            has_disclosure_clause=None,
            dpo_opinion="",
        ),
    )
    services.assessment_risk_rate(
        actor=actor,
        assessment=assessment,
        event=FearedEvent.ILLEGITIMATE_ACCESS,
        severity=3,
        likelihood=3,
        measures="",
    )
    services.assessment_row_add(
        actor=actor,
        assessment=assessment,
        kind="action",
        data={
            "description": "Kartlegg alle overføringer, også videreoverføringer hos underdatabehandlere",
            "owner": "Personvernansvarlig",
            "due_on": assessed_on + dt.timedelta(days=60),
            "status": "planned",
            "risk_event": "",
        },
    )
    assessment.refresh_from_db()
    return assessment


TEMPLATES = [
    (
        "kontorpakke",
        "Mal: kontorpakke (e-post, dokumenter, chat)",
        [("Saksbehandling og samhandling", "Dokumenter og e-post", "Ansatte og innbyggere", "e")],
        [("Telemetri og diagnostikk", "unknown"), ("Produktforbedring", "unknown")],
    ),
    (
        "videomoter",
        "Mal: videomøter",
        [
            ("Interne og eksterne møter", "Lyd, bilde og chat i møter", "Ansatte og møtedeltakere", "e"),
            ("Opptak av møter", "Opptak og teksting", "Ansatte og møtedeltakere", "e"),
        ],
        [("Tjenestekvalitet og diagnostikk", "unknown")],
    ),
    (
        "iaas",
        "Mal: infrastruktur som tjeneste (IaaS)",
        [("Drift av virksomhetens fagsystemer", "Alle data i fagsystemene", "Ansatte og innbyggere", "e")],
        [("Fakturering og kapasitetsstyring (metadata)", "compatible")],
    ),
]


def templates_ensure(actor: User, now: dt.datetime) -> int:
    created = 0
    for key, title, processing, purposes in TEMPLATES:
        if Assessment.objects.filter(is_template=True, template_key=key).exists():
            continue
        template = Assessment.objects.create(
            is_template=True,
            template_key=key,
            title=title,
            service_name=title.removeprefix("Mal: "),
            assessed_on=now.date(),
            created_by=actor,
            created_at=now,
            updated_at=now,
            provider_purposes_known=False,
        )
        for purpose, category, subjects, basis in processing:
            ProcessingRecord.objects.create(
                assessment=template,
                purpose=purpose,
                data_category=category,
                data_subjects=subjects,
                legal_basis=basis,
            )
        for purpose, basis in purposes:
            ProviderPurpose.objects.create(assessment=template, purpose=purpose, legal_basis=basis)
        for event in FearedEvent.values:
            RiskEntry.objects.create(assessment=template, event=event)
        created += 1
    return created


def _office_service() -> Service | None:
    """An office-suite service of the demo catalogue with a US sub-processor, preferably also one in India (an
    onward transfer the example leaves unmapped, as the EDPS found)."""
    office = Service.objects.filter(
        status=ServiceStatus.PUBLISHED,
        name__in=["E-post og kalender", "Dokumentsamskriving", "Chat og samhandling"],
        sub_processors__country="US",
    ).order_by("pk")
    return (
        office.filter(pk__in=Service.objects.filter(sub_processors__country="IN")).first() or office.first()
    )


def seed(result: DemoResult) -> None:
    actor = User.objects.filter(username="nve.admin").first()
    nve = Organisation.objects.filter(orgnr=NVE_ORGNR).first()
    if actor is None or nve is None:
        return
    now = timezone.now()
    created = templates_ensure(actor, now)
    if not Assessment.objects.filter(organisation=nve, title=EXAMPLE_TITLE).exists():
        from marketplace.accounts.middleware import activate

        activate(actor, nve)
        office_suite_example(
            actor=actor,
            organisation=nve,
            assessed_on=now.date() - dt.timedelta(days=14),
            service=_office_service(),
        )
        created += 1
    result.counts["privacy_assessments"] = Assessment.objects.count()
    result.counts["privacy_assessments_created"] = created


def register() -> None:
    core_demo.register("privacy_assessments", seed, order=80)
