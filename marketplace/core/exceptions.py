"""One base for errors a user can act on. Views turn them into form errors or messages; the API into JSON."""

from __future__ import annotations


class ApplicationError(Exception):
    """A rule or permission stopped the operation; nothing was stored."""

    status_code = 400

    def __init__(self, message: str, *, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or []


class PermissionDenied(ApplicationError):
    status_code = 403


class NotFound(ApplicationError):
    status_code = 404


class Conflict(ApplicationError):
    status_code = 409


class ValidationFailed(ApplicationError):
    status_code = 422
