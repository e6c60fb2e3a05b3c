"""Stylesheets of the higher apps, linked from the base layout's <head> on every page.

An app registers its static stylesheet from its AppConfig.ready():

    assets.stylesheet_register("privacy/assessments.css")

and core/base.html links every registered one (`{% app_stylesheets %}`, core/templatetags/site_assets.py), so the
core layout never names an app and no page loads a stylesheet from its body (which leaves the content unstyled,
or blank, until the file arrives). The files are small, scoped by their app's class prefix, and cached.
"""

from __future__ import annotations

_STYLESHEETS: list[str] = []


def stylesheet_register(path: str) -> None:
    """Link the static file `path` from every page (once, in registration order)."""
    if path not in _STYLESHEETS:
        _STYLESHEETS.append(path)


def stylesheets() -> list[str]:
    return list(_STYLESHEETS)
