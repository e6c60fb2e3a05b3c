from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from marketplace.api import auth_optional
from marketplace.catalogue import selectors

router = Router(tags=["catalogue"])


class FrameworkOut(Schema):
    id: int
    name: str
    reference: str
    category: str
    starts_on: date
    ends_on: date
    max_value_amount: Decimal
    published_service_count: int


@router.get("/frameworks", response=list[FrameworkOut], auth=auth_optional)
def frameworks(request: HttpRequest) -> list[FrameworkOut]:
    return [
        FrameworkOut(
            id=f.pk,
            name=f.name,
            reference=f.reference,
            category=f.category,
            starts_on=f.starts_on,
            ends_on=f.ends_on,
            max_value_amount=f.max_value_amount,
            published_service_count=f.published_count,  # type: ignore[attr-defined]
        )
        for f in selectors.framework_list()
    ]
