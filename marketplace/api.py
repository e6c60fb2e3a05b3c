"""The REST API under /api/v1/ (django-ninja). Errors are JSON {"detail": ..., "errors": [...]}.

Each app adds its router here; `auth_optional` lets public endpoints also see who is calling.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from marketplace.accounts.middleware import activate
from marketplace.accounts.services import api_token_authenticate
from marketplace.core.exceptions import ApplicationError


class BearerToken(HttpBearer):
    """`Authorization: Bearer mps_...`; the user then acts for the token's organisation."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = api_token_authenticate(token)
        if api_token is None:
            return None
        user = api_token.user
        activate(user, api_token.organisation)
        request.user = user
        return user


class OptionalBearerToken(BearerToken):
    """Public endpoints: a valid token identifies the caller; no token is anonymous; a bad token is 401."""

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header)
        if not header:
            return AnonymousCaller()
        return super().__call__(request)


class AnonymousCaller:
    is_authenticated = False
    pk = None


token_auth = BearerToken()
auth_optional = OptionalBearerToken()

api = NinjaAPI(
    title="Markedsplassen API",
    version="1",
    description="Markedsplassen for skytjenester: tjenesteregister, leverandørregister og rammeavtaler.",
    urls_namespace="api",
    docs_url="/docs",
)


def _error(request: HttpRequest, status: int, detail: str, errors: list[Any] | None = None) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


@api.exception_handler(ApplicationError)
def on_application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return _error(request, exc.status_code, exc.message, exc.errors)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"field": ".".join(str(part) for part in error.get("loc", [])), "message": error.get("msg", "")}
        for error in exc.errors
    ]
    return _error(request, 422, "Ugyldig forespørsel.", errors)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "Mangler gyldig API-nøkkel (Authorization: Bearer ...).")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "Fant ikke objektet.")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc))


def _register_routers() -> None:
    from marketplace.accounts.api import router as accounts_router
    from marketplace.calloffs.api import router as calloffs_router
    from marketplace.catalogue.api import router as catalogue_router
    from marketplace.finops.api import router as finops_router
    from marketplace.suppliers.api import router as suppliers_router

    api.add_router("/", accounts_router)
    api.add_router("/", catalogue_router)
    api.add_router("/", suppliers_router)
    api.add_router("/", calloffs_router)
    api.add_router("/", finops_router)
    from marketplace.privacy.api_assessments import router as privacy_assessments_router

    api.add_router("/", privacy_assessments_router, auth=token_auth)


_register_routers()
