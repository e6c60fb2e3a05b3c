from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from marketplace.accounts import selectors, services
from marketplace.accounts.forms import ApiTokenForm, LoginForm, PasswordChangeForm
from marketplace.accounts.middleware import SESSION_KEY
from marketplace.accounts.models import Role
from marketplace.accounts.permissions import (
    active_organisation,
    can_create_api_token,
    can_revoke_api_token,
)


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = settings.OIDC_ENABLED
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        organisation = selectors.organisation_list_for_user(user).first()
        services.user_login_record(
            user=user, organisation=organisation, method="password", ip_address=client_ip(self.request)
        )
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        username = str(form.data.get("username", "")).strip()
        if username and form.data.get("password"):
            services.user_login_failure_record(
                username=username,
                ip_address=client_ip(self.request),
                is_locked_out=bool(getattr(self.request, "axes_locked_out", False)),
            )
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    """POST only (Django's LogoutView refuses GET)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            services.user_logout_record(
                user=request.user,
                organisation=active_organisation(request.user),
            )
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: Any) -> HttpResponse:
        user = services.user_password_change(
            actor=self.request.user,  # type: ignore[arg-type]
            user=form.user,
            password=form.cleaned_data["new_password1"],
        )
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("Passordet er endret."))
        return HttpResponseRedirect(self.get_success_url())


def _profile_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    roles = sorted(getattr(request.user, "active_roles", frozenset()))
    return {
        "active_role_labels": [Role(role).label for role in roles],
        "tokens": selectors.api_token_list_for_user(request.user),
        "can_create_token": can_create_api_token(request.user),
        "token_form": ApiTokenForm(),
        **extra,
    }


@login_required
@never_cache
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html", _profile_context(request))


@login_required
@require_POST
@never_cache
def api_token_create(request: HttpRequest) -> HttpResponse:
    organisation = active_organisation(request.user)
    if organisation is None or not can_create_api_token(request.user):
        raise PermissionDenied
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return render(
            request, "accounts/profile.html", _profile_context(request, token_form=form), status=400
        )
    token, secret = services.api_token_create(
        actor=request.user,
        user=request.user,  # type: ignore[arg-type]
        organisation=organisation,
        name=form.cleaned_data["name"],
    )
    # The secret is shown in this response only; it is never stored or put in the session.
    return render(
        request,
        "accounts/profile.html",
        _profile_context(request, new_token=token, new_secret=secret),
        status=201,
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.api_token_get_visible_to(request.user, pk)
    if not can_revoke_api_token(request.user, token):
        raise PermissionDenied
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("API-nøkkelen %(prefix)s… er trukket tilbake.") % {"prefix": token.prefix})
    return redirect("accounts:profile")


def _safe_next(request: HttpRequest, fallback: str = "/") -> str:
    target = request.POST.get("next") or fallback
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_required
@require_POST
def organisation_choose(request: HttpRequest) -> HttpResponse:
    organisations = {org.pk: org for org in getattr(request, "organisations", [])}
    try:
        chosen = int(request.POST.get("organisation", ""))
    except ValueError:
        chosen = -1
    if chosen not in organisations:
        messages.error(request, _("Du har ingen rolle i den virksomheten."))
        return redirect(_safe_next(request))
    services.organisation_choice_record(actor=request.user, organisation=organisations[chosen])  # type: ignore[arg-type]
    request.session[SESSION_KEY] = chosen
    messages.success(request, _("Du handler nå for %(name)s.") % {"name": organisations[chosen].name})
    return redirect(_safe_next(request))
