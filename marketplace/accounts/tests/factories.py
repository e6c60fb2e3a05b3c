from __future__ import annotations

import factory

from marketplace.accounts.models import Membership, Organisation, OrganisationKind, User
from marketplace.accounts.rules import orgnr_first_valid_from


def valid_orgnr(n: int) -> str:
    """A valid organisation number, different for each n."""
    return orgnr_first_valid_from(81000000 + n * 13)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("orgnr",)

    orgnr = factory.Sequence(valid_orgnr)
    name = factory.Sequence(lambda n: f"Virksomhet {n}")
    kind = OrganisationKind.STATE


class SupplierFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Leverandør {n} AS")
    kind = OrganisationKind.SUPPLIER


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"bruker{n}")
    password = factory.django.Password("Passord-for-test-1")


def member(organisation: Organisation, *roles: str, username: str | None = None) -> User:
    """A user with the given roles in the organisation."""
    user = UserFactory(username=username) if username else UserFactory()
    for role in roles:
        Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    return user
