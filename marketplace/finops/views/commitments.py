"""Commitments (`finops:commitments`): utilisation per commitment discount and coverage per currency, with the cost
filters in the URL and CSV export (`?format=csv`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from marketplace.finops.analytics.commitments import coverage, utilisation
from marketplace.finops.forms.report import CostFilterForm
from marketplace.finops.views.common import finops_organisation_or_403
from marketplace.finops.views.showback import csv_response

CSV_COLUMNS = [
    "commitment_discount_id",
    "name",
    "type",
    "category",
    "currency",
    "purchased_cost",
    "amortised_cost",
    "used_cost",
    "unused_cost",
    "utilisation",
    "savings_cost",
]


@login_required
@require_GET
def commitments(request: HttpRequest) -> HttpResponse:
    organisation = finops_organisation_or_403(request)
    filter_form = CostFilterForm(request.GET or None)
    scope, filters = filter_form.scope_and_filters(organisation)
    valid = not filter_form.errors
    rows = utilisation(scope, filters) if valid else []
    covered = coverage(scope, filters) if valid else []
    if request.GET.get("format") == "csv":
        return csv_response("forpliktelser.csv", CSV_COLUMNS, [[row[c] for c in CSV_COLUMNS] for row in rows])
    for row in rows:
        row["utilisation_percent"] = row["utilisation"] * 100 if row["utilisation"] is not None else None
    for row in covered:
        row["coverage_percent"] = row["coverage"] * 100 if row["coverage"] is not None else None
    query = request.GET.copy()
    query["format"] = "csv"
    return render(
        request,
        "finops/commitments.html",
        {
            "organisation": organisation,
            "filter_form": filter_form,
            "rows": rows,
            "coverage": covered,
            "csv_query": query.urlencode(),
        },
    )
