"""The eForms parser on the SDK examples (exact values for a few), the invalid ones, and broken input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from marketplace.insights.demo_notices import BUYERS, NoticeSpec, Winner, notice_xml
from marketplace.insights.eforms import NoticeInvalid, NoticeUnsupported, parse_notice
from marketplace.insights.eforms.parser import clean_cpv

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "eforms"
VALID = sorted(p.name for p in FIXTURES.glob("*.xml") if not p.name.startswith(("INVALID_", "X0")))


def _read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_the_fixture_folder_has_every_sdk_example():
    assert len(VALID) == 39
    assert len(list(FIXTURES.glob("INVALID_*.xml"))) == 6


@pytest.mark.parametrize("name", VALID)
def test_every_valid_sdk_example_parses(name):
    notice = parse_notice(_read(name))
    assert notice.notice_id
    assert notice.version >= 1
    assert notice.buyer.name
    assert len(notice.main_cpv) == 8
    assert notice.main_cpv in notice.cpv_codes


def test_contract_notice_minimal():
    notice = parse_notice(_read("cn_24_minimal.xml"))
    assert notice.notice_id == "f42be27e-09cf-4f0e-a745-63ec689631e6"
    assert notice.version == 1
    assert notice.procedure_id == "4805c409-5939-4be9-8abd-837f7a5fee23"
    assert (notice.kind, notice.notice_type, notice.subtype) == ("contract_notice", "cn-standard", "16")
    assert notice.legal_basis == "32014L0024"
    assert notice.issued_on == dt.date(2019, 11, 21)
    assert notice.buyer.name == "Publications Office of the European Union"
    assert (notice.buyer.company_id, notice.buyer.country, notice.buyer.orgnr) == ("EU-PO", "LUX", "")
    assert notice.buyer_legal_type == "eu-ins-bod-ag"
    assert notice.procedure_code == "open"
    assert notice.is_framework is True
    assert notice.contract_nature == "services"
    assert notice.main_cpv == "72230000"
    assert notice.cpv_codes == ("72230000",)
    assert notice.tender_deadline_on == dt.date(2020, 2, 4)
    assert [lot.lot_id for lot in notice.lots] == ["LOT-0000"]
    assert notice.awards == ()
    assert notice.is_national is False


def test_award_notice_with_winner_and_value():
    notice = parse_notice(_read("can_24_LSBU.xml"))
    assert notice.notice_id == "34453177-5a72-4c6f-b531-19b5aaa217ba"
    assert notice.kind == "award"
    assert notice.issued_on == dt.date(2018, 8, 2)
    assert notice.buyer.name == "London South Bank University"
    assert notice.title == "Change Partner"
    assert notice.main_cpv == "79410000"
    assert (notice.awarded_amount, notice.awarded_currency) == (Decimal("4500000"), "GBP")
    assert notice.is_framework is True
    [award] = notice.awards
    assert award.lot_id == "LOT-0000"
    assert award.winner.name == "PwC UK LLP"
    assert (award.amount, award.currency) == (Decimal("4500000"), "GBP")
    assert award.awarded_on == dt.date(2018, 7, 31)


def test_maximal_award_notice():
    notice = parse_notice(_read("can_24_maximal.xml"))
    assert notice.version == 3
    assert notice.cpv_codes == ("79710000", "79720000", "75121000", "33185200")
    assert (notice.estimated_amount, notice.estimated_currency) == (Decimal("9999999.99"), "EUR")
    assert (notice.awarded_amount, notice.awarded_currency) == (Decimal("9999999.99"), "EUR")
    assert len(notice.lots) == 3
    assert len(notice.awards) == 2


def test_voluntary_transparency_and_modification_and_change_notices():
    veat = parse_notice(_read("veat_25.xml"))
    assert (veat.kind, veat.subtype, veat.procedure_code) == ("veat", "26", "neg-wo-call")
    assert (veat.awarded_amount, veat.awarded_currency) == (Decimal("5640000"), "EUR")
    modification = parse_notice(_read("can-modif_24_duration.xml"))
    assert (modification.kind, modification.subtype) == ("modification", "38")
    assert modification.cpv_codes == ("33159000", "38434570", "85111800")
    change = parse_notice(_read("change-cn_24_void.xml"))
    assert change.kind == "contract_notice"
    assert change.changed_notice == "f42be27e-09cf-4f0e-a745-63ec689631e6-01"
    assert change.procedure_id == "4805c409-5939-4be9-8abd-837f7a5fee23"


def test_prior_information_without_lots():
    notice = parse_notice(_read("pin-buyer_24_published.xml"))
    assert notice.kind == "prior_information"
    assert notice.notice_id == "e5dc3c2b-3df5-45e0-af7f-399ca201d7e0"
    assert notice.version == 2
    assert notice.lots == ()


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("INVALID_can_24_stage-1.xml", "mangler kunngjørings-ID (BT-701)"),
        ("INVALID_cn_24_stage-2.xml", "mangler kunngjørings-ID (BT-701)"),
        ("INVALID_pin-only_24_empty.xml", "mangler kunngjørings-ID (BT-701)"),
        ("INVALID_pin-only_24_stage-1.xml", "mangler kunngjørings-ID (BT-701)"),
        (
            "INVALID_cn_24_multiple.xml",
            "delkontrakt LOT-0002: tittelen (BT-21) er oppgitt flere ganger på språk ENG",
        ),
    ],
)
def test_invalid_sdk_examples_are_refused_with_their_reason(name, reason):
    with pytest.raises(NoticeInvalid) as caught:
        parse_notice(_read(name))
    assert caught.value.reason == reason


def test_the_invalid_change_notice_parses_alone_and_is_refused_by_the_import():
    """Its error (changing the procedure id of the notice it changes) needs the changed notice: see the services."""
    notice = parse_notice(_read("INVALID_change-cn_24_FRA_comments.xml"))
    assert notice.changed_notice == "da4d46e9-490b-41ff-a2ae-8166d356a619-01"
    assert notice.procedure_id == "9999abf1-e057-47a5-9210-b1f6fc759999"


def test_business_registration_notice_is_not_a_procurement_notice():
    with pytest.raises(NoticeUnsupported) as caught:
        parse_notice(_read("X02_registration.xml"))
    assert caught.value.reason == "BusinessRegistrationInformationNotice er ikke en anskaffelseskunngjøring"


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
        "additional_cpv": ["48000000"],
        "estimated_amount": Decimal("12000000"),
        "is_framework": True,
        "winners": [Winner("930001376", "Nordsky AS", Decimal("11500000"))],
    }
    values.update(changes)
    return NoticeSpec(**values)


def test_a_norwegian_notice_round_trips():
    notice = parse_notice(notice_xml(_spec()))
    assert notice.is_national is True
    assert notice.language == "NOR"
    assert notice.buyer.orgnr == "970205039"
    assert notice.buyer.name == "Norges vassdrags- og energidirektorat (NVE)"
    assert notice.buyer_legal_type == "cga"
    assert (notice.estimated_amount, notice.estimated_currency) == (Decimal("12000000"), "NOK")
    assert (notice.awarded_amount, notice.awarded_currency) == (Decimal("11500000"), "NOK")
    assert notice.cpv_codes == ("72416000", "48000000")
    [award] = notice.awards
    assert (award.winner.name, award.winner.orgnr) == ("Nordsky AS", "930001376")
    assert award.awarded_on == dt.date(2024, 3, 1)


def _broken(old: str, new: str) -> bytes:
    data = notice_xml(_spec()).decode()
    assert old in data
    return data.replace(old, new, 1).encode()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<ContractNotice><unclosed>", "ikke gyldig XML (linje 1, kolonne 26)"),
        (b"", "ikke gyldig XML (linje 1, kolonne 0)"),
        (b"<html><body>Doffin</body></html>", "ikke en eForms-kunngjøring (rotelement «html»)"),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
            "XML med DOCTYPE eller ENTITY er ikke tillatt",
        ),
        (
            _broken('<cbc:ID schemeName="notice-id">11111111-2222-3333-4444-555555555555</cbc:ID>', ""),
            "mangler kunngjørings-ID (BT-701)",
        ),
        (
            _broken("<cbc:VersionID>01</cbc:VersionID>", "<cbc:VersionID>x</cbc:VersionID>"),
            "mangler gyldig versjon (BT-757) «x»",
        ),
        (
            _broken("<cbc:IssueDate>2024-03-01+01:00", "<cbc:IssueDate>2024-13-01+01:00"),
            "kunngjøringsdato (BT-05): «2024-13-01+01:00» er ikke en gyldig dato",
        ),
        (
            _broken("<cbc:CompanyID>970205039</cbc:CompanyID>", "<cbc:CompanyID>970205038</cbc:CompanyID>"),
            "oppdragsgiverens organisasjonsnummer «970205038» er ikke et gyldig norsk organisasjonsnummer",
        ),
        (
            _broken('listName="cpv">72416000', 'listName="cpv">7241'),
            "prosedyren: mangler gyldig hoved-CPV-kode (BT-262) «7241»; ventet 8 sifre",
        ),
        (
            _broken('currencyID="NOK">12000000', 'currencyID="NOK">tolv'),
            "anslått verdi (BT-27): «tolv» er ikke et beløp",
        ),
        (
            _broken('currencyID="NOK">12000000', 'currencyID="">12000000'),
            "anslått verdi (BT-27): beløpet 12000000 mangler valuta (currencyID)",
        ),
        (
            _broken('currencyID="NOK">11500000', 'currencyID="NOK">-5'),
            "tilbud TEN-0001: verdi (BT-720): «-5» er ikke et gyldig beløp",
        ),
        (
            _broken('<cbc:Name languageID="NOR">Skytjenester for saksbehandling</cbc:Name>', ""),
            "mangler tittel (BT-21)",
        ),
    ],
)
def test_broken_input_is_refused_with_a_reason(data, reason):
    with pytest.raises(NoticeInvalid) as caught:
        parse_notice(data)
    assert caught.value.reason == reason


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("72222300-0", "72222300"),
        ("72222300", "72222300"),
        ("7222230", None),
        ("72222300-10", None),
        ("", None),
    ],
)
def test_clean_cpv(raw, cleaned):
    assert clean_cpv(raw) == cleaned
