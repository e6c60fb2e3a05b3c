"""`mps finops check`: text and JSON summaries, exit codes, unreadable input; it stores nothing."""

from __future__ import annotations

import gzip
import json
from io import StringIO

import pytest
from django.core.management import call_command

from marketplace.finops.models import FocusImport, ImportFinding
from marketplace.finops.tests.conformance_helpers import SPEC_EXAMPLES, row, write_csv


def run(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("finops", "check", *args, stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_json_summary_of_a_file_with_a_rejected_row(tmp_path):
    path = write_csv(tmp_path / "focus.csv", [row(BilledCost="1 234,50"), row(BilledCost="abc"), row()])
    code, out = run(str(path), "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert {k: data[k] for k in ("focus_version", "rows", "rows_rejected", "fatal")} == {
        "focus_version": "1.2",
        "rows": 3,
        "rows_rejected": 1,
        "fatal": False,
    }
    assert data["findings"] == [
        {
            "rule_id": "BilledCost-type",
            "severity": "error",
            "column": "BilledCost",
            "rows": 1,
            "message": "BilledCost does not hold a valid decimal; the row is rejected (1 row, first at row 2)",
        },
        {
            "rule_id": "BilledCost-format",
            "severity": "warning",
            "column": "BilledCost",
            "rows": 1,
            "message": "BilledCost written with thousands separators, a currency symbol, a + sign, a decimal comma "
            "or spaces; normalised to a plain decimal (1 row, first at row 1)",
        },
    ]


def test_clean_file_exits_0_and_the_version_can_be_forced(tmp_path):
    path = write_csv(tmp_path / "focus.csv", [row()])
    code, out = run(str(path), "--format", "json", "--focus-version", "1.3")
    assert code == 0
    data = json.loads(out)
    assert (data["focus_version"], data["rows"], data["rows_rejected"]) == ("1.3", 1, 0)
    assert [f["rule_id"] for f in data["findings"]] == [
        "HostProviderName-presence",
        "ServiceProviderName-presence",
    ]


def test_text_summary_of_a_spec_example(tmp_path):
    code, out = run(
        str(SPEC_EXAMPLES / "saas_examples" / "simple_agreements" / "simple_saas_agreements_c.csv")
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "FOCUS 1.1: 3 rows, 0 rejected (conformant enough to import)"
    assert len(lines) == 12
    assert lines[1].startswith(
        "WARNING BilledCost-format [BilledCost]: BilledCost written with thousands separators"
    )
    assert (
        lines[-1]
        == "WARNING ServiceSubcategory-nullability [ServiceSubcategory]: ServiceSubcategory is null "
        "(3 rows, first at row 1)"
    )


def test_a_file_missing_mandatory_columns_exits_1_in_text(tmp_path):
    code, out = run(
        str(SPEC_EXAMPLES / "commitment_discount_scenarios" / "commitment_discount_usage_scenario_1.csv")
    )
    assert code == 1
    assert out.splitlines()[0] == "FOCUS 1.1: 1 rows, 1 rejected (the file cannot be used)"
    assert (
        "ERROR   BillingCurrency-presence [BillingCurrency]: Mandatory column BillingCurrency is missing"
        in out
    )


def test_a_folder_is_checked_as_one_dataset(tmp_path):
    write_csv(tmp_path / "a.csv", [row()])
    write_csv(tmp_path / "b.csv", [row(), row(ChargeCategory="Refund", ConsumedQuantity="")])
    code, out = run(str(tmp_path), "--format", "json")
    data = json.loads(out)
    assert (code, data["rows"], data["rows_rejected"]) == (1, 3, 1)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x01\x02garbage" * 100, "not a CSV file (binary content)"),
        (b"\x1f\x8b\x08\x00broken", "broken gzip file"),
        (b"", "the file is empty"),
    ],
)
def test_unreadable_files_exit_2_with_a_json_error(tmp_path, content, message):
    path = tmp_path / "costs.csv"
    path.write_bytes(content)
    code, out = run(str(path), "--format", "json")
    assert code == 2
    assert message in json.loads(out)["detail"]


def test_missing_path_exits_2_in_text(tmp_path):
    code, out = run(str(tmp_path / "nope.csv"))
    assert code == 2
    assert out.strip() == f"Error: {tmp_path / 'nope.csv'}: no such file or folder"


def test_gzip_csv_is_read(tmp_path):
    path = write_csv(tmp_path / "focus.csv", [row()])
    gz = tmp_path / "focus.csv.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    path.unlink()
    code, out = run(str(gz), "--format", "json")
    assert (code, json.loads(out)["rows"]) == (0, 1)


def test_unknown_version_is_a_usage_error(tmp_path, capsys):
    path = write_csv(tmp_path / "focus.csv", [row()])
    with pytest.raises(SystemExit) as exited:
        call_command("finops", "check", str(path), "--focus-version", "2.0", stdout=StringIO())
    assert exited.value.code == 2
    assert "argument --focus-version: invalid choice: '2.0'" in capsys.readouterr().err


@pytest.mark.django_db
def test_check_stores_nothing(tmp_path, finops_data_dir):
    path = write_csv(tmp_path / "focus.csv", [row(), row(BilledCost="abc")])
    assert run(str(path))[0] == 1
    assert list(finops_data_dir.iterdir()) == []
    assert (FocusImport.objects.count(), ImportFinding.objects.count()) == (0, 0)
