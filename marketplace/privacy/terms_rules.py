"""Balanced contract terms, pure: the MPS baseline topics (data/terms_baseline.json), the check of one contract or
service in use against them, the balance matrix per framework and guidance on which state standard agreement fits.

No Django here. Errors and reasons come back as codes; the services and views put Norwegian words on them.
Sources: procurement-rules.md §6.1 (the agreements) and §6.2 (negotiation and deviation topics); cyber-privacy.md B6.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

BASELINE_PATH = Path(__file__).resolve().parent / "data" / "terms_baseline.json"

MEETS, DEVIATES, MISSING = "meets", "deviates", "missing"
STATUSES = (MEETS, DEVIATES, MISSING)
MAX_DEVIATION_CHARS = 2000


@cache
def baseline() -> dict[str, Any]:
    """The baseline as stored (topics in their order, each with title, baseline text and sources; CMA flags)."""
    with BASELINE_PATH.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def topic_keys() -> tuple[str, ...]:
    return tuple(topic["key"] for topic in baseline()["topics"])


def topic(key: str) -> dict[str, Any]:
    for entry in baseline()["topics"]:
        if entry["key"] == key:
            return dict(entry)
    raise KeyError(key)


# --- one check ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicAnswer:
    topic: str
    status: str
    deviation_text: str = ""


@dataclass(frozen=True)
class AnswerError:
    topic: str
    code: (
        str  # "unknown_topic", "missing_status", "unknown_status", "deviation_text_required", "text_too_long"
    )


def answers_validate(answers: Mapping[str, tuple[str, str]]) -> tuple[list[TopicAnswer], list[AnswerError]]:
    """Every baseline topic needs a status; a deviation needs its text; text on "meets"/"missing" is kept as a note.

    `answers` maps topic key → (status, deviation text). Returns the clean answers in baseline order and every error.
    """
    keys = topic_keys()
    errors = [AnswerError(key, "unknown_topic") for key in answers if key not in keys]
    clean: list[TopicAnswer] = []
    for key in keys:
        status, text = answers.get(key, ("", ""))
        status = (status or "").strip()
        text = (text or "").strip()
        if not status:
            errors.append(AnswerError(key, "missing_status"))
        elif status not in STATUSES:
            errors.append(AnswerError(key, "unknown_status"))
        elif status == DEVIATES and not text:
            errors.append(AnswerError(key, "deviation_text_required"))
        elif len(text) > MAX_DEVIATION_CHARS:
            errors.append(AnswerError(key, "text_too_long"))
        else:
            clean.append(TopicAnswer(key, status, text))
    return clean, errors


@dataclass(frozen=True)
class CheckSummary:
    meets: int
    deviates: int
    missing: int

    @property
    def total(self) -> int:
        return self.meets + self.deviates + self.missing


def summarise(statuses: Iterable[str]) -> CheckSummary:
    values = list(statuses)
    return CheckSummary(values.count(MEETS), values.count(DEVIATES), values.count(MISSING))


# --- balance matrix -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixRow:
    topic: str
    statuses: tuple[str, ...]  # one per column (contract); "" when that contract has no check
    meets: int
    deviates: int
    missing: int
    unchecked: int


@dataclass(frozen=True)
class BalanceMatrix:
    columns: tuple[str, ...]  # contract labels, in the order given
    rows: tuple[MatrixRow, ...]
    totals: CheckSummary
    unchecked_columns: tuple[str, ...] = field(default=())


def balance_matrix(columns: Iterable[tuple[str, Mapping[str, str] | None]]) -> BalanceMatrix:
    """Topics × contracts. `columns` is (contract label, {topic: status} or None when the contract is not checked)."""
    cols = list(columns)
    rows = []
    for key in topic_keys():
        statuses = tuple((found or {}).get(key, "") for _, found in cols)
        rows.append(
            MatrixRow(
                topic=key,
                statuses=statuses,
                meets=statuses.count(MEETS),
                deviates=statuses.count(DEVIATES),
                missing=statuses.count(MISSING),
                unchecked=statuses.count(""),
            )
        )
    totals = CheckSummary(
        sum(row.meets for row in rows), sum(row.deviates for row in rows), sum(row.missing for row in rows)
    )
    return BalanceMatrix(
        columns=tuple(label for label, _ in cols),
        rows=tuple(rows),
        totals=totals,
        unchecked_columns=tuple(label for label, found in cols if found is None),
    )


# --- which SSA fits -------------------------------------------------------------------------------------------------

SSA_SKY, SSA_LILLE_SKY, SSA_L = "ssa_sky", "ssa_lille_sky", "ssa_l"
SSA_SOURCE = (
    "DFØ (anskaffelser.no): SSA-sky (den store og lille skyavtalen); Velg riktig statens standardavtale"
)


@dataclass(frozen=True)
class SsaAnswers:
    needs_partner_services: (
        bool  # advice, establishment, integrations, migration and management of a complex solution
    )
    buys_cloud_services: bool  # the cloud services (licences) themselves, with simple extras at most
    needs_customisation: (
        bool  # a solution adapted to the customer: specification, training, new versions of extras
    )
    licences_bought_separately: bool  # e.g. through a framework agreement
    is_private_cloud: bool


@dataclass(frozen=True)
class SsaGuidance:
    agreement: str | None  # SSA_SKY, SSA_LILLE_SKY, SSA_L or None (nothing answered)
    reasons: tuple[str, ...]  # codes, in the order they apply
    source: str = SSA_SOURCE


def ssa_guidance(answers: SsaAnswers) -> SsaGuidance:
    """The state standard agreement that fits the purchase (procurement-rules.md §6.1).

    - SSA-sky (skypartneravtalen): services to establish and manage complex cloud solutions (advice, establishment,
      integrations, migration, management under an SLA); the buyer normally buys the licences separately.
    - SSA-L: a cloud-based solution adapted to the customer, with its licences.
    - SSA-lille sky: cloud services (licences) with simple extras (configuration, conversion, integrations).
    """
    reasons: list[str] = []
    if answers.needs_partner_services:
        reasons.append("partner_services")
        if not answers.licences_bought_separately:
            reasons.append("partner_may_supply_licences")
        if answers.needs_customisation:
            reasons.append("customisation_with_partner")
        return SsaGuidance(SSA_SKY, tuple(reasons))
    if answers.needs_customisation:
        reasons.append("customised_solution")
        if not answers.is_private_cloud:
            reasons.append("ssa_l_public_cloud_caution")
        return SsaGuidance(SSA_L, tuple(reasons))
    if answers.buys_cloud_services:
        reasons.append("standard_cloud_services")
        return SsaGuidance(SSA_LILLE_SKY, tuple(reasons))
    return SsaGuidance(None, ("nothing_answered",))
