"""OCDS release packages: every route and state validates against the OCDS 1.1 schema; exact values; sealed content
never appears."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings

from marketplace.calloffs.ocds import calloff_is_public, release_package, release_package_errors
from marketplace.calloffs.rules.state import CallOffState, CallOffTimes, calloff_state
from marketplace.calloffs.tests import ocds_stages as s
from marketplace.catalogue.models import Mechanism

pytestmark = pytest.mark.django_db

MINI_STATES = list(CallOffState)
OTHER_STATES = [
    CallOffState.DRAFT,
    CallOffState.AWARD_DECIDED,
    CallOffState.STANDSTILL,
    CallOffState.ON_HOLD,
    CallOffState.READY_TO_SIGN,
    CallOffState.CONTRACTED,
    CallOffState.CANCELLED,
]
CASES = [(Mechanism.MINI_COMPETITION, state) for state in MINI_STATES] + [
    (mechanism, state) for mechanism in (Mechanism.DIRECT, Mechanism.DESK) for state in OTHER_STATES
]


@pytest.fixture
def w():
    return s.world()


@pytest.mark.parametrize(("mechanism", "state"), CASES)
def test_every_route_and_state_validates_and_never_shows_offer_content(w, mechanism, state):
    calloff, now = s.calloff_at(w, mechanism, state, reference="AV-2026-0001")
    assert calloff_state(CallOffTimes.of(calloff), now) is state

    package = release_package(calloff, now=now)

    assert release_package_errors(package) == []
    text = json.dumps(package, ensure_ascii=False)
    assert "987654" not in text
    assert "HEMMELIG" not in text
    assert "Kan dere presisere" not in text  # questions are not published (only that there were some)


def test_schema_check_reports_errors():
    assert release_package_errors({"uri": "x"}) == [
        "(root): 'publishedDate' is a required property",
        "(root): 'publisher' is a required property",
        "(root): 'releases' is a required property",
        "(root): 'version' is a required property",
    ]


def test_schema_check_follows_the_release_reference(w):
    calloff, now = s.calloff_at(w, Mechanism.DIRECT, CallOffState.STANDSTILL, reference="AV-12")
    package = release_package(calloff, now=now)
    package["releases"][0]["tag"] = ["bogus"]
    package["releases"][0]["tender"]["value"]["currency"] = "ZZZ"
    errors = release_package_errors(package)
    assert errors[0] == (
        "releases/0/tag/0: 'bogus' is not one of ['planning', 'planningUpdate', 'tender', 'tenderAmendment', "
        "'tenderUpdate', 'tenderCancellation', 'award', 'awardUpdate', 'awardCancellation', 'contract', "
        "'contractUpdate', 'contractAmendment', 'implementation', 'implementationUpdate', 'contractTermination', "
        "'compiled']"
    )
    assert errors[1].startswith("releases/0/tender/value/currency: 'ZZZ' is not one of ['ADP', ")
    assert len(errors) == 2


@override_settings(MPS_OCDS_PREFIX="ocds-test01", MPS_OCDS_BASE_URI="https://mps.example.no/")
def test_mini_competition_while_tendering(w):
    calloff, now = s.calloff_at(
        w, Mechanism.MINI_COMPETITION, CallOffState.TENDERING, reference="AV-2026-0007"
    )

    package = release_package(calloff, now=now)

    assert package["uri"] == f"https://mps.example.no/api/v1/calloffs/{calloff.pk}/ocds"
    assert package["version"] == "1.1"
    assert package["publishedDate"] == "2026-03-03T09:00:00Z"
    assert package["publisher"] == {
        "name": "Direktoratet for forvaltning og økonomistyring (DFØ)",
        "scheme": "NO-ORG",
        "uid": "986252932",
    }
    [release] = package["releases"]
    assert release["ocid"] == "ocds-test01-AV-2026-0007"
    assert release["id"] == "ocds-test01-AV-2026-0007-20260303T090000Z"
    assert release["date"] == "2026-03-03T09:00:00Z"
    assert release["tag"] == ["tender"]
    assert release["initiationType"] == "tender"
    assert release["buyer"] == {"id": "NO-ORG-970205039", "name": "Norges vassdrags- og energidirektorat"}
    assert release["parties"] == [
        {
            "id": "NO-ORG-970205039",
            "name": "Norges vassdrags- og energidirektorat",
            "identifier": {
                "scheme": "NO-ORG",
                "id": "970205039",
                "legalName": "Norges vassdrags- og energidirektorat",
            },
            "roles": ["buyer", "procuringEntity"],
        }
    ]
    assert release["relatedProcesses"] == [
        {
            "id": "1",
            "relationship": ["framework"],
            "title": "Skytjenester (CIPS), delkontrakt 1: Offentlig sky",
            "scheme": "internal",
            "identifier": "2024/0101",
        }
    ]
    assert release["tender"] == {
        "id": "AV-2026-0007",
        "title": "Skylagring for hydrologiske modeller",
        "description": "Objektlagring og beregningskapasitet.",
        "status": "active",
        "procuringEntity": {"id": "NO-ORG-970205039", "name": "Norges vassdrags- og energidirektorat"},
        "value": {"amount": 2500000, "currency": "NOK"},
        "procurementMethod": "selective",
        "procurementMethodDetails": "Minikonkurranse mellom rammeavtaleleverandørene (konkurransen gjenåpnes)",
        "procurementMethodRationale": "Behovet krever tilpasning.",
        "competitive": True,
        "mainProcurementCategory": "services",
        "contractPeriod": {"startDate": "2026-05-31T22:00:00Z", "endDate": "2028-05-31T21:59:59Z"},
        "awardCriteria": "ratedCriteria",
        "awardCriteriaDetails": "Pris 40 %, Kvalitet 60 %",
        "tenderPeriod": {"startDate": "2026-03-03T09:00:00Z", "endDate": "2026-03-17T11:00:00Z"},
        "enquiryPeriod": {"startDate": "2026-03-03T09:00:00Z", "endDate": "2026-03-10T11:00:00Z"},
        "hasEnquiries": True,
    }
    assert "awards" not in release
    assert "contracts" not in release
    assert release_package_errors(package) == []


def test_no_tenderers_before_opening_then_names_and_count_after(w):
    calloff, now = s.calloff_at(
        w, Mechanism.MINI_COMPETITION, CallOffState.AWAITING_OPENING, reference="AV-1"
    )
    tender = release_package(calloff, now=now)["releases"][0]["tender"]
    assert "numberOfTenderers" not in tender
    assert "tenderers" not in tender
    text = json.dumps(release_package(calloff, now=now), ensure_ascii=False)
    assert "Nordsky" not in text
    assert "Fjellsky" not in text

    opened, now = s.calloff_at(w, Mechanism.MINI_COMPETITION, CallOffState.EVALUATION, reference="AV-2")
    release = release_package(opened, now=now)["releases"][0]
    assert release["tender"]["numberOfTenderers"] == 2
    assert release["tender"]["tenderers"] == [
        {"id": "NO-ORG-916530095", "name": "Fjellsky AS"},
        {"id": "NO-ORG-914778271", "name": "Nordsky AS"},
    ]
    assert [(p["name"], p["roles"]) for p in release["parties"]] == [
        ("Norges vassdrags- og energidirektorat", ["buyer", "procuringEntity"]),
        ("Fjellsky AS", ["tenderer"]),
        ("Nordsky AS", ["tenderer"]),
    ]
    assert release["date"] == "2026-03-17T12:00:00Z"


def test_award_not_published_between_decision_and_notice(w):
    calloff, now = s.calloff_at(w, Mechanism.MINI_COMPETITION, CallOffState.AWARD_DECIDED, reference="AV-3")
    release = release_package(calloff, now=now)["releases"][0]
    assert "awards" not in release
    assert release["tag"] == ["tender"]
    assert "standstillPeriod" not in release["tender"]


def test_mini_competition_in_standstill(w):
    calloff, now = s.calloff_at(w, Mechanism.MINI_COMPETITION, CallOffState.STANDSTILL, reference="AV-4")
    release = release_package(calloff, now=now)["releases"][0]
    assert release["tag"] == ["award"]
    assert release["date"] == "2026-03-20T12:00:00Z"
    assert release["awards"] == [
        {
            "id": "AV-4-tildeling",
            "title": "Skylagring for hydrologiske modeller",
            "status": "pending",
            "date": "2026-03-20T10:00:00Z",
            "value": {"amount": 2100000, "currency": "NOK"},
            "suppliers": [{"id": "NO-ORG-914778271", "name": "Nordsky AS"}],
            "contractPeriod": {"startDate": "2026-05-31T22:00:00Z", "endDate": "2028-05-31T21:59:59Z"},
        }
    ]
    assert release["tender"]["standstillPeriod"] == {
        "startDate": "2026-03-20T12:00:00Z",
        "endDate": "2026-03-30T22:00:00Z",
    }
    assert [p["roles"] for p in release["parties"] if p["name"] == "Nordsky AS"] == [["tenderer", "supplier"]]
    assert "contracts" not in release


def test_on_hold_keeps_award_pending_with_status_details(w):
    calloff, now = s.calloff_at(w, Mechanism.MINI_COMPETITION, CallOffState.ON_HOLD, reference="AV-5")
    release = release_package(calloff, now=now)["releases"][0]
    assert release["awards"][0]["status"] == "pending"
    assert release["tender"]["statusDetails"] == "Stanset etter klage"
    assert release["date"] == "2026-03-25T08:00:00Z"


def test_after_standstill_award_active_and_release_dated_at_its_end(w):
    calloff, now = s.calloff_at(w, Mechanism.MINI_COMPETITION, CallOffState.READY_TO_SIGN, reference="AV-6")
    release = release_package(calloff, now=now)["releases"][0]
    assert release["awards"][0]["status"] == "active"
    assert release["date"] == "2026-03-30T22:00:00Z"


def test_direct_award_contracted(w):
    calloff, now = s.calloff_at(w, Mechanism.DIRECT, CallOffState.CONTRACTED, reference="AV-8")
    release = release_package(calloff, now=now)["releases"][0]
    assert release["tag"] == ["contract"]
    tender = release["tender"]
    assert tender["competitive"] is False
    assert tender["status"] == "complete"
    assert tender["procurementMethod"] == "selective"
    assert tender["procurementMethodDetails"] == (
        "Direkte avrop etter rangering i rammeavtalen (uten gjenåpning av konkurransen)"
    )
    assert tender["awardCriteriaDetails"] == (
        "Tildeling til den høyest rangerte leverandøren i rammeavtalen som kan levere."
    )
    assert "awardCriteria" not in tender
    assert "tenderPeriod" not in tender
    assert "numberOfTenderers" not in tender
    assert release["awards"][0]["id"] == tender["id"] == "AV-8"
    assert release["awards"][0]["status"] == "active"
    assert release["contracts"] == [
        {
            "id": "AV-8-kontrakt",
            "awardID": "AV-8",
            "title": "Skylagring for hydrologiske modeller",
            "status": "active",
            "period": {"startDate": "2026-05-31T22:00:00Z", "endDate": "2028-05-31T21:59:59Z"},
            "value": {"amount": 2100000, "currency": "NOK"},
            "dateSigned": "2026-04-01T08:00:00Z",
        }
    ]
    assert [(p["name"], p["roles"]) for p in release["parties"]] == [
        ("Norges vassdrags- og energidirektorat", ["buyer", "procuringEntity"]),
        ("Nordsky AS", ["supplier"]),
    ]


def test_desk_evaluation_is_not_competitive(w):
    calloff, now = s.calloff_at(w, Mechanism.DESK, CallOffState.STANDSTILL, reference="AV-9")
    tender = release_package(calloff, now=now)["releases"][0]["tender"]
    assert tender["competitive"] is False
    assert tender["procurementMethodDetails"] == (
        "Skrivebordskonkurranse på rammeavtalens priser (uten gjenåpning av konkurransen)"
    )
    assert tender["awardCriteria"] == "priceOnly"
    assert tender["awardCriteriaDetails"] == (
        "Laveste totalpris for handlekurven på rammeavtalens priser. Absolutte krav: Data lagres i EØS."
    )


def test_cancelled_after_publication(w):
    calloff, now = s.calloff_at(w, Mechanism.MINI_COMPETITION, CallOffState.CANCELLED, reference="AV-10")
    release = release_package(calloff, now=now)["releases"][0]
    assert release["tag"] == ["tenderCancellation"]
    assert release["tender"]["status"] == "cancelled"
    assert release["tender"]["statusDetails"] == "Behovet er endret."
    assert release["date"] == "2026-03-12T08:00:00Z"


@pytest.mark.parametrize(
    ("mechanism", "state", "public"),
    [
        (Mechanism.MINI_COMPETITION, CallOffState.DRAFT, False),
        (Mechanism.MINI_COMPETITION, CallOffState.TENDERING, True),
        (Mechanism.MINI_COMPETITION, CallOffState.CANCELLED, True),
        (Mechanism.DIRECT, CallOffState.DRAFT, False),
        (Mechanism.DIRECT, CallOffState.AWARD_DECIDED, False),
        (Mechanism.DIRECT, CallOffState.STANDSTILL, True),
        (Mechanism.DESK, CallOffState.AWARD_DECIDED, False),
        (Mechanism.DESK, CallOffState.CONTRACTED, True),
        (Mechanism.DESK, CallOffState.CANCELLED, True),
    ],
)
def test_publication_rule(w, mechanism, state, public):
    calloff, _now = s.calloff_at(w, mechanism, state, reference="AV-11")
    assert calloff_is_public(calloff) is public
