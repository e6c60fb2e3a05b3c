from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from marketplace.accounts.models import Organisation, OrganisationKind
from marketplace.api import auth_optional

router = Router(tags=["suppliers"])


class SupplierOut(Schema):
    id: int
    orgnr: str
    name: str


@router.get("/suppliers", response=list[SupplierOut], auth=auth_optional)
def suppliers(request: HttpRequest) -> list[SupplierOut]:
    return [
        SupplierOut(id=o.pk, orgnr=o.orgnr, name=o.name)
        for o in Organisation.objects.filter(kind=OrganisationKind.SUPPLIER).order_by("name")
    ]
