"""Sealed offers: submit/replace, withdraw, open, and read content after opening.

One offer per supplier per call-off: the DB unique constraint plus a row lock on the CallOff
(`select_for_update()`), so two concurrent submissions of one supplier serialise instead of racing a
check-then-insert. Every submission, replacement and withdrawal writes an `OfferReceipt` (SHA-256 of the canonical
content bytes received, which are also what is sealed) and an audit event; the audit data never holds price or text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from marketplace.calloffs import permissions, sealing
from marketplace.calloffs.models import CallOff, Invitation, Offer, OfferReceipt, ReceiptKind
from marketplace.calloffs.rules.state import CallOffState, CallOffTimes, calloff_state, offers_accepted
from marketplace.calloffs.selectors.offers import ReceiptRow, declaration_of
from marketplace.calloffs.services.mini import upload_check
from marketplace.core.audit import audit_record
from marketplace.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed

LATE_MESSAGE = gettext_noop(
    "Tilbudsfristen er ute. Tilbud kan ikke leveres, erstattes eller trekkes etter fristen."
)
DESCRIPTION_MAX_CHARS = 20_000


def _validation(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, errors=[{"field": field, "message": message}])


def offer_content_build(content: Mapping[str, Any] | sealing.OfferContent) -> sealing.OfferContent:
    """Validate what a supplier sent (API JSON or form data) into `OfferContent`; ValidationFailed otherwise."""
    if isinstance(content, sealing.OfferContent):
        parsed = content
    else:
        try:
            parsed = sealing.content_from_json_dict(dict(content))
        except sealing.ContentInvalid as exc:
            raise _validation(exc.field, exc.message) from exc
    description = parsed.description.strip()
    if not description:
        raise _validation("description", _("Beskriv tilbudet."))
    if len(description) > DESCRIPTION_MAX_CHARS:
        raise _validation(
            "description", _("Beskrivelsen kan være høyst %(max)s tegn.") % {"max": DESCRIPTION_MAX_CHARS}
        )
    attachment = parsed.attachment
    if attachment is not None:
        content_type = upload_check(name=attachment.name, data=attachment.data, field="attachment")
        attachment = sealing.OfferAttachment(
            name=attachment.name, content_type=content_type, data=attachment.data
        )
    return sealing.OfferContent(
        price_amount=parsed.price_amount, description=description, attachment=attachment
    )


def _data_key(calloff: CallOff) -> bytes:
    """The call-off's data key; created (and stored wrapped) on first use. Call only with the CallOff row locked."""
    if calloff.wrapped_data_key is None:
        wrapped = sealing.data_key_wrap(sealing.data_key_new())
        CallOff.objects.filter(pk=calloff.pk).update(wrapped_data_key=wrapped)
        calloff.wrapped_data_key = wrapped
    return sealing.data_key_unwrap(calloff.wrapped_data_key)


def _lock(calloff: CallOff) -> CallOff:
    try:
        return CallOff.objects.select_for_update().get(pk=calloff.pk)
    except CallOff.DoesNotExist as exc:
        raise NotFound(_("Fant ikke avropet.")) from exc


def _check_bidder(actor: Any, calloff: CallOff, supplier: Any) -> None:
    invitation = (
        Invitation.objects.filter(calloff=calloff, supplier=supplier).select_related("supplier").first()
    )
    if not permissions.can_submit_offer(actor, invitation):
        raise PermissionDenied(_("Du kan ikke levere tilbud i dette avropet for denne leverandøren."))


def offer_submit(
    *,
    actor: Any,
    calloff: CallOff,
    supplier: Any,
    content: Mapping[str, Any] | sealing.OfferContent,
    now: dt.datetime | None = None,
) -> ReceiptRow:
    """Submit (or replace) the supplier's sealed offer before the deadline; return the receipt."""
    now = now or timezone.now()
    parsed = offer_content_build(content)
    plaintext = parsed.canonical_bytes()
    digest = hashlib.sha256(plaintext).hexdigest()
    with transaction.atomic():
        locked = _lock(calloff)
        _check_bidder(actor, locked, supplier)
        if not offers_accepted(CallOffTimes.of(locked), now):
            raise Conflict(_(LATE_MESSAGE))
        sealed = sealing.seal(_data_key(locked), plaintext, calloff_id=locked.pk, supplier_id=supplier.pk)
        offer = Offer.objects.filter(calloff=locked, supplier=supplier).first()
        if offer is None:
            kind = ReceiptKind.SUBMITTED
            offer = Offer.objects.create(
                calloff=locked,
                supplier=supplier,
                submitted_by=actor,
                sealed_content=sealed,
                sha256=digest,
                size_bytes=len(plaintext),
                version=1,
                submitted_at=now,
            )
        else:
            kind = ReceiptKind.SUBMITTED if offer.withdrawn_at is not None else ReceiptKind.REPLACED
            offer.submitted_by = actor
            offer.sealed_content = sealed
            offer.sha256 = digest
            offer.size_bytes = len(plaintext)
            offer.version += 1
            offer.submitted_at = now
            offer.withdrawn_at = None
            offer.save(
                update_fields=[
                    "submitted_by",
                    "sealed_content",
                    "sha256",
                    "size_bytes",
                    "version",
                    "submitted_at",
                    "withdrawn_at",
                ]
            )
        OfferReceipt.objects.create(
            calloff=locked, supplier=supplier, kind=kind, sha256=digest, received_at=now, received_by=actor
        )
        audit_record(
            actor=actor,
            verb="offer.submitted" if kind == ReceiptKind.SUBMITTED else "offer.replaced",
            target=offer,
            organisation=supplier,
            data={
                "calloff": locked.reference,
                "supplier": supplier.orgnr,
                "sha256": digest,
                "version": offer.version,
                "size_bytes": len(plaintext),
            },
            now=now,
        )
    return ReceiptRow(sha256=digest, received_at=now, version=offer.version, kind=kind)


def offer_withdraw(
    *, actor: Any, calloff: CallOff, supplier: Any, now: dt.datetime | None = None
) -> ReceiptRow:
    """Withdraw the supplier's offer before the deadline. The sealed record stays; it is never opened."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(calloff)
        _check_bidder(actor, locked, supplier)
        if not offers_accepted(CallOffTimes.of(locked), now):
            raise Conflict(_(LATE_MESSAGE))
        offer = Offer.objects.filter(calloff=locked, supplier=supplier, withdrawn_at__isnull=True).first()
        if offer is None:
            raise Conflict(_("Det er ikke levert noe tilbud som kan trekkes."))
        offer.withdrawn_at = now
        offer.save(update_fields=["withdrawn_at"])
        OfferReceipt.objects.create(
            calloff=locked,
            supplier=supplier,
            kind=ReceiptKind.WITHDRAWN,
            sha256=offer.sha256,
            received_at=now,
            received_by=actor,
        )
        audit_record(
            actor=actor,
            verb="offer.withdrawn",
            target=offer,
            organisation=supplier,
            data={
                "calloff": locked.reference,
                "supplier": supplier.orgnr,
                "sha256": offer.sha256,
                "version": offer.version,
            },
            now=now,
        )
    return ReceiptRow(sha256=offer.sha256, received_at=now, version=offer.version, kind=ReceiptKind.WITHDRAWN)


def offers_open(*, actor: Any, calloff: CallOff, now: dt.datetime | None = None) -> list[Offer]:
    """The buyer opens the offers after the deadline: decrypt each one (not withdrawn), check it against its hash,
    fill `opened_price_amount`, set `offers_opened_at`; one audit event `offers.opened` lists the offers."""
    now = now or timezone.now()
    if not permissions.can_open_offers(actor, calloff):
        raise PermissionDenied(_("Bare innkjøper i oppdragsgivers virksomhet kan åpne tilbudene."))
    with transaction.atomic():
        locked = _lock(calloff)
        state = calloff_state(CallOffTimes.of(locked), now)
        if state is CallOffState.TENDERING or state is CallOffState.DRAFT:
            raise Conflict(_("Tilbudene kan ikke åpnes før tilbudsfristen er ute."))
        if state is not CallOffState.AWAITING_OPENING:
            raise Conflict(_("Tilbudene er allerede åpnet, eller avropet er ikke lenger i denne fasen."))
        offers = list(
            Offer.objects.filter(calloff=locked, withdrawn_at__isnull=True)
            .select_related("supplier")
            .order_by("id")
        )
        listed = []
        if offers:
            data_key = _data_key(locked)
            for offer in offers:
                plaintext = sealing.unseal(
                    data_key, offer.sealed_content, calloff_id=locked.pk, supplier_id=offer.supplier_id
                )
                if hashlib.sha256(plaintext).hexdigest() != offer.sha256:
                    raise sealing.SealingError(f"offer {offer.pk}: content does not match its receipt hash")
                content = sealing.content_from_json_dict(json.loads(plaintext.decode("utf-8")))
                offer.opened_price_amount = content.price_amount
                offer.save(update_fields=["opened_price_amount"])
                listed.append(
                    {"supplier": offer.supplier.orgnr, "sha256": offer.sha256, "version": offer.version}
                )
        withdrawn = Offer.objects.filter(calloff=locked, withdrawn_at__isnull=False).count()
        locked.offers_opened_at = now
        locked.save(update_fields=["offers_opened_at"])
        calloff.offers_opened_at = now
        audit_record(
            actor=actor,
            verb="offers.opened",
            target=locked,
            organisation=locked.buyer,
            data={"calloff": locked.reference, "offers": listed, "withdrawn": withdrawn},
            now=now,
        )
    return offers


def offer_content_get(*, actor: Any, offer: Offer) -> sealing.OfferContent:
    """The ONLY way to read an offer's content for display: after opening, for the buyer side allowed to read it
    (an evaluator only after declaring impartiality). Raises PermissionDenied/Conflict otherwise."""
    calloff = CallOff.objects.select_related("buyer").get(pk=offer.calloff_id)
    if not permissions.can_read_offer_content(actor, calloff, declaration_of(actor, calloff)):
        raise PermissionDenied(_("Du har ikke tilgang til innholdet i tilbudet."))
    if calloff.offers_opened_at is None:
        raise Conflict(_("Tilbudene er ikke åpnet ennå."))
    if offer.withdrawn_at is not None:
        raise Conflict(_("Tilbudet er trukket."))
    if calloff.wrapped_data_key is None:
        raise Conflict(_("Avropet har ingen datanøkkel."))
    data_key = sealing.data_key_unwrap(calloff.wrapped_data_key)
    return sealing.content_unseal(
        data_key, offer.sealed_content, calloff_id=calloff.pk, supplier_id=offer.supplier_id
    )
