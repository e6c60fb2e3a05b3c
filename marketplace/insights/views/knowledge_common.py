"""What the knowledge area's pages share: turning service errors into messages."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from marketplace.core import exceptions


def report(request: HttpRequest, exc: exceptions.ApplicationError) -> None:
    """A service refused: 403 for permission, otherwise the reason as an error message."""
    if isinstance(exc, exceptions.PermissionDenied):
        raise PermissionDenied(exc.message) from None
    details = [e.get("message", "") for e in exc.errors if e.get("message")]
    messages.error(request, " ".join([exc.message, *details]) if details else exc.message)


def attempt(request: HttpRequest, action: Callable[[], object], success: str) -> bool:
    """Run one service call of a post-and-redirect view: its refusal becomes an error message (`report`),
    success the message `success`. Returns whether it succeeded."""
    try:
        action()
    except exceptions.ApplicationError as exc:
        report(request, exc)
        return False
    messages.success(request, success)
    return True
