"""Log-in, password change and API-token forms, with Norwegian messages."""

from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _


class LoginForm(auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Feil brukernavn eller passord. Prøv igjen, og sjekk at du skiller mellom store og små bokstaver."
        ),
        "inactive": _("Kontoen er deaktivert. Kontakt administratoren i virksomheten din."),
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].label = _("Brukernavn")
        self.fields["username"].error_messages["required"] = _("Skriv inn brukernavnet ditt.")
        self.fields["password"].label = _("Passord")
        self.fields["password"].error_messages["required"] = _("Skriv inn passordet ditt.")


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    error_messages = {
        "password_incorrect": _("Det nåværende passordet er feil. Skriv det inn på nytt."),
        "password_mismatch": _("De to nye passordene er ikke like."),
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Nåværende passord")
        self.fields["new_password1"].label = _("Nytt passord")
        self.fields["new_password1"].help_text = _(
            "Minst 10 tegn. Ikke bare tall, ikke et vanlig passord og ikke likt brukernavnet ditt."
        )
        self.fields["new_password2"].label = _("Gjenta nytt passord")
        for name in ("old_password", "new_password1", "new_password2"):
            self.fields[name].error_messages["required"] = _("Fyll ut feltet.")


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Navn på nøkkelen"),
        max_length=100,
        help_text=_("For eksempel systemet som skal bruke nøkkelen."),
        error_messages={
            "required": _("Gi nøkkelen et navn, for eksempel systemet som skal bruke den."),
            "max_length": _("Navnet kan være høyst 100 tegn."),
        },
    )
