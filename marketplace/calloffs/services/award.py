"""Award for every route: the decision (four eyes), the simultaneous notices, standstill, complaints, signing.

- Winner: rank 1 of the latest evaluation (desk, mini-competition), or for a direct award the contract whose cascade
  step was accepted, once the route is justified.
- Notices: one per participant, all in one transaction with the same `sent_at`; e-mail after commit.
- Standstill (voluntary for call-offs): `core.deadlines.period_expires_at(sent_at, standstill_days)`.
- Signing is blocked until the standstill has expired and while a complaint holds the call-off.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from marketplace.accounts.models import Membership, Organisation
from marketplace.calloffs import permissions
from marketplace.calloffs.models import (
    Award,
    AwardNotice,
    CallOff,
    CascadeOutcome,
    CascadeStep,
    Complaint,
    Evaluation,
    Offer,
)
from marketplace.calloffs.permissions import BIDDER_ROLES
from marketplace.catalogue.models import Contract, CriterionKind, Mechanism
from marketplace.core import hooks
from marketplace.core.audit import audit_record
from marketplace.core.deadlines import OSLO, period_expires_at
from marketplace.core.exceptions import Conflict, PermissionDenied, ValidationFailed


def _at(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _locked(calloff: CallOff) -> CallOff:
    return CallOff.objects.select_for_update().select_related("buyer").get(pk=calloff.pk)


def oslo_text(instant: dt.datetime) -> str:
    """A UTC instant as Oslo time for people; 00:00 is shown as 24:00 on the day before (how deadlines are read)."""
    local = instant.astimezone(OSLO)
    if local.time() == dt.time(0, 0):
        day = local.date() - dt.timedelta(days=1)
        return f"{day:%d.%m.%Y} kl. 24.00"
    return f"{local:%d.%m.%Y} kl. {local:%H.%M}"


def _not_cancelled(calloff: CallOff) -> None:
    if calloff.cancelled_at is not None:
        raise Conflict(_("Avropet er avlyst."))


def latest_evaluation(calloff: CallOff) -> Evaluation | None:
    return calloff.evaluations.order_by("-computed_at", "-id").first()


# --- decision ------------------------------------------------------------------------------------------------------


def _winner_from_evaluation(calloff: CallOff) -> tuple[Evaluation, dict[str, Any]]:
    if calloff.evaluated_at is None:
        raise Conflict(
            _("Rangeringen er ikke beregnet (eller er utdatert etter endringer). Beregn den på nytt.")
        )
    evaluation = latest_evaluation(calloff)
    if evaluation is None or not evaluation.result.get("ranking"):
        raise Conflict(_("Det finnes ingen evaluering med rangerte tilbud."))
    first = [row for row in evaluation.result["ranking"] if row.get("rank") == 1]
    if len(first) != 1:
        raise Conflict(
            _("Flere tilbud står likt på første plass; likhetsregelen avgjør ikke hvem som vinner.")
        )
    return evaluation, first[0]


def award_decide(
    *,
    actor: Any,
    calloff: CallOff,
    justification: str,
    value_amount: Decimal | None = None,
    now: dt.datetime | None = None,
) -> Award:
    """The approver (not the call-off's creator) decides the award to the winner the route gives."""
    now = _at(now)
    justification = (justification or "").strip()
    if not permissions.can_decide_award(actor, calloff):
        raise PermissionDenied(
            _("Tildelingen besluttes av en godkjenner i virksomheten som ikke selv har opprettet avropet.")
        )
    if not justification:
        raise ValidationFailed(
            _("Begrunn tildelingsbeslutningen."), errors=[{"field": "justification", "message": "required"}]
        )
    if value_amount is not None and value_amount < 0:
        raise ValidationFailed(_("Kontraktsverdien kan ikke være negativ."))
    with transaction.atomic():
        calloff = _locked(calloff)
        _not_cancelled(calloff)
        if calloff.award_decided_at is not None or Award.objects.filter(calloff=calloff).exists():
            raise Conflict(_("Tildelingen er allerede besluttet."))
        evaluation = None
        offer = None
        if calloff.mechanism == Mechanism.DIRECT:
            if calloff.justified_at is None:
                raise Conflict(_("Direkte tildeling må begrunnes før beslutningen."))
            step = (
                CascadeStep.objects.filter(calloff=calloff, outcome=CascadeOutcome.ACCEPTED)
                .select_related("contract__supplier")
                .order_by("-recorded_at", "-id")
                .first()
            )
            if step is None:
                raise Conflict(_("Ingen leverandør i rangeringen har bekreftet at de kan levere."))
            contract = step.contract
            default_value = calloff.estimated_value_amount
        else:
            evaluation, winner = _winner_from_evaluation(calloff)
            contract = Contract.objects.select_related("supplier").get(pk=winner["contract_id"])
            if winner.get("offer_id"):
                offer = Offer.objects.get(pk=winner["offer_id"], calloff=calloff)
            default_value = Decimal(str(winner["price_amount"]))
        award = Award.objects.create(
            calloff=calloff,
            supplier=contract.supplier,
            contract=contract,
            offer=offer,
            evaluation=evaluation,
            value_amount=value_amount if value_amount is not None else default_value,
            justification=justification,
            decided_by=actor,
            decided_at=now,
        )
        calloff.award_decided_at = now
        calloff.save(update_fields=["award_decided_at"])
        audit_record(
            actor=actor,
            verb="award.decided",
            target=calloff,
            organisation=calloff.buyer,
            data={
                "award_id": award.pk,
                "supplier": contract.supplier.name,
                "contract": contract.reference,
                "value_amount": str(award.value_amount),
                "evaluation_id": evaluation.pk if evaluation else None,
                "inputs_hash": evaluation.inputs_hash if evaluation else None,
            },
            now=now,
        )
    return award


# --- notices -------------------------------------------------------------------------------------------------------


def _points(value: Any) -> str:
    return formats.number_format(Decimal(str(value)).quantize(Decimal("0.001")), 3)


def _money(value: Any) -> str:
    return formats.number_format(Decimal(str(value)), 2, use_l10n=True, force_grouping=True) + " kr"


def _criterion_points(row: dict[str, Any], criterion: dict[str, Any]) -> Decimal:
    points = (row.get("criteria") or {}).get(criterion["id"])
    if points is None and criterion["kind"] == CriterionKind.PRICE:
        points = row.get("price_points")
    return Decimal(str(points if points is not None else 0))


PRICE_ONLY = [{"id": "price", "name": "Pris", "kind": CriterionKind.PRICE, "weight_percent": "100"}]


def advantages(winner: dict[str, Any], own: dict[str, Any], criteria: list[dict[str, Any]]) -> list[str]:
    """The winner's relative advantages against the recipient's offer, criterion by criterion, in Norwegian."""
    lines = []
    for criterion in criteria:
        win, mine = _criterion_points(winner, criterion), _criterion_points(own, criterion)
        names = {"criterion": criterion["name"], "winner": _points(win), "own": _points(mine)}
        if criterion["kind"] == CriterionKind.PRICE:
            names |= {
                "winner_price": _money(winner["price_amount"]),
                "own_price": _money(own["price_amount"]),
            }
            if win > mine:
                lines.append(
                    _(
                        "Pris: vinnerens pris %(winner_price)s ga %(winner)s poeng mot %(own)s poeng for deres "
                        "pris %(own_price)s."
                    )
                    % names
                )
            elif win < mine:
                lines.append(
                    _("Pris: deres pris %(own_price)s ga flere poeng (%(own)s) enn vinnerens (%(winner)s).")
                    % names
                )
        elif win > mine:
            names["diff"] = _points(win - mine)
            lines.append(
                _(
                    "%(criterion)s: vinnerens tilbud ble vurdert høyere, %(winner)s mot %(own)s poeng "
                    "(%(diff)s poeng mer)."
                )
                % names
            )
        elif win < mine:
            lines.append(
                _("%(criterion)s: deres tilbud ble vurdert høyere, %(own)s mot vinnerens %(winner)s poeng.")
                % names
            )
    lines.append(
        _("Samlet vektet poengsum: vinneren %(winner)s, dere %(own)s.")
        % {"winner": _points(winner["total_points"]), "own": _points(own["total_points"])}
    )
    return lines


def _scores(row: dict[str, Any], criteria: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "rank": row.get("rank"),
        "price_amount": row.get("price_amount"),
        "price_points": row.get("price_points"),
        "total_points": row.get("total_points"),
        "criteria": [
            {
                "name": c["name"],
                "weight_percent": c["weight_percent"],
                "points": row.get("criteria", {}).get(c["id"]),
            }
            for c in criteria
        ],
    }


def _criteria_of(evaluation: Evaluation | None) -> list[dict[str, Any]]:
    if evaluation is None:
        return []
    criteria = evaluation.inputs.get("criteria")
    if isinstance(criteria, list):
        return [
            {
                "id": str(c["id"]),
                "name": c["name"],
                "kind": c.get("kind", ""),
                "weight_percent": c["weight_percent"],
            }
            for c in criteria
        ]
    return []


def _participants(calloff: CallOff, award: Award) -> list[tuple[Organisation, str]]:
    """(recipient, rejection reason or '') for everyone who gets a notice on this route."""
    if calloff.mechanism == Mechanism.DIRECT:
        return [(award.supplier, "")]
    if calloff.mechanism == Mechanism.DESK:
        evaluation = award.evaluation
        ids = [row["supplier_id"] for row in (evaluation.result.get("ranking", []) if evaluation else [])]
        by_id = Organisation.objects.in_bulk(ids)
        return [(by_id[i], "") for i in ids if i in by_id]
    excluded = set(
        calloff.invitations.exclude(excluded_reason="").values_list("supplier_id", flat=True)
    ) | set(calloff.invitations.filter(invited_at__isnull=True).values_list("supplier_id", flat=True))
    offers = (
        Offer.objects.filter(calloff=calloff, withdrawn_at__isnull=True)
        .exclude(supplier_id__in=excluded)
        .select_related("supplier")
        .order_by("supplier__name")
    )
    return [(o.supplier, o.rejection_reason if o.rejected_at else "") for o in offers]


def _notice_content(
    *,
    calloff: CallOff,
    award: Award,
    recipient: Organisation,
    rejection_reason: str,
    sent_at: dt.datetime,
    standstill_ends_at: dt.datetime | None,
) -> dict[str, Any]:
    evaluation = award.evaluation
    criteria = _criteria_of(evaluation)
    ranking = evaluation.result.get("ranking", []) if evaluation else []
    rows = {row["supplier_id"]: row for row in ranking}
    winner_row = rows.get(award.supplier_id)
    own_row = rows.get(recipient.pk)
    is_winner = recipient.pk == award.supplier_id
    content: dict[str, Any] = {
        "calloff_reference": calloff.reference,
        "calloff_title": calloff.title,
        "buyer_name": calloff.buyer.name,
        "mechanism": calloff.mechanism,
        "recipient_name": recipient.name,
        "is_winner": is_winner,
        "winner_name": award.supplier.name,
        "winner_orgnr": award.supplier.orgnr,
        "justification": award.justification,
        "sent_at": sent_at.isoformat(),
        "has_standstill": standstill_ends_at is not None,
        "standstill_ends_at": standstill_ends_at.isoformat() if standstill_ends_at else None,
        "standstill_ends_text": oslo_text(standstill_ends_at) if standstill_ends_at else "",
        "inputs_hash": evaluation.inputs_hash if evaluation else "",
        "rejection_reason": rejection_reason,
        "winner_scores": _scores(winner_row, criteria) if winner_row else None,
        "own_scores": _scores(own_row, criteria)
        if own_row and not is_winner and not rejection_reason
        else None,
        "advantages": [],
    }
    if rejection_reason:
        content["advantages"] = [
            _("Deres tilbud ble avvist og er ikke evaluert. Begrunnelse: %(reason)s")
            % {"reason": rejection_reason}
        ]
    elif winner_row and own_row and not is_winner:
        # desk evaluations rank on the basket price alone: compare price points and totals
        content["advantages"] = advantages(winner_row, own_row, criteria or PRICE_ONLY)
    if standstill_ends_at:
        content["standstill_text"] = _(
            "Karensperioden er %(days)s dager og utløper %(end)s (norsk tid). Kontrakt inngås ikke før "
            "karensperioden er ute."
        ) % {"days": calloff.standstill_days, "end": content["standstill_ends_text"]}
    else:
        content["standstill_text"] = _("Det gjelder ingen karensperiode for dette avropet.")
    return content


def _recipient_addresses(organisation: Organisation) -> list[str]:
    return sorted(
        {
            email
            for email in Membership.objects.filter(organisation=organisation, role__in=BIDDER_ROLES)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
            if email
        }
    )


def _send_notice_mail(messages: list[tuple[str, str, list[str]]]) -> None:
    connection = get_connection()
    mails = [
        EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[address])
        for subject, body, addresses in messages
        for address in addresses
    ]
    if mails:
        connection.send_messages(mails)


def award_notice_send(*, actor: Any, calloff: CallOff, now: dt.datetime | None = None) -> list[AwardNotice]:
    """Send the award notice to every participant at once; start the standstill when the call-off has one."""
    now = _at(now)
    if not permissions.can_manage_calloff(actor, calloff):
        raise PermissionDenied(
            _("Bare innkjøper i oppdragsgiverens virksomhet kan sende tildelingsmeddelelsen.")
        )
    with transaction.atomic():
        calloff = _locked(calloff)
        _not_cancelled(calloff)
        if calloff.award_decided_at is None:
            raise Conflict(_("Tildelingen er ikke besluttet ennå."))
        if calloff.award_notice_sent_at is not None:
            raise Conflict(_("Tildelingsmeddelelsen er allerede sendt."))
        award = Award.objects.select_related("supplier", "evaluation").get(calloff=calloff)
        participants = _participants(calloff, award)
        if award.supplier_id not in {org.pk for org, _reason in participants}:
            participants.insert(0, (award.supplier, ""))
        ends_at = period_expires_at(now, calloff.standstill_days) if calloff.has_standstill else None
        notices = []
        outgoing: list[tuple[str, str, list[str]]] = []
        with translation.override("nb"):
            for recipient, reason in participants:
                content = _notice_content(
                    calloff=calloff,
                    award=award,
                    recipient=recipient,
                    rejection_reason=reason,
                    sent_at=now,
                    standstill_ends_at=ends_at,
                )
                notices.append(
                    AwardNotice(
                        award=award,
                        recipient=recipient,
                        is_winner=recipient.pk == award.supplier_id,
                        content=content,
                        sent_at=now,
                    )
                )
                subject = _("Tildelingsmeddelelse: %(ref)s %(title)s") % {
                    "ref": calloff.reference,
                    "title": calloff.title,
                }
                body = "\n\n".join(
                    [
                        _("%(buyer)s har besluttet å tildele kontrakten i avrop %(ref)s til %(winner)s.")
                        % {
                            "buyer": calloff.buyer.name,
                            "ref": calloff.reference,
                            "winner": award.supplier.name,
                        },
                        "\n".join(content["advantages"]),
                        content["standstill_text"],
                        _("Les hele meddelelsen under «Meldinger» på Markedsplassen."),
                    ]
                )
                outgoing.append((subject, body, _recipient_addresses(recipient)))
        AwardNotice.objects.bulk_create(notices)
        calloff.award_notice_sent_at = now
        calloff.standstill_ends_at = ends_at
        calloff.save(update_fields=["award_notice_sent_at", "standstill_ends_at"])
        audit_record(
            actor=actor,
            verb="award.notice_sent",
            target=calloff,
            organisation=calloff.buyer,
            data={
                "award_id": award.pk,
                "recipients": [n.recipient.name for n in notices],
                "standstill_ends_at": ends_at.isoformat() if ends_at else None,
            },
            now=now,
        )
        transaction.on_commit(lambda: _send_notice_mail(outgoing))
        transaction.on_commit(lambda: _schedule_reminders(calloff, now))
    return list(AwardNotice.objects.filter(award=award).select_related("recipient"))


def award_notice_mark_read(*, actor: Any, notice: AwardNotice, now: dt.datetime | None = None) -> AwardNotice:
    """The recipient supplier marks its notice read (no audit: reading changes no procurement state)."""
    now = _at(now)
    if not permissions.acts_for_supplier(actor, notice.recipient):
        raise PermissionDenied(_("Bare mottakeren kan markere meldingen som lest."))
    if notice.read_at is None:
        AwardNotice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=now)
        notice.read_at = now
    return notice


# --- complaints, hold, signing ---------------------------------------------------------------------------------------


def complaint_record(
    *,
    actor: Any,
    calloff: CallOff,
    complainant: Organisation,
    description: str,
    put_on_hold: bool,
    now: dt.datetime | None = None,
) -> Complaint:
    now = _at(now)
    description = (description or "").strip()
    if not permissions.can_manage_calloff(actor, calloff):
        raise PermissionDenied(_("Bare innkjøper i oppdragsgiverens virksomhet kan registrere klager."))
    if not description:
        raise ValidationFailed(_("Beskriv klagen."), errors=[{"field": "description", "message": "required"}])
    with transaction.atomic():
        calloff = _locked(calloff)
        _not_cancelled(calloff)
        if calloff.award_notice_sent_at is None:
            raise Conflict(_("Klager registreres etter at tildelingsmeddelelsen er sendt."))
        if calloff.contract_signed_at is not None:
            raise Conflict(_("Kontrakten er allerede signert."))
        complaint = Complaint.objects.create(
            calloff=calloff,
            complainant=complainant,
            description=description,
            received_at=now,
            recorded_by=actor,
        )
        held = put_on_hold and calloff.on_hold_since is None
        if held:
            calloff.on_hold_since = now
            calloff.save(update_fields=["on_hold_since"])
        audit_record(
            actor=actor,
            verb="complaint.recorded",
            target=calloff,
            organisation=calloff.buyer,
            data={"complaint_id": complaint.pk, "complainant": complainant.name, "put_on_hold": held},
            now=now,
        )
    return complaint


def hold_release(*, actor: Any, calloff: CallOff, resolution: str, now: dt.datetime | None = None) -> CallOff:
    """Lift the hold; open complaints are closed with the resolution."""
    now = _at(now)
    resolution = (resolution or "").strip()
    if not permissions.can_manage_calloff(actor, calloff):
        raise PermissionDenied(_("Bare innkjøper i oppdragsgiverens virksomhet kan oppheve stansen."))
    if not resolution:
        raise ValidationFailed(
            _("Beskriv hvordan klagen er avgjort."), errors=[{"field": "resolution", "message": "required"}]
        )
    with transaction.atomic():
        calloff = _locked(calloff)
        if calloff.on_hold_since is None:
            raise Conflict(_("Avropet er ikke stanset."))
        resolved = list(
            Complaint.objects.filter(calloff=calloff, resolved_at__isnull=True).values_list("pk", flat=True)
        )
        Complaint.objects.filter(pk__in=resolved).update(resolved_at=now, resolution=resolution)
        calloff.on_hold_since = None
        calloff.save(update_fields=["on_hold_since"])
        audit_record(
            actor=actor,
            verb="calloff.hold_released",
            target=calloff,
            organisation=calloff.buyer,
            data={"complaints_resolved": resolved, "resolution": resolution},
            now=now,
        )
    return calloff


def signing_blocked_reason(calloff: CallOff, now: dt.datetime) -> str | None:
    """Why the contract cannot be signed now (Norwegian), or None."""
    if calloff.cancelled_at is not None:
        return _("Avropet er avlyst.")
    if calloff.contract_signed_at is not None:
        return _("Kontrakten er allerede signert.")
    if calloff.award_notice_sent_at is None:
        return _("Tildelingsmeddelelsen er ikke sendt.")
    if calloff.on_hold_since is not None:
        return _("Avropet er stanset etter en klage. Opphev stansen før kontrakten signeres.")
    if calloff.standstill_ends_at is not None and now < calloff.standstill_ends_at:
        return _("Kontrakten kan ikke signeres før karensperioden utløper %(end)s (norsk tid).") % {
            "end": oslo_text(calloff.standstill_ends_at)
        }
    return None


def contract_sign(*, actor: Any, calloff: CallOff, now: dt.datetime | None = None) -> CallOff:
    now = _at(now)
    if not permissions.can_manage_calloff(actor, calloff):
        raise PermissionDenied(
            _("Bare innkjøper i oppdragsgiverens virksomhet kan registrere signert kontrakt.")
        )
    with transaction.atomic():
        calloff = _locked(calloff)
        reason = signing_blocked_reason(calloff, now)
        if reason:
            raise Conflict(reason)
        calloff.contract_signed_at = now
        calloff.save(update_fields=["contract_signed_at"])
        Award.objects.filter(calloff=calloff).update(signed_by=actor)
        audit_record(
            actor=actor,
            verb="contract.signed",
            target=calloff,
            organisation=calloff.buyer,
            data={
                "standstill_ends_at": calloff.standstill_ends_at.isoformat()
                if calloff.standstill_ends_at
                else None
            },
            now=now,
        )
        # e.g. privacy registers the called-off service as a service in use (commits or rolls back with this)
        hooks.publish(hooks.CONTRACT_SIGNED, calloff=calloff, actor=actor, now=now)
    return calloff


def _schedule_reminders(calloff: CallOff, now: dt.datetime) -> None:
    """Deadline reminders and the end-of-standstill notice run in `mps worker` (idempotent; `mps calloffs tick`
    sweeps whatever a worker missed)."""
    from marketplace.calloffs.tasks import calloff_schedule_reminders

    calloff_schedule_reminders(calloff, now=now)
