"""Demo data of the terms area (seeded after the catalogue, call-offs and FinOps): term checks of the CIPS (2024/1001)
and SaaS (2024/1002) framework contracts by the category manager, and services in use with term checks, exit plans
and exit-cost estimates for NVE and Voss herad. Everything goes through the services (audit events included).

Idempotent: a contract with a check, a service already in use, a plan or an estimate that exists is left alone.
Adds one demo person, `voss.personvern` (privacy officer at Voss herad), so Voss herad's pages have an owner.
"""

from __future__ import annotations

from typing import Any

from marketplace.accounts.demo import user_ensure
from marketplace.accounts.middleware import activate
from marketplace.accounts.models import Organisation, Role, User
from marketplace.catalogue.models import Contract, Service, ServiceStatus
from marketplace.core import demo as core_demo
from marketplace.core.demo import DemoResult
from marketplace.core.exceptions import ValidationFailed
from marketplace.privacy import terms_rules
from marketplace.privacy.models import ExitCostEstimate, ExitPlan, ServiceInUse, TermCheck

NVE, VOSS = "970205039", "964338442"
FRAMEWORKS = ("2024/1001", "2024/1002")

# Deviations a category manager typically records, by supplier profile (see catalogue demo: "no", "nordic", "global").
DEVIATIONS: dict[str, dict[str, tuple[str, str]]] = {
    "global": {
        "third_party_liability": (
            "deviates",
            "Ansvaret for underleverandøren (hyperskalereren) er begrenset til det leverandøren selv får dekket.",
        ),
        "sla": (
            "deviates",
            "Tjenestekreditt er eneste sanksjon ved brudd på tjenestenivået (eksklusiv sanksjon).",
        ),
        "egress_portability": ("deviates", "Utgangsgebyr per GB etter listepris; ingen fritak ved bytte."),
        "price_change": ("deviates", "Leverandøren kan endre listeprisene med 30 dagers varsel."),
        "audit_rights": ("missing", ""),
    },
    "nordic": {
        "continuous_change": ("deviates", "Varsel om endringer i standardtjenesten er 30 dager, ikke 90."),
        "open_source": ("missing", ""),
    },
    "no": {
        "apis": ("deviates", "Ingen skriftlig policy for utfasing av API-er."),
    },
}
UNCHECKED = {"2024/1002-2-09"}  # left unchecked so the balance view shows an unchecked contract


def _profile(contract: Contract) -> str:
    name = contract.supplier.name
    if "Atlanterhavet" in name or "Møteplass" in name or "Datavev" in name:
        return "global"
    if "Samspill" in name or "Skriveverket" in name or "Lønnsvik" in name or "Fjellskyen" in name:
        return "nordic"
    return "no"


def _answers(profile: str) -> dict[str, tuple[str, str]]:
    answers = dict.fromkeys(terms_rules.topic_keys(), ("meets", ""))
    answers.update(DEVIATIONS.get(profile, {}))
    return answers


def _contract_checks(result: DemoResult) -> int:
    from marketplace.privacy.services.terms import term_check_save

    manager = User.objects.filter(username="dfo.kategori").first()
    mps = Organisation.objects.filter(memberships__user=manager).first() if manager else None
    if manager is None or mps is None:
        return 0
    activate(manager, mps)
    created = 0
    for contract in Contract.objects.filter(framework__reference__in=FRAMEWORKS).select_related("supplier"):
        if contract.reference in UNCHECKED or TermCheck.objects.filter(contract=contract).exists():
            continue
        term_check_save(actor=manager, contract=contract, answers=_answers(_profile(contract)))
        created += 1
    return created


def _service(supplier_contains: str, name_contains: str = "") -> Service | None:
    qs = Service.objects.filter(
        status=ServiceStatus.PUBLISHED, contract__supplier__name__icontains=supplier_contains
    )
    if name_contains:
        qs = qs.filter(name__icontains=name_contains)
    return qs.order_by("pk").first()


def _ensure_in_use(actor: Any, organisation: Organisation, spec: dict[str, Any]) -> ServiceInUse | None:
    from marketplace.privacy.services.usage import service_in_use_register

    service = _service(spec["supplier"], spec.get("service", "")) if spec.get("supplier") else None
    if spec.get("supplier") and service is None:
        return None
    if service is not None:
        existing = ServiceInUse.objects.filter(organisation=organisation, service=service).first()
    else:
        existing = ServiceInUse.objects.filter(organisation=organisation, name=spec["name"]).first()
    if existing is not None:
        return existing
    return service_in_use_register(
        actor=actor,
        organisation=organisation,
        service=service,
        name="" if service else spec["name"],
        supplier_name="" if service else spec["supplier_name"],
        started_on=spec["started_on"],
    )


def _ensure_exit(actor: Any, siu: ServiceInUse, spec: dict[str, Any]) -> None:
    from marketplace.privacy.services.exit import exit_estimate_create, exit_plan_save
    from marketplace.privacy.services.terms import term_check_save

    if spec.get("terms") and not TermCheck.objects.filter(service_in_use=siu).exists():
        answers = dict.fromkeys(terms_rules.topic_keys(), ("meets", ""))
        answers.update(spec["terms"])
        term_check_save(actor=actor, service_in_use=siu, answers=answers)
    if spec.get("plan") and not ExitPlan.objects.filter(service_in_use=siu).exists():
        exit_plan_save(actor=actor, service_in_use=siu, **spec["plan"])
    if spec.get("estimate") and not ExitCostEstimate.objects.filter(service_in_use=siu).exists():
        estimate = dict(spec["estimate"])
        try:
            exit_estimate_create(actor=actor, service_in_use=siu, **estimate)
        except ValidationFailed:
            # no FinOps storage for the supplier (FinOps demo not loaded): use the entered volume instead
            estimate["use_finops_volume"] = False
            exit_estimate_create(actor=actor, service_in_use=siu, **estimate)


def _import_date(text: str) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(text)


SERVICES: dict[str, list[dict[str, Any]]] = {
    NVE: [
        {
            "supplier": "Nordsky",
            "service": "lagring",
            "started_on": "2025-03-01",
            "terms": {"apis": ("deviates", "Ingen skriftlig policy for utfasing av API-er.")},
            "plan": {
                "data_to_export": "Måleserier for vannføring og snø (objektlagring), sikkerhetskopier og "
                "tilgangslogger for de siste fem årene.",
                "formats": "Parquet, CSV, JSON (logger)",
                "time_needed_days": 45,
                "owner_name": "Seksjon for IT-drift, NVE",
                "steps": [
                    "Kartlegg alle bøtter og hvem som bruker dem",
                    "Sett opp mållagring hos ny leverandør og test overføring av ett datasett",
                    "Overfør data i puljer og kontroller sjekksummer",
                    "Flytt integrasjoner og bytt endepunkter",
                    "Be om sletting og sletteattest fra Nordsky AS",
                ],
            },
            "estimate": {
                "use_finops_volume": True,
                "volume_gb": "18500",
                "migration_hours": "320",
                "hourly_rate": "1350",
            },
        },
        {
            "supplier": "Atlanterhavet Sky",
            "started_on": "2025-06-15",
            "terms": {
                "egress_portability": ("deviates", "Utgangsgebyr etter listepris; ikke fritak ved bytte."),
                "sla": ("deviates", "Tjenestekreditt er eneste sanksjon."),
                "audit_rights": ("missing", ""),
            },
            "plan": {
                "data_to_export": "Virtuelle maskiner for modellkjøringer og tilhørende disker.",
                "formats": "OVF, VHD, CSV (oppsett)",
                "time_needed_days": 60,
                "owner_name": "Kari Nilsen, virksomhetsadministrator",
                "steps": [
                    "Eksporter maskinbilder og dokumenter nettverksoppsett",
                    "Bygg opp miljøet hos ny leverandør med infrastruktur som kode",
                    "Kjør modellene parallelt i to uker og sammenlign resultater",
                    "Avslutt abonnementet og be om sletteattest",
                ],
            },
            "estimate": {
                "volume_gb": "4200",
                "migration_hours": "480",
                "hourly_rate": "1350",
                "has_committed_spend": True,
                "has_licence_restrictions": True,
            },
        },
    ],
    VOSS: [
        {
            "supplier": "Arkivlosen",
            "started_on": "2025-09-01",
            "terms": {"open_source": ("missing", "")},
            "plan": {
                "data_to_export": "Sakarkiv med journalposter og dokument frå 2019 til no.",
                "formats": "Noark 5 arkivuttrekk (XML), PDF/A",
                "time_needed_days": 90,
                "owner_name": "Arkivleiar, Voss herad",
                "steps": [
                    "Bestill Noark 5-uttrekk frå leverandøren",
                    "Kontroller uttrekket med Arkivverket sitt testverktøy",
                    "Importer i nytt sak- og arkivsystem",
                    "Stadfest sletting hos leverandøren",
                ],
            },
            "estimate": {"volume_gb": "650", "migration_hours": "160", "hourly_rate": "1100"},
        },
        {
            "name": "Skulearena",
            "supplier_name": "Læringsverket AS",
            "started_on": "2024-08-01",
            "plan": {
                "data_to_export": "Elevmapper, vurderingar og fråvær.",
                "formats": "CSV, PDF",
                "time_needed_days": 30,
                "owner_name": "Oppvekstsjef, Voss herad",
                "steps": [
                    "Avklar kva data som skal takast vare på",
                    "Eksporter og kontroller",
                    "Avslutt avtalen",
                ],
            },
            "estimate": {
                "volume_gb": "120",
                "egress_price_per_gb": "0",
                "migration_hours": "60",
                "hourly_rate": "1100",
                "has_technical_barriers": True,
            },
        },
    ],
}


def seed(result: DemoResult) -> None:
    result.counts["privacy_term_checks"] = _contract_checks(result)
    voss = Organisation.objects.filter(orgnr=VOSS).first()
    if voss is not None:
        user_ensure("voss.personvern", "Eirik", "Lid", voss, [Role.PRIVACY_OFFICER, Role.BUYER], result)
    owners = {NVE: "nve.admin", VOSS: "voss.personvern"}
    in_use = 0
    for orgnr, specs in SERVICES.items():
        organisation = Organisation.objects.filter(orgnr=orgnr).first()
        actor = User.objects.filter(username=owners[orgnr]).first()
        if organisation is None or actor is None:
            continue
        activate(actor, organisation)
        for spec in specs:
            spec = {**spec, "started_on": _import_date(spec["started_on"])}
            siu = _ensure_in_use(actor, organisation, spec)
            if siu is None:
                continue
            in_use += 1
            _ensure_exit(actor, siu, spec)
    result.counts["privacy_services_in_use"] = in_use


def register() -> None:
    core_demo.register("privacy_terms", seed, order=85)
