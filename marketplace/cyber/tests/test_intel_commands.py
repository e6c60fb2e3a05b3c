"""`mps cyber kev-import | stix-import | awareness-import | alerts-match`: the functions behind the sub-commands,
called through the argparse parser `register` builds."""

from __future__ import annotations

import argparse
import io
import json

import pytest

from marketplace.cyber.commands import intel as commands
from marketplace.cyber.models import AwarenessRecord, KevCatalogue, StixBundle, ThreatAlert
from marketplace.cyber.services.intel import software_declare
from marketplace.cyber.tests.intel_helpers import KEV_EXCERPT, POISON_IVY, kev_bytes, kev_excerpt

pytestmark = pytest.mark.django_db


def run(*argv: str) -> tuple[int, str]:
    parser = argparse.ArgumentParser(prog="mps cyber")
    commands.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    out = io.StringIO()
    code = args.func(args, out)
    return code, out.getvalue()


def test_kev_import_text_and_json():
    code, out = run("kev-import", str(KEV_EXCERPT))
    assert (code, out) == (0, "KEV 2025.08.25: 40 vulnerabilities imported\n")
    code, out = run("kev-import", str(KEV_EXCERPT), "--format", "json")
    summary = json.loads(out)
    assert (code, summary["status"], summary["version"], summary["count"]) == (
        0,
        "unchanged",
        "2025.08.25",
        40,
    )
    assert KevCatalogue.objects.count() == 1


def test_kev_import_errors_exit_1_and_store_nothing(tmp_path):
    data = kev_excerpt()
    data["vulnerabilities"][3]["cveID"] = "CVE-21-1"
    path = tmp_path / "kev.json"
    path.write_bytes(kev_bytes(data))
    code, out = run("kev-import", str(path), "--format", "json")
    result = json.loads(out)
    assert (code, result["status"], result["errors"]) == (
        1,
        "error",
        ["vulnerabilities[3].cveID: «CVE-21-1» følger ikke mønsteret CVE-ÅÅÅÅ-NNNN."],
    )
    code, out = run("kev-import", str(path))
    assert code == 1
    assert out.splitlines() == [
        "KEV-filen kev.json ble ikke importert: 1 feil.",
        "  vulnerabilities[3].cveID: «CVE-21-1» følger ikke mønsteret CVE-ÅÅÅÅ-NNNN.",
    ]
    assert run("kev-import", str(tmp_path / "missing.json"))[0] == 2
    assert not KevCatalogue.objects.exists()


def test_stix_import():
    code, out = run("stix-import", str(POISON_IVY))
    assert (code, out) == (0, "STIX bundle--ac946f1d-6a0e-4a9d-bc83-3f1f3bfda6ba v1: 155 objects imported\n")
    code, out = run("stix-import", str(POISON_IVY), "--format", "json")
    assert json.loads(out) == {
        "status": "unchanged",
        "bundle_id": "bundle--ac946f1d-6a0e-4a9d-bc83-3f1f3bfda6ba",
        "version": 1,
        "objects": 155,
    }
    assert StixBundle.objects.count() == 1


def test_awareness_import(buyer_org, tmp_path):
    path = tmp_path / "nve.csv"
    path.write_text("period,users,lessons_sent,lessons_completed\n2024-02,773,618,402\n", encoding="utf-8")
    code, out = run("awareness-import", "970 205 039", str(path))
    assert (code, out) == (0, "Norges vassdrags- og energidirektorat: 1 months imported (2024-02)\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("period,users,lessons_sent,lessons_completed\n2024-03,1,1,2\n", encoding="utf-8")
    code, out = run("awareness-import", "970205039", str(bad), "--format", "json")
    assert (code, json.loads(out)["errors"]) == (
        1,
        ["Linje 2, kolonne lessons_completed: flere fullførte (2) enn sendte leksjoner (1)."],
    )
    assert run("awareness-import", "999999999", str(path))[0] == 2
    assert AwarenessRecord.objects.count() == 1


def test_alerts_match(buyer_org, other_buyer_org):
    run("kev-import", str(KEV_EXCERPT))
    software_declare(actor=None, organisation=buyer_org, hostname="", product_string="Zimbra 8.8.15")
    software_declare(
        actor=None, organisation=other_buyer_org, hostname="", product_string="Oracle WebLogic 14"
    )
    code, out = run("alerts-match", "--orgnr", "970205039", "--format", "json")
    assert (code, json.loads(out)) == (
        0,
        {"created": 1, "updated": 0, "unchanged": 0, "new_per_organisation": {"970205039": 1}},
    )
    code, out = run("alerts-match")
    assert (code, out) == (0, "Alerts: 1 new, 0 updated, 1 unchanged\n  964338442: 1 new\n")
    assert ThreatAlert.objects.count() == 2
    assert run("alerts-match", "--orgnr", "123")[0] == 2


def test_mps_cyber_runs_the_intel_commands(buyer_org):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("cyber", "kev-import", str(KEV_EXCERPT), "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["count"] == 40
    out = StringIO()
    call_command("cyber", "alerts-match", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["created"] == 0
    with pytest.raises(SystemExit) as exit_info:
        call_command("cyber", "kev-import", "/no/such/file.json", stdout=StringIO())
    assert exit_info.value.code == 2
