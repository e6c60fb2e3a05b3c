"""Shared set-up for assessment tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from marketplace.accounts.middleware import activate
from marketplace.accounts.models import Role
from marketplace.accounts.tests.factories import member
from marketplace.catalogue.models import DataLocation, SubProcessor
from marketplace.catalogue.tests.factories import ServiceFactory

ASSESSED_ON = dt.date(2026, 6, 1)


def officer(
    organisation: Any, *, username: str | None = None, roles: tuple[str, ...] = (Role.PRIVACY_OFFICER,)
) -> Any:
    user = member(organisation, *roles, username=username)
    user.email = f"{user.username}@example.no"
    user.save()
    activate(user, organisation)
    return user


def office_service(**kwargs: Any) -> Any:
    service = ServiceFactory(name="E-post og kalender", service_model="saas", **kwargs)
    SubProcessor.objects.create(
        service=service, name="Atlantic Cloud Services Inc.", country="US", purpose="Support"
    )
    SubProcessor.objects.create(
        service=service, name="Global Support Services Pvt. Ltd.", country="IN", purpose="Tredjelinje"
    )
    SubProcessor.objects.create(
        service=service, name="Supportpartner Polska", country="PL", purpose="Førstelinje"
    )
    DataLocation.objects.create(service=service, country="IE", region="Dublin")
    DataLocation.objects.create(service=service, country="NL", region="Amsterdam")
    return service
