"""Demo threat intelligence and awareness training, loaded through the real services.

- The CISA KEV excerpt (40 entries, version 2025.08.25) and the OASIS Poison Ivy STIX 2.1 bundle.
- The CyberX Training & Awareness pilot: its 17 organisations (created if missing, with their organisation numbers)
  and three months of figures each (February–April 2024): the pilot's users, lessons sent rising 0.8 → 0.9 → 1.0
  per user and month (about 30,000 in all) and a completion rate per organisation.
- NVE's declared software (Exchange, WebLogic, Spring, Zimbra and a web server banner), matched to KEV: alerts with
  due dates and the ransomware flag, seen by `nve.admin`.

Idempotent: feeds already imported, software already recorded and organisations that already have figures are left
alone; alerts are matched again (which creates nothing new).
"""

from __future__ import annotations

import csv
from pathlib import Path

from marketplace.accounts.models import Organisation, OrganisationKind
from marketplace.accounts.services import organisation_create
from marketplace.core import demo as core_demo
from marketplace.core.demo import DemoResult
from marketplace.cyber.models import AwarenessRecord, ThreatAlert
from marketplace.cyber.services.awareness import awareness_import
from marketplace.cyber.services.intel import (
    alerts_match,
    kev_import,
    software_declare,
    software_observe,
    stix_import,
)

DATA = Path(__file__).parent / "data" / "demo"

# Pilot organisation name (as in awareness_pilot.csv) → organisation number (Enhetsregisteret).
PILOT_ORGNR = {
    "Norad": "971277882",
    "Likestillings- og diskrimineringsombudet": "987846941",
    "Tolletaten": "974761467",
    "Arkivverket": "961181399",
    "Direktoratet for høyere utdanning og kompetanse": "919477822",
    "Hovedredningssentralen": "974760983",
    "Norsk helsenett SF": "994598759",
    "Norges vassdrags- og energidirektorat": "970205039",
    "Forsvarsbygg": "975950662",
    "Statens kartverk": "971040238",
    "Grue kommune": "964949204",
    "Volda kommune": "939760946",
    "Voss herad": "964338442",
    "Nordkapp kommune": "963944748",
    "Saltdal kommune": "972417866",
    "Sørreisa kommune": "959469059",
    "Sogndal kommune": "921153082",
}
KINDS = {"state": OrganisationKind.STATE, "municipality": OrganisationKind.MUNICIPALITY}
PERIODS = ("2024-02", "2024-03", "2024-04")
LESSONS_PER_USER = (0.8, 0.9, 1.0)

NVE = "970205039"
NVE_SOFTWARE = [  # (host, declared product)
    ("epost.nve.no", "Microsoft Exchange Server 2019"),
    ("soknad.nve.no", "Oracle WebLogic Server 12.2.1.3"),
    ("api.nve.no", "pkg:maven/org.springframework/spring-beans@5.3.17"),
    ("samhandling.nve.no", "cpe:2.3:a:synacor:zimbra_collaboration_suite:8.8.15:*:*:*:*:*:*:*"),
]
NVE_OBSERVED = [("www.nve.no", "banner", "nginx/1.18.0")]


def pilot_rows() -> list[dict[str, str]]:
    with (DATA / "awareness_pilot.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def pilot_csv(users: int, index: int) -> str:
    """Three months for one organisation; completion starts between 55 % and 84 % and rises 3 points a month."""
    lines = ["period,users,lessons_sent,lessons_completed"]
    base = 55 + (index * 7) % 30
    for month, (period, per_user) in enumerate(zip(PERIODS, LESSONS_PER_USER, strict=True)):
        sent = round(users * per_user)
        completed = round(sent * (base + 3 * month) / 100)
        lines.append(f"{period},{users},{sent},{completed}")
    return "\n".join(lines) + "\n"


def organisation_for(name: str, kind: str) -> Organisation:
    orgnr = PILOT_ORGNR[name]
    organisation = Organisation.objects.filter(orgnr=orgnr).first()
    if organisation is None:
        organisation = organisation_create(actor=None, orgnr=orgnr, name=name, kind=KINDS[kind])
    return organisation


def seed_awareness(result: DemoResult) -> None:
    for index, row in enumerate(pilot_rows()):
        organisation = organisation_for(row["organisation"], row["kind"])
        if AwarenessRecord.objects.filter(organisation=organisation).exists():
            continue
        awareness_import(
            actor=None,
            organisation=organisation,
            file=pilot_csv(int(row["users"]), index).encode("utf-8"),
            filename="opplaering-pilot.csv",
        )
    result.counts["cyber_awareness_records"] = AwarenessRecord.objects.count()


def seed_intel(result: DemoResult) -> None:
    kev_import(actor=None, file=DATA / "kev_excerpt.json")
    stix_import(actor=None, file=DATA / "poisonivy.json")
    nve = Organisation.objects.filter(orgnr=NVE).first()
    if nve is not None:
        for host, product in NVE_SOFTWARE:
            software_declare(actor=None, organisation=nve, hostname=host, product_string=product)
        for host, source, product in NVE_OBSERVED:
            software_observe(organisation=nve, hostname=host, source=source, product_string=product)
        alerts_match(organisation=nve)
    result.counts["cyber_threat_alerts"] = ThreatAlert.objects.count()


def seed(result: DemoResult) -> None:
    seed_awareness(result)
    seed_intel(result)


def register() -> None:
    core_demo.register("cyber_intel", seed, order=75)
