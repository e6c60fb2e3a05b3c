"""Notice import: the SDK examples, idempotency, versions, change notices, audit, permissions, the command."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from marketplace.accounts.models import OrganisationKind, Role
from marketplace.accounts.tests.factories import OrganisationFactory, member
from marketplace.core.exceptions import PermissionDenied
from marketplace.core.models import AuditEvent
from marketplace.insights.demo_notices import BUYERS, NoticeSpec, Winner, notice_xml
from marketplace.insights.models import Notice, NoticeAward, NoticeLot
from marketplace.insights.services.notices import notices_import, notices_import_paths

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "eforms"
NOW = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db

EXPECTED_SKIPPED = {
    "INVALID_can_24_stage-1.xml": "mangler kunngjørings-ID (BT-701)",
    "INVALID_cn_24_stage-2.xml": "mangler kunngjørings-ID (BT-701)",
    "INVALID_pin-only_24_empty.xml": "mangler kunngjørings-ID (BT-701)",
    "INVALID_pin-only_24_stage-1.xml": "mangler kunngjørings-ID (BT-701)",
    "INVALID_cn_24_multiple.xml": "delkontrakt LOT-0002: tittelen (BT-21) er oppgitt flere ganger på språk ENG",
    "INVALID_change-cn_24_FRA_comments.xml": (
        "endringskunngjøringen endrer prosedyre-ID-en (BT-04) fra e3cdabf1-e057-47a5-9210-b1f6fc757228 til "
        "9999abf1-e057-47a5-9210-b1f6fc759999; den kan ikke endres"
    ),
    "X02_registration.xml": "BusinessRegistrationInformationNotice er ikke en anskaffelseskunngjøring",
}


def _acting(user, organisation):
    """The user as the middleware leaves it: acting for `organisation` with its roles there."""
    user.active_organisation = organisation
    user.active_roles = frozenset(
        user.memberships.filter(organisation=organisation).values_list("role", flat=True)
    )
    return user


def _spec(**changes) -> NoticeSpec:
    values = {
        "notice_id": "11111111-2222-3333-4444-555555555555",
        "procedure_id": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        "kind": "can",
        "issued_on": dt.date(2024, 3, 1),
        "buyer": BUYERS[0],
        "title": "Skytjenester for saksbehandling",
        "description": "Programvare som tjeneste.",
        "main_cpv": "72416000",
        "additional_cpv": [],
        "estimated_amount": Decimal("12000000"),
        "is_framework": True,
        "winners": [Winner("930001376", "Nordsky AS", Decimal("11500000"))],
    }
    values.update(changes)
    return NoticeSpec(**values)


def test_import_of_the_sdk_examples():
    summary = notices_import_paths(actor=None, paths=[FIXTURES], now=NOW)
    assert {item.file.rsplit("/", 1)[-1]: item.reason for item in summary.skipped} == EXPECTED_SKIPPED
    assert [item.is_invalid for item in summary.skipped if "X02" in item.file] == [False]
    # 39 valid files; pin-buyer_24 and pin-buyer_24_published are versions 1 and 2 of one notice
    assert len(summary.imported) == 38
    assert len(summary.updated) == 1
    assert summary.unchanged == []
    assert Notice.objects.count() == 38
    assert Notice.objects.get(notice_id="e5dc3c2b-3df5-45e0-af7f-399ca201d7e0").version == 2
    lsbu = Notice.objects.get(notice_id="34453177-5a72-4c6f-b531-19b5aaa217ba")
    assert (lsbu.kind, lsbu.buyer_kind, lsbu.main_cpv) == ("award", "other", "79410000")
    assert (lsbu.awarded_amount, lsbu.awarded_currency) == (Decimal("4500000.00"), "GBP")
    assert list(lsbu.awards.values_list("winner_name", "amount")) == [("PwC UK LLP", Decimal("4500000.00"))]
    assert lsbu.is_cloud_relevant is False
    minimal = Notice.objects.get(notice_id="f42be27e-09cf-4f0e-a745-63ec689631e6")
    assert minimal.is_cloud_relevant is True
    assert minimal.relevance_reasons[0]["value"] == "72230000"
    assert AuditEvent.objects.filter(verb="notice.imported").count() == 38
    assert AuditEvent.objects.filter(verb="notice.updated").count() == 1


def test_a_second_import_changes_nothing():
    notices_import_paths(actor=None, paths=[FIXTURES], now=NOW)
    events = AuditEvent.objects.count()
    summary = notices_import_paths(actor=None, paths=[FIXTURES], now=NOW + dt.timedelta(days=1))
    assert (len(summary.imported), len(summary.updated), len(summary.unchanged)) == (0, 0, 39)
    assert AuditEvent.objects.count() == events
    assert Notice.objects.count() == 38


def test_a_newer_version_replaces_lots_and_awards_and_an_older_one_is_a_no_op():
    notices_import(actor=None, files=[("v1.xml", notice_xml(_spec()))], now=NOW)
    notice = Notice.objects.get()
    newer = _spec(
        version=2,
        title="Skytjenester for arkiv",
        winners=[Winner("921693230", "Vestland fylkeskommune", Decimal("1"))],
    )
    summary = notices_import(actor=None, files=[("v2.xml", notice_xml(newer))], now=NOW)
    assert summary.updated == [notice.notice_id]
    notice.refresh_from_db()
    assert (notice.version, notice.title, notice.source_file) == (2, "Skytjenester for arkiv", "v2.xml")
    assert list(NoticeAward.objects.values_list("winner_name", flat=True)) == ["Vestland fylkeskommune"]
    assert NoticeLot.objects.count() == 1
    summary = notices_import(actor=None, files=[("v1.xml", notice_xml(_spec()))], now=NOW)
    assert summary.unchanged == [notice.notice_id]
    notice.refresh_from_db()
    assert notice.version == 2


def test_buyer_type_comes_from_the_register_before_the_name():
    OrganisationFactory(orgnr="970205039", name="NVE", kind=OrganisationKind.MUNICIPALITY)
    notices_import(actor=None, files=[("a.xml", notice_xml(_spec()))], now=NOW)
    assert Notice.objects.get().buyer_kind == "municipality"


def test_buyer_type_from_the_name_when_the_register_does_not_know_the_buyer():
    notices_import(
        actor=None,
        files=[("a.xml", notice_xml(_spec(buyer=("958935420", "Oslo kommune", "body-pl"))))],
        now=NOW,
    )
    notice = Notice.objects.get()
    assert (notice.buyer_kind, notice.buyer_orgnr) == ("municipality", "958935420")


def test_an_invalid_notice_stores_nothing_and_the_others_are_stored():
    good = notice_xml(_spec())
    bad = notice_xml(_spec(notice_id="99999999-2222-3333-4444-555555555555")).replace(b"72416000", b"7241", 1)
    summary = notices_import(
        actor=None, files=[("god.xml", good), ("feil.xml", bad), ("tom.xml", b"")], now=NOW
    )
    assert [(s.file, s.reason) for s in summary.skipped] == [
        ("feil.xml", "prosedyren: mangler gyldig hoved-CPV-kode (BT-262) «7241»; ventet 8 sifre"),
        ("tom.xml", "ikke gyldig XML (linje 1, kolonne 0)"),
    ]
    assert list(Notice.objects.values_list("notice_id", flat=True)) == [
        "11111111-2222-3333-4444-555555555555"
    ]
    assert NoticeLot.objects.count() == 1
    assert AuditEvent.objects.filter(verb__startswith="notice.").count() == 1


def test_staff_may_import_and_the_audit_event_names_them(mps_org):
    staff = _acting(member(mps_org, Role.MPS_ADMIN), mps_org)
    notices_import(actor=staff, files=[("a.xml", notice_xml(_spec()))], now=NOW)
    event = AuditEvent.objects.get(verb="notice.imported")
    assert event.actor_id == staff.pk
    assert event.data["notice_id"] == "11111111-2222-3333-4444-555555555555"
    assert event.data["version"] == 1
    assert event.data["is_cloud_relevant"] is True


@pytest.mark.parametrize("role", [Role.BUYER, Role.ORG_ADMIN, Role.SUPPLIER_ADMIN])
def test_others_may_not_import(buyer_org, supplier_org, role):
    organisation = supplier_org if role == Role.SUPPLIER_ADMIN else buyer_org
    user = _acting(member(organisation, role), organisation)
    with pytest.raises(PermissionDenied):
        notices_import(actor=user, files=[("a.xml", notice_xml(_spec()))], now=NOW)
    assert Notice.objects.count() == 0
    assert not AuditEvent.objects.filter(verb__startswith="notice.").exists()


def test_command_json_summary_and_exit_code(tmp_path, capsys):
    (tmp_path / "a.xml").write_bytes(notice_xml(_spec()))
    call_command("notices", "import", str(tmp_path), "--format", "json")
    out = json.loads(capsys.readouterr().out)
    assert (out["imported"], out["updated"], out["unchanged"], out["skipped"]) == (1, 0, 0, [])
    (tmp_path / "b.xml").write_bytes(b"<nope")
    with pytest.raises(SystemExit) as exited:
        call_command("notices", "import", str(tmp_path), "--format", "json")
    assert exited.value.code == 1
    out = json.loads(capsys.readouterr().out)
    assert out["unchanged"] == 1
    assert out["skipped"] == [
        {"file": str(tmp_path / "b.xml"), "reason": "ikke gyldig XML (linje 1, kolonne 0)", "invalid": True}
    ]


def test_a_contract_notice_imported_after_its_award_does_not_count():
    award = _spec(notice_id="award-1", kind="can", estimated_amount=None)
    competition = _spec(notice_id="cn-1", kind="cn", issued_on=dt.date(2024, 1, 2), winners=[])
    notices_import(actor=None, files=[("award.xml", notice_xml(award))], now=NOW)
    notices_import(actor=None, files=[("cn.xml", notice_xml(competition))], now=NOW)
    counted = dict(Notice.objects.values_list("notice_id", "is_value_counted"))
    assert counted == {"award-1": True, "cn-1": False}
    assert Notice.objects.get(notice_id="award-1").value_amount == Decimal("11500000.00")


def test_too_many_files_store_nothing(monkeypatch):
    from marketplace.core.exceptions import ValidationFailed
    from marketplace.insights.services import notices as service

    monkeypatch.setattr(service, "MAX_FILES", 1)
    files = [("a.xml", notice_xml(_spec())), ("b.xml", notice_xml(_spec(notice_id="b")))]
    with pytest.raises(ValidationFailed) as caught:
        notices_import(actor=None, files=files, now=NOW)
    assert caught.value.message == "Høyst 1 filer per import; ingenting er lagret."
    assert Notice.objects.count() == 0


def test_the_cached_analysis_follows_every_import(django_capture_on_commit_callbacks):
    from marketplace.insights.selectors.notices import cached_market_analysis

    with django_capture_on_commit_callbacks(execute=True):
        notices_import(actor=None, files=[("v1.xml", notice_xml(_spec()))], now=NOW)
    assert cached_market_analysis(relevant_only=False).total_value == Decimal("11500000")  # the awarded value
    newer = _spec(version=2, winners=[Winner("921693230", "Vestland fylkeskommune", Decimal("9000000"))])
    with django_capture_on_commit_callbacks(execute=True):
        notices_import(actor=None, files=[("v2.xml", notice_xml(newer))], now=NOW)  # same clock, same pk
    assert cached_market_analysis(relevant_only=False).total_value == Decimal("9000000")
