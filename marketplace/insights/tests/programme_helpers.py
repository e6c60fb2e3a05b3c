from __future__ import annotations

import datetime as dt

from marketplace.accounts.models import OrganisationKind, Role
from marketplace.accounts.tests.factories import OrganisationFactory, SupplierFactory, member
from marketplace.insights.models import Programme, ProgrammePhase, ProgrammeStatus

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def acting(user, organisation, *roles):
    """The user as the middleware leaves it: acting for `organisation` with `roles`."""
    user.active_organisation = organisation
    user.active_roles = frozenset(roles)
    return user


def staff_user(role: str = Role.CATEGORY_MANAGER):
    organisation = OrganisationFactory(kind=OrganisationKind.MPS)
    return acting(member(organisation, role), organisation, role)


def buyer_user(role: str = Role.ORG_ADMIN):
    organisation = OrganisationFactory()
    return acting(member(organisation, role), organisation, role)


def supplier_user(role: str = Role.SUPPLIER_ADMIN):
    organisation = SupplierFactory()
    return acting(member(organisation, role), organisation, role)


def programme(**extra) -> Programme:
    values = {
        "slug": "cyberx",
        "name": "CyberX",
        "owner": "Amina Haugen",
        "status": ProgrammeStatus.ON_PLAN,
        "current_activities": "Piloter",
        "next_steps": "Fase 2",
        "updated_at": NOW - dt.timedelta(days=30),
        **extra,
    }
    item = Programme.objects.create(**values)
    ProgrammePhase.objects.create(
        programme=item,
        title="Fase 1 synlighet",
        start_year=2023,
        start_quarter=4,
        end_year=2024,
        end_quarter=4,
    )
    return item
