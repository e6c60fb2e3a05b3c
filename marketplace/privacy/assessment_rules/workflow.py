"""Assessment states: draft → in review → signed off. Editing a signed-off assessment starts a new version."""

from __future__ import annotations

import datetime as dt

DRAFT = "draft"
IN_REVIEW = "in_review"
SIGNED_OFF = "signed_off"

TRANSITIONS: dict[str, frozenset[str]] = {
    DRAFT: frozenset({IN_REVIEW}),
    IN_REVIEW: frozenset({DRAFT, SIGNED_OFF}),
    SIGNED_OFF: frozenset(),
}


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def edit_starts_new_version(state: str) -> bool:
    return state == SIGNED_OFF


def sign_off_problems(*, state: str, dpo_opinion: str, has_processing: bool) -> list[tuple[str, str]]:
    """(field, message) for what stops a sign-off."""
    problems: list[tuple[str, str]] = []
    if state != IN_REVIEW:
        problems.append(("state", "Vurderingen må være til gjennomgang før den kan godkjennes."))
    if not dpo_opinion.strip():
        problems.append(("dpo_opinion", "Personvernombudets uttalelse mangler."))
    if not has_processing:
        problems.append(("processing", "Registrer minst én behandling (formål og kategori) før godkjenning."))
    return problems


def date_problems(*, assessed_on: dt.date, review_on: dt.date | None) -> list[tuple[str, str]]:
    if review_on is not None and review_on <= assessed_on:
        return [("review_on", "Revisjonsdatoen må være etter vurderingsdatoen.")]
    return []
