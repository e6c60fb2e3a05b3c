from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from marketplace.accounts.models import Organisation, OrganisationKind


@require_GET
def supplier_list(request: HttpRequest) -> HttpResponse:
    suppliers = Organisation.objects.filter(kind=OrganisationKind.SUPPLIER).order_by("name")
    return render(request, "suppliers/supplier_list.html", {"suppliers": suppliers})
