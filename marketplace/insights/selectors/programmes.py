"""Reads of the programme status board (public) and its history (MPS staff)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from marketplace.insights.models import Programme, ProgrammePhase, ProgrammeRevision
from marketplace.insights.permissions import can_edit_programmes
from marketplace.insights.statistics import quarter_index, quarter_label

PHASE_ORDER = ("start_year", "start_quarter", "end_year", "end_quarter", "id")


def programme_list() -> QuerySet[Programme]:
    return Programme.objects.prefetch_related(
        Prefetch("phases", queryset=ProgrammePhase.objects.order_by(*PHASE_ORDER))
    )


def programme_get(slug: str) -> Programme:
    return get_object_or_404(Programme, slug=slug)


def programme_get_editable_by(user: Any, slug: str) -> Programme:
    """404 for a missing programme; the caller checks the permission (403 for a non-staff user)."""
    return programme_get(slug)


def programme_phase_get(programme: Programme, pk: int) -> ProgrammePhase:
    return get_object_or_404(ProgrammePhase, programme=programme, pk=pk)


def programme_revisions_visible_to(user: Any, programme: Programme) -> QuerySet[ProgrammeRevision]:
    if not can_edit_programmes(user):
        raise Http404
    return programme.revisions.select_related("changed_by")


# --- the Gantt timeline -------------------------------------------------------------------------------------------

LABEL_WIDTH = 290
LABEL_CHARS = 42
QUARTER_WIDTH = 56
ROW_HEIGHT = 26
HEADER_HEIGHT = 44


@dataclass(frozen=True)
class Bar:
    title: str
    programme: str
    period: str
    is_milestone: bool
    x: int
    y: int
    width: int
    centre_x: int
    centre_y: int


@dataclass(frozen=True)
class Timeline:
    quarters: list[dict[str, Any]]
    years: list[dict[str, Any]]
    rows: list[dict[str, Any]]
    bars: list[Bar]
    width: int
    height: int


def programme_timeline(programmes: list[Programme]) -> Timeline | None:
    """Coordinates of an SVG Gantt chart: one row per phase, grouped by programme, one column per quarter."""
    phases = [(programme, phase) for programme in programmes for phase in programme.phases.all()]
    if not phases:
        return None
    first = min(quarter_index(phase.start_year, phase.start_quarter) for _, phase in phases)
    last = max(quarter_index(phase.end_year, phase.end_quarter) for _, phase in phases)
    quarters = [
        {
            "label": f"K{index % 4 + 1}",
            "x": LABEL_WIDTH + (index - first) * QUARTER_WIDTH + QUARTER_WIDTH // 2,
        }
        for index in range(first, last + 1)
    ]
    years = []
    for index in range(first, last + 1):
        if index == first or index % 4 == 0:
            years.append({"label": str(index // 4), "x": LABEL_WIDTH + (index - first) * QUARTER_WIDTH + 4})
    rows, bars = [], []
    y = HEADER_HEIGHT
    for programme in programmes:
        programme_phases = list(programme.phases.all())
        if not programme_phases:
            continue
        rows.append({"label": programme.name, "y": y + 17, "is_programme": True})
        y += ROW_HEIGHT
        for phase in programme_phases:
            label = phase.title if len(phase.title) <= LABEL_CHARS else phase.title[: LABEL_CHARS - 1] + "…"
            rows.append({"label": label, "y": y + 17, "is_programme": False})
            start = quarter_index(phase.start_year, phase.start_quarter)
            end = quarter_index(phase.end_year, phase.end_quarter)
            x = LABEL_WIDTH + (start - first) * QUARTER_WIDTH + 2
            width = (end - start + 1) * QUARTER_WIDTH - 4
            period = (
                quarter_label(start) if start == end else f"{quarter_label(start)} – {quarter_label(end)}"
            )
            bars.append(
                Bar(
                    title=phase.title,
                    programme=programme.name,
                    period=period,
                    is_milestone=phase.is_milestone,
                    x=x,
                    y=y + 4,
                    width=width,
                    centre_x=x + width // 2,
                    centre_y=y + ROW_HEIGHT // 2,
                )
            )
            y += ROW_HEIGHT
    return Timeline(
        quarters=quarters,
        years=years,
        rows=rows,
        bars=bars,
        width=LABEL_WIDTH + (last - first + 1) * QUARTER_WIDTH + 8,
        height=y + 8,
    )
