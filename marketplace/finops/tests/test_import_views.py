"""Import pages: list, detail with findings, upload (queued and run by the worker task), htmx progress fragment,
and the permission matrix for each."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from marketplace.accounts.models import Role
from marketplace.finops.models import BillingPeriodData, FocusImport, ImportStatus
from marketplace.finops.services.ingest import finops_import
from marketplace.finops.storage import data_root
from marketplace.finops.tests.ingest_files import csv_text, usage, write_csv

pytestmark = pytest.mark.django_db

ROWS = [usage("2026-09-01", "10"), usage("2026-09-02", "10", BilledCost="x"), usage("2026-10-01", "2")]


@pytest.fixture
def people(buyer_org, other_buyer_org, make_member):
    return {
        "analyst": make_member(buyer_org, Role.FINOPS_ANALYST),
        "admin": make_member(buyer_org, Role.ORG_ADMIN),
        "buyer": make_member(buyer_org, Role.BUYER),
        "other": make_member(other_buyer_org, Role.FINOPS_ANALYST),
    }


@pytest.fixture
def as_(login, people, buyer_org, other_buyer_org):
    def _client(who: str) -> Client:
        if who == "anonymous":
            return Client()
        return login(people[who], other_buyer_org if who == "other" else buyer_org)

    return _client


@pytest.fixture
def done_import(buyer_org, tmp_path):
    return finops_import(organisation=buyer_org, paths=[write_csv(tmp_path / "sept.csv", ROWS)])


def _upload(name: str = "kost.csv", content: bytes | None = None, fmt: str = "focus") -> dict:
    content = csv_text(ROWS).encode() if content is None else content
    return {"file": SimpleUploadedFile(name, content, content_type="text/csv"), "source_format": fmt}


# --- permission matrix -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("other", 200), ("buyer", 403), ("analyst", 200), ("admin", 200)]
)
def test_list_matrix(as_, done_import, who, status):
    response = as_(who).get(reverse("finops:imports"))
    assert response.status_code == status
    if who == "anonymous":
        assert "/login" in response["Location"] or "logg" in response["Location"].lower()
    if who == "other":  # sees its own (empty) list, never the other organisation's import
        assert f"#{done_import.pk}" not in response.content.decode()
    if who in {"analyst", "admin"}:
        assert f"#{done_import.pk}" in response.content.decode()


@pytest.mark.parametrize("name", ["finops:import_detail", "finops:import_status"])
@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("other", 404), ("buyer", 403), ("analyst", 200), ("admin", 200)]
)
def test_detail_and_status_matrix(as_, done_import, name, who, status):
    assert as_(who).get(reverse(name, args=[done_import.pk])).status_code == status


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("buyer", 403), ("analyst", 200), ("admin", 200)]
)
def test_upload_get_matrix(as_, who, status):
    assert as_(who).get(reverse("finops:upload")).status_code == status


@pytest.mark.parametrize("who", ["anonymous", "buyer"])
def test_denied_upload_changes_nothing(as_, who, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_(who).post(reverse("finops:upload"), _upload())
    assert response.status_code in {302, 403}
    assert not FocusImport.objects.exists()
    assert not data_root().exists() or not any(data_root().rglob("*.*"))


# --- pages -----------------------------------------------------------------------------------------------------


def test_detail_lists_findings_and_periods(as_, done_import):
    html = as_("analyst").get(reverse("finops:import_detail", args=[done_import.pk])).content.decode()
    assert "sept.csv" in html
    assert "2026-09" in html
    assert "2026-10" in html
    rejected = done_import.findings.get(severity="error")
    assert f"<code>{rejected.rule_id}</code>" in html
    assert '<progress id="import-progress-' in html


def test_status_fragment_polls_while_running_and_stops_when_done(as_, buyer_org, done_import):
    running = FocusImport.objects.create(
        organisation=buyer_org,
        source_format="focus",
        status=ImportStatus.RUNNING,
        bytes_total=1000,
        bytes_done=250,
    )
    client = as_("analyst")
    html = client.get(
        reverse("finops:import_status", args=[running.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert 'max="1000" value="250"' in html
    assert "(25 %)" in html
    assert reverse("finops:import_detail", args=[running.pk]) in html  # refresh link without JavaScript
    done = client.get(reverse("finops:import_status", args=[done_import.pk])).content.decode()
    assert "hx-trigger" not in done
    assert "(100 %)" in done


def test_upload_queues_and_the_worker_imports(as_, buyer_org, django_capture_on_commit_callbacks):
    client = as_("analyst")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("finops:upload"), _upload("sept.csv"))
    focus_import = FocusImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("finops:import_detail", args=[focus_import.pk])
    assert (focus_import.status, focus_import.rows_loaded, focus_import.rows_rejected) == (
        ImportStatus.DONE,
        2,
        1,
    )
    assert focus_import.source_names == ["sept.csv"]
    assert (
        focus_import.created_by.username == client.get(reverse("finops:imports")).wsgi_request.user.username
    )
    assert list(
        BillingPeriodData.objects.values_list("billing_period", flat=True).order_by("billing_period")
    ) == [
        dt.date(2026, 9, 1),
        dt.date(2026, 10, 1),
    ]
    assert not any((data_root() / "uploads").iterdir())  # the uploaded file is removed after the import


def test_upload_of_garbage_fails_and_stores_nothing(as_, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        as_("analyst").post(reverse("finops:upload"), _upload("x.csv", b"\x00garbage" * 1000))
    focus_import = FocusImport.objects.get()
    assert focus_import.status == ImportStatus.FAILED
    assert "binary" in focus_import.error
    assert not BillingPeriodData.objects.exists()


def test_upload_over_the_size_limit_is_refused(as_, settings):
    settings.MPS_FINOPS_UPLOAD_MAX_BYTES = 100
    response = as_("analyst").post(reverse("finops:upload"), _upload())
    assert response.status_code == 400
    assert "Filen er for stor" in response.content.decode()
    assert not FocusImport.objects.exists()


def test_upload_without_file_shows_the_error(as_):
    response = as_("analyst").post(reverse("finops:upload"), {"source_format": "focus"})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert not FocusImport.objects.exists()


def test_row_counts_group_their_thousands(as_, done_import):
    """A large import's counts read as "12 345", not "12345" (the list and the detail page)."""
    FocusImport.objects.filter(pk=done_import.pk).update(rows_loaded=1234567, rows_rejected=12345)
    done_import.periods.filter(is_current=True).update(rows=23456)
    client = as_("analyst")
    listing = client.get(reverse("finops:imports")).content.decode()
    assert '<td class="numeric">1\xa0234\xa0567</td>' in listing
    assert '<td class="numeric">12\xa0345</td>' in listing
    detail = client.get(reverse("finops:import_detail", args=[done_import.pk])).content.decode()
    assert "<dd>1\xa0234\xa0567</dd>" in detail
    assert "<dd>12\xa0345</dd>" in detail
    assert '<td class="numeric">23\xa0456</td>' in detail
