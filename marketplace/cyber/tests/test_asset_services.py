"""Asset services: create (IDNA, refusal of IPs and private names), deactivate, CSV import (line-numbered errors,
nothing stored on error), discovery of MX/NS hosts from a loopback DNS server; permissions and audit events."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from dnslib import MX, NS, QTYPE, RR, A
from dnslib.server import BaseResolver, DNSServer

from marketplace.accounts.models import Role
from marketplace.catalogue.tests.helpers import acting
from marketplace.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from marketplace.core.models import AuditEvent
from marketplace.cyber.checks.base import ScanContext
from marketplace.cyber.models import Asset, AssetKind, AssetSource
from marketplace.cyber.services.assets import (
    asset_create,
    asset_deactivate,
    assets_discover,
    assets_import_csv,
    normalise_asset_name,
)
from marketplace.cyber.tests import echo_family

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("offline")]
offline = echo_family.offline


@pytest.fixture
def officer(buyer_org):
    return acting(buyer_org, Role.SECURITY_OFFICER)


def events(verb: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(verb=verb).order_by("id"))


# --- names ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("nve.no", "nve.no"),
        (" WWW.NVE.NO. ", "www.nve.no"),
        ("Blåbær.no", "xn--blbr-roah.no"),
        ("xn--blbr-roah.no", "xn--blbr-roah.no"),
        ("a-b.c-d.kommune.no", "a-b.c-d.kommune.no"),
    ],
)
def test_names_are_normalised(name, expected):
    assert normalise_asset_name(name) == expected


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("192.0.2.1", "IP-adresser kan ikke registreres; oppgi et domene eller vertsnavn."),
        ("2001:db8::1", "IP-adresser kan ikke registreres; oppgi et domene eller vertsnavn."),
        ("https://nve.no/", "Oppgi bare domenet eller vertsnavnet, ikke en nettadresse."),
        ("localhost", "«localhost» er ikke et offentlig domenenavn (mangler toppdomene)."),
        ("intranett", "«intranett» er ikke et offentlig domenenavn (mangler toppdomene)."),
        ("printer.local", "«printer.local» er et internt eller reservert navn og kan ikke skannes."),
        ("ad.corp", "«ad.corp» er et internt eller reservert navn og kan ikke skannes."),
        ("nas.home.arpa", "«nas.home.arpa» er et internt eller reservert navn og kan ikke skannes."),
        ("app.localhost", "«app.localhost» er et internt eller reservert navn og kan ikke skannes."),
        ("db.internal", "«db.internal» er et internt eller reservert navn og kan ikke skannes."),
        ("nve.test", "«nve.test» er et internt eller reservert navn og kan ikke skannes."),
        ("bad_name.no", "«bad_name.no» er ikke et gyldig domenenavn."),
        ("-nve.no", "«-nve.no» er ikke et gyldig domenenavn."),
        ("", "«» er ikke et gyldig domenenavn."),
    ],
)
def test_bad_names_are_refused_with_a_reason(name, message):
    with pytest.raises(ValueError, match=r".") as caught:
        normalise_asset_name(name)
    assert str(caught.value) == message


# --- create / deactivate --------------------------------------------------------------------------------------


def test_create_stores_normalised_name_and_audits(buyer_org, officer):
    asset = asset_create(actor=officer, organisation=buyer_org, name="WWW.Blåbær.no", kind="host")
    assert (asset.name, asset.kind, asset.source, asset.is_active, asset.created_by) == (
        "www.xn--blbr-roah.no",
        AssetKind.HOST,
        AssetSource.ENTERED,
        True,
        officer,
    )
    (event,) = events("cyber.asset.created")
    assert event.actor_id == officer.pk
    assert event.organisation_id == buyer_org.pk
    assert event.target_id == str(asset.pk)
    assert event.data == {"name": "www.xn--blbr-roah.no", "kind": "host", "source": "entered"}


def test_create_refuses_private_name_and_stores_nothing(buyer_org, officer):
    with pytest.raises(ValidationFailed) as caught:
        asset_create(actor=officer, organisation=buyer_org, name="10.0.0.1", kind="banana")
    assert caught.value.errors == [
        {"field": "name", "message": "IP-adresser kan ikke registreres; oppgi et domene eller vertsnavn."},
        {"field": "kind", "message": "Ukjent type «banana» (bruk domain eller host)."},
    ]
    assert Asset.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_duplicate_is_a_conflict_and_inactive_is_activated_again(buyer_org, officer):
    asset = asset_create(actor=officer, organisation=buyer_org, name="nve.no")
    with pytest.raises(Conflict, match=r"nve\.no er allerede registrert\."):
        asset_create(actor=officer, organisation=buyer_org, name="NVE.no")
    asset_deactivate(actor=officer, asset=asset)
    again = asset_create(actor=officer, organisation=buyer_org, name="nve.no")
    assert again.pk == asset.pk
    assert again.is_active is True
    assert [e.verb for e in AuditEvent.objects.order_by("id")] == [
        "cyber.asset.created",
        "cyber.asset.deactivated",
        "cyber.asset.reactivated",
    ]


def test_deactivate_once(buyer_org, officer):
    asset = asset_create(actor=officer, organisation=buyer_org, name="nve.no")
    asset_deactivate(actor=officer, asset=asset)
    asset_deactivate(actor=officer, asset=asset)
    asset.refresh_from_db()
    assert asset.is_active is False
    (event,) = events("cyber.asset.deactivated")
    assert event.data == {"name": "nve.no", "kind": "domain"}


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("anonymous", False),
        ("other_org_officer", False),
        ("same_org_buyer", False),
        ("mps_staff", False),  # MPS staff see and scan, but do not change an organisation's assets
        ("security_officer", True),
        ("org_admin", True),
    ],
)
def test_permission_matrix_for_asset_writes(who, allowed, buyer_org, other_buyer_org, mps_org):
    actors = {
        "anonymous": lambda: AnonymousUser(),
        "other_org_officer": lambda: acting(other_buyer_org, Role.SECURITY_OFFICER),
        "same_org_buyer": lambda: acting(buyer_org, Role.BUYER),
        "mps_staff": lambda: acting(mps_org, Role.MPS_ADMIN),
        "security_officer": lambda: acting(buyer_org, Role.SECURITY_OFFICER),
        "org_admin": lambda: acting(buyer_org, Role.ORG_ADMIN),
    }
    owner = acting(buyer_org, Role.SECURITY_OFFICER, username="eier")
    existing = asset_create(actor=owner, organisation=buyer_org, name="nve.no")
    before = AuditEvent.objects.count()
    actor = actors[who]()
    calls = [
        lambda: asset_create(actor=actor, organisation=buyer_org, name="www.nve.no"),
        lambda: asset_deactivate(actor=actor, asset=existing),
        lambda: assets_import_csv(actor=actor, organisation=buyer_org, file=b"name,kind\nvarsom.no,domain\n"),
    ]
    if allowed:
        for call in calls:
            call()
        assert set(Asset.objects.values_list("name", "is_active")) == {
            ("nve.no", False),
            ("www.nve.no", True),
            ("varsom.no", True),
        }
    else:
        for call in calls:
            with pytest.raises(PermissionDenied):
                call()
        assert list(Asset.objects.values_list("name", "is_active")) == [("nve.no", True)]
        assert AuditEvent.objects.count() == before


# --- CSV import -----------------------------------------------------------------------------------------------


def test_import_csv(buyer_org, officer):
    asset_create(actor=officer, organisation=buyer_org, name="nve.no")
    data = "\ufeffname,kind\nnve.no,domain\nwww.nve.no,host\n\n# a comment\nVarsom.no,\n".encode()
    created = assets_import_csv(actor=officer, organisation=buyer_org, file=io.BytesIO(data))
    assert [(a.name, a.kind, a.source) for a in created] == [
        ("www.nve.no", "host", "imported"),
        ("varsom.no", "domain", "imported"),
    ]
    assert created.already_active == ["nve.no"]
    assert Asset.objects.filter(organisation=buyer_org).count() == 3
    (event,) = events("cyber.assets.imported")
    assert event.data == {"rows": 3, "created": ["www.nve.no", "varsom.no"]}
    assert len(events("cyber.asset.created")) == 3


def test_import_without_header_and_from_text(buyer_org, officer):
    created = assets_import_csv(actor=officer, organisation=buyer_org, file="nve.no\nwww.nve.no,host\n")
    assert [(a.name, a.kind) for a in created] == [("nve.no", "domain"), ("www.nve.no", "host")]


def test_bad_csv_names_every_line_and_stores_nothing(buyer_org, officer):
    data = (
        b"name,kind\n"
        b"nve.no,domain\n"  # 2: fine
        b"10.0.0.5,host\n"  # 3: an IP
        b"varsom.no,server\n"  # 4: unknown kind
        b"NVE.no\n"  # 5: duplicate of line 2
        b"printer.local,host\n"  # 6: private
        b"a.no,host,extra\n"  # 7: too many columns
    )
    with pytest.raises(ValidationFailed) as caught:
        assets_import_csv(actor=officer, organisation=buyer_org, file=data)
    assert caught.value.message == "Ingenting ble importert. Rett feilene i filen og prøv igjen."
    assert caught.value.errors == [
        {
            "line": "3",
            "column": "name",
            "message": "IP-adresser kan ikke registreres; oppgi et domene eller vertsnavn.",
        },
        {"line": "4", "column": "kind", "message": "Ukjent type «server» (bruk domain eller host)."},
        {"line": "5", "column": "name", "message": "nve.no står også på linje 2."},
        {
            "line": "6",
            "column": "name",
            "message": "«printer.local» er et internt eller reservert navn og kan ikke skannes.",
        },
        {"line": "7", "column": "", "message": "For mange kolonner (forventet name,kind)."},
    ]
    assert Asset.objects.count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (b"name,kind\n", [{"line": "1", "column": "name", "message": "Filen inneholder ingen ressurser."}]),
        (b"\xff\xfenve.no", [{"line": "1", "column": "", "message": "Filen er ikke UTF-8-kodet tekst."}]),
    ],
)
def test_empty_or_undecodable_csv(buyer_org, officer, data, errors):
    with pytest.raises(ValidationFailed) as caught:
        assets_import_csv(actor=officer, organisation=buyer_org, file=data)
    assert caught.value.errors == errors
    assert Asset.objects.count() == 0


def test_too_large_csv_is_refused(buyer_org, officer, settings):
    settings.MPS_UPLOAD_MAX_BYTES = 20
    with pytest.raises(ValidationFailed, match=r"Filen er større enn grensen på 20 byte\."):
        assets_import_csv(actor=officer, organisation=buyer_org, file=b"nve.no\n" * 5)
    assert Asset.objects.count() == 0


# --- discovery from DNS ---------------------------------------------------------------------------------------


class ZoneResolver(BaseResolver):
    def __init__(self, records: dict[tuple[str, str], list]) -> None:
        self.records = records

    def resolve(self, request, handler):
        reply = request.reply()
        qname = str(request.q.qname)
        qtype = QTYPE[request.q.qtype]
        for rdata in self.records.get((qname, qtype), []):
            reply.add_answer(RR(qname, request.q.qtype, rdata=rdata, ttl=60))
        return reply


@pytest.fixture
def dns_server():
    records = {
        ("nve.no.", "MX"): [MX("mx1.nve.no.", 10), MX("MX2.nve.no.", 20), MX("mail.corp.", 30)],
        ("nve.no.", "NS"): [NS("ns1.nve.no."), NS("ns.uninett.no.")],
        ("nve.no.", "A"): [A("192.0.2.10")],
    }
    server = DNSServer(ZoneResolver(records), port=0, address="127.0.0.1")
    server.start_thread()
    try:
        yield server.server.server_address[1]
    finally:
        server.stop()


def test_discover_adds_mx_and_ns_hosts(buyer_org, officer, dns_server):
    domain = asset_create(actor=officer, organisation=buyer_org, name="nve.no")
    asset_create(actor=officer, organisation=buyer_org, name="ns1.nve.no", kind="host")  # already there
    context = ScanContext(nameservers=("127.0.0.1",), dns_port=dns_server, timeout=2.0)
    added = assets_discover(actor=officer, asset=domain, context=context)
    assert [(a.name, a.kind, a.source, a.discovered_from_id) for a in added] == [
        ("mx1.nve.no", "host", "discovered", domain.pk),
        ("mx2.nve.no", "host", "discovered", domain.pk),
        ("ns.uninett.no", "host", "discovered", domain.pk),
    ]  # mail.corp is a private name: skipped
    assert [e.data["name"] for e in events("cyber.asset.created")] == [
        "nve.no",
        "ns1.nve.no",
        "mx1.nve.no",
        "mx2.nve.no",
        "ns.uninett.no",
    ]
    assert events("cyber.asset.created")[-1].data["discovered_from"] == "nve.no"
    assert assets_discover(actor=officer, asset=domain, context=context) == []  # idempotent


def test_discover_needs_a_domain_and_permission(buyer_org, officer, other_buyer_org, dns_server):
    host = asset_create(actor=officer, organisation=buyer_org, name="www.nve.no", kind="host")
    context = ScanContext(nameservers=("127.0.0.1",), dns_port=dns_server, timeout=2.0)
    with pytest.raises(ValidationFailed, match="Bare domener"):
        assets_discover(actor=officer, asset=host, context=context)
    domain = asset_create(actor=officer, organisation=buyer_org, name="nve.no")
    with pytest.raises(PermissionDenied):
        assets_discover(actor=acting(other_buyer_org, Role.SECURITY_OFFICER), asset=domain, context=context)
    assert Asset.objects.count() == 2


def test_import_of_a_huge_garbage_file_names_50_errors_and_the_rest_in_one_line(buyer_org, officer):
    lines = ["name,kind", "a" * 100_000 + ".no,domain", *[f"10.0.0.{i % 250},host" for i in range(120)]]
    with pytest.raises(ValidationFailed) as caught:
        assets_import_csv(actor=officer, organisation=buyer_org, file="\n".join(lines).encode())
    errors = caught.value.errors
    assert len(errors) == 51
    assert errors[0] == {
        "line": "2",
        "column": "name",
        "message": "«" + "a" * 79 + "…» er ikke et gyldig domenenavn.",
    }
    assert errors[-1] == {"line": "", "column": "", "message": "… og 71 feil til."}
    assert Asset.objects.count() == 0


def test_import_of_a_line_csv_cannot_read_is_a_line_error(buyer_org, officer):
    text = "name,kind\n" + '"' + "a" * 200_000 + '",domain\n'
    with pytest.raises(ValidationFailed) as caught:
        assets_import_csv(actor=officer, organisation=buyer_org, file=text.encode())
    assert caught.value.message == "Filen kunne ikke leses som CSV."
    assert caught.value.errors[0]["message"] == (
        "Linjen kan ikke leses som CSV (for lang, eller feil bruk av anførselstegn)."
    )
    assert Asset.objects.count() == 0
