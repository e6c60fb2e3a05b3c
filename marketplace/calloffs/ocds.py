"""Open data: one call-off as an OCDS 1.1 release package (https://standard.open-contracting.org/1.1/).

Mapping (framework guidance, `docs/guidance/map/framework_agreements.md`):

- each call-off is its own contracting process: `ocid` = `<MPS_OCDS_PREFIX>-<reference>`, with a
  `relatedProcesses` entry (`relationship: ["framework"]`) pointing at the framework agreement (internal reference,
  since the frameworks are not published as OCDS processes here);
- `tender.competitive` (competitive extension) is false for direct award and desk evaluation (no reopened
  competition) and true for the mini-competition;
- `tender.standstillPeriod` (added in the OCDS 1.2 development branch and used by OCDS for eForms; the core 1.1
  schema allows the additional property) runs from the award notice to the end of the standstill;
- one compiled-style release: the latest state of every field; `date` and `publishedDate` are the time of the last
  change that is public, so a package fetched twice without changes is byte-identical.

What is never published: offer content and prices (bids are not published at all). Before opening nothing says who
offered or how many; after opening only `numberOfTenderers` and the tenderers' names. The award (winner, value)
appears once the award notice has gone to all participants, never between the decision and the notice.

Publication rule (`calloff_is_public`): a mini-competition is public once the invitation is published; a direct
award or desk evaluation once its award notice is sent. Cancelled call-offs stay public if they were public before.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

from marketplace.calloffs.models import CallOff, Offer
from marketplace.calloffs.rules.state import CallOffState, CallOffTimes, calloff_state
from marketplace.catalogue.models import CriterionKind, Mechanism
from marketplace.core.deadlines import OSLO

OCDS_VERSION = "1.1"
SCHEMA_DIR = Path(__file__).resolve().parent / "schema" / "ocds"
# Organisation identifiers: the Norwegian organisation number (Enhetsregisteret).
ORG_SCHEME = "NO-ORG"
PUBLISHER_NAME = "Direktoratet for forvaltning og økonomistyring (DFØ)"
PUBLISHER_ORGNR = "986252932"
LICENSE_URI = "https://data.norge.no/nlod/no/2.0"
COMPETITIVE_EXTENSION = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_competitive_extension/master/extension.json"

PROCUREMENT_METHOD_DETAILS = {
    Mechanism.DIRECT: "Direkte avrop etter rangering i rammeavtalen (uten gjenåpning av konkurransen)",
    Mechanism.DESK: "Skrivebordskonkurranse på rammeavtalens priser (uten gjenåpning av konkurransen)",
    Mechanism.MINI_COMPETITION: "Minikonkurranse mellom rammeavtaleleverandørene (konkurransen gjenåpnes)",
}


# --- helpers ---------------------------------------------------------------------------------


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _day_start(day: dt.date) -> str:
    return _iso(dt.datetime.combine(day, dt.time(0, 0), tzinfo=OSLO))


def _day_end(day: dt.date) -> str:
    return _iso(dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=OSLO))


def _amount(value: Decimal) -> int | float:
    """OCDS amounts are JSON numbers; whole kroner stay integers."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _value(amount: Decimal) -> dict[str, Any]:
    return {"amount": _amount(amount), "currency": "NOK"}


def _party_id(orgnr: str) -> str:
    return f"{ORG_SCHEME}-{orgnr}"


def _party(organisation: Any, roles: list[str]) -> dict[str, Any]:
    return {
        "id": _party_id(organisation.orgnr),
        "name": organisation.name,
        "identifier": {"scheme": ORG_SCHEME, "id": organisation.orgnr, "legalName": organisation.name},
        "roles": roles,
    }


def _ref(organisation: Any) -> dict[str, str]:
    return {"id": _party_id(organisation.orgnr), "name": organisation.name}


def ocid_prefix() -> str:
    return str(getattr(settings, "MPS_OCDS_PREFIX", "ocds-mps000"))


def calloff_ocid(calloff: CallOff) -> str:
    return f"{ocid_prefix()}-{calloff.reference}"


def calloff_is_public(calloff: CallOff) -> bool:
    """Mini-competition: from publication; direct award / desk evaluation: from the award notice."""
    if calloff.mechanism == Mechanism.MINI_COMPETITION:
        return calloff.published_at is not None
    return calloff.award_notice_sent_at is not None


def _has_award(calloff: CallOff) -> bool:
    """The award is published with the notice (all participants are told at once), never before."""
    return calloff.award_notice_sent_at is not None and _award_or_none(calloff) is not None


def _award_or_none(calloff: CallOff) -> Any:
    try:
        return calloff.award
    except CallOff.award.RelatedObjectDoesNotExist:
        return None


def _release_date(calloff: CallOff, now: dt.datetime) -> dt.datetime:
    """The time of the last change that the release shows (not `now`, so repeated fetches agree)."""
    candidates = [
        calloff.created_at,
        calloff.published_at,
        calloff.offers_opened_at,
        calloff.award_notice_sent_at,
        calloff.on_hold_since,
        calloff.contract_signed_at,
        calloff.cancelled_at,
    ]
    if calloff.standstill_ends_at is not None and calloff.standstill_ends_at <= now:
        candidates.append(calloff.standstill_ends_at)
    return max(value for value in candidates if value is not None and value <= now)


def _tags(state: CallOffState, calloff: CallOff) -> list[str]:
    if state is CallOffState.CANCELLED:
        return ["tenderCancellation"]
    if state is CallOffState.CONTRACTED:
        return ["contract"]
    if _has_award(calloff):
        return ["award"]
    if calloff.published_at is not None:
        return ["tender"]
    return ["planning"]


def _tender_status(state: CallOffState) -> str:
    if state is CallOffState.CANCELLED:
        return "cancelled"
    if state is CallOffState.CONTRACTED:
        return "complete"
    if state is CallOffState.DRAFT:
        return "planning"
    return "active"


def _award_status(state: CallOffState) -> str:
    if state is CallOffState.CANCELLED:
        return "cancelled"
    if state in (CallOffState.READY_TO_SIGN, CallOffState.CONTRACTED):
        return "active"
    return "pending"  # standstill running, or on hold after a complaint


def _criteria(calloff: CallOff) -> tuple[str | None, str | None]:
    """(awardCriteria code, Norwegian details with weights)."""
    if calloff.mechanism == Mechanism.DIRECT:
        return None, "Tildeling til den høyest rangerte leverandøren i rammeavtalen som kan levere."
    if calloff.mechanism == Mechanism.DESK:
        details = "Laveste totalpris for handlekurven på rammeavtalens priser."
        requirements = [
            str(c.get_requirement_display()) for c in calloff.desk_criteria.all() if c.is_mandatory
        ]
        if requirements:
            details += " Absolutte krav: " + ", ".join(requirements) + "."
        return "priceOnly", details
    criteria = list(calloff.criteria.all())
    if not criteria:
        return None, None
    details = ", ".join(f"{c.name} {_percent(c.weight_percent)} %" for c in criteria)
    kinds = {c.kind for c in criteria}
    return ("priceOnly" if kinds == {CriterionKind.PRICE} else "ratedCriteria"), details


def _percent(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


# --- the release package ---------------------------------------------------------------------


def calloff_release(calloff: CallOff, *, now: dt.datetime) -> dict[str, Any]:
    state = calloff_state(CallOffTimes.of(calloff), now)
    ocid = calloff_ocid(calloff)
    date = _release_date(calloff, now)
    buyer = calloff.buyer
    parties: list[dict[str, Any]] = [_party(buyer, ["buyer", "procuringEntity"])]
    is_mini = calloff.mechanism == Mechanism.MINI_COMPETITION

    tender: dict[str, Any] = {
        "id": calloff.reference,
        "title": calloff.title,
        "description": calloff.description,
        "status": _tender_status(state),
        "procuringEntity": _ref(buyer),
        "value": _value(calloff.estimated_value_amount),
        "procurementMethod": "selective",
        "procurementMethodDetails": PROCUREMENT_METHOD_DETAILS[Mechanism(calloff.mechanism)],
        "competitive": is_mini,
        "mainProcurementCategory": "services",
        "contractPeriod": {
            "startDate": _day_start(calloff.period_starts_on),
            "endDate": _day_end(calloff.period_ends_on),
        },
    }
    if calloff.route_reason:
        tender["procurementMethodRationale"] = calloff.route_reason
    award_criteria, award_criteria_details = _criteria(calloff)
    if award_criteria:
        tender["awardCriteria"] = award_criteria
    if award_criteria_details:
        tender["awardCriteriaDetails"] = award_criteria_details
    if calloff.cancelled_at is not None:
        tender["statusDetails"] = calloff.cancel_reason
    elif calloff.on_hold_since is not None:
        tender["statusDetails"] = "Stanset etter klage"

    if is_mini and calloff.published_at is not None:
        if calloff.offer_deadline_at is not None:
            tender["tenderPeriod"] = {
                "startDate": _iso(calloff.published_at),
                "endDate": _iso(calloff.offer_deadline_at),
            }
        if calloff.questions_deadline_at is not None:
            tender["enquiryPeriod"] = {
                "startDate": _iso(calloff.published_at),
                "endDate": _iso(calloff.questions_deadline_at),
            }
        tender["hasEnquiries"] = calloff.questions.exists()

    if is_mini and calloff.offers_opened_at is not None:
        # After opening only: how many offered and who (never what).
        offers = (
            Offer.objects.filter(calloff=calloff, withdrawn_at__isnull=True)
            .select_related("supplier")
            .order_by("supplier__name")
        )
        tenderers = [offer.supplier for offer in offers]
        tender["numberOfTenderers"] = len(tenderers)
        tender["tenderers"] = [_ref(s) for s in tenderers]
        for supplier in tenderers:
            parties.append(_party(supplier, ["tenderer"]))

    award = _award_or_none(calloff)
    awards: list[dict[str, Any]] = []
    contracts: list[dict[str, Any]] = []
    if award is not None and _has_award(calloff):
        assert calloff.award_notice_sent_at is not None
        # Framework guidance: a call-off without reopened competition has award.id = tender.id.
        award_id = calloff.reference if not is_mini else f"{calloff.reference}-tildeling"
        supplier_party = next((p for p in parties if p["id"] == _party_id(award.supplier.orgnr)), None)
        if supplier_party is None:
            parties.append(_party(award.supplier, ["supplier"]))
        else:
            supplier_party["roles"].append("supplier")
        awards.append(
            {
                "id": award_id,
                "title": calloff.title,
                "status": _award_status(state),
                "date": _iso(award.decided_at),
                "value": _value(award.value_amount),
                "suppliers": [_ref(award.supplier)],
                "contractPeriod": tender["contractPeriod"],
            }
        )
        if calloff.has_standstill and calloff.standstill_ends_at is not None:
            tender["standstillPeriod"] = {
                "startDate": _iso(calloff.award_notice_sent_at),
                "endDate": _iso(calloff.standstill_ends_at),
            }
        if calloff.contract_signed_at is not None:
            contracts.append(
                {
                    "id": f"{calloff.reference}-kontrakt",
                    "awardID": award_id,
                    "title": calloff.title,
                    "status": "cancelled" if calloff.cancelled_at is not None else "active",
                    "period": tender["contractPeriod"],
                    "value": _value(award.value_amount),
                    "dateSigned": _iso(calloff.contract_signed_at),
                }
            )

    framework = calloff.framework
    lot = calloff.lot
    release: dict[str, Any] = {
        "ocid": ocid,
        "id": f"{ocid}-{date.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}",
        "date": _iso(date),
        "tag": _tags(state, calloff),
        "initiationType": "tender",
        "language": "nb",
        "parties": parties,
        "buyer": _ref(buyer),
        "relatedProcesses": [
            {
                "id": "1",
                "relationship": ["framework"],
                "title": f"{framework.name}, delkontrakt {lot.number}: {lot.title}",
                "scheme": "internal",
                "identifier": framework.reference,
            }
        ],
        "tender": tender,
    }
    if awards:
        release["awards"] = awards
    if contracts:
        release["contracts"] = contracts
    return release


def _package(releases: list[dict[str, Any]], *, uri: str) -> dict[str, Any]:
    published = max((r["date"] for r in releases), default=None)
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "extensions": [COMPETITIVE_EXTENSION],
        "publishedDate": published,
        "publisher": {"name": PUBLISHER_NAME, "scheme": ORG_SCHEME, "uid": PUBLISHER_ORGNR},
        "license": LICENSE_URI,
        "releases": releases,
    }


def _base_uri() -> str:
    return str(getattr(settings, "MPS_OCDS_BASE_URI", "http://127.0.0.1:8000")).rstrip("/")


def release_package(calloff: CallOff, *, now: dt.datetime) -> dict[str, Any]:
    """The OCDS release package of one call-off (one compiled-style release)."""
    return _package(
        [calloff_release(calloff, now=now)], uri=f"{_base_uri()}/api/v1/calloffs/{calloff.pk}/ocds"
    )


def release_package_many(calloffs: list[CallOff], *, now: dt.datetime) -> dict[str, Any]:
    """One package with the release of every call-off given (for `mps ocds export --output -`)."""
    return _package(
        [calloff_release(c, now=now) for c in calloffs], uri=f"{_base_uri()}/api/v1/calloffs/ocds"
    )


# --- validation ------------------------------------------------------------------------------


@cache
def _validator() -> Any:
    from jsonschema import Draft4Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    package_schema = json.loads((SCHEMA_DIR / "release-package-schema.json").read_text(encoding="utf-8"))
    release_schema = json.loads((SCHEMA_DIR / "release-schema.json").read_text(encoding="utf-8"))
    registry: Registry = Registry().with_resources(
        [
            (package_schema["id"], Resource.from_contents(package_schema, default_specification=DRAFT4)),
            (release_schema["id"], Resource.from_contents(release_schema, default_specification=DRAFT4)),
        ]
    )
    return Draft4Validator(package_schema, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)


def release_package_errors(package: dict[str, Any]) -> list[str]:
    """Schema errors of a release package (empty when valid), validated offline against the copied schemas."""
    errors = sorted(
        _validator().iter_errors(package), key=lambda e: ([str(p) for p in e.absolute_path], e.message)
    )
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}" for error in errors
    ]
