"""Actors for the knowledge area's tests: each user is returned already acting for their organisation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from marketplace.accounts.middleware import activate
from marketplace.accounts.models import Organisation, Role, User
from marketplace.accounts.tests.factories import member


@dataclass
class Actors:
    buyer_org: Organisation
    other_org: Organisation
    supplier_org: Organisation
    mps_org: Organisation
    buyer: User  # buyer role at buyer_org
    org_admin: User  # org admin at buyer_org
    other_admin: User  # org admin at other_org
    other_buyer: User  # buyer at other_org
    supplier: User  # supplier admin
    staff: User  # MPS category manager
    anonymous: Any = None

    def orgs(self) -> dict[str, Organisation]:
        return {
            "buyer": self.buyer_org,
            "other": self.other_org,
            "supplier": self.supplier_org,
            "mps": self.mps_org,
        }


def acting(user: User, organisation: Organisation) -> User:
    activate(user, organisation)
    return user


@pytest.fixture
def actors(buyer_org, other_buyer_org, supplier_org, mps_org) -> Actors:
    return Actors(
        buyer_org=buyer_org,
        other_org=other_buyer_org,
        supplier_org=supplier_org,
        mps_org=mps_org,
        buyer=acting(member(buyer_org, Role.BUYER, username="nve.kjoper"), buyer_org),
        org_admin=acting(member(buyer_org, Role.ORG_ADMIN, username="nve.admin"), buyer_org),
        other_admin=acting(member(other_buyer_org, Role.ORG_ADMIN, username="voss.admin"), other_buyer_org),
        other_buyer=acting(member(other_buyer_org, Role.BUYER, username="voss.kjoper"), other_buyer_org),
        supplier=acting(member(supplier_org, Role.SUPPLIER_ADMIN, username="nordsky.admin"), supplier_org),
        staff=acting(member(mps_org, Role.CATEGORY_MANAGER, username="dfo.kategori"), mps_org),
    )


# where each actor acts: (user attribute, organisation attribute)
ROLE_ORGS = {
    "buyer": "buyer_org",
    "org_admin": "buyer_org",
    "other_admin": "other_org",
    "other_buyer": "other_org",
    "supplier": "supplier_org",
    "staff": "mps_org",
}
