"""Published notices as OCDS 1.1 releases (one release per notice), where the mapping is clear.

Mapping (after OCDS for eForms, https://standard.open-contracting.org/profiles/eforms/):
- `ocid` = `<MPS_OCDS_PREFIX>-<procedure id (BT-04)>` (the notice id when the procedure id is missing), so the notices
  of one procedure form one contracting process; release `id` = `<notice id>-<version>`;
- `tag`: prior information -> planning; contract notice -> tender (a change notice -> tenderUpdate); award and
  voluntary transparency notice -> award; modification notice -> contractAmendment. Completion and other notices
  have no clear mapping and are not exported (`notice_release` answers None);
- buyer and winners as parties (`NO-ORG-<orgnr>` for Norwegian organisations, else the notice's own organisation
  id); CPV codes as items (main first, additional as additionalClassifications); estimated value (BT-27) as
  tender.value; winning tenders as awards with their value (BT-720) and supplier.
Validated against the OCDS 1.1 release package schema that calloffs/ocds.py copies (`release_package_errors`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from marketplace.calloffs.ocds import (
    LICENSE_URI,
    OCDS_VERSION,
    ORG_SCHEME,
    PUBLISHER_NAME,
    PUBLISHER_ORGNR,
    ocid_prefix,
    release_package_errors,
)
from marketplace.core.deadlines import OSLO
from marketplace.insights.models import Notice, NoticeKind

__all__ = ["notice_release", "notices_release_package", "release_package_errors"]

TAGS = {
    NoticeKind.PRIOR_INFORMATION: "planning",
    NoticeKind.CONTRACT_NOTICE: "tender",
    NoticeKind.AWARD: "award",
    NoticeKind.VEAT: "award",
    NoticeKind.MODIFICATION: "contractAmendment",
}
CATEGORY = {"services": "services", "supplies": "goods", "works": "works"}
LANGUAGE = {
    "NOR": "no",
    "NOB": "nb",
    "NNO": "nn",
    "ENG": "en",
    "DEU": "de",
    "FRA": "fr",
    "ITA": "it",
    "SWE": "sv",
}


def _day(day: dt.date) -> str:
    moment = dt.datetime.combine(day, dt.time(0, 0), tzinfo=OSLO).astimezone(dt.UTC)
    return moment.isoformat().replace("+00:00", "Z")


def _money(amount: Decimal | None, currency: str) -> dict[str, Any] | None:
    if amount is None or not currency:
        return None
    number: int | float = int(amount) if amount == amount.to_integral_value() else float(amount)
    return {"amount": number, "currency": currency}


def _party_id(*, orgnr: str, company_id: str, name: str) -> str:
    if orgnr:
        return f"{ORG_SCHEME}-{orgnr}"
    if company_id:
        return f"ID-{company_id}"
    return "NAME-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]


def notice_release(notice: Notice) -> dict[str, Any] | None:
    tag = TAGS.get(notice.kind)  # type: ignore[call-overload]
    if tag is None:
        return None
    if tag == "tender" and notice.changed_notice:
        tag = "tenderUpdate"
    buyer_id = _party_id(orgnr=notice.buyer_orgnr, company_id=notice.buyer_company_id, name=notice.buyer_name)
    buyer: dict[str, Any] = {"id": buyer_id, "name": notice.buyer_name, "roles": ["buyer"]}
    if notice.buyer_orgnr:
        buyer["identifier"] = {"scheme": ORG_SCHEME, "id": notice.buyer_orgnr, "legalName": notice.buyer_name}
    parties: dict[str, dict[str, Any]] = {buyer_id: buyer}

    items: list[dict[str, Any]] = []
    if notice.main_cpv:
        item: dict[str, Any] = {
            "id": "1",
            "classification": {"scheme": "CPV", "id": notice.main_cpv},
        }
        additional = [code for code in notice.cpv_codes if code != notice.main_cpv]
        if additional:
            item["additionalClassifications"] = [{"scheme": "CPV", "id": code} for code in additional]
        items.append(item)
    tender: dict[str, Any] = {
        "id": notice.procedure_id or notice.notice_id,
        "title": notice.title,
        "status": {"tender": "active", "award": "complete", "contractAmendment": "complete"}.get(
            tag, "planning"
        )
        if tag != "tenderUpdate"
        else "active",
        "items": items,
    }
    if notice.description:
        tender["description"] = notice.description
    if notice.procedure_code:
        tender["procurementMethodDetails"] = notice.procedure_code
    if notice.contract_nature in CATEGORY:
        tender["mainProcurementCategory"] = CATEGORY[notice.contract_nature]
    value = _money(notice.estimated_amount, notice.estimated_currency)
    if value:
        tender["value"] = value
    if notice.tender_deadline_on:
        tender["tenderPeriod"] = {"endDate": _day(notice.tender_deadline_on)}

    release: dict[str, Any] = {
        "ocid": f"{ocid_prefix()}-{notice.procedure_id or notice.notice_id}",
        "id": f"{notice.notice_id}-{notice.version:02d}",
        "date": _day(notice.issued_on),
        "tag": [tag],
        "initiationType": "tender",
        "buyer": {"id": buyer_id, "name": notice.buyer_name},
        "tender": tender,
    }
    if notice.language in LANGUAGE:
        release["language"] = LANGUAGE[notice.language]

    awards = []
    for index, award in enumerate(notice.awards.all(), start=1):
        supplier_id = _party_id(
            orgnr=award.winner_orgnr, company_id=award.winner_company_id, name=award.winner_name
        )
        party = parties.setdefault(supplier_id, {"id": supplier_id, "name": award.winner_name, "roles": []})
        if "supplier" not in party["roles"]:
            party["roles"].append("supplier")
        entry: dict[str, Any] = {
            "id": f"{award.lot_id or 'award'}-{index}",
            "status": "active",
            "suppliers": [{"id": supplier_id, "name": award.winner_name}],
        }
        if award.lot_id:
            entry["title"] = award.lot_id
        if award.awarded_on:
            entry["date"] = _day(award.awarded_on)
        award_value = _money(award.amount, award.currency)
        if award_value:
            entry["value"] = award_value
        awards.append(entry)
    if awards:
        release["awards"] = awards
    if tag == "contractAmendment":
        amendment: dict[str, Any] = {"id": release["id"], "date": release["date"]}
        if notice.change_reason:
            amendment["rationale"] = notice.change_reason
        release["contracts"] = [
            {
                "id": notice.procedure_id or notice.notice_id,
                "awardID": awards[0]["id"] if awards else notice.procedure_id or notice.notice_id,
                "amendments": [amendment],
            }
        ]
    release["parties"] = list(parties.values())
    return release


def notices_release_package(notices: Iterable[Notice], *, uri: str) -> dict[str, Any]:
    releases = [release for release in (notice_release(n) for n in notices) if release is not None]
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": max((r["date"] for r in releases), default=_day(dt.date(2017, 1, 1))),
        "publisher": {"name": PUBLISHER_NAME, "scheme": ORG_SCHEME, "uid": PUBLISHER_ORGNR},
        "license": LICENSE_URI,
        "releases": releases,
    }
