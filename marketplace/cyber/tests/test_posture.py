"""Training completion and open threat-intelligence alerts scored with every scan (services/posture.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from marketplace.accounts.models import Role
from marketplace.catalogue.tests.helpers import acting
from marketplace.cyber.models import AlertKind, AlertStatus, Asset, Scan, ScanResult, ThreatAlert
from marketplace.cyber.services.awareness import awareness_import
from marketplace.cyber.services.posture import awareness_results, intel_results
from marketplace.cyber.services.scans import EXTRA_RESULTS, scan_run

pytestmark = pytest.mark.django_db

TODAY = dt.date(2024, 3, 31)
NOW = dt.datetime(2024, 3, 31, 12, tzinfo=dt.UTC)


def _alert(org, kind, key, *, status=AlertStatus.OPEN, due_on=None, ransomware=False, cve="", indicator=""):
    return ThreatAlert.objects.create(
        organisation=org,
        kind=kind,
        match_key=key,
        cve_id=cve,
        indicator=indicator,
        matched_value=key,
        due_on=due_on,
        ransomware_known=ransomware,
        status=status,
        created_at=NOW,
        updated_at=NOW,
    )


def _summary(results):
    return [(r.check_id, str(r.category), str(r.status), r.points, r.evidence) for r in results]


def test_awareness_completion_becomes_points(buyer_org):
    officer = acting(buyer_org, Role.SECURITY_OFFICER)
    assert awareness_results(buyer_org, today=TODAY) == []  # no records: the category is left out
    csv_text = "period,users,lessons_sent,lessons_completed\n2024-02,10,100,70\n2024-03,10,100,73\n"
    awareness_import(actor=officer, organisation=buyer_org, file=csv_text.encode(), now=NOW)
    assert _summary(awareness_results(buyer_org, today=TODAY)) == [
        (
            "human.awareness",
            "human",
            "fail",
            7,  # 143 of 200 = 72 % (rounded) → 7 points; pass from 80 %
            {"completion_percent": 72, "months": 12, "pass_from_percent": 80},
        )
    ]


def test_open_alerts_cost_points_resolved_ones_do_not(buyer_org, other_buyer_org):
    assert [(r.check_id, str(r.status), r.points) for r in intel_results(buyer_org, today=TODAY)] == [
        ("intel.kev", "pass", 10),
        ("intel.indicators", "pass", 10),
    ]
    _alert(buyer_org, AlertKind.KEV, "a", cve="CVE-2024-0001", due_on=dt.date(2024, 4, 30))
    _alert(buyer_org, AlertKind.KEV, "b", cve="CVE-2023-0002", status=AlertStatus.RESOLVED, ransomware=True)
    _alert(other_buyer_org, AlertKind.STIX, "c", indicator="indicator--1")
    assert [(r.check_id, str(r.status), r.points) for r in intel_results(buyer_org, today=TODAY)] == [
        ("intel.kev", "warning", 5),  # open, not yet due, no ransomware
        ("intel.indicators", "pass", 10),  # the other organisation's indicator is not ours
    ]
    _alert(
        buyer_org, AlertKind.KEV, "d", cve="CVE-2021-0003", due_on=dt.date(2024, 3, 1), status="acknowledged"
    )
    _alert(buyer_org, AlertKind.STIX, "e", indicator="indicator--2")
    results = intel_results(buyer_org, today=TODAY)
    assert _summary(results) == [
        (
            "intel.kev",
            "vulnerabilities",
            "fail",
            0,
            {"open": ["CVE-2021-0003", "CVE-2024-0001"], "overdue": ["CVE-2021-0003"], "ransomware": []},
        ),
        (
            "intel.indicators",
            "threat_intel",
            "fail",
            0,
            {"open": [{"indicator": "indicator--2", "matched": "e"}]},
        ),
    ]


def test_the_app_scores_them_with_every_scan(buyer_org, settings):
    from marketplace.cyber.services import posture

    assert posture.awareness_results in EXTRA_RESULTS
    assert posture.intel_results in EXTRA_RESULTS
    settings.MPS_ALLOW_PRIVATE_TARGETS = True
    _alert(buyer_org, AlertKind.STIX, "e", indicator="indicator--2")
    Asset.objects.create(organisation=buyer_org, name="nve.example", kind="host")
    scan = Scan.objects.create(organisation=buyer_org)
    from marketplace.cyber.checks.base import ScanContext

    # no family can reach the host here (nothing listens); the extra results are stored and scored all the same
    scan_run(
        scan.pk,
        context=ScanContext(allow_private=True, address_overrides={"nve.example": "127.0.0.1"}, timeout=0.5),
        now=timezone.now(),
    )
    rows = dict(ScanResult.objects.filter(scan=scan).values_list("check_id", "points"))
    assert (rows["intel.kev"], rows["intel.indicators"]) == (10, 0)
    scan.refresh_from_db()
    assert scan.category_scores["threat_intel"] == 0
    assert scan.category_scores["vulnerabilities"] == 100


def _software_family(target, context):
    from marketplace.cyber.checks.web.evaluate import result

    return [result("web.software", "info", 0, {"software": [["banner", "nginx/1.18.0"]]}, target)]


run = _software_family  # this module stands in as a check family (the network edge) in the test below


def test_software_seen_by_a_scan_is_recorded_for_the_matching(buyer_org, monkeypatch):
    from marketplace.cyber.checks import registry
    from marketplace.cyber.models import SoftwareItem

    monkeypatch.setattr(registry, "FAMILY_MODULES", {"web": __name__})
    Asset.objects.create(organisation=buyer_org, name="www.nve.example", kind="host")
    scan = Scan.objects.create(organisation=buyer_org)
    from marketplace.cyber.checks.base import ScanContext

    context = ScanContext(allow_private=True, address_overrides={"www.nve.example": "127.0.0.1"})
    scan_run(scan.pk, context=context, now=NOW)
    items = SoftwareItem.objects.filter(organisation=buyer_org)
    assert list(items.values_list("asset_name", "source", "product_string", "product", "version")) == [
        ("www.nve.example", "banner", "nginx/1.18.0", "nginx", "1.18.0")
    ]
