"""Term checks against the MPS baseline: one per framework contract (MPS category managers and admins) or per service
in use (the buyer organisation's privacy officers and org admins). Saving replaces the topics' answers in one
transaction and appends one audit event with the statuses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.catalogue.models import Contract
from marketplace.core.audit import audit_record
from marketplace.core.exceptions import PermissionDenied, ValidationFailed
from marketplace.privacy import baseline, terms_rules
from marketplace.privacy.models import ServiceInUse, TermCheck, TermCheckItem
from marketplace.privacy.permissions import can_check_contract_terms, can_work_on_privacy

MAX_NOTE = 4000


def answer_error_message(code: str, title: str) -> str:
    messages = {
        "unknown_topic": _("«%(topic)s» er ikke et tema i MPS-grunnlaget."),
        "missing_status": _("%(topic)s: velg oppfyller, avviker eller mangler."),
        "unknown_status": _("%(topic)s: ukjent status."),
        "deviation_text_required": _("%(topic)s: beskriv avviket fra MPS-grunnlaget."),
        "text_too_long": _("%(topic)s: teksten kan ha høyst 2000 tegn."),
    }
    return messages[code] % {"topic": title}


def term_check_save(
    *,
    actor: Any,
    answers: Mapping[str, tuple[str, str]],
    contract: Contract | None = None,
    service_in_use: ServiceInUse | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> TermCheck:
    """Record (or replace) the check of a contract or of a service in use. `answers`: topic → (status, text)."""
    if (contract is None) == (service_in_use is None):
        raise ValueError("term_check_save needs exactly one of contract and service_in_use")
    if contract is not None and not can_check_contract_terms(actor):
        raise PermissionDenied(
            _("Bare kategoriansvarlige og MPS-administratorer vurderer rammeavtalekontrakter.")
        )
    organisation = service_in_use.organisation if service_in_use is not None else None
    if service_in_use is not None and not can_work_on_privacy(actor, organisation):
        raise PermissionDenied(
            _("Bare personvernansvarlig eller virksomhetsadministrator i virksomheten kan vurdere vilkårene.")
        )
    now = now or timezone.now()
    clean, problems = terms_rules.answers_validate(answers)
    errors = []
    for problem in problems:
        title = (
            baseline.topic(problem.topic)["title"]
            if problem.topic in terms_rules.topic_keys()
            else problem.topic
        )
        errors.append({"field": problem.topic, "message": answer_error_message(problem.code, title)})
    note = note.strip()
    if len(note) > MAX_NOTE:
        errors.append({"field": "note", "message": _("Merknaden kan ha høyst 4000 tegn.")})
    if errors:
        raise ValidationFailed(_("Vilkårsvurderingen ble ikke lagret."), errors=errors)
    with transaction.atomic():
        if contract is not None:
            check, created = TermCheck.objects.select_for_update().get_or_create(
                contract=contract, defaults={"checked_by": actor, "checked_at": now, "note": note}
            )
        else:
            check, created = TermCheck.objects.select_for_update().get_or_create(
                service_in_use=service_in_use,
                defaults={"organisation": organisation, "checked_by": actor, "checked_at": now, "note": note},
            )
        if not created:
            check.checked_by, check.checked_at, check.note = actor, now, note
            check.save(update_fields=["checked_by", "checked_at", "note"])
            check.items.all().delete()
        TermCheckItem.objects.bulk_create(
            TermCheckItem(term_check=check, topic=a.topic, status=a.status, deviation_text=a.deviation_text)
            for a in clean
        )
        summary = terms_rules.summarise(a.status for a in clean)
        audit_record(
            actor=actor,
            verb="privacy.term_check_saved",
            target=check,
            organisation=organisation,
            data={
                "contract": contract.reference if contract is not None else None,
                "service_in_use_id": service_in_use.pk if service_in_use is not None else None,
                "statuses": {a.topic: a.status for a in clean},
                "meets": summary.meets,
                "deviates": summary.deviates,
                "missing": summary.missing,
                "replaced": not created,
            },
            now=now,
        )
    return check
