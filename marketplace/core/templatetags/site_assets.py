"""`{% app_stylesheets %}`: a <link> for every stylesheet an app registered (core.assets)."""

from __future__ import annotations

from django import template
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from marketplace.core.assets import stylesheets

register = template.Library()


@register.simple_tag
def app_stylesheets() -> SafeString:
    return format_html_join(
        "\n  ", '<link rel="stylesheet" href="{}">', ((static(path),) for path in stylesheets())
    ) or format_html("")
