"""Scans: the organisation's list, starting a scan (queued for `mps worker` through
`marketplace.cyber.services.scans.scan_request`) and one scan in detail, target by target, with every check."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from marketplace.core.exceptions import ApplicationError
from marketplace.cyber import explanations, selectors
from marketplace.cyber.permissions import can_scan_cyber
from marketplace.cyber.views.common import cyber_organisation_or_403


@login_required
@require_GET
def scan_list(request: HttpRequest) -> HttpResponse:
    organisation = cyber_organisation_or_403(request)
    return render(
        request,
        "cyber/scans.html",
        {
            "organisation": organisation,
            "scans": selectors.scan_list(organisation)[:200],
            "can_scan": can_scan_cyber(request.user, organisation),
            "in_progress": selectors.has_scan_in_progress(organisation),
            "has_assets": selectors.asset_list(organisation).filter(is_active=True).exists(),
        },
    )


@login_required
@require_POST
def scan_start(request: HttpRequest) -> HttpResponse:
    organisation = cyber_organisation_or_403(request, scan=True)
    from marketplace.cyber.services.scans import (
        scan_request,  # written in the core area; imported here until merged
    )

    try:
        scan = scan_request(actor=request.user, organisation=organisation)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("cyber:scans")
    messages.success(request, _("Skanningen er satt i kø. Resultatet kommer når den er ferdig."))
    return redirect("cyber:scan_detail", pk=scan.pk)


@login_required
@require_GET
def scan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scan = selectors.scan_get_visible_to(request.user, pk)
    groups = selectors.scan_results_by_target(scan)
    loaded = [result for group in groups for result in group.results]
    unscannable = {item.host: item for item in selectors.unscannable_hosts(scan, loaded)}
    targets = []
    for group in groups:
        rows = [
            {
                "result": result,
                "explanation": explanations.explain_result(
                    result.check_id, result.status, result.evidence, result.target
                ),
                "category": explanations.category_label(result.category),
                "status": explanations.status_label(result.status),
                "level": explanations.level_label(result.level),
                "counts": selectors.counts(result),
                "points_lost": selectors.points_lost(result),
            }
            for result in group.results
        ]
        targets.append(
            {
                "target": group.target,
                "rows": rows,
                "points": group.points,
                "max": group.max_points,
                "unscannable": unscannable.get(selectors.host_of(group.target)),
            }
        )
    categories = [
        {"label": explanations.category_label(key), "score": value}
        for key, value in (scan.category_scores or {}).items()
    ]
    return render(
        request,
        "cyber/scan_detail.html",
        {
            "scan": scan,
            "organisation": scan.organisation,
            "targets": targets,
            "categories": categories,
            "resolved": scan.resolved or {},
        },
    )
