"""OIDC log-in (ID-porten style) on top of mozilla-django-oidc. Off unless MPS_OIDC_ENABLED=1.

A person logs in with OIDC only if an existing user carries their subject: `User.oidc_subject` equals the
token's `sub` or, when present, its `pid` claim (ID-porten's national identity number). No account is ever created
from a log-in; an unknown subject is refused with a clear message.
"""

from __future__ import annotations

from typing import Any

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from marketplace.accounts import selectors, services

FAILURE_ATTRIBUTE = "mps_oidc_failure"
UNKNOWN_SUBJECT = "unknown_subject"
AMBIGUOUS_SUBJECT = "ambiguous_subject"
PROVIDER_ERROR = "provider_error"
INVALID_TOKEN = "invalid_token"  # noqa: S105 - a failure reason, not a secret


def _fail(request: HttpRequest | None, reason: str) -> None:
    if request is not None:
        setattr(request, FAILURE_ATTRIBUTE, reason)


def subjects_from_claims(claims: dict[str, Any]) -> list[str]:
    """The identifiers a user may be registered under: `sub`, then `pid` if the provider sends it."""
    return [str(claims[key]) for key in ("sub", "pid") if claims.get(key)]


class OidcBackend(OIDCAuthenticationBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.UserModel = get_user_model()
        if settings.OIDC_ENABLED:
            super().__init__(*args, **kwargs)

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        if not settings.OIDC_ENABLED:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except requests.RequestException:
            _fail(request, PROVIDER_ERROR)
            return None
        except SuspiciousOperation:
            _fail(request, INVALID_TOKEN)
            return None

    def verify_token(self, token: str, **kwargs: Any) -> Any:
        """Signature, expiry and nonce (mozilla-django-oidc), then issuer and audience."""
        payload = super().verify_token(token, **kwargs)
        if payload.get("iss") != settings.OIDC_OP_ISSUER:
            raise SuspiciousOperation("ID token issuer does not match MPS_OIDC_ISSUER")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token audience does not include our client id")
        return payload

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Claims from the ID token, completed by the userinfo endpoint (whose `sub` must match)."""
        userinfo: dict[str, Any] = {}
        if settings.OIDC_OP_USER_ENDPOINT:
            userinfo = dict(super().get_userinfo(access_token, id_token, payload))
            if userinfo.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("userinfo sub differs from the ID token sub")
        return {**payload, **userinfo}

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("sub"))

    def describe_user_by_claims(self, claims: dict[str, Any]) -> str:
        return f"OIDC subject {claims.get('sub')}"

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[Any]:
        subjects = subjects_from_claims(claims)
        if not subjects:
            return self.UserModel.objects.none()
        users = self.UserModel.objects.filter(Q(oidc_subject__in=subjects), is_active=True)
        count = users.count()
        if count == 0:
            _fail(getattr(self, "request", None), UNKNOWN_SUBJECT)
        elif count > 1:
            _fail(getattr(self, "request", None), AMBIGUOUS_SUBJECT)
        return users

    def create_user(self, claims: dict[str, Any]) -> Any:
        """Never reached (OIDC_CREATE_USER is False); refuse loudly if the setting is changed."""
        raise SuspiciousOperation("Markedsplassen does not create accounts from OIDC log-ins")


def _require_enabled() -> None:
    if not settings.OIDC_ENABLED:
        raise Http404("OIDC log-in is not enabled")


class OidcStartView(OIDCAuthenticationRequestView):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _require_enabled()
        return super().dispatch(request, *args, **kwargs)


FAILURE_MESSAGES = {
    UNKNOWN_SUBJECT: _(
        "Du er logget inn hos ID-porten, men har ingen brukerkonto på Markedsplassen. "
        "Be administratoren i virksomheten din om å opprette en konto koblet til ID-porten."
    ),
    AMBIGUOUS_SUBJECT: _(
        "ID-porten-identiteten din er koblet til flere brukerkontoer. Kontakt MPS-administratoren."
    ),
    PROVIDER_ERROR: _("Innloggingstjenesten svarte ikke som forventet. Prøv igjen om litt."),
    INVALID_TOKEN: _("Svaret fra innloggingstjenesten kunne ikke bekreftes. Prøv igjen."),
}


class OidcCallbackView(OIDCAuthenticationCallbackView):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _require_enabled()
        return super().dispatch(request, *args, **kwargs)

    @property
    def failure_url(self) -> str:
        return resolve_url("accounts:login")

    def login_failure(self) -> HttpResponse:
        reason = getattr(self.request, FAILURE_ATTRIBUTE, "")
        message = FAILURE_MESSAGES.get(reason, _("Innloggingen med ID-porten ble avbrutt eller mislyktes."))
        messages.error(self.request, message)
        services.user_login_failure_record(
            username="",
            ip_address=str(self.request.META.get("REMOTE_ADDR", "")),
            is_locked_out=False,
            method="oidc",
            reason=reason or "cancelled",
        )
        return HttpResponseRedirect(self.failure_url)

    def login_success(self) -> HttpResponse:
        response = super().login_success()
        services.user_login_record(
            user=self.user,
            organisation=selectors.organisation_list_for_user(self.user).first(),
            method="oidc",
            ip_address=str(self.request.META.get("REMOTE_ADDR", "")),
        )
        return response
