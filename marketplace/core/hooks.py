"""Hooks: a lower app announces that something happened; a higher app reacts without the lower app importing it.

A higher app subscribes from its AppConfig.ready():

    hooks.subscribe(hooks.SERVICE_CHANGED, on_service_changed)

and the lower app's service calls `hooks.publish(hooks.SERVICE_CHANGED, ...)` inside its transaction, so what the
subscribers write commits or rolls back with the change itself. Subscribers take keyword arguments only and schedule
their own side effects (e-mail) with `transaction.on_commit`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# A published catalogue service's facts changed (catalogue.services.listings.service_approve).
# Payload: service (Service), fields (list[str] of changed fact names, e.g. "sub_processors", "data_locations"),
# version (ServiceVersion), actor, now.
SERVICE_CHANGED = "catalogue.service_changed"

# A call-off's contract was signed (calloffs.services.award.contract_sign).
# Payload: calloff (CallOff, with its award), actor, now.
CONTRACT_SIGNED = "calloffs.contract_signed"

Subscriber = Callable[..., None]
_SUBSCRIBERS: dict[str, list[Subscriber]] = {}


def subscribe(event: str, subscriber: Subscriber) -> None:
    subscribers = _SUBSCRIBERS.setdefault(event, [])
    if subscriber not in subscribers:
        subscribers.append(subscriber)


def unsubscribe(event: str, subscriber: Subscriber) -> None:
    subscribers = _SUBSCRIBERS.get(event, [])
    if subscriber in subscribers:
        subscribers.remove(subscriber)


def publish(event: str, **payload: Any) -> None:
    """Call every subscriber of `event` in order of subscription; an exception propagates to the publisher."""
    for subscriber in list(_SUBSCRIBERS.get(event, [])):
        subscriber(**payload)
