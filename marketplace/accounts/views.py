from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.accounts.middleware import SESSION_KEY
from marketplace.accounts.models import Role


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Passordet er endret."))
        return response


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    roles = sorted(getattr(request.user, "active_roles", frozenset()))
    return render(
        request, "accounts/profile.html", {"active_role_labels": [Role(role).label for role in roles]}
    )


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
    request.session[SESSION_KEY] = chosen
    messages.success(request, _("Du handler nå for %(name)s.") % {"name": organisations[chosen].name})
    return redirect(_safe_next(request))
