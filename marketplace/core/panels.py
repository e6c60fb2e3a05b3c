"""Page panels: a higher app shows its facts on a lower app's page without the lower app importing it.

A higher app registers from its AppConfig.ready():

    panels.register("catalogue.service_detail", "cyber/_service_panel.html", context_fn)

and the lower page renders `{% page_panels "catalogue.service_detail" service %}` (core/templatetags/page_panels.py):
`context_fn(request, obj)` gives the panel template's context; None leaves the panel out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Panel:
    slot: str
    template: str
    context: Callable[[Any, Any], dict[str, Any] | None]
    order: int = 100


_REGISTRY: dict[str, list[Panel]] = {}


def register(
    slot: str, template: str, context: Callable[[Any, Any], dict[str, Any] | None], *, order: int = 100
) -> None:
    panels = _REGISTRY.setdefault(slot, [])
    if any(panel.template == template for panel in panels):
        return
    panels.append(Panel(slot, template, context, order))
    panels.sort(key=lambda panel: panel.order)


def for_slot(slot: str) -> list[Panel]:
    return list(_REGISTRY.get(slot, []))
