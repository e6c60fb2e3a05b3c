"""The public methodology page: the categories, their weights (from data/weights.json), how a category percentage
and the total are computed, and the grade bands. No log-in needed."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from marketplace.cyber import explanations, selectors


@require_GET
def methodology(request: HttpRequest) -> HttpResponse:
    method = selectors.methodology()
    total = sum(item.weight for item in method.weights) or 0
    weights = [
        {
            "category": item.category,
            "label": explanations.category_label(item.category),
            "weight": item.weight,
            "share": round(100 * item.weight / total, 1) if total else None,
            "source": item.source,
            "justification": item.justification,
        }
        for item in method.weights
    ]
    bands = []
    previous = None
    for grade, minimum in method.grade_bands:
        bands.append(
            {"grade": grade, "minimum": minimum, "maximum": 100 if previous is None else previous - 1}
        )
        previous = minimum
    checks = [
        {"check_id": check_id, "title": explanations.title(check_id)} for check_id in explanations.CHECK_IDS
    ]
    return render(
        request,
        "cyber/methodology.html",
        {
            "method": method,
            "weights": weights,
            "bands": bands,
            "checks": checks,
        },
    )
