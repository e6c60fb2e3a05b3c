"""Reminders by e-mail before and after call-off deadlines (see `rules.reminders` for which and when).

Idempotent: each reminder sent is an audit event `reminder.sent` on the call-off with its key in `data["key"]`; a key
already recorded is never sent again. The call-off row is locked while checking, so two workers cannot both send.
The e-mail goes out after the transaction commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.accounts.models import Membership, Organisation, Role
from marketplace.calloffs import permissions
from marketplace.calloffs.models import CallOff, Invitation, Offer
from marketplace.calloffs.rules.reminders import (
    OFFER_DEADLINE,
    QUESTIONS_UNANSWERED,
    STANDSTILL_ENDED,
    ReminderFacts,
    reminder_key,
    reminder_run_times,
    reminders_due,
)
from marketplace.calloffs.rules.state import CallOffTimes
from marketplace.core.audit import audit_record
from marketplace.core.deadlines import OSLO
from marketplace.core.models import AuditEvent

REMINDER_VERB = "reminder.sent"


@dataclass(frozen=True)
class Reminder:
    key: str
    kind: str
    organisation: Organisation
    roles: tuple[str, ...]
    subject: str
    body: str


def reminder_facts(calloff: CallOff) -> ReminderFacts:
    return ReminderFacts(
        times=CallOffTimes.of(calloff),
        questions_deadline_at=calloff.questions_deadline_at,
        has_unanswered_questions=calloff.questions.filter(answered_at__isnull=True).exists(),
    )


def calloff_reminder_run_times(calloff: CallOff, *, now: dt.datetime) -> list[dt.datetime]:
    return reminder_run_times(reminder_facts(calloff), now)


def _local(value: dt.datetime) -> str:
    return value.astimezone(OSLO).strftime("%d.%m.%Y kl. %H:%M")


def _reminders(calloff: CallOff, kinds: list[str]) -> list[Reminder]:
    out: list[Reminder] = []
    label = f"{calloff.reference} {calloff.title}"
    if OFFER_DEADLINE in kinds:
        assert calloff.offer_deadline_at is not None
        deadline = _local(calloff.offer_deadline_at)
        offered = Offer.objects.filter(calloff=calloff, withdrawn_at__isnull=True).values_list(
            "supplier_id", flat=True
        )
        invitations = (
            Invitation.objects.filter(calloff=calloff, invited_at__isnull=False, excluded_reason="")
            .exclude(supplier_id__in=list(offered))
            .select_related("supplier")
            .order_by("supplier__name")
        )
        for invitation in invitations:
            out.append(
                Reminder(
                    key=reminder_key(OFFER_DEADLINE, calloff.offer_deadline_at, invitation.supplier_id),
                    kind=OFFER_DEADLINE,
                    organisation=invitation.supplier,
                    roles=tuple(permissions.BIDDER_ROLES),
                    subject=_("Påminnelse: tilbudsfristen i %(calloff)s går ut %(deadline)s")
                    % {"calloff": calloff.reference, "deadline": deadline},
                    body=_(
                        "Virksomheten deres er invitert til minikonkurransen %(calloff)s og har ikke levert tilbud. "
                        "Tilbudsfristen er %(deadline)s (norsk tid). Tilbud som kommer etter fristen, kan ikke tas "
                        "med."
                    )
                    % {"calloff": label, "deadline": deadline},
                )
            )
    if QUESTIONS_UNANSWERED in kinds:
        assert calloff.questions_deadline_at is not None
        count = calloff.questions.filter(answered_at__isnull=True).count()
        out.append(
            Reminder(
                key=reminder_key(QUESTIONS_UNANSWERED, calloff.questions_deadline_at),
                kind=QUESTIONS_UNANSWERED,
                organisation=calloff.buyer,
                roles=(Role.BUYER,),
                subject=_("Ubesvarte spørsmål i %(calloff)s") % {"calloff": calloff.reference},
                body=_(
                    "Fristen for spørsmål i %(calloff)s gikk ut %(deadline)s, og %(count)s spørsmål er ikke besvart. "
                    "Svar sendes til alle inviterte leverandører."
                )
                % {"calloff": label, "deadline": _local(calloff.questions_deadline_at), "count": count},
            )
        )
    if STANDSTILL_ENDED in kinds:
        assert calloff.standstill_ends_at is not None
        out.append(
            Reminder(
                key=reminder_key(STANDSTILL_ENDED, calloff.standstill_ends_at),
                kind=STANDSTILL_ENDED,
                organisation=calloff.buyer,
                roles=(Role.BUYER,),
                subject=_("Karensperioden i %(calloff)s er utløpt") % {"calloff": calloff.reference},
                body=_(
                    "Karensperioden i %(calloff)s utløp %(deadline)s. Kontrakten kan nå signeres, med mindre en "
                    "klage gjør at dere bør vente."
                )
                % {"calloff": label, "deadline": _local(calloff.standstill_ends_at)},
            )
        )
    return out


def _recipients(organisation: Organisation, roles: tuple[str, ...]) -> list[str]:
    emails = (
        Membership.objects.filter(organisation=organisation, role__in=roles, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
        .distinct()
    )
    return sorted(set(emails))


def _sent_keys(calloff: CallOff) -> set[str]:
    rows = AuditEvent.objects.filter(
        verb=REMINDER_VERB, target_type=CallOff._meta.label_lower, target_id=str(calloff.pk)
    ).values_list("data", flat=True)
    return {row.get("key", "") for row in rows if isinstance(row, dict)}


def calloff_reminders_send(*, calloff_id: int, now: dt.datetime | None = None) -> list[str]:
    """Send the reminders due now that were not sent before; return their keys. A missing call-off sends nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        calloff = CallOff.objects.select_for_update().filter(pk=calloff_id).first()
        if calloff is None:
            return []
        calloff = CallOff.objects.select_related("buyer").get(pk=calloff_id)
        kinds = reminders_due(reminder_facts(calloff), now)
        if not kinds:
            return []
        already = _sent_keys(calloff)
        messages: list[tuple[str, str, str, list[str]]] = []
        sent: list[str] = []
        for reminder in _reminders(calloff, kinds):
            if reminder.key in already:
                continue
            recipients = _recipients(reminder.organisation, reminder.roles)
            audit_record(
                actor=None,
                verb=REMINDER_VERB,
                target=calloff,
                organisation=reminder.organisation,
                data={"key": reminder.key, "kind": reminder.kind, "recipients": len(recipients)},
                now=now,
            )
            messages.extend(
                (reminder.subject, reminder.body, settings.DEFAULT_FROM_EMAIL, [email])
                for email in recipients
            )
            sent.append(reminder.key)
        if messages:
            batch = tuple(messages)
            transaction.on_commit(lambda: send_mass_mail(batch, fail_silently=False))
    return sent


def _candidates() -> QuerySet[CallOff]:
    """Call-offs where a reminder can still fall due: published or notified, not signed, not cancelled."""
    from django.db.models import Q

    return (
        CallOff.objects.filter(cancelled_at__isnull=True, contract_signed_at__isnull=True)
        .filter(Q(published_at__isnull=False) | Q(award_notice_sent_at__isnull=False))
        .order_by("pk")
    )


def calloffs_reminders_sweep(*, now: dt.datetime | None = None) -> dict[str, Any]:
    """Send every reminder that is due (the periodic `mps calloffs tick`). Safe to run as often as you like."""
    now = now or timezone.now()
    keys: list[str] = []
    checked = 0
    for calloff_id in _candidates().values_list("pk", flat=True):
        checked += 1
        keys.extend(calloff_reminders_send(calloff_id=calloff_id, now=now))
    return {"checked": checked, "sent": len(keys), "keys": keys}
