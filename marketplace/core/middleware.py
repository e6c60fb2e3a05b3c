"""Bokmål first: the page language is Bokmål unless the user chose English with the language switch.

Django's LocaleMiddleware would follow the browser's Accept-Language, and many Norwegian users run English-language
browsers; the platform's language is Bokmål, so only an explicit choice (the language cookie) changes it.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class BokmaalFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
