"""Password validators whose messages Django's own nb catalogue lacks."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's validator with a Bokmål source message (Django's nb catalogue misses the plural form)."""

    def get_error_message(self) -> str:
        return ngettext(
            "Passordet er for kort. Det må ha minst %(min_length)d tegn.",
            "Passordet er for kort. Det må ha minst %(min_length)d tegn.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return ngettext(
            "Passordet må ha minst %(min_length)d tegn.",
            "Passordet må ha minst %(min_length)d tegn.",
            self.min_length,
        ) % {"min_length": self.min_length}
