"""Adequacy decisions (GDPR art. 45) from the dated table in data/adequacy.json, with scope qualifiers.

EEA destinations are not transfers. The United States is adequate only for recipients self-certified under the
EU-US Data Privacy Framework; Canada only for commercial organisations under PIPEDA.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

EEA = "eea"
ADEQUATE = "adequate"
NOT_ADEQUATE = "not_adequate"

SCOPE_FULL = "full"
SCOPE_DPF = "dpf"
SCOPE_COMMERCIAL = "commercial"


@dataclass(frozen=True)
class AdequacyEntry:
    country: str
    scope: str
    act: str
    adopted_on: dt.date
    valid_until: dt.date | None = None
    scope_note: str = ""


@dataclass(frozen=True)
class AdequacyTable:
    """`entries` holds every decision per country, oldest first (e.g. the UK's 2021 decision and its renewal)."""

    as_of: dt.date
    eea: frozenset[str]
    entries: dict[str, tuple[AdequacyEntry, ...]]
    sources: tuple[str, ...]
    notes: tuple[str, ...] = ()

    def in_force(self, country: str, on: dt.date) -> AdequacyEntry | None:
        """The decision for `country` in force on `on` (adopted on or before, not expired), if any."""
        for entry in reversed(self.entries.get(country.upper(), ())):
            if entry.adopted_on <= on and (entry.valid_until is None or on <= entry.valid_until):
                return entry
        return None


@dataclass(frozen=True)
class AdequacyDecision:
    outcome: str  # EEA, ADEQUATE or NOT_ADEQUATE
    country: str
    reason: str
    act: str = ""

    @property
    def is_transfer(self) -> bool:
        return self.outcome != EEA

    @property
    def needs_tia(self) -> bool:
        """A third-country transfer without adequacy: the six EDPB steps apply."""
        return self.outcome == NOT_ADEQUATE


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def table_from_dict(raw: dict[str, Any]) -> AdequacyTable:
    entries: dict[str, list[AdequacyEntry]] = {}
    for item in raw["decisions"]:
        adopted = _date(item["adopted_on"])
        assert adopted is not None
        entries.setdefault(item["country"], []).append(
            AdequacyEntry(
                country=item["country"],
                scope=item["scope"],
                act=item["act"],
                adopted_on=adopted,
                valid_until=_date(item.get("valid_until")),
                scope_note=item.get("scope_note", ""),
            )
        )
    as_of = _date(raw["as_of"])
    assert as_of is not None
    return AdequacyTable(
        as_of=as_of,
        eea=frozenset(raw["eea"]),
        entries={code: tuple(sorted(items, key=lambda e: e.adopted_on)) for code, items in entries.items()},
        sources=tuple(raw.get("sources", [])),
        notes=tuple(raw.get("notes", [])),
    )


@cache
def default_table() -> AdequacyTable:
    with (DATA_DIR / "adequacy.json").open(encoding="utf-8") as handle:
        return table_from_dict(json.load(handle))


@cache
def country_names() -> dict[str, str]:
    with (DATA_DIR / "countries.json").open(encoding="utf-8") as handle:
        return dict(json.load(handle)["codes"])


def country_code_clean(value: str) -> str | None:
    """The ISO 3166-1 alpha-2 code in upper case, or None when it is not an assigned code."""
    code = (value or "").strip().upper()
    return code if code in country_names() else None


def decide(
    country: str,
    *,
    on: dt.date,
    is_dpf_certified: bool = False,
    is_commercial: bool = True,
    table: AdequacyTable | None = None,
) -> AdequacyDecision:
    """Whether data sent to a recipient in `country` on date `on` is covered (EEA, adequacy) or needs a tool."""
    table = table or default_table()
    code = country.upper()
    if code in table.eea:
        return AdequacyDecision(EEA, code, "EØS: ikke overføring til tredjeland")
    history = table.entries.get(code, ())
    if not history:
        return AdequacyDecision(NOT_ADEQUATE, code, "Ingen beslutning om tilstrekkelig beskyttelsesnivå")
    entry = table.in_force(code, on)
    if entry is None:
        first = history[0]
        if on < first.adopted_on:
            return AdequacyDecision(
                NOT_ADEQUATE, code, "Beslutningen var ikke vedtatt på vurderingsdatoen", first.act
            )
        latest = [item for item in history if item.adopted_on <= on][-1]
        return AdequacyDecision(NOT_ADEQUATE, code, "Beslutningen var utløpt på vurderingsdatoen", latest.act)
    if entry.scope == SCOPE_DPF and not is_dpf_certified:
        return AdequacyDecision(
            NOT_ADEQUATE, code, "USA: mottakeren er ikke sertifisert under Data Privacy Framework", entry.act
        )
    if entry.scope == SCOPE_COMMERCIAL and not is_commercial:
        return AdequacyDecision(
            NOT_ADEQUATE,
            code,
            "Canada: beslutningen gjelder bare kommersielle organisasjoner (PIPEDA)",
            entry.act,
        )
    reason = "Beslutning om tilstrekkelig beskyttelsesnivå"
    if entry.scope == SCOPE_DPF:
        reason = "USA: mottakeren er sertifisert under Data Privacy Framework"
    elif entry.scope == SCOPE_COMMERCIAL:
        reason = "Canada: kommersiell organisasjon omfattet av PIPEDA"
    return AdequacyDecision(ADEQUATE, code, reason, entry.act)
