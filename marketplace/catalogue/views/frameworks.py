from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from marketplace.catalogue import selectors


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "catalogue/home.html", {"frameworks": selectors.framework_list()})


@require_GET
def framework_list(request: HttpRequest) -> HttpResponse:
    return render(request, "catalogue/framework_list.html", {"frameworks": selectors.framework_list()})


@require_GET
def framework_detail(request: HttpRequest, pk: int) -> HttpResponse:
    framework = get_object_or_404(selectors.framework_list(), pk=pk)
    return render(request, "catalogue/framework_detail.html", {"framework": framework})
