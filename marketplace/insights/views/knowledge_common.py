"""What the knowledge area's pages share: turning service errors into messages."""

from __future__ import annotations

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
