"""Results of a scan that are not observed from the outside: awareness-training completion (category human) and
the organisation's open threat-intelligence alerts (vulnerabilities, threat intel). Registered in
`services.scans.EXTRA_RESULTS` from apps.py, so every scan scores them with the outside-in checks.

- `human.awareness`: 100 × lessons completed ÷ sent over the last 12 months (cyber-privacy.md §A7); points = the
  percentage / 10, rounded; pass from 80 %. No training records: no result (the category is left out, not zero).
- `intel.kev`: open (not resolved) alerts of known exploited vulnerabilities matched to the organisation's software.
  None: 10. Open, none past its KEV due date and none used in ransomware: 5 (a warning; KEV matches are by product,
  not version). Past due or ransomware: 0.
- `intel.indicators`: open alerts of STIX indicators matching the organisation's own domains or addresses. None: 10,
  any: 0.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from marketplace.accounts.models import Organisation
from marketplace.cyber.checks.base import FULL, HALF, NONE, Category, CheckResult, Level, Status
from marketplace.cyber.models import AlertKind, AlertStatus, ThreatAlert
from marketplace.cyber.selectors.awareness import awareness_score

__all__ = ["awareness_results", "intel_results"]

PASS_FROM = 80


def awareness_results(organisation: Organisation, *, today: dt.date | None = None) -> list[CheckResult]:
    today = today or timezone.localdate()
    score = awareness_score(organisation, today=today)
    if score is None:
        return []
    return [
        CheckResult(
            check_id="human.awareness",
            category=Category.HUMAN,
            status=Status.PASS if score >= PASS_FROM else Status.FAIL,
            level=Level.REQUIRED,
            points=min(FULL, round(score / 10)),
            evidence={"completion_percent": score, "months": 12, "pass_from_percent": PASS_FROM},
            target=organisation.orgnr,
        )
    ]


def intel_results(organisation: Organisation, *, today: dt.date | None = None) -> list[CheckResult]:
    today = today or timezone.localdate()
    open_alerts = ThreatAlert.objects.filter(organisation=organisation).exclude(status=AlertStatus.RESOLVED)
    kev = list(open_alerts.filter(kind=AlertKind.KEV).order_by("cve_id"))
    overdue = [a for a in kev if a.due_on is not None and a.due_on < today]
    ransomware = [a for a in kev if a.ransomware_known]
    if not kev:
        kev_status, kev_points = Status.PASS, FULL
    elif overdue or ransomware:
        kev_status, kev_points = Status.FAIL, NONE
    else:
        kev_status, kev_points = Status.WARNING, HALF
    stix = list(open_alerts.filter(kind=AlertKind.STIX).order_by("indicator"))
    return [
        CheckResult(
            check_id="intel.kev",
            category=Category.VULNERABILITIES,
            status=kev_status,
            level=Level.REQUIRED,
            points=kev_points,
            evidence={
                "open": sorted({a.cve_id for a in kev}),
                "overdue": sorted({a.cve_id for a in overdue}),
                "ransomware": sorted({a.cve_id for a in ransomware}),
            },
            target=organisation.orgnr,
        ),
        CheckResult(
            check_id="intel.indicators",
            category=Category.THREAT_INTEL,
            status=Status.FAIL if stix else Status.PASS,
            level=Level.REQUIRED,
            points=NONE if stix else FULL,
            evidence={"open": [{"indicator": a.indicator, "matched": a.matched_value} for a in stix][:50]},
            target=organisation.orgnr,
        ),
    ]
