"""`{% nav_current request.path url1 url2 ... as current %}`: the nav URL that the current page falls under.

The longest URL that is a prefix of the path wins, so /tjenester/rammeavtaler/3/ belongs to "Rammeavtaler"
(/tjenester/rammeavtaler/), not "Tjenester" (/tjenester/). Used for aria-current in the main menu.
"""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag
def nav_current(path: str, *urls: str) -> str:
    matches = [url for url in urls if url and path.startswith(url)]
    return max(matches, key=len) if matches else ""
