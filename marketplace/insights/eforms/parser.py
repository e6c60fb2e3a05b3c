"""Read one eForms UBL notice (SDK 1.x, UBL 2.3) into a `ParsedNotice`; stdlib ElementTree through defusedxml.

Read (business terms in brackets): notice id [BT-701] and version [BT-757], procedure id [BT-04], notice type
[BT-02] and subtype [OPP-070], legal basis [BT-01], the Norwegian national/EU customisation [CustomizationID], issue
date [BT-05], the first buyer [BT-500 name, BT-501 organisation id, country, BT-11 legal type], procedure type
[BT-105], framework agreement [BT-765], contract nature [BT-23], main and additional CPV [BT-262, BT-263], title and
description [BT-21, BT-24], estimated value [BT-27], lots [BT-137] with their own title, CPV, estimated value and
framework flag, the tender deadline [BT-131], the results [BT-142 winner chosen, BT-720 tender value, BT-161 notice
value, BT-145 contract conclusion date] with the winning tenderers, and for change notices the changed notice
[BT-758] and reason [BT-140].

A notice is refused (`NoticeInvalid`, with a reason) when it is not well-formed XML, declares a DOCTYPE, is not a
UBL procurement notice, or misses what the analysis needs: notice id, version, subtype, issue date, a buyer that
resolves to an organisation with a name, title, a main CPV code of 8 digits, a lot with an id; also when a title is
given twice in the same language, a lot id repeats, an amount is not a non-negative number with a currency, or a
Norwegian buyer's organisation number fails its MOD11 check (python-stdnum). A Business Registration Information
Notice (X01/X02) is not a procurement notice: `NoticeUnsupported`.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring
from stdnum.no import orgnr as stdnum_orgnr

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    "efac": "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
    "efbc": "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1",
    "efext": "http://data.europa.eu/p27/eforms-ubl-extensions/1",
}
UBL_PREFIX = "urn:oasis:names:specification:ubl:schema:xsd:"
PROCUREMENT_ROOTS = {"ContractNotice", "ContractAwardNotice", "PriorInformationNotice"}
UNSUPPORTED_ROOTS = {"BusinessRegistrationInformationNotice"}
NORWAY = "NOR"
# Norway's own customisation of eForms (eforms-sdk-nor): national = below the EEA thresholds.
NATIONAL_SUFFIX = "urn:fdc:anskaffelser.no:2023:eforms:national"
# Preferred title language: Norwegian first, then English, then whatever comes first.
LANGUAGES = ("NOR", "NOB", "NNO", "ENG")
MAX_BYTES = 5 * 1024 * 1024
CPV_RE = re.compile(r"^(\d{8})(-\d)?$")

# notice type code list name (BT-02) -> our kind
KIND_BY_LIST = {
    "planning": "prior_information",
    "competition": "contract_notice",
    "result": "award",
    "dir-awa-pre": "veat",
    "cont-modif": "modification",
    "completion": "completion",
}
KIND_BY_CODE = {"veat": "veat", "can-modif": "modification", "compl": "completion"}


class NoticeInvalid(ValueError):
    """The notice cannot be stored; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NoticeUnsupported(NoticeInvalid):
    """Well-formed eForms, but not a procurement notice (nothing to analyse)."""


@dataclass(frozen=True)
class ParsedOrganisation:
    name: str
    company_id: str = ""
    country: str = ""
    orgnr: str = ""  # nine digits when the country is Norway and the number passes MOD11


@dataclass(frozen=True)
class ParsedLot:
    lot_id: str
    title: str
    main_cpv: str
    cpv_codes: tuple[str, ...]
    estimated_amount: Decimal | None
    estimated_currency: str
    is_framework: bool


@dataclass(frozen=True)
class ParsedAward:
    lot_id: str
    winner: ParsedOrganisation
    amount: Decimal | None
    currency: str
    awarded_on: dt.date | None
    consortium_size: int = 1


@dataclass(frozen=True)
class ParsedNotice:
    notice_id: str
    version: int
    procedure_id: str
    kind: str
    notice_type: str
    subtype: str
    legal_basis: str
    is_national: bool
    language: str
    issued_on: dt.date
    buyer: ParsedOrganisation
    buyer_legal_type: str
    procedure_code: str
    is_framework: bool
    contract_nature: str
    title: str
    description: str
    main_cpv: str
    cpv_codes: tuple[str, ...]
    estimated_amount: Decimal | None
    estimated_currency: str
    awarded_amount: Decimal | None
    awarded_currency: str
    tender_deadline_on: dt.date | None
    lots: tuple[ParsedLot, ...] = ()
    awards: tuple[ParsedAward, ...] = ()
    changed_notice: str = ""
    change_reason: str = ""


# --- small helpers ---------------------------------------------------------------------------------------------------


def _text(element: ET.Element | None, path: str) -> str:
    if element is None:
        return ""
    found = element.find(path, NS)
    return (found.text or "").strip() if found is not None else ""


def _all_text(element: ET.Element | None, path: str) -> list[str]:
    if element is None:
        return []
    return [(found.text or "").strip() for found in element.findall(path, NS) if (found.text or "").strip()]


def _localname(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def _date(value: str, what: str) -> dt.date:
    """eForms dates carry a zone ("2019-11-21+01:00", "2020-04-08Z"); the calendar day is what counts."""
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise NoticeInvalid(f"{what}: «{value}» er ikke en gyldig dato") from None


def _optional_date(value: str, what: str) -> dt.date | None:
    return _date(value, what) if value else None


def _amount(element: ET.Element | None, path: str, what: str) -> tuple[Decimal | None, str]:
    if element is None:
        return None, ""
    found = element.find(path, NS)
    if found is None or not (found.text or "").strip():
        return None, ""
    raw = (found.text or "").strip()
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise NoticeInvalid(f"{what}: «{raw}» er ikke et beløp") from None
    if not value.is_finite() or value < 0:
        raise NoticeInvalid(f"{what}: «{raw}» er ikke et gyldig beløp")
    currency = (found.get("currencyID") or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise NoticeInvalid(f"{what}: beløpet {raw} mangler valuta (currencyID)")
    return value, currency


def _titled(element: ET.Element | None, where: str) -> str:
    """The title in the preferred language; a title given twice in one language is an error (eForms allows one
    per language)."""
    if element is None:
        return ""
    names = element.findall("cbc:Name", NS)
    seen: dict[str, str] = {}
    for name in names:
        language = (name.get("languageID") or "").upper()
        if language in seen:
            raise NoticeInvalid(
                f"{where}: tittelen (BT-21) er oppgitt flere ganger på språk {language or '?'}"
            )
        seen[language] = (name.text or "").strip()
    return _preferred(seen)


def _preferred(by_language: dict[str, str]) -> str:
    for language in LANGUAGES:
        if by_language.get(language):
            return by_language[language]
    return next((text for text in by_language.values() if text), "")


def _described(element: ET.Element | None) -> str:
    if element is None:
        return ""
    return _preferred(
        {
            (d.get("languageID") or "").upper(): (d.text or "").strip()
            for d in element.findall("cbc:Description", NS)
        }
    )


def clean_cpv(raw: str) -> str | None:
    """The 8 digits of a CPV code ("72222300-0" -> "72222300"); None when it is not one."""
    match = CPV_RE.match(raw.strip())
    return match.group(1) if match else None


def _cpvs(project: ET.Element | None, where: str, *, required: bool) -> tuple[str, tuple[str, ...]]:
    if project is None:
        if required:
            raise NoticeInvalid(f"{where}: mangler hoved-CPV-kode (BT-262)")
        return "", ()
    main_raw = _text(project, "cac:MainCommodityClassification/cbc:ItemClassificationCode")
    main = clean_cpv(main_raw) if main_raw else None
    if main is None and (required or main_raw):
        shown = f" «{main_raw}»" if main_raw else ""
        raise NoticeInvalid(f"{where}: mangler gyldig hoved-CPV-kode (BT-262){shown}; ventet 8 sifre")
    codes = [main] if main else []
    for raw in _all_text(project, "cac:AdditionalCommodityClassification/cbc:ItemClassificationCode"):
        code = clean_cpv(raw)
        if code is None:
            raise NoticeInvalid(f"{where}: «{raw}» er ikke en gyldig CPV-kode (BT-263)")
        if code not in codes:
            codes.append(code)
    return main or "", tuple(codes)


def _is_framework(element: ET.Element | None) -> bool:
    if element is None:
        return False
    for code in element.findall(
        "cac:TenderingProcess/cac:ContractingSystem/cbc:ContractingSystemTypeCode", NS
    ):
        if code.get("listName") == "framework-agreement" and (code.text or "").strip() not in ("", "none"):
            return True
    return False


def _organisations(extension: ET.Element | None) -> dict[str, ParsedOrganisation]:
    organisations: dict[str, ParsedOrganisation] = {}
    if extension is None:
        return organisations
    for company in extension.findall("efac:Organizations/efac:Organization/efac:Company", NS):
        org_id = _text(company, "cac:PartyIdentification/cbc:ID")
        if not org_id:
            continue
        country = _text(company, "cac:PostalAddress/cac:Country/cbc:IdentificationCode").upper()
        company_id = _text(company, "cac:PartyLegalEntity/cbc:CompanyID")
        orgnr = ""
        if country == NORWAY and company_id:
            candidate = stdnum_orgnr.compact(company_id.replace("-", "").replace(".", ""))
            if stdnum_orgnr.is_valid(candidate):
                orgnr = candidate
        organisations[org_id] = ParsedOrganisation(
            name=_text(company, "cac:PartyName/cbc:Name"), company_id=company_id, country=country, orgnr=orgnr
        )
    return organisations


# --- the notice ------------------------------------------------------------------------------------------------------


def _root(data: bytes) -> ET.Element:
    if len(data) > MAX_BYTES:
        raise NoticeInvalid(f"filen er større enn {MAX_BYTES // (1024 * 1024)} MB")
    if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data.upper():
        raise NoticeInvalid("XML med DOCTYPE eller ENTITY er ikke tillatt")
    try:
        return safe_fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise NoticeInvalid("XML med DOCTYPE eller ENTITY er ikke tillatt") from None
    except ET.ParseError as exc:
        line, column = exc.position
        raise NoticeInvalid(f"ikke gyldig XML (linje {line}, kolonne {column})") from None


def parse_notice(data: bytes) -> ParsedNotice:
    """One notice from the bytes of its XML file; raises NoticeInvalid (or NoticeUnsupported) with the reason."""
    root = _root(data)
    namespace, name = _localname(root.tag)
    if name in UNSUPPORTED_ROOTS:
        raise NoticeUnsupported(f"{name} er ikke en anskaffelseskunngjøring")
    if name not in PROCUREMENT_ROOTS or not namespace.startswith(UBL_PREFIX):
        raise NoticeInvalid(f"ikke en eForms-kunngjøring (rotelement «{name}»)")

    extension = root.find("ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/efext:EformsExtension", NS)
    notice_id = _text(root, "cbc:ID")
    if not notice_id:
        raise NoticeInvalid("mangler kunngjørings-ID (BT-701)")
    version_raw = _text(root, "cbc:VersionID")
    if not version_raw.isdigit():
        raise NoticeInvalid(f"mangler gyldig versjon (BT-757){f' «{version_raw}»' if version_raw else ''}")
    subtype = _text(extension, "efac:NoticeSubType/cbc:SubTypeCode")
    if not subtype:
        raise NoticeInvalid("mangler kunngjøringens undertype (OPP-070)")
    issued_raw = _text(root, "cbc:IssueDate")
    if not issued_raw:
        raise NoticeInvalid("mangler kunngjøringsdato (BT-05)")
    issued_on = _date(issued_raw, "kunngjøringsdato (BT-05)")

    type_element = root.find("cbc:NoticeTypeCode", NS)
    notice_type = (type_element.text or "").strip() if type_element is not None else ""
    list_name = type_element.get("listName", "") if type_element is not None else ""
    kind = KIND_BY_CODE.get(notice_type) or KIND_BY_LIST.get(list_name) or "other"

    organisations = _organisations(extension)
    party = root.find("cac:ContractingParty", NS)
    buyer_ref = _text(party, "cac:Party/cac:PartyIdentification/cbc:ID")
    if not buyer_ref:
        raise NoticeInvalid("mangler oppdragsgiver (BT-500)")
    if buyer_ref not in organisations:
        raise NoticeInvalid(f"oppdragsgiveren {buyer_ref} finnes ikke blant organisasjonene i kunngjøringen")
    buyer = organisations[buyer_ref]
    if not buyer.name:
        raise NoticeInvalid(f"oppdragsgiveren {buyer_ref} mangler navn (BT-500)")
    if buyer.country == NORWAY and buyer.company_id and not buyer.orgnr:
        raise NoticeInvalid(
            f"oppdragsgiverens organisasjonsnummer «{buyer.company_id}» er ikke et gyldig norsk organisasjonsnummer"
        )

    project = root.find("cac:ProcurementProject", NS)
    title = _titled(project, "prosedyren")
    if not title:
        raise NoticeInvalid("mangler tittel (BT-21)")
    main_cpv, cpv_codes = _cpvs(project, "prosedyren", required=True)
    estimated_amount, estimated_currency = _amount(
        project, "cac:RequestedTenderTotal/cbc:EstimatedOverallContractAmount", "anslått verdi (BT-27)"
    )

    lots: list[ParsedLot] = []
    all_cpvs = list(cpv_codes)
    deadlines: list[dt.date] = []
    lot_awarded_on: dict[str, dt.date] = {}
    for lot_element in root.findall("cac:ProcurementProjectLot", NS):
        lot_id = _text(lot_element, "cbc:ID")
        if not lot_id:
            raise NoticeInvalid("en delkontrakt mangler ID (BT-137)")
        if any(lot.lot_id == lot_id for lot in lots):
            raise NoticeInvalid(f"delkontrakten {lot_id} er oppgitt flere ganger")
        lot_project = lot_element.find("cac:ProcurementProject", NS)
        where = f"delkontrakt {lot_id}"
        lot_title = _titled(lot_project, where)
        lot_main, lot_cpvs = _cpvs(lot_project, where, required=False)
        lot_amount, lot_currency = _amount(
            lot_project,
            "cac:RequestedTenderTotal/cbc:EstimatedOverallContractAmount",
            f"{where}: anslått verdi",
        )
        deadline = _optional_date(
            _text(lot_element, "cac:TenderingProcess/cac:TenderSubmissionDeadlinePeriod/cbc:EndDate"),
            f"{where}: tilbudsfrist (BT-131)",
        )
        if deadline:
            deadlines.append(deadline)
        award_date = _optional_date(
            _text(lot_element, "cac:TenderResult/cbc:AwardDate"), f"{where}: tildelingsdato"
        )
        if award_date:
            lot_awarded_on[lot_id] = award_date
        lots.append(
            ParsedLot(
                lot_id=lot_id,
                title=lot_title,
                main_cpv=lot_main,
                cpv_codes=lot_cpvs,
                estimated_amount=lot_amount,
                estimated_currency=lot_currency,
                is_framework=_is_framework(lot_element),
            )
        )
        all_cpvs.extend(code for code in lot_cpvs if code not in all_cpvs)

    if estimated_amount is None:
        currencies = {lot.estimated_currency for lot in lots if lot.estimated_amount is not None}
        if len(currencies) == 1:
            estimated_currency = currencies.pop()
            estimated_amount = sum(
                (lot.estimated_amount for lot in lots if lot.estimated_amount is not None), Decimal(0)
            )

    awards, awarded_amount, awarded_currency = _results(extension, organisations, lot_awarded_on)

    customization = _text(root, "cbc:CustomizationID")
    return ParsedNotice(
        notice_id=notice_id,
        version=int(version_raw),
        procedure_id=_text(root, "cbc:ContractFolderID"),
        kind=kind,
        notice_type=notice_type,
        subtype=subtype,
        legal_basis=_text(root, "cbc:RegulatoryDomain"),
        is_national=customization.endswith(NATIONAL_SUFFIX),
        language=_text(root, "cbc:NoticeLanguageCode").upper(),
        issued_on=issued_on,
        buyer=buyer,
        buyer_legal_type=next(
            (
                (code.text or "").strip()
                for code in root.findall(
                    "cac:ContractingParty/cac:ContractingPartyType/cbc:PartyTypeCode", NS
                )
                if code.get("listName") == "buyer-legal-type"
            ),
            "",
        ),
        procedure_code=_text(root, "cac:TenderingProcess/cbc:ProcedureCode"),
        is_framework=any(lot.is_framework for lot in lots) or _is_framework(root),
        contract_nature=_text(project, "cbc:ProcurementTypeCode"),
        title=title,
        description=_described(project),
        main_cpv=main_cpv,
        cpv_codes=tuple(all_cpvs),
        estimated_amount=estimated_amount,
        estimated_currency=estimated_currency,
        awarded_amount=awarded_amount,
        awarded_currency=awarded_currency,
        tender_deadline_on=min(deadlines) if deadlines else None,
        lots=tuple(lots),
        awards=tuple(awards),
        changed_notice=_text(extension, "efac:Changes/efbc:ChangedNoticeIdentifier"),
        change_reason=_text(extension, "efac:Changes/efac:ChangeReason/cbc:ReasonCode"),
    )


def _results(
    extension: ET.Element | None,
    organisations: dict[str, ParsedOrganisation],
    lot_awarded_on: dict[str, dt.date],
) -> tuple[list[ParsedAward], Decimal | None, str]:
    """Winning tenders per lot (BT-142 = selec-w) with their value and the (lead) tenderer."""
    result = extension.find("efac:NoticeResult", NS) if extension is not None else None
    if result is None:
        return [], None, ""
    total, total_currency = _amount(result, "cbc:TotalAmount", "samlet verdi (BT-161)")
    tenders = {_text(t, "cbc:ID"): t for t in result.findall("efac:LotTender", NS) if _text(t, "cbc:ID")}
    parties = {_text(p, "cbc:ID"): p for p in result.findall("efac:TenderingParty", NS) if _text(p, "cbc:ID")}
    signed_on: dict[str, dt.date] = {}
    for contract in result.findall("efac:SettledContract", NS):
        day = _optional_date(_text(contract, "cbc:IssueDate"), "kontraktsdato (BT-145)")
        for tender_id in _all_text(contract, "efac:LotTender/cbc:ID"):
            if day:
                signed_on[tender_id] = day

    awards: list[ParsedAward] = []
    for lot_result in result.findall("efac:LotResult", NS):
        if _text(lot_result, "cbc:TenderResultCode") != "selec-w":
            continue
        lot_id = _text(lot_result, "efac:TenderLot/cbc:ID")
        for tender_id in _all_text(lot_result, "efac:LotTender/cbc:ID"):
            tender = tenders.get(tender_id)
            if tender is None:
                continue
            amount, currency = _amount(
                tender, "cac:LegalMonetaryTotal/cbc:PayableAmount", f"tilbud {tender_id}: verdi (BT-720)"
            )
            party = parties.get(_text(tender, "efac:TenderingParty/cbc:ID"))
            tenderers = party.findall("efac:Tenderer", NS) if party is not None else []
            lead = next(
                (t for t in tenderers if _text(t, "efbc:GroupLeadIndicator") == "true"),
                tenderers[0] if tenderers else None,
            )
            winner = organisations.get(_text(lead, "cbc:ID")) if lead is not None else None
            if winner is None or not winner.name:
                continue
            awards.append(
                ParsedAward(
                    lot_id=lot_id or _text(tender, "efac:TenderLot/cbc:ID"),
                    winner=winner,
                    amount=amount,
                    currency=currency,
                    awarded_on=signed_on.get(tender_id) or lot_awarded_on.get(lot_id),
                    consortium_size=max(1, len(tenderers)),
                )
            )
    if total is None:
        currencies = {award.currency for award in awards if award.amount is not None}
        if len(currencies) == 1:
            total_currency = currencies.pop()
            total = sum((award.amount for award in awards if award.amount is not None), Decimal(0))
    return awards, total, total_currency
