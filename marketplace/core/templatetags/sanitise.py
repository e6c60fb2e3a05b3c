"""`{{ html|sanitised_html }}`: render stored rich text through nh3 again at output time (defence in depth).

Supplier HTML is sanitised when it is written; this filter makes sure that even a row written some other way
(admin, import, an old version) cannot inject script or event handlers into a page.
"""

from __future__ import annotations

import nh3
from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "a", "h2", "h3", "h4",
    "blockquote", "code", "pre", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
URL_SCHEMES = {"https", "http", "mailto"}


def sanitise_html(value: str) -> str:
    return nh3.clean(
        value or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


@register.filter(name="sanitised_html")
def sanitised_html(value: str | None) -> SafeString:
    return mark_safe(sanitise_html(value or ""))  # noqa: S308 - nh3 output is safe HTML by construction
