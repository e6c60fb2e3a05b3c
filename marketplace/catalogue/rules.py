"""Pure catalogue rules: the listing workflow, data residency, supplier HTML, certificate expiry, fact diffs.

No Django imports. Services call these and turn the codes into Norwegian messages.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import nh3

# --- listing workflow ---------------------------------------------------------------------------------------------

DRAFT = "draft"
SUBMITTED = "submitted"
PUBLISHED = "published"
WITHDRAWN = "withdrawn"

EDIT = "edit"
SUBMIT = "submit"
APPROVE = "approve"
RETURN = "return"
WITHDRAW = "withdraw"


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    needs_pending: bool = False  # only allowed when a published service has edits waiting for approval


# draft → submitted → published → withdrawn. A published service keeps its status while edits wait in
# `pending_changes`; approving applies them (a new version), returning discards them with a reason.
TRANSITIONS: tuple[Transition, ...] = (
    Transition(DRAFT, EDIT, DRAFT),
    Transition(DRAFT, SUBMIT, SUBMITTED),
    Transition(DRAFT, WITHDRAW, WITHDRAWN),
    Transition(SUBMITTED, APPROVE, PUBLISHED),
    Transition(SUBMITTED, RETURN, DRAFT),
    Transition(SUBMITTED, WITHDRAW, WITHDRAWN),
    Transition(PUBLISHED, EDIT, PUBLISHED),
    Transition(PUBLISHED, APPROVE, PUBLISHED, needs_pending=True),
    Transition(PUBLISHED, RETURN, PUBLISHED, needs_pending=True),
    Transition(PUBLISHED, WITHDRAW, WITHDRAWN),
)


class TransitionNotAllowed(Exception):
    def __init__(self, status: str, action: str) -> None:
        super().__init__(f"{action} is not allowed from {status}")
        self.status = status
        self.action = action


def transition_target(status: str, action: str, *, has_pending: bool = False) -> str:
    """The status after `action`, or TransitionNotAllowed."""
    for transition in TRANSITIONS:
        if transition.source == status and transition.action == action:
            if transition.needs_pending and not has_pending:
                break
            return transition.target
    raise TransitionNotAllowed(status, action)


def transition_allowed(status: str, action: str, *, has_pending: bool = False) -> bool:
    try:
        transition_target(status, action, has_pending=has_pending)
    except TransitionNotAllowed:
        return False
    return True


def is_awaiting_approval(status: str, has_pending: bool) -> bool:
    return status == SUBMITTED or (status == PUBLISHED and has_pending)


# --- contracts ----------------------------------------------------------------------------------------------------


def contract_is_valid(valid_from: date, valid_to: date, today: date) -> bool:
    return valid_from <= today <= valid_to


# --- data residency -----------------------------------------------------------------------------------------------

EU27 = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)
EEA = EU27 | {"NO", "IS", "LI"}

RESIDENCY_NORWAY = "norway"
RESIDENCY_EEA = "eea"
RESIDENCY_THIRD_COUNTRY = "third_country"

_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")


def country_code_clean(value: str) -> str | None:
    """Upper-case ISO 3166-1 alpha-2 code, or None when it is not two letters."""
    code = (value or "").strip().upper()
    return code if _COUNTRY_RE.match(code) else None


def data_residency(countries: Iterable[str]) -> str:
    """Norway only → norway; all in the EEA → eea; any other country, or none stated → third_country."""
    codes = {code.strip().upper() for code in countries if code and code.strip()}
    if not codes:
        return RESIDENCY_THIRD_COUNTRY
    if codes == {"NO"}:
        return RESIDENCY_NORWAY
    if codes <= EEA:
        return RESIDENCY_EEA
    return RESIDENCY_THIRD_COUNTRY


# --- supplier HTML ------------------------------------------------------------------------------------------------

ALLOWED_TAGS = frozenset({"p", "ul", "ol", "li", "strong", "em", "a", "h3", "h4", "br"})
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})


def html_sanitise(value: str) -> str:
    """Keep a small set of tags; links get rel=noopener; script, style and event attributes are gone."""
    if not value:
        return ""
    return nh3.clean(
        value,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener",
        strip_comments=True,
    ).strip()


# --- certifications -----------------------------------------------------------------------------------------------

CERT_VALID = "valid"
CERT_EXPIRING = "expiring"
CERT_EXPIRED = "expired"
EXPIRY_WARNING_DAYS = 60


def certification_status(valid_until: date, today: date, *, warning_days: int = EXPIRY_WARNING_DAYS) -> str:
    """Expired the day after `valid_until`; expiring when it ends within `warning_days`."""
    if valid_until < today:
        return CERT_EXPIRED
    if valid_until <= today + timedelta(days=warning_days):
        return CERT_EXPIRING
    return CERT_VALID


# --- facts, diffs, submission checks ------------------------------------------------------------------------------


def facts_diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Changed keys in name order: [{"field", "old", "new"}]. Keys missing on one side count as None."""
    return [
        {"field": key, "old": old.get(key), "new": new.get(key)}
        for key in sorted(set(old) | set(new))
        if old.get(key) != new.get(key)
    ]


def facts_changed(current: Mapping[str, Any], proposed: Mapping[str, Any]) -> dict[str, Any]:
    """The proposed values that differ from the current ones."""
    return {key: value for key, value in proposed.items() if current.get(key) != value}


MISSING_SUMMARY = "missing_summary"
MISSING_DATA_LOCATION = "missing_data_location"
MISSING_WCAG = "missing_wcag_statement"
MISSING_CYBERX_PHASE = "missing_cyberx_phase"


def submission_problems(facts: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(field, code) for what a listing lacks before a category manager can review it."""
    problems: list[tuple[str, str]] = []
    if not str(facts.get("summary") or "").strip():
        problems.append(("summary", MISSING_SUMMARY))
    if facts.get("service_model") != "advisory" and not facts.get("data_locations"):
        problems.append(("data_locations", MISSING_DATA_LOCATION))
    if facts.get("service_model") == "saas" and not facts.get("wcag_statement_url"):
        problems.append(("wcag_statement_url", MISSING_WCAG))
    if facts.get("service_model") == "security" and not facts.get("cyberx_phase"):
        problems.append(("cyberx_phase", MISSING_CYBERX_PHASE))
    return problems


_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text_safe(value: str) -> str:
    """Text a spreadsheet will not run as a formula (CSV injection): a leading = + - @ tab or CR gets a quote."""
    return "'" + value if value.startswith(_FORMULA_PREFIXES) else value


def content_hash(canonical_text: str) -> str:
    return hashlib.sha256(canonical_text.encode("utf-8")).hexdigest()
