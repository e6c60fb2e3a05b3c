"""KEV and STIX imports (validation, versions, idempotency, audit), software records and alert matching."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from marketplace.accounts.models import Role
from marketplace.catalogue.tests.factories import ServiceFactory
from marketplace.catalogue.tests.helpers import acting
from marketplace.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from marketplace.core.models import AuditEvent
from marketplace.cyber.models import (
    Asset,
    KevCatalogue,
    KevEntry,
    Scan,
    ScanStatus,
    SoftwareItem,
    StixBundle,
    StixObject,
    ThreatAlert,
)
from marketplace.cyber.selectors.intel import vulnerability_get_visible_to
from marketplace.cyber.services.intel import (
    alert_set_status,
    alerts_match,
    kev_import,
    software_declare,
    software_delete,
    software_observe,
    software_observe_response,
    stix_import,
)
from marketplace.cyber.tests.intel_helpers import (
    BUNDLE_ID,
    IND_DOMAIN,
    IND_EXPIRED,
    IND_IP,
    KEV_EXCERPT,
    MALICIOUS_URL,
    POISON_IVY,
    SIGHTING,
    kev_bytes,
    kev_document,
    kev_entry,
    kev_excerpt,
    stix_bundle,
    stix_indicator,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2025, 9, 2, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def staff(mps_org):
    return acting(mps_org, Role.CATEGORY_MANAGER)


@pytest.fixture
def officer(buyer_org):
    return acting(buyer_org, Role.SECURITY_OFFICER)


# --- KEV import -----------------------------------------------------------------------------------------------------


def test_kev_import_stores_the_catalogue_and_every_entry(staff):
    result = kev_import(actor=staff, file=KEV_EXCERPT, now=NOW)
    catalogue = result.catalogue
    assert result.created
    assert (catalogue.version, catalogue.count, catalogue.released_at, catalogue.imported_by) == (
        "2025.08.25",
        40,
        dt.datetime(2025, 8, 25, 17, 4, 19, 979600, tzinfo=dt.UTC),
        staff,
    )
    assert catalogue.title == "CISA Catalog of Known Exploited Vulnerabilities"
    assert KevEntry.objects.filter(catalogue=catalogue).count() == 40
    check_point = KevEntry.objects.get(cve_id="CVE-2024-24919")
    assert (
        check_point.vendor_project,
        check_point.product,
        check_point.date_added,
        check_point.due_on,
        check_point.ransomware_known,
        check_point.cwes,
    ) == (
        "Check Point",
        "Quantum Security Gateways",
        dt.date(2024, 5, 30),
        dt.date(2024, 6, 20),
        True,
        ["CWE-200"],
    )
    assert KevEntry.objects.filter(ransomware_known=True).count() == 7
    event = AuditEvent.objects.get(verb="cyber.kev.imported")
    assert event.data["version"] == "2025.08.25"
    assert event.data["count"] == 40
    assert event.data["sha256"] == catalogue.sha256
    assert event.actor_id == staff.pk


def test_kev_import_is_idempotent_per_catalogue_version(staff):
    first = kev_import(actor=staff, file=KEV_EXCERPT, now=NOW)
    again = kev_import(actor=staff, file=KEV_EXCERPT.read_bytes(), now=NOW)
    assert not again.created
    assert again.catalogue.pk == first.catalogue.pk
    assert KevCatalogue.objects.count() == 1
    assert KevEntry.objects.count() == 40
    assert AuditEvent.objects.filter(verb="cyber.kev.imported").count() == 1


def test_kev_import_refuses_other_content_under_a_stored_version(staff):
    kev_import(actor=staff, file=KEV_EXCERPT, now=NOW)
    changed = kev_excerpt()
    changed["vulnerabilities"][0]["dueDate"] = "2025-12-31"
    with pytest.raises(Conflict, match=r"2025\.08\.25"):
        kev_import(actor=staff, file=kev_bytes(changed), now=NOW)
    assert KevEntry.objects.get(cve_id="CVE-2025-48384").due_on == dt.date(2025, 9, 15)


def test_a_new_catalogue_version_is_a_new_version_and_becomes_current(staff):
    kev_import(actor=staff, file=KEV_EXCERPT, now=NOW)
    newer = kev_document(
        "2025.09.01", [kev_entry("CVE-2021-41773", "Apache", "HTTP Server")], released="2025-09-01T10:00:00Z"
    )
    kev_import(actor=staff, file=kev_bytes(newer), now=NOW)
    assert list(KevCatalogue.objects.values_list("version", flat=True)) == ["2025.09.01", "2025.08.25"]
    assert KevEntry.objects.count() == 41


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        (lambda d: d["vulnerabilities"][3].update(cveID="CVE-21-1"), ["vulnerabilities[3].cveID"]),
        (lambda d: d["vulnerabilities"][5].pop("dueDate"), ["vulnerabilities[5].dueDate"]),
        (lambda d: d["vulnerabilities"][0].update(vendorProject=""), ["vulnerabilities[0].vendorProject"]),
        (lambda d: d["vulnerabilities"][7].update(dateAdded="2024/09/01"), ["vulnerabilities[7].dateAdded"]),
        (
            lambda d: d["vulnerabilities"][2].update(knownRansomwareCampaignUse="Maybe"),
            ["vulnerabilities[2].knownRansomwareCampaignUse"],
        ),
        (lambda d: d["vulnerabilities"][1].update(cwes=["CWE-290", "290"]), ["vulnerabilities[1].cwes[1]"]),
        (
            lambda d: d["vulnerabilities"][1].update(forensicTriage="Perhaps"),
            ["vulnerabilities[1].forensicTriage"],
        ),
        (
            lambda d: d["vulnerabilities"][39].update(cveID=d["vulnerabilities"][0]["cveID"]),
            ["vulnerabilities[39].cveID"],
        ),
        (lambda d: d.pop("catalogVersion"), ["catalogVersion"]),
        (lambda d: d.update(dateReleased="yesterday"), ["dateReleased"]),
        (lambda d: d.update(count=41), ["count"]),
        (lambda d: d.update(vulnerabilities={}), ["vulnerabilities"]),
        (
            lambda d: (
                d["vulnerabilities"][3].update(cveID="CVE-2024-1"),
                d["vulnerabilities"][9].pop("product"),
            ),
            ["vulnerabilities[3].cveID", "vulnerabilities[9].product"],
        ),
    ],
)
def test_kev_import_validation_names_the_place_and_stores_nothing(staff, change, fields):
    data = kev_excerpt()
    change(data)
    with pytest.raises(ValidationFailed) as caught:
        kev_import(actor=staff, file=kev_bytes(data), now=NOW)
    assert [error["field"] for error in caught.value.errors] == fields
    assert caught.value.errors[0]["message"].startswith(fields[0] + ": ")
    assert not KevCatalogue.objects.exists()
    assert not KevEntry.objects.exists()
    assert not AuditEvent.objects.filter(verb="cyber.kev.imported").exists()


def test_kev_import_error_message_for_the_cve_pattern(staff):
    data = kev_excerpt()
    data["vulnerabilities"][3]["cveID"] = "CVE-21-1"
    with pytest.raises(ValidationFailed) as caught:
        kev_import(actor=staff, file=kev_bytes(data), now=NOW)
    assert caught.value.errors[0]["message"] == (
        "vulnerabilities[3].cveID: «CVE-21-1» følger ikke mønsteret CVE-ÅÅÅÅ-NNNN."
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "Ikke gyldig JSON: linje 1, kolonne 2"),
        (b"\xff\xfe\x00", "Filen er ikke UTF-8-kodet tekst."),
        (b"[]", "KEV-filen"),
    ],
)
def test_kev_import_refuses_garbage(staff, content, message):
    with pytest.raises(ValidationFailed) as caught:
        kev_import(actor=staff, file=content, now=NOW)
    assert caught.value.message.startswith(message)
    assert not KevCatalogue.objects.exists()


def test_kev_import_refuses_files_over_the_limit(staff, settings):
    settings.MPS_UPLOAD_MAX_BYTES = 1000
    with pytest.raises(ValidationFailed, match="for stor"):
        kev_import(actor=staff, file=io.BytesIO(KEV_EXCERPT.read_bytes()), now=NOW)
    assert not KevCatalogue.objects.exists()


def test_only_mps_staff_import_feeds(officer):
    with pytest.raises(PermissionDenied):
        kev_import(actor=officer, file=KEV_EXCERPT, now=NOW)
    with pytest.raises(PermissionDenied):
        stix_import(actor=officer, file=POISON_IVY, now=NOW)
    assert not KevCatalogue.objects.exists()
    assert not StixBundle.objects.exists()


# --- STIX import ----------------------------------------------------------------------------------------------------


def test_stix_import_poison_ivy(staff):
    result = stix_import(actor=staff, file=POISON_IVY, now=NOW)
    bundle = result.bundle
    assert result.created
    assert (bundle.bundle_id, bundle.version, bundle.object_count, bundle.filename) == (
        "bundle--ac946f1d-6a0e-4a9d-bc83-3f1f3bfda6ba",
        1,
        155,
        "poisonivy.json",
    )
    assert StixObject.objects.filter(bundle=bundle, type="indicator").count() == 25
    vulnerability = StixObject.objects.get(
        bundle=bundle, stix_id="vulnerability--c7cab3fb-0822-43a5-b1ba-c9bab34361a2"
    )
    assert vulnerability.cve_ids == ["CVE-2012-0158"]
    indicator = StixObject.objects.get(
        bundle=bundle, stix_id="indicator--e8094b09-7df4-4b13-b207-1e27af3c4bde"
    )
    assert (indicator.pattern, indicator.pattern_type, indicator.spec_version) == (
        "[ipv4-addr:value = '219.76.208.163']",
        "stix",
        "2.1",
    )
    assert indicator.valid_from == dt.datetime(2015, 5, 15, 9, 12, 16, 432678, tzinfo=dt.UTC)
    assert AuditEvent.objects.get(verb="cyber.stix.imported").data["objects"] == 155


def test_stix_import_keeps_versions_and_is_idempotent(staff):
    first = stix_bundle(BUNDLE_ID, [stix_indicator(IND_DOMAIN, "[domain-name:value = 'evil.example']")])
    second = stix_bundle(
        BUNDLE_ID,
        [
            stix_indicator(IND_DOMAIN, "[domain-name:value = 'evil.example']"),
            stix_indicator(IND_IP, "[ipv4-addr:value = '203.0.113.9']"),
        ],
    )
    assert stix_import(actor=staff, file=first, now=NOW).bundle.version == 1
    again = stix_import(actor=staff, file=first, now=NOW)
    assert (again.created, again.bundle.version) == (False, 1)
    newer = stix_import(actor=staff, file=second, now=NOW)
    assert (newer.created, newer.bundle.version) == (True, 2)
    assert list(StixBundle.objects.order_by("version").values_list("version", "object_count")) == [
        (1, 1),
        (2, 2),
    ]
    assert StixObject.objects.filter(bundle=newer.bundle).count() == 2


def test_stix_import_other_examples_and_custom_properties(staff):
    assert stix_import(actor=staff, file=MALICIOUS_URL, now=NOW).bundle.object_count == 3
    assert stix_import(actor=staff, file=SIGHTING, now=NOW).bundle.object_count == 4
    custom = stix_bundle(
        BUNDLE_ID,
        [stix_indicator(IND_DOMAIN, "[domain-name:value = 'evil.example']", x_mps_source="NSM")],
    )
    stored = stix_import(actor=staff, file=custom, now=NOW)
    assert StixObject.objects.get(bundle=stored.bundle).raw["x_mps_source"] == "NSM"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"type": "indicator"}', "Filen er ikke en STIX-pakke"),
        (stix_bundle(BUNDLE_ID, [stix_indicator(IND_DOMAIN, "")]), "STIX-pakken ble ikke importert"),
        (
            stix_bundle(BUNDLE_ID, [{**stix_indicator(IND_DOMAIN, "[x]"), "valid_from": "not a date"}]),
            "STIX-pakken ble ikke importert",
        ),
        (stix_bundle("bundle--not-a-uuid", []), "STIX-pakken ble ikke importert"),
        (b"null", "Filen er ikke en STIX-pakke"),
    ],
)
def test_stix_import_refuses_invalid_bundles(staff, content, message):
    with pytest.raises(ValidationFailed) as caught:
        stix_import(actor=staff, file=content, now=NOW)
    assert caught.value.message.startswith(message)
    assert not StixBundle.objects.exists()
    assert not StixObject.objects.exists()


# --- software -------------------------------------------------------------------------------------------------------


def test_software_observe_and_declare(buyer_org, officer):
    asset = Asset.objects.create(organisation=buyer_org, name="www.nve.no")
    seen = software_observe(
        organisation=buyer_org,
        hostname="WWW.nve.no.",
        source="banner",
        product_string="Apache/2.4.49 (Unix)",
        now=NOW,
    )
    assert (
        seen.asset,
        seen.asset_name,
        seen.vendor,
        seen.product,
        seen.version,
        seen.cpe,
        seen.kev_keys,
    ) == (
        asset,
        "www.nve.no",
        "apache",
        "http_server",
        "2.4.49",
        "cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*",
        ["apache|http server"],
    )
    again = software_observe(
        organisation=buyer_org,
        hostname="www.nve.no",
        source="banner",
        product_string="Apache/2.4.49 (Unix)",
        now=NOW,
    )
    assert again.pk == seen.pk
    declared = software_declare(
        actor=officer,
        organisation=buyer_org,
        hostname="api.nve.no",
        product_string="pkg:maven/org.springframework/spring-beans@5.3.17",
        now=NOW,
    )
    assert (declared.source, declared.purl, declared.cpe, declared.asset) == (
        "declared",
        "pkg:maven/org.springframework/spring-beans@5.3.17",
        "cpe:2.3:a:vmware:spring_framework:5.3.17:*:*:*:*:*:*:*",
        None,
    )
    assert SoftwareItem.objects.count() == 2
    assert AuditEvent.objects.filter(verb="cyber.software.recorded").count() == 2


def test_software_declare_permissions_and_bad_input(buyer_org, other_buyer_org, make_member):
    buyer = acting(buyer_org, Role.BUYER)
    other = acting(other_buyer_org, Role.SECURITY_OFFICER)
    for actor in (buyer, other):
        with pytest.raises(PermissionDenied):
            software_declare(
                actor=actor, organisation=buyer_org, hostname="", product_string="nginx/1.0", now=NOW
            )
    officer = acting(buyer_org, Role.SECURITY_OFFICER)
    with pytest.raises(ValidationFailed) as caught:
        software_declare(
            actor=officer, organisation=buyer_org, hostname="", product_string="cpe:2.3:a:x", now=NOW
        )
    assert caught.value.errors[0]["field"] == "product_string"
    with pytest.raises(ValidationFailed):
        software_observe(
            organisation=buyer_org, hostname="x", source="declared", product_string="nginx", now=NOW
        )
    assert not SoftwareItem.objects.exists()


# --- matching -------------------------------------------------------------------------------------------------------


@pytest.fixture
def feeds(staff):
    kev_import(actor=staff, file=KEV_EXCERPT, now=NOW)
    bundle = stix_bundle(
        BUNDLE_ID,
        [
            stix_indicator(
                IND_DOMAIN,
                "[domain-name:value = 'portal.nve.no' OR domain-name:value = 'evil.example']",
                name="Kompromittert portal",
                external_references=[{"source_name": "cve", "external_id": "CVE-2023-36884"}],
            ),
            stix_indicator(IND_IP, "[ipv4-addr:value = '203.0.113.0/28']", name="C2-nett"),
            stix_indicator(
                IND_EXPIRED,
                "[domain-name:value = 'www.nve.no']",
                valid_until="2025-06-01T00:00:00Z",
                name="Gammel",
            ),
            stix_indicator(
                "indicator--4c3d5e6f-7081-4c9d-8e0f-2a3b4c5d6e7f",
                "[domain-name:value = 'www.nve.no']",
                valid_from="2026-01-01T00:00:00Z",
                name="Ikke gyldig ennå",
            ),
        ],
    )
    stix_import(actor=staff, file=bundle, now=NOW)


def test_alerts_match_kev_and_stix(feeds, buyer_org, other_buyer_org, officer):
    Asset.objects.create(organisation=buyer_org, name="portal.nve.no")
    Asset.objects.create(organisation=buyer_org, name="www.nve.no")
    Scan.objects.create(
        organisation=buyer_org,
        status=ScanStatus.DONE,
        finished_at=NOW - dt.timedelta(days=2),
        resolved={"www.nve.no": {"A": ["198.51.100.1"]}},
    )
    Scan.objects.create(
        organisation=buyer_org,
        status=ScanStatus.DONE,
        finished_at=NOW - dt.timedelta(days=1),
        resolved={"www.nve.no": {"A": ["203.0.113.5"], "AAAA": ["2001:db8::5"], "MX": ["mx.nve.no"]}},
    )
    exchange = software_declare(
        actor=officer,
        organisation=buyer_org,
        hostname="epost.nve.no",
        product_string="Microsoft Exchange Server 2019",
    )
    software_observe(
        organisation=buyer_org, hostname="www.nve.no", source="banner", product_string="nginx/1.18.0"
    )
    software_declare(
        actor=None, organisation=other_buyer_org, hostname="", product_string="Oracle WebLogic Server 14"
    )

    result = alerts_match(now=NOW)

    assert (result.created, result.updated, result.unchanged) == (5, 0, 0)
    assert result.per_organisation == {"970205039": 4, "964338442": 1}
    nve = ThreatAlert.objects.filter(organisation=buyer_org)
    assert sorted(
        nve.values_list("kind", "cve_id", "matched_value", "due_on", "ransomware_known", "confidence")
    ) == [
        (
            "kev",
            "CVE-2021-42321",
            "Microsoft Exchange Server 2019 @ epost.nve.no",
            dt.date(2021, 12, 1),
            True,
            "candidate",
        ),
        (
            "kev",
            "CVE-2024-21410",
            "Microsoft Exchange Server 2019 @ epost.nve.no",
            dt.date(2024, 3, 7),
            False,
            "candidate",
        ),
        ("stix", "", "203.0.113.5", None, False, "exact"),
        ("stix", "CVE-2023-36884", "portal.nve.no", None, False, "exact"),
    ]
    kev_alert = nve.get(cve_id="CVE-2021-42321")
    assert (kev_alert.software, kev_alert.asset_name, kev_alert.status) == (exchange, "epost.nve.no", "open")
    ip_alert = nve.get(matched_value="203.0.113.5")
    assert (ip_alert.indicator, ip_alert.asset_name, ip_alert.asset.name) == (
        IND_IP,
        "www.nve.no",
        "www.nve.no",
    )
    assert ThreatAlert.objects.get(organisation=other_buyer_org).cve_id == "CVE-2020-14883"
    events = AuditEvent.objects.filter(verb="cyber.alerts.matched").order_by("pk")
    assert [(e.organisation_id, e.data["created"]) for e in events] == [
        (buyer_org.pk, 4),
        (other_buyer_org.pk, 1),
    ]


def test_alerts_match_is_idempotent_and_keeps_status(feeds, buyer_org, officer):
    software_declare(
        actor=officer, organisation=buyer_org, hostname="", product_string="Zimbra Collaboration 8.8"
    )
    assert alerts_match(now=NOW).created == 1
    alert = ThreatAlert.objects.get()
    alert_set_status(actor=officer, alert=alert, status="acknowledged", now=NOW)
    again = alerts_match(now=NOW + dt.timedelta(hours=1))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    alert.refresh_from_db()
    assert (alert.status, alert.cve_id, alert.due_on, alert.ransomware_known) == (
        "acknowledged",
        "CVE-2022-37042",
        dt.date(2022, 9, 1),
        True,
    )
    assert ThreatAlert.objects.count() == 1
    assert AuditEvent.objects.filter(verb="cyber.alerts.matched").count() == 1


def test_a_new_kev_version_moves_alerts_to_its_entries(feeds, staff, buyer_org, officer):
    software_declare(
        actor=officer, organisation=buyer_org, hostname="", product_string="Oracle WebLogic Server 12"
    )
    alerts_match(now=NOW)
    newer = kev_document(
        "2025.09.10",
        [
            kev_entry(
                "CVE-2020-14883",
                "Oracle",
                "WebLogic Server",
                dueDate="2025-10-01",
                knownRansomwareCampaignUse="Known",
            )
        ],
        released="2025-09-10T10:00:00Z",
    )
    kev_import(actor=staff, file=kev_bytes(newer), now=NOW)
    result = alerts_match(now=NOW)
    assert (result.created, result.updated) == (0, 1)
    alert = ThreatAlert.objects.get()
    assert (alert.kev_entry.catalogue.version, alert.due_on, alert.ransomware_known) == (
        "2025.09.10",
        dt.date(2025, 10, 1),
        True,
    )


def test_alerts_match_without_feeds_creates_nothing(buyer_org, officer):
    software_declare(actor=officer, organisation=buyer_org, hostname="", product_string="nginx/1.18.0")
    assert alerts_match(now=NOW).as_dict() == {
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "new_per_organisation": {},
    }
    assert not ThreatAlert.objects.exists()


def test_alert_status_permissions(feeds, buyer_org, other_buyer_org, mps_org, officer):
    software_declare(
        actor=officer, organisation=buyer_org, hostname="", product_string="Zimbra Collaboration 8.8"
    )
    alerts_match(now=NOW)
    alert = ThreatAlert.objects.get()
    for actor in (
        acting(buyer_org, Role.BUYER),
        acting(other_buyer_org, Role.SECURITY_OFFICER),
        acting(mps_org, Role.MPS_ADMIN),
    ):
        with pytest.raises(PermissionDenied):
            alert_set_status(actor=actor, alert=alert, status="resolved", now=NOW)
    with pytest.raises(ValidationFailed):
        alert_set_status(actor=officer, alert=alert, status="gone", now=NOW)
    alert.refresh_from_db()
    assert alert.status == "open"
    admin = acting(buyer_org, Role.ORG_ADMIN)
    alert_set_status(actor=admin, alert=alert, status="resolved", now=NOW)
    alert.refresh_from_db()
    assert (alert.status, alert.status_changed_by) == ("resolved", admin)
    event = AuditEvent.objects.get(verb="cyber.alert.status_changed")
    assert event.data == {"from": "open", "to": "resolved", "cve_id": "CVE-2022-37042", "indicator": ""}


def test_software_of_a_catalogue_service_shows_on_the_vulnerability(feeds, buyer_org, staff):
    service = ServiceFactory(name="Nordsky e-post")
    supplier = service.contract.supplier
    with pytest.raises(ValidationFailed):
        software_declare(
            actor=None, organisation=buyer_org, hostname="", product_string="Zimbra 8.8", service=service
        )
    software_declare(
        actor=None,
        organisation=supplier,
        hostname="mail.nordsky.example",
        product_string="Zimbra 8.8",
        service=service,
    )
    alerts_match(now=NOW)
    vulnerability = vulnerability_get_visible_to(staff, "CVE-2022-37042")
    assert [row.organisation for row in vulnerability.affected] == [supplier]
    assert vulnerability.services == [service]
    assert vulnerability.entry.catalogue.version == "2025.08.25"
    officer = acting(buyer_org, Role.SECURITY_OFFICER)
    own = vulnerability_get_visible_to(officer, "CVE-2022-37042")
    assert (own.alerts, own.affected, own.services) == ([], [], [])


def test_software_display_names(buyer_org):
    cases = {
        "cpe:2.3:a:synacor:zimbra_collaboration_suite:8.8.15:*:*:*:*:*:*:*": "zimbra collaboration suite 8.8.15",
        "pkg:maven/org.springframework/spring-beans@5.3.17?type=jar": "spring-beans 5.3.17",
        "Oracle WebLogic Server 12.2.1.3": "Oracle WebLogic Server 12.2.1.3",
    }
    for text, expected in cases.items():
        item = software_declare(actor=None, organisation=buyer_org, hostname="h.nve.no", product_string=text)
        assert (item.display_name, str(item)) == (expected, f"{expected} @ h.nve.no")


def test_software_observe_response(buyer_org):
    items = software_observe_response(
        organisation=buyer_org,
        hostname="www.nve.no",
        headers={"Server": "nginx/1.18.0", "X-Powered-By": "(none)"},
        html='<meta name="generator" content="WordPress 5.8">',
        now=NOW,
    )
    assert [(item.source, item.product_string, item.cpe) for item in items] == [
        ("banner", "nginx/1.18.0", "cpe:2.3:a:f5:nginx:1.18.0:*:*:*:*:*:*:*"),
        ("generator", "WordPress 5.8", "cpe:2.3:a:wordpress:wordpress:5.8:*:*:*:*:*:*:*"),
    ]
    assert SoftwareItem.objects.filter(organisation=buyer_org).count() == 2


def test_software_delete_resolves_its_alerts(feeds, buyer_org, other_buyer_org, officer):
    zimbra = software_declare(actor=officer, organisation=buyer_org, hostname="", product_string="Zimbra 8.8")
    exchange = software_declare(
        actor=officer, organisation=buyer_org, hostname="", product_string="Exchange 2019"
    )
    alerts_match(now=NOW)
    for actor in (acting(buyer_org, Role.BUYER), acting(other_buyer_org, Role.SECURITY_OFFICER)):
        with pytest.raises(PermissionDenied):
            software_delete(actor=actor, item=exchange, now=NOW)
    assert SoftwareItem.objects.count() == 2
    assert software_delete(actor=officer, item=exchange, now=NOW) == 2
    assert list(SoftwareItem.objects.all()) == [zimbra]
    assert sorted(ThreatAlert.objects.values_list("cve_id", "status", "software")) == [
        ("CVE-2021-42321", "resolved", None),
        ("CVE-2022-37042", "open", zimbra.pk),
        ("CVE-2024-21410", "resolved", None),
    ]
    event = AuditEvent.objects.get(verb="cyber.software.deleted")
    assert event.data == {
        "host": "",
        "source": "declared",
        "product_string": "Exchange 2019",
        "resolved_alerts": ["CVE-2021-42321", "CVE-2024-21410"],
    }
    # Matching again does not bring the resolved alerts back: the software is gone.
    assert alerts_match(now=NOW).created == 0
