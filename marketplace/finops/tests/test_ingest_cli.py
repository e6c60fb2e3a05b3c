"""`mps finops import`: JSON and text summaries, source format from --format or --source-format, exit codes."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from marketplace.accounts.tests.factories import OrganisationFactory
from marketplace.finops.commands.import_ import resolve_formats
from marketplace.finops.models import BillingPeriodData, FocusImport
from marketplace.finops.tests.ingest_files import usage, write_csv

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("finops", "import", *args, stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_format_json_prints_the_summary(tmp_path):
    nve = OrganisationFactory()
    rows = [usage("2026-09-01", "10"), usage("2026-09-02", "10", BilledCost="x"), usage("2026-10-01", "2")]
    code, out = _run(str(write_csv(tmp_path / "c.csv", rows)), "--org", nve.orgnr, "--format", "json")
    summary = json.loads(out)
    imp = FocusImport.objects.get()
    assert code == 0
    assert {
        k: summary[k] for k in ("import_id", "status", "rows_loaded", "rows_rejected", "focus_version")
    } == {
        "import_id": imp.pk,
        "status": "done",
        "rows_loaded": 2,
        "rows_rejected": 1,
        "focus_version": "1.0",
    }
    assert [p["period"] for p in summary["periods"]] == ["2026-09", "2026-10"]
    assert set(summary["findings"][0]) == {"rule_id", "severity", "column", "rows", "message"}
    assert [(f["severity"], f["rows"]) for f in summary["findings"] if f["severity"] == "error"] == [
        ("error", 1)
    ]


def test_failure_exits_non_zero_with_the_reason(tmp_path):
    nve = OrganisationFactory()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01\x02" * 100)
    code, out = _run(str(bad), "--org", nve.orgnr, "--output", "json")
    assert code == 1
    summary = json.loads(out)
    assert summary["status"] == "failed"
    assert "binary" in summary["error"]
    assert not BillingPeriodData.objects.exists()


def test_text_output_by_default(tmp_path):
    nve = OrganisationFactory()
    code, out = _run(str(write_csv(tmp_path / "c.csv", [usage("2026-09-01", "10")])), "--org", nve.orgnr)
    assert code == 0
    assert out.startswith(f"Import {FocusImport.objects.get().pk} done: 1 rows loaded, 0 rejected")


def test_unknown_organisation_exits_2_and_stores_nothing(tmp_path):
    code, out = _run(str(write_csv(tmp_path / "c.csv", [usage("2026-09-01", "1")])), "--org", "999999999")
    assert code == 2
    assert "No organisation with organisation number 999999999" in out
    assert not FocusImport.objects.exists()


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, ("focus", "text")),
        ({"import_format": "json"}, ("focus", "json")),
        ({"import_format": "aws-cur"}, ("aws-cur", "text")),
        ({"import_format": "json", "source_format": "oci"}, ("oci", "json")),
        ({"import_format": "azure-ea", "output": "json"}, ("azure-ea", "json")),
    ],
)
def test_resolve_formats(options, expected):
    assert resolve_formats(options) == expected
