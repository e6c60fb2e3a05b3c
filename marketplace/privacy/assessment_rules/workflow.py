"""Assessment states: draft → in review → signed off. Editing a signed-off assessment starts a new version."""

from __future__ import annotations

import datetime as dt


def gettext_noop(message: str) -> str:
    """Marks a message for extraction (makemessages looks for this name); callers translate it with gettext."""
    return message


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


def sign_off_problems(
    *,
    state: str,
    dpo_opinion: str,
    has_processing: bool,
    open_high_findings: int = 0,
    accepts_residual_risk: bool = False,
) -> list[tuple[str, str]]:
    """(field, message) for what stops a sign-off.

    High-severity findings still open do not forbid it (the organisation may accept the residual risk, as the EDPB
    steps allow), but the one signing off must say so explicitly.
    """
    problems: list[tuple[str, str]] = []
    if state != IN_REVIEW:
        problems.append(
            ("state", gettext_noop("Vurderingen må være til gjennomgang før den kan godkjennes."))
        )
    if not dpo_opinion.strip():
        problems.append(("dpo_opinion", gettext_noop("Personvernombudets uttalelse mangler.")))
    if not has_processing:
        problems.append(
            (
                "processing",
                gettext_noop("Registrer minst én behandling (formål og kategori) før godkjenning."),
            )
        )
    if open_high_findings and not accepts_residual_risk:
        problems.append(
            (
                "accept_residual_risk",
                gettext_noop(
                    "Vurderingen har alvorlige funn som ikke er lukket. Lukk dem, eller bekreft at "
                    "personvernombudet har vurdert dem og at virksomheten godtar restrisikoen."
                ),
            )
        )
    return problems


def date_problems(
    *,
    assessed_on: dt.date,
    review_on: dt.date | None,
    today: dt.date | None = None,
    previous_review_on: dt.date | None = None,
) -> list[tuple[str, str]]:
    """A review date must come after the assessment date and, when it is set or changed, not lie in the past."""
    if review_on is None:
        return []
    if review_on <= assessed_on:
        return [("review_on", gettext_noop("Revisjonsdatoen må være etter vurderingsdatoen."))]
    if today is not None and review_on < today and review_on != previous_review_on:
        return [("review_on", gettext_noop("Revisjonsdatoen kan ikke være tilbake i tid."))]
    return []
