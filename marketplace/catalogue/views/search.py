from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from marketplace.catalogue import selectors


@require_GET
def service_list(request: HttpRequest) -> HttpResponse:
    services = selectors.service_list_published()[:50]
    return render(request, "catalogue/service_list.html", {"services": services})


@require_GET
def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(selectors.service_list_published(), pk=pk)
    return render(request, "catalogue/service_detail.html", {"service": service})
