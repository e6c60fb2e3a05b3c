"""Threat-intelligence and awareness pages: the permission matrix on every page (anonymous, other organisation,
same organisation wrong role, right roles, MPS staff; denied writes change nothing) and the happy paths."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from marketplace.accounts.models import Role
from marketplace.cyber.models import (
    AwarenessRecord,
    KevCatalogue,
    SoftwareItem,
    StixBundle,
    ThreatAlert,
)
from marketplace.cyber.services.awareness import awareness_import
from marketplace.cyber.services.intel import alerts_match, kev_import, software_declare, stix_import
from marketplace.cyber.tests.intel_helpers import KEV_EXCERPT, POISON_IVY, kev_bytes, kev_excerpt
from tests.security_html import html_findings

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2025, 9, 2, 8, 0, tzinfo=dt.UTC)
CSV = b"period,users,lessons_sent,lessons_completed\n2024-02,773,618,402\n2024-03,780,702,519\n"


@pytest.fixture
def people(buyer_org, other_buyer_org, mps_org, make_member):
    return {
        "officer": (make_member(buyer_org, Role.SECURITY_OFFICER), buyer_org),
        "admin": (make_member(buyer_org, Role.ORG_ADMIN), buyer_org),
        "buyer": (make_member(buyer_org, Role.BUYER, Role.FINOPS_ANALYST), buyer_org),
        "other": (make_member(other_buyer_org, Role.SECURITY_OFFICER), other_buyer_org),
        "staff": (make_member(mps_org, Role.CATEGORY_MANAGER), mps_org),
    }


@pytest.fixture
def as_(login, people):
    def client(who: str) -> Client:
        if who == "anonymous":
            return Client()
        user, org = people[who]
        return login(user, org)

    return client


@pytest.fixture
def nve_data(buyer_org):
    """KEV imported, NVE runs Zimbra (one alert, CVE-2022-37042, ransomware known) and has two months of training."""
    kev_import(actor=None, file=KEV_EXCERPT, now=NOW)
    software_declare(
        actor=None,
        organisation=buyer_org,
        hostname="post.nve.no",
        product_string="Zimbra Collaboration 8.8.15",
    )
    alerts_match(now=NOW)
    awareness_import(actor=None, organisation=buyer_org, file=CSV, now=NOW)
    return ThreatAlert.objects.get()


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def check(response, expected) -> None:
    if expected == "login":
        assert is_login_redirect(response)
    else:
        assert response.status_code == expected


# --- alerts ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected", "sees_nve"),
    [
        ("anonymous", "login", False),
        ("buyer", 403, False),
        ("other", 200, False),
        ("officer", 200, True),
        ("admin", 200, True),
        ("staff", 200, True),
    ],
)
def test_alerts_page(as_, nve_data, who, expected, sees_nve):
    response = as_(who).get(reverse("cyber:alerts"))
    check(response, expected)
    page = response.content.decode() if response.status_code == 200 else ""
    assert ("CVE-2022-37042" in page) is sees_nve


def test_alerts_page_content_for_the_officer(as_, nve_data):
    page = as_("officer").get(reverse("cyber:alerts")).content.decode()
    row = page.split(f'data-alert="{nve_data.pk}"')[1].split("</tr>")[0]
    assert reverse("cyber:vulnerability", args=["CVE-2022-37042"]) in row
    assert "Zimbra Collaboration 8.8.15 @ post.nve.no" in row
    assert "01.09.2022" in row  # due date (KEV dueDate)
    assert "Fristen er passert" in row  # open and past the due date
    assert "Kjent" in row  # ransomware
    assert "KEV oppgir bare leverandør og produkt, ikke hvilke versjoner som er sårbare" in page
    assert f'action="{reverse("cyber:alert_status", args=[nve_data.pk])}"' in row
    assert 'data-status-count="open">(1)' in page


def test_staff_see_every_organisation_and_can_filter(as_, nve_data, buyer_org, other_buyer_org):
    client = as_("staff")
    page = client.get(reverse("cyber:alerts")).content.decode()
    assert "Norges vassdrags- og energidirektorat" in page
    assert f'<option value="{buyer_org.pk}">Norges vassdrags- og energidirektorat</option>' in page
    assert f'<option value="{other_buyer_org.pk}">' not in page  # no alerts there
    assert (
        'action="' + reverse("cyber:alert_status", args=[nve_data.pk]) not in page
    )  # no status form for MPS
    other = client.get(reverse("cyber:alerts") + f"?org={other_buyer_org.pk}").content.decode()
    assert "CVE-2022-37042" not in other
    resolved = client.get(reverse("cyber:alerts") + "?status=resolved").content.decode()
    assert "CVE-2022-37042" not in resolved


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", "login"), ("buyer", 404), ("other", 404), ("staff", 403)],
)
def test_denied_status_change_changes_nothing(as_, nve_data, who, expected):
    response = as_(who).post(reverse("cyber:alert_status", args=[nve_data.pk]), {"status": "resolved"})
    check(response, expected)
    nve_data.refresh_from_db()
    assert nve_data.status == "open"


@pytest.mark.parametrize("who", ["officer", "admin"])
def test_status_change(as_, nve_data, who):
    response = as_(who).post(reverse("cyber:alert_status", args=[nve_data.pk]), {"status": "acknowledged"})
    assert response.status_code == 302
    nve_data.refresh_from_db()
    assert nve_data.status == "acknowledged"
    response = as_(who).post(reverse("cyber:alert_status", args=[nve_data.pk]), {"status": "bogus"})
    assert response.status_code == 302
    nve_data.refresh_from_db()
    assert nve_data.status == "acknowledged"


# --- software -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected", "sees_nve"),
    [
        ("anonymous", "login", False),
        ("buyer", 403, False),
        ("staff", 403, False),
        ("other", 200, False),
        ("officer", 200, True),
        ("admin", 200, True),
    ],
)
def test_software_page(as_, nve_data, who, expected, sees_nve):
    response = as_(who).get(reverse("cyber:software"))
    check(response, expected)
    page = response.content.decode() if response.status_code == 200 else ""
    assert ("post.nve.no" in page) is sees_nve


@pytest.mark.parametrize(("who", "expected"), [("anonymous", "login"), ("buyer", 403), ("staff", 403)])
def test_denied_software_declaration_stores_nothing(as_, nve_data, who, expected):
    response = as_(who).post(
        reverse("cyber:software"), {"hostname": "x.nve.no", "product_string": "nginx/1.0"}
    )
    check(response, expected)
    assert SoftwareItem.objects.count() == 1


def test_other_organisation_declares_into_its_own_inventory(as_, nve_data, other_buyer_org):
    response = as_("other").post(
        reverse("cyber:software"), {"hostname": "", "product_string": "Oracle WebLogic 14"}
    )
    assert response.status_code == 302
    item = SoftwareItem.objects.get(product_string="Oracle WebLogic 14")
    assert item.organisation == other_buyer_org
    assert ThreatAlert.objects.get(organisation=other_buyer_org).cve_id == "CVE-2020-14883"


def test_declare_software_and_get_alerts(as_, nve_data, buyer_org):
    client = as_("officer")
    response = client.post(
        reverse("cyber:software"),
        {"hostname": "epost.nve.no", "product_string": "Microsoft Exchange Server 2019"},
    )
    assert response.status_code == 302
    assert sorted(
        ThreatAlert.objects.filter(organisation=buyer_org, software__asset_name="epost.nve.no").values_list(
            "cve_id", flat=True
        )
    ) == ["CVE-2021-42321", "CVE-2024-21410"]
    page = client.get(reverse("cyber:software")).content.decode()
    assert "cpe:2.3:a:microsoft:exchange_server:2019:*:*:*:*:*:*:*" in page
    bad = client.post(reverse("cyber:software"), {"hostname": "", "product_string": "cpe:2.3:a:x"})
    assert bad.status_code == 422
    assert "kan ikke leses som programvare" in bad.content.decode()
    assert SoftwareItem.objects.filter(organisation=buyer_org).count() == 2


# --- vulnerability --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected", "sees_alert", "sees_affected"),
    [
        ("anonymous", "login", False, False),
        ("buyer", 403, False, False),
        ("other", 200, False, False),
        ("officer", 200, True, False),
        ("admin", 200, True, False),
        ("staff", 200, True, True),
    ],
)
def test_vulnerability_page(as_, nve_data, buyer_org, who, expected, sees_alert, sees_affected):
    response = as_(who).get(reverse("cyber:vulnerability", args=["CVE-2022-37042"]))
    check(response, expected)
    page = response.content.decode() if response.status_code == 200 else ""
    if response.status_code == 200:
        assert "Synacor – Zimbra Collaboration Suite (ZCS)" in page
        assert "01.09.2022" in page
    assert ("@ post.nve.no" in page) is sees_alert
    assert (f'data-affected="{buyer_org.orgnr}"' in page) is sees_affected


def test_vulnerability_page_unknown_or_malformed(as_, nve_data):
    client = as_("staff")
    assert client.get(reverse("cyber:vulnerability", args=["CVE-1999-0001"])).status_code == 404
    assert client.get(reverse("cyber:vulnerability", args=["not-a-cve"])).status_code == 404
    assert client.get(reverse("cyber:vulnerability", args=["cve-2022-37042"])).status_code == 200


# --- feed imports ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("buyer", 403),
        ("other", 403),
        ("officer", 403),
        ("admin", 403),
        ("staff", 200),
    ],
)
def test_imports_page(as_, who, expected):
    check(as_(who).get(reverse("cyber:intel_imports")), expected)


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", "login"), ("buyer", 403), ("other", 403), ("officer", 403), ("admin", 403)],
)
def test_denied_feed_uploads_store_nothing(as_, who, expected):
    client = as_(who)
    kev = SimpleUploadedFile("kev.json", KEV_EXCERPT.read_bytes(), content_type="application/json")
    check(client.post(reverse("cyber:kev_upload"), {"kev-file": kev}), expected)
    stix = SimpleUploadedFile("stix.json", POISON_IVY.read_bytes(), content_type="application/json")
    check(client.post(reverse("cyber:stix_upload"), {"stix-file": stix}), expected)
    assert not KevCatalogue.objects.exists()
    assert not StixBundle.objects.exists()


def test_staff_upload_kev_and_stix(as_, buyer_org):
    software_declare(actor=None, organisation=buyer_org, hostname="", product_string="Zimbra 8.8.15")
    client = as_("staff")
    kev = SimpleUploadedFile("kev.json", KEV_EXCERPT.read_bytes(), content_type="application/json")
    response = client.post(reverse("cyber:kev_upload"), {"kev-file": kev}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("cyber:intel_imports")
    page = response.content.decode()
    assert "KEV 2025.08.25 er importert. Nye varsler: 1." in page
    assert ThreatAlert.objects.get().cve_id == "CVE-2022-37042"
    again = SimpleUploadedFile("kev.json", KEV_EXCERPT.read_bytes(), content_type="application/json")
    page = client.post(reverse("cyber:kev_upload"), {"kev-file": again}, follow=True).content.decode()
    assert "KEV 2025.08.25 var allerede importert." in page
    stix = SimpleUploadedFile("poisonivy.json", POISON_IVY.read_bytes(), content_type="application/json")
    page = client.post(reverse("cyber:stix_upload"), {"stix-file": stix}, follow=True).content.decode()
    assert "bundle--ac946f1d-6a0e-4a9d-bc83-3f1f3bfda6ba v1 er importert." in page
    assert "poisonivy.json" in page
    assert KevCatalogue.objects.count() == 1
    assert StixBundle.objects.count() == 1


def test_staff_upload_of_a_broken_kev_file_lists_errors_and_stores_nothing(as_):
    data = kev_excerpt()
    data["vulnerabilities"][3]["cveID"] = "CVE-21-1"
    del data["vulnerabilities"][12]["dueDate"]
    upload = SimpleUploadedFile("kev.json", kev_bytes(data), content_type="application/json")
    response = as_("staff").post(reverse("cyber:kev_upload"), {"kev-file": upload})
    assert response.status_code == 422
    page = response.content.decode()
    assert "KEV-filen kev.json ble ikke importert: 2 feil." in page
    assert "vulnerabilities[3].cveID: «CVE-21-1» følger ikke mønsteret CVE-ÅÅÅÅ-NNNN." in page
    assert "vulnerabilities[12].dueDate: mangler (påkrevd felt)." in page
    assert not KevCatalogue.objects.exists()


def test_staff_upload_without_a_file(as_):
    response = as_("staff").post(reverse("cyber:stix_upload"), {})
    assert response.status_code == 422
    assert not StixBundle.objects.exists()


# --- awareness ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected", "sees_nve"),
    [
        ("anonymous", "login", False),
        ("buyer", 403, False),
        ("other", 200, False),
        ("officer", 200, True),
        ("admin", 200, True),
        ("staff", 302, False),
    ],
)
def test_awareness_page(as_, nve_data, who, expected, sees_nve):
    response = as_(who).get(reverse("cyber:awareness"))
    check(response, expected)
    if who == "staff":
        assert response["Location"] == reverse("cyber:awareness_mps")
    page = response.content.decode() if response.status_code == 200 else ""
    assert ('data-period="2024-03"' in page) is sees_nve


def test_awareness_page_content(as_, nve_data):
    page = as_("officer").get(reverse("cyber:awareness")).content.decode()
    assert 'data-total="users">780<' in page
    assert 'data-total="sent">1\xa0320<' in page
    assert 'data-total="completed">921<' in page
    assert 'data-total="rate">70 %<' in page
    row = page.split('data-period="2024-03"')[1].split("</tr>")[0]
    assert [cell.split("</td>")[0] for cell in row.split('<td class="numeric">')[1:]] == [
        "780",
        "702",
        "519",
        "74 %",
    ]
    assert "<svg" in page
    assert " style=" not in page  # CSP: no inline styles
    # the figures are from 2024: older than the score's 12-month window
    assert (
        "Ingen leksjoner er sendt de siste 12 månedene, så opplæring teller ikke i Cyber Risk Score nå."
        in page
    )


def test_awareness_page_says_what_counts_in_the_score(as_, nve_data):
    with time_machine.travel(dt.datetime(2024, 5, 2, 12, 0, tzinfo=dt.UTC)):
        page = as_("officer").get(reverse("cyber:awareness")).content.decode()
    assert "I Cyber Risk Score teller fullføringsgraden de siste 12 månedene: 70 %." in page


@pytest.mark.parametrize(("who", "expected"), [("anonymous", "login"), ("buyer", 403), ("staff", 302)])
def test_denied_awareness_import_stores_nothing(as_, nve_data, who, expected):
    upload = SimpleUploadedFile("t.csv", b"period,users,lessons_sent,lessons_completed\n2024-04,1,1,1\n")
    check(as_(who).post(reverse("cyber:awareness"), {"file": upload}), expected)
    assert AwarenessRecord.objects.count() == 2


def test_awareness_import_through_the_page(as_, buyer_org):
    client = as_("admin")
    response = client.post(reverse("cyber:awareness"), {"file": SimpleUploadedFile("t.csv", CSV)})
    assert response.status_code == 302
    assert AwarenessRecord.objects.filter(organisation=buyer_org).count() == 2
    bad = b"period,users,lessons_sent,lessons_completed\n2024-04,10,5,6\n2024-5,1,1,1\n"
    response = client.post(reverse("cyber:awareness"), {"file": SimpleUploadedFile("bad.csv", bad)})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Linje 2, kolonne lessons_completed: flere fullførte (6) enn sendte leksjoner (5)." in page
    assert "Linje 3, kolonne period: «2024-5» er ikke en måned (ÅÅÅÅ-MM)." in page
    assert AwarenessRecord.objects.filter(organisation=buyer_org).count() == 2


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("buyer", 404),
        ("other", 404),
        ("officer", 200),
        ("admin", 200),
        ("staff", 200),
    ],
)
def test_awareness_organisation_page(as_, nve_data, buyer_org, who, expected):
    response = as_(who).get(reverse("cyber:awareness_organisation", args=[buyer_org.pk]))
    check(response, expected)
    if expected == 200:
        assert 'data-total="sent">1\xa0320<' in response.content.decode()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("buyer", 403),
        ("other", 403),
        ("officer", 403),
        ("admin", 403),
        ("staff", 200),
    ],
)
def test_awareness_mps_page(as_, nve_data, buyer_org, who, expected):
    response = as_(who).get(reverse("cyber:awareness_mps"))
    check(response, expected)
    if expected == 200:
        page = response.content.decode()
        row = page.split(f'data-org="{buyer_org.orgnr}"')[1].split("</tr>")[0]
        assert [cell.split("</td>")[0] for cell in row.split('<td class="numeric">')[1:]] == [
            "780",
            "2",
            "1\xa0320",
            "921",
            "70 %",
            "1,7",
        ]
        assert "780 brukere i 1 virksomhet, 1\xa0320 leksjoner sendt." in page
        assert reverse("cyber:awareness_organisation", args=[buyer_org.pk]) in page


# --- CSP: no inline script or style on any page ---------------------------------------------------------------------


def test_pages_are_clean_for_a_strict_csp(as_, nve_data, buyer_org):
    pages = [
        ("officer", reverse("cyber:alerts")),
        ("officer", reverse("cyber:software")),
        ("officer", reverse("cyber:awareness")),
        ("officer", reverse("cyber:vulnerability", args=["CVE-2022-37042"])),
        ("staff", reverse("cyber:alerts")),
        ("staff", reverse("cyber:intel_imports")),
        ("staff", reverse("cyber:awareness_mps")),
        ("staff", reverse("cyber:awareness_organisation", args=[buyer_org.pk])),
        ("staff", reverse("cyber:vulnerability", args=["CVE-2022-37042"])),
    ]
    for who, url in pages:
        response = as_(who).get(url)
        assert response.status_code == 200, url
        assert html_findings(response.content.decode(), "testserver") == [], url


def test_alert_page_queries_do_not_grow_with_the_number_of_alerts(
    as_, nve_data, buyer_org, django_assert_max_num_queries
):
    client = as_("officer")
    client.get(reverse("cyber:alerts"))  # warm caches (session, content types)
    with django_assert_max_num_queries(12):
        client.get(reverse("cyber:alerts"))
    for product in ("Microsoft Exchange Server 2019", "Oracle WebLogic Server 12", "Spring Framework 5.3"):
        software_declare(actor=None, organisation=buyer_org, hostname="", product_string=product)
    alerts_match(now=NOW)
    assert ThreatAlert.objects.count() == 5
    with django_assert_max_num_queries(12):
        page = client.get(reverse("cyber:alerts")).content.decode()
    assert page.count("data-alert=") == 5


def test_vulnerability_known_only_from_stix(as_, buyer_org):
    stix_import(actor=None, file=POISON_IVY, now=NOW)
    page = as_("staff").get(reverse("cyber:vulnerability", args=["CVE-2012-0158"])).content.decode()
    assert "vulnerability: CVE-2012-0158 (bundle--ac946f1d-6a0e-4a9d-bc83-3f1f3bfda6ba v1)" in page
    assert "Ingen virksomheter har varsel om denne sårbarheten." in page
    assert as_("officer").get(reverse("cyber:vulnerability", args=["CVE-2012-0158"])).status_code == 200


@pytest.mark.parametrize(
    ("who", "expected"), [("anonymous", "login"), ("buyer", 404), ("other", 404), ("staff", 404)]
)
def test_denied_software_delete_changes_nothing(as_, nve_data, who, expected):
    item = SoftwareItem.objects.get()
    check(as_(who).post(reverse("cyber:software_delete", args=[item.pk])), expected)
    assert SoftwareItem.objects.filter(pk=item.pk).exists()
    nve_data.refresh_from_db()
    assert nve_data.status == "open"


@pytest.mark.parametrize("who", ["officer", "admin"])
def test_software_delete(as_, nve_data, who):
    item = SoftwareItem.objects.get()
    client = as_(who)
    assert (
        f'action="{reverse("cyber:software_delete", args=[item.pk])}"'
        in client.get(reverse("cyber:software")).content.decode()
    )
    response = client.post(reverse("cyber:software_delete", args=[item.pk]), follow=True)
    assert "Zimbra Collaboration 8.8.15 er fjernet. Løste varsler: 1." in response.content.decode()
    assert not SoftwareItem.objects.exists()
    nve_data.refresh_from_db()
    assert nve_data.status == "resolved"
