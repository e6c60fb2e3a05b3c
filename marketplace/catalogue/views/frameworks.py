from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from marketplace.accounts.permissions import active_organisation
from marketplace.catalogue import selectors
from marketplace.catalogue.permissions import can_call_off_framework, is_participant


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    frameworks = selectors.framework_list()
    return render(request, "catalogue/home.html", {"frameworks": frameworks, "today": timezone.localdate()})


@require_GET
def framework_list(request: HttpRequest) -> HttpResponse:
    frameworks = selectors.framework_list()
    return render(
        request, "catalogue/framework_list.html", {"frameworks": frameworks, "today": timezone.localdate()}
    )


@require_GET
def framework_detail(request: HttpRequest, pk: int) -> HttpResponse:
    framework = selectors.framework_get(pk)
    today = timezone.localdate()
    return render(
        request,
        "catalogue/framework_detail.html",
        {
            "framework": framework,
            "today": today,
            "organisation": active_organisation(request.user),
            "is_participant": is_participant(request.user, framework),
            "can_call_off": can_call_off_framework(request.user, framework, today=today),
            "criteria_total": sum(c.weight_percent for c in framework.criteria.all()),
        },
    )
