"""FinOps API: the permission matrix on every endpoint, exact values on small fixtures (the report is the CLI's JSON),
the upload queued for the worker, and bad input answered with JSON errors while nothing is stored."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from marketplace.accounts.models import Role
from marketplace.accounts.services import api_token_create
from marketplace.accounts.tests.factories import OrganisationFactory
from marketplace.catalogue.tests.helpers import acting
from marketplace.core.models import AuditEvent
from marketplace.finops.models import BudgetAlert, FocusImport, ImportStatus
from marketplace.finops.services.budgets import BudgetInput, budget_create
from marketplace.finops.services.ingest import finops_import
from marketplace.finops.storage import data_root
from marketplace.finops.tests.helpers import cost_row, store_costs
from marketplace.finops.tests.ingest_files import csv_text, usage, write_csv, write_parquet

pytestmark = pytest.mark.django_db
D = Decimal
NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)
BASE = "/api/v1/finops"
ROWS = [usage("2026-09-01", "10"), usage("2026-09-02", "10", BilledCost="x"), usage("2026-10-01", "2")]
WHO = ["anonymous", "supplier", "other", "buyer", "staff", "analyst", "admin"]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def people(buyer_org, other_buyer_org, supplier_org, mps_org, make_member):
    return {
        "analyst": (make_member(buyer_org, Role.FINOPS_ANALYST), buyer_org),
        "admin": (make_member(buyer_org, Role.ORG_ADMIN), buyer_org),
        "buyer": (make_member(buyer_org, Role.BUYER), buyer_org),
        "other": (make_member(other_buyer_org, Role.FINOPS_ANALYST), other_buyer_org),
        "supplier": (make_member(supplier_org, Role.SUPPLIER_ADMIN), supplier_org),
        "staff": (make_member(mps_org, Role.CATEGORY_MANAGER), mps_org),
    }


@pytest.fixture
def api(people):
    def _api(who: str) -> Client:
        if who == "anonymous":
            return Client()
        user, org = people[who]
        _token, secret = api_token_create(actor=None, user=user, organisation=org)
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    return _api


@pytest.fixture
def done_import(buyer_org, tmp_path):
    return finops_import(organisation=buyer_org, paths=[write_csv(tmp_path / "sept.csv", ROWS)])


@pytest.fixture
def costs(buyer_org):
    """Three rows: 10.50 and 4.25 NOK from Nordsky in September, 100 NOK from Fjellsky in October."""
    return store_costs(
        buyer_org,
        [
            cost_row(dt.date(2026, 9, 1), "10.50"),
            cost_row(dt.date(2026, 9, 2), "4.25", ServiceCategory="Storage", ServiceName="Blob"),
            cost_row(dt.date(2026, 10, 1), "100", ServiceProviderName="Fjellsky", ProviderName="Fjellsky"),
        ],
    )


def _json(response: Any) -> Any:
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def _assert_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = _json(response)
    assert set(body) == {"detail", "errors"}
    assert body["detail"]
    return body


def cli_report(orgnr: str, *args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("finops", "report", "--org", orgnr, "--format", "json", *args, stdout=out)
    return json.loads(out.getvalue())


def _upload(name: str = "kost.csv", content: bytes | None = None, **fields: str) -> dict[str, Any]:
    content = csv_text(ROWS).encode() if content is None else content
    return {"file": SimpleUploadedFile(name, content, content_type="text/csv"), **fields}


def _nothing_stored() -> None:
    assert not FocusImport.objects.exists()
    assert not AuditEvent.objects.filter(verb="finops.upload").exists()
    assert not data_root().exists() or not any(p.is_file() for p in data_root().rglob("*"))


# --- permission matrix ----------------------------------------------------------------------------------------


ORG_DATA = {  # endpoint -> status for who (the pages: 403 without the role, MPS staff only aggregates)
    "anonymous": 401,
    "supplier": 403,
    "other": 200,  # its own (empty) data
    "buyer": 403,
    "staff": 403,
    "analyst": 200,
    "admin": 200,
}


@pytest.mark.parametrize("path", ["/imports", "/report", "/budgets", "/anomalies"])
@pytest.mark.parametrize("who", WHO)
def test_organisation_endpoints_matrix(api, costs, done_import, path, who):
    response = api(who).get(BASE + path)
    if ORG_DATA[who] != 200:
        _assert_error(response, ORG_DATA[who])
        return
    assert response.status_code == 200
    body = response.json()
    if who == "other":  # never the other organisation's data
        if path == "/imports":
            assert body == []
        if path == "/report":
            assert body["organisation"] == "964338442"
            assert body["totals"] == []


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("supplier", 404),
        ("other", 404),
        ("buyer", 403),
        ("staff", 404),
        ("analyst", 200),
        ("admin", 200),
    ],
)
def test_import_detail_matrix(api, done_import, who, status):
    response = api(who).get(f"{BASE}/imports/{done_import.pk}")
    if status != 200:
        _assert_error(response, status)
    else:
        assert response.json()["import_id"] == done_import.pk


@pytest.mark.parametrize("who", ["anonymous", "supplier", "buyer", "staff"])
def test_denied_upload_stores_nothing(api, who, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(who).post(f"{BASE}/imports", _upload())
    _assert_error(response, 401 if who == "anonymous" else 403)
    _nothing_stored()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("supplier", 403),
        ("other", 403),
        ("buyer", 403),
        ("analyst", 403),
        ("admin", 403),
        ("staff", 200),
    ],
)
def test_mps_summary_matrix(api, costs, who, status):
    response = api(who).get(f"{BASE}/mps/summary")
    if status != 200:
        _assert_error(response, status)
    else:
        assert response.json()["currency"] == "NOK"


def test_bad_token_is_401(costs):
    response = Client(HTTP_AUTHORIZATION="Bearer mps_nope").get(f"{BASE}/report")
    _assert_error(response, 401)


# --- imports --------------------------------------------------------------------------------------------------


def test_import_list_and_detail_values(api, done_import):
    client = api("analyst")
    listed = client.get(f"{BASE}/imports").json()
    assert [row["id"] for row in listed] == [done_import.pk]
    row = listed[0]
    assert row["status"] == "done"
    assert row["files"] == ["sept.csv"]
    assert (row["rows_loaded"], row["rows_rejected"]) == (2, 1)
    assert row["status_url"] == f"{BASE}/imports/{done_import.pk}"

    detail = client.get(row["status_url"]).json()
    assert detail["organisation"] == "970205039"
    assert (detail["rows_loaded"], detail["rows_rejected"]) == (2, 1)
    assert [(p["period"], p["rows"]) for p in detail["periods"]] == [("2026-09", 1), ("2026-10", 1)]
    errors = [f for f in detail["findings"] if f["severity"] == "error"]
    assert len(errors) == 1
    assert errors[0]["column"] == "BilledCost"
    assert errors[0]["rows"] == 1
    assert set(errors[0]) == {"rule_id", "severity", "column", "rows", "message"}


def test_import_detail_missing_is_404(api):
    _assert_error(api("analyst").get(f"{BASE}/imports/999999"), 404)


def test_upload_is_queued_then_imported_by_the_worker(api, buyer_org, django_capture_on_commit_callbacks):
    client = api("analyst")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{BASE}/imports", _upload("sept.csv", format="focus", focus_version="1.2"))
    assert response.status_code == 202
    body = response.json()
    focus_import = FocusImport.objects.get()
    assert body == {
        "import_id": focus_import.pk,
        "status": "queued",
        "status_url": f"{BASE}/imports/{focus_import.pk}",
    }
    assert focus_import.organisation == buyer_org
    # the immediate task backend ran the import after the commit
    detail = client.get(body["status_url"]).json()
    assert detail["status"] == "done"
    assert detail["focus_version"] == "1.2"
    assert (detail["rows_loaded"], detail["rows_rejected"]) == (2, 1)
    assert detail["files"] == ["sept.csv"]
    audit = AuditEvent.objects.get(verb="finops.upload")
    assert audit.data["focus_version"] == "1.2"


def test_upload_gzip_default_format(api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api("admin").post(
            f"{BASE}/imports", _upload("sept.csv.gz", gzip.compress(csv_text(ROWS).encode()))
        )
    assert response.status_code == 202
    focus_import = FocusImport.objects.get()
    assert focus_import.source_format == "focus"
    assert focus_import.status == ImportStatus.DONE
    assert focus_import.rows_loaded == 2


def test_upload_parquet(api, tmp_path, django_capture_on_commit_callbacks):
    content = write_parquet(tmp_path / "sept.parquet", [ROWS[0], ROWS[2]]).read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        response = api("analyst").post(f"{BASE}/imports", _upload("sept.parquet", content, format="focus"))
    assert response.status_code == 202
    focus_import = FocusImport.objects.get()
    assert (focus_import.status, focus_import.rows_loaded, focus_import.rows_rejected) == (
        ImportStatus.DONE,
        2,
        0,
    )


@pytest.mark.parametrize(
    ("upload", "status", "field"),
    [
        ({"name": "kost.csv", "content": b"x" * 101}, 422, "file"),  # larger than the limit of 100 bytes
        ({"name": "kost.csv", "content": b""}, 422, "file"),
        ({"name": "kost.xlsx", "content": b"a,b\n1,2\n"}, 422, "file"),
        ({"name": "kost.csv", "content": b"\x00\x01garbage" * 5}, 422, "file"),
        ({"name": "kost.parquet", "content": b"a,b\n1,2\n"}, 422, "file"),
        ({"name": "kost.csv.gz", "content": b"a,b\n1,2\n"}, 422, "file"),
        ({"name": "kost.csv", "content": b"a,b\n1,2\n", "format": "excel"}, 422, "form.format"),
        ({"name": "kost.csv", "content": b"a,b\n1,2\n", "focus_version": "9.9"}, 422, "focus_version"),
    ],
)
def test_bad_upload_is_json_and_stores_nothing(
    api, settings, django_capture_on_commit_callbacks, upload, status, field
):
    settings.MPS_FINOPS_UPLOAD_MAX_BYTES = 100
    extra = {k: v for k, v in upload.items() if k in {"format", "focus_version"}}
    with django_capture_on_commit_callbacks(execute=True):
        response = api("analyst").post(f"{BASE}/imports", _upload(upload["name"], upload["content"], **extra))
    body = _assert_error(response, status)
    assert any(error["field"].endswith(field.split(".")[-1]) for error in body["errors"]), body
    _nothing_stored()


def test_upload_without_file_is_422(api):
    body = _assert_error(api("analyst").post(f"{BASE}/imports", {"format": "focus"}), 422)
    assert any("file" in error["field"] for error in body["errors"])
    _nothing_stored()


# --- report ---------------------------------------------------------------------------------------------------


def test_report_is_the_cli_json(api, buyer_org, costs):
    body = api("analyst").get(f"{BASE}/report").json()
    assert body == cli_report(buyer_org.orgnr)
    assert body["organisation"] == "970205039"
    assert body["totals"] == [
        {
            "currency": "NOK",
            "billed_cost": "114.7500000000",
            "effective_cost": "114.7500000000",
            "list_cost": "114.7500000000",
            "contracted_cost": "114.7500000000",
            "rows": 3,
        }
    ]
    providers = {row["provider"]: row["billed_cost"] for row in body["by_provider"]}
    assert providers == {"Fjellsky": "100.0000000000", "Nordsky": "14.7500000000"}
    assert {"carbon", "price_compliance", "workload", "commitments", "showback"} <= set(body)


def test_report_period_and_sections(api, buyer_org, costs):
    response = api("admin").get(
        f"{BASE}/report", {"from": "2026-09", "to": "2026-09", "sections": "totals,carbon"}
    )
    body = response.json()
    assert set(body) == {"organisation", "period_from", "period_to", "totals", "carbon"}
    assert (body["period_from"], body["period_to"]) == ("2026-09", "2026-09")
    assert body["totals"][0]["billed_cost"] == "14.7500000000"
    full = cli_report(buyer_org.orgnr, "--from", "2026-09", "--to", "2026-09")
    assert body["totals"] == full["totals"]
    assert body["carbon"] == full["carbon"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-13"}, "from"),
        ({"to": "september"}, "to"),
        ({"from": "2026-10", "to": "2026-09"}, "to"),
        ({"sections": "totals,bogus"}, "sections"),
        ({"sections": ","}, "sections"),
        ({"tag_value": "IT"}, "tag_value"),
    ],
)
def test_report_bad_input_is_422(api, costs, params, field):
    body = _assert_error(api("analyst").get(f"{BASE}/report", params), 422)
    assert [error["field"] for error in body["errors"]] == [field]


def test_report_filters_as_the_cli(api, buyer_org, costs):
    body = (
        api("analyst").get(f"{BASE}/report", {"provider": "Nordsky", "sections": "totals,by_provider"}).json()
    )
    assert body["totals"][0]["billed_cost"] == "14.7500000000"
    assert [row["provider"] for row in body["by_provider"]] == ["Nordsky"]
    full = cli_report(buyer_org.orgnr, "--provider", "Nordsky")
    assert (body["totals"], body["by_provider"]) == (full["totals"], full["by_provider"])


# --- budgets and anomalies ------------------------------------------------------------------------------------


def test_budgets_actual_forecast_and_alerts(api, buyer_org):
    budget = budget_create(
        actor=acting(buyer_org, Role.FINOPS_ANALYST),
        organisation=buyer_org,
        data=BudgetInput(
            name="Skydrift", year=2026, amount=D("120000"), phasing=[D(5)] * 9 + [D(40), D(5), D(10)]
        ),
    )
    day = dt.date(2026, 9, 1)
    store_costs(buyer_org, [cost_row(day + dt.timedelta(days=n), "190") for n in range(81)])  # to 20 November
    BudgetAlert.objects.create(
        budget=budget,
        month=dt.date(2026, 11, 1),
        threshold=80,
        basis="forecast",
        value_amount=D("5700"),
        sent_at=NOW,
    )
    (row,) = api("analyst").get(f"{BASE}/budgets").json()
    assert row["id"] == budget.pk
    assert (row["name"], row["year"], D(row["amount"])) == ("Skydrift", 2026, D("120000"))
    assert row["as_of"] == "2026-11-20"
    assert D(row["actual"]) == D(81 * 190)
    november = next(m for m in row["months"] if m["month"] == "2026-11")
    assert D(november["budget"]) == D("6000")
    assert D(november["actual"]) == D("3800")
    assert D(november["forecast"]) == D("5700")
    assert D(november["forecast_pct"]) == D("95.0")
    assert row["alerts"] == [
        {
            "month": "2026-11",
            "threshold": 80,
            "basis": "forecast",
            "value_amount": "5700.00",
            "sent_at": "2026-11-21T09:00:00Z",
        }
    ]


def test_anomalies_on_a_short_series_are_none(api, costs):
    # four weeks of data is too short for a weekly baseline: no anomaly, and no error
    body = api("analyst").get(f"{BASE}/anomalies", {"days": "120"}).json()
    assert body == {"days": 120, "currency": "NOK", "anomalies": [], "missing_rates": []}


def test_budgets_of_another_organisation_are_not_listed(api, other_buyer_org):
    budget_create(
        actor=acting(other_buyer_org, Role.FINOPS_ANALYST),
        organisation=other_buyer_org,
        data=BudgetInput(name="Voss", year=2026, amount=D("1000"), phasing=[D(1)] * 4 + [D(12)] * 8),
    )
    assert api("analyst").get(f"{BASE}/budgets").json() == []


def test_anomalies_ranked_and_explained(api, buyer_org):
    start = dt.date(2026, 8, 1)
    rows = [cost_row(start + dt.timedelta(days=n), "5000") for n in range(110)]
    rows[105] = cost_row(start + dt.timedelta(days=105), "9000")  # 14 November
    store_costs(buyer_org, rows)
    client = api("analyst")
    body = client.get(f"{BASE}/anomalies").json()
    assert body["days"] == 30
    (anomaly,) = body["anomalies"]
    assert anomaly["day"] == "2026-11-14"
    assert (anomaly["sub_account"], anomaly["service"]) == ("sa-1", "Virtual Machines")
    assert (D(anomaly["expected"]), D(anomaly["actual"]), D(anomaly["delta"])) == (D(5000), D(9000), D(4000))
    assert D(anomaly["delta_pct"]) == D(80)
    assert client.get(f"{BASE}/anomalies", {"nok_threshold": "5000"}).json()["anomalies"] == []


@pytest.mark.parametrize(
    "params", [{"days": "0"}, {"days": "x"}, {"nok_threshold": "-1"}, {"pct_threshold": "abc"}]
)
def test_anomalies_bad_input_is_422(api, params):
    _assert_error(api("analyst").get(f"{BASE}/anomalies", params), 422)


# --- MPS aggregates -------------------------------------------------------------------------------------------


def test_mps_summary_aggregates_with_suppression(api, buyer_org, other_buyer_org):
    third = OrganisationFactory()
    for org, amount in [(buyer_org, "100"), (other_buyer_org, "50"), (third, "25")]:
        store_costs(org, [cost_row(dt.date(2026, 10, 1), amount)])
    body = api("staff").get(f"{BASE}/mps/summary").json()
    assert (body["period_from"], body["period_to"], body["currency"]) == ("2026-10", "2026-10", "NOK")
    assert body["minimum_group_size"] == 3
    assert body["total"] == {
        "group": None,
        "organisations": 3,
        "effective_cost": "175.0000000000",
        "billed_cost": "175.0000000000",
        "is_suppressed": False,
    }
    assert body["by_provider"] == [
        {
            "group": "Nordsky",
            "organisations": 3,
            "effective_cost": "175.0000000000",
            "billed_cost": "175.0000000000",
            "is_suppressed": False,
        }
    ]
    # kinds: fewer than three organisations per kind, so every amount is hidden
    assert body["by_kind"]
    assert all(
        row["is_suppressed"] and row["effective_cost"] is None and row["organisations"] is None
        for row in body["by_kind"]
    )
    text = json.dumps(body)
    assert "970205039" not in text
    assert '"100.' not in text


def test_mps_summary_empty_and_bad_input(api, costs):
    client = api("staff")
    _assert_error(client.get(f"{BASE}/mps/summary", {"currency": "SEK"}), 422)
    _assert_error(client.get(f"{BASE}/mps/summary", {"from": "2026/10"}), 422)


def test_mps_summary_without_data(api):
    body = api("staff").get(f"{BASE}/mps/summary").json()
    assert body["is_empty"] is True
    assert body["total"] is None


def test_openapi_documents_the_finops_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path in [
        "/api/v1/finops/imports",
        "/api/v1/finops/imports/{import_id}",
        "/api/v1/finops/report",
        "/api/v1/finops/budgets",
        "/api/v1/finops/anomalies",
        "/api/v1/finops/mps/summary",
    ]:
        assert path in schema["paths"], path
    assert "202" in schema["paths"]["/api/v1/finops/imports"]["post"]["responses"]
    assert {"ImportSummaryOut", "ReportOut", "BudgetOut", "AnomaliesOut", "MpsSummaryOut"} <= set(
        schema["components"]["schemas"]
    )
