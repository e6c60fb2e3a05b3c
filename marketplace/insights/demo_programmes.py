"""Demo data for the programme status board, from MPS's spring 2024 information meeting (shared/data/mps/facts.md).
Owners are invented people. Idempotent: an existing programme (by slug) is left as it is."""

from __future__ import annotations

from django.utils import timezone

from marketplace.core.demo import DemoResult
from marketplace.insights.models import Programme, ProgrammePhase, ProgrammeStatus

# (slug, name, owner, status, current activities, next steps, [(title, is_milestone, start "YYYY-Q", end "YYYY-Q")])
PROGRAMMES = [
    (
        "programmet",
        "Programmet",
        "Ingrid Solberg, programleder",
        ProgrammeStatus.ON_PLAN,
        "ITT CIPS\nITT Cyber Risk Score\nVeiledningsarbeid",
        "Tildeling CIPS og Cyber Risk Score\nVeiledning for avrop",
        [
            ("Etablering av Markedsplassen", False, "2022-4", "2023-4"),
            ("Konkurranser CIPS og Cyber Risk Score", False, "2024-1", "2024-4"),
            ("Veiledning og forvaltning", False, "2024-2", "2025-4"),
        ],
    ),
    (
        "kontrakter",
        "Kontrakter",
        "Henrik Aasen, juridisk rådgiver",
        ProgrammeStatus.ON_PLAN,
        "CIPS-kontrakter\nSaaS-kontrakter\nPartnere og forhandlere\nMoU-er",
        "Forhandlinger\nVeiledning",
        [
            ("SaaS-kontrakter", False, "2024-1", "2024-4"),
            ("Partnere, forhandlere og MoU-er", False, "2024-2", "2025-2"),
            ("CIPS-kontrakter", False, "2024-3", "2025-1"),
        ],
    ),
    (
        "cips",
        "CIPS",
        "Marte Lunde, kategoriansvarlig",
        ProgrammeStatus.ON_PLAN,
        "ITT CIPS\nBehovsanalyse\nMarkedsanalyse",
        "Forhandlinger\nVeiledning",
        [
            ("Konkurransepreget dialog med 6–8 kandidater", False, "2024-1", "2024-3"),
            ("Begrenset anbudskonkurranse kunngjort", True, "2024-4", "2024-4"),
            ("Prøvetilbud og evaluering", False, "2024-4", "2024-4"),
            ("Tildeling av 2–4 kontrakter", True, "2025-1", "2025-1"),
            ("Karensperiode og kontraktsinngåelse", False, "2025-1", "2025-1"),
            ("Drift og avrop", False, "2025-2", "2025-4"),
        ],
    ),
    (
        "finops",
        "FinOps",
        "Sindre Bakke, FinOps-ansvarlig",
        ProgrammeStatus.ON_PLAN,
        "Sertifisering\nFinOps-strategi",
        "Oppstart av FinOps-piloter\nITT FinOps\nVeiledning",
        [
            ("Behovsanalyse, markedsanalyse og strategi", False, "2023-3", "2024-1"),
            ("Sertifisering", False, "2024-1", "2024-2"),
            ("FinOps-piloter", False, "2024-3", "2025-2"),
            ("Undersøkelsen «State of the Norwegian public cloud»", True, "2024-4", "2024-4"),
            ("ITT FinOps", False, "2024-4", "2025-2"),
        ],
    ),
    (
        "cyberx",
        "CyberX",
        "Amina Haugen, sikkerhetsarkitekt",
        ProgrammeStatus.AHEAD,
        "Piloter Cyber Risk Score og trusseletterretning\nVeiledning\nITT Cyber Risk Score",
        "Forhandlinger\nPiloter PMT og opplæring\nITT PMT\nFase 2",
        [
            ("Cyber Risk Score kunngjort", True, "2023-4", "2023-4"),
            ("Fase 1 synlighet: CRS, trusseletterretning, opplæring", False, "2023-4", "2024-4"),
            ("Tildeling Cyber Risk Score", True, "2024-2", "2024-2"),
            ("Fase 2 produkter og tjenester", False, "2024-4", "2025-3"),
            ("Fase 3 kapabiliteter (SOC/CERT)", False, "2025-3", "2025-4"),
        ],
    ),
    (
        "cloud-ra",
        "Cloud R&A",
        "Jonas Eriksen, rådgiver",
        ProgrammeStatus.STARTING,
        "Markedsanalyse\nBehovsanalyse",
        "Markedsdialog",
        [
            ("Behovs- og markedsanalyse", False, "2024-1", "2024-2"),
            ("Markedsdialog", False, "2024-2", "2024-3"),
            ("Anskaffelse og forhandling", False, "2024-3", "2024-4"),
            ("Tildeling", True, "2024-4", "2024-4"),
            ("Implementering", False, "2025-1", "2025-2"),
        ],
    ),
    (
        "digital",
        "Digital",
        "Live Strand, produkteier",
        ProgrammeStatus.BEHIND,
        "Leverandørregister\nFunksjoner\nLansering av Skyforum",
        "Retning mot 2030\nBehovs- og konsekvensanalyse\nPlan",
        [
            ("Landingsside og tjenesteregister", False, "2023-1", "2024-1"),
            ("Leverandørregister og Skyforum", False, "2024-1", "2024-3"),
            ("Retning 2030: behovs- og konsekvensanalyse", False, "2024-3", "2025-1"),
            ("Innsikt og oppdateringer", False, "2025-1", "2025-4"),
        ],
    ),
]


def _quarter(text: str) -> tuple[int, int]:
    year, quarter = text.split("-")
    return int(year), int(quarter)


def seed(result: DemoResult) -> None:
    now = timezone.now()
    for position, (slug, name, owner, status, activities, next_steps, phases) in enumerate(PROGRAMMES):
        programme, is_new = Programme.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "owner": owner,
                "status": status,
                "current_activities": activities,
                "next_steps": next_steps,
                "position": position,
                "updated_at": now,
            },
        )
        if not is_new:
            continue
        for title, is_milestone, start, end in phases:
            start_year, start_quarter = _quarter(start)
            end_year, end_quarter = _quarter(end)
            ProgrammePhase.objects.create(
                programme=programme,
                title=title,
                is_milestone=is_milestone,
                start_year=start_year,
                start_quarter=start_quarter,
                end_year=end_year,
                end_quarter=end_quarter,
            )
    result.counts["insights_programmes"] = Programme.objects.count()


def register() -> None:
    from marketplace.core import demo

    demo.register("insights.programmes", seed, order=90)
