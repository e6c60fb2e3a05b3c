"""Test helpers: acting users and a valid listing payload."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from marketplace.accounts.middleware import activate
from marketplace.accounts.models import Organisation, User
from marketplace.accounts.tests.factories import member


def acting(organisation: Organisation, *roles: str, username: str | None = None) -> User:
    """A user with the roles in the organisation, acting for it (as the middleware would set up)."""
    user = member(organisation, *roles, username=username)
    activate(user, organisation)
    return user


def listing_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Objektlagring",
        "summary": "S3-kompatibel objektlagring.",
        "description": "<p>Lagring i Norge.</p>",
        "service_model": "iaas",
        "deployment_model": "public",
        "has_on_demand_self_service": True,
        "has_broad_network_access": True,
        "has_resource_pooling": True,
        "has_rapid_elasticity": True,
        "has_measured_service": True,
        "price_model": "payg",
        "price_list": None,
        "price_from_amount": Decimal("0.2500"),
        "price_unit": "gib_month",
        "sla_availability_percent": Decimal("99.9"),
        "support_hours": "business",
        "has_norwegian_support": True,
        "has_english_support": True,
        "export_formats": "S3 API",
        "egress_fee_per_gb_amount": Decimal("0"),
        "exit_terms": "Data kan hentes ut i 30 dager.",
        "data_deletion_days": 30,
        "wcag_statement_url": "",
        "cyberx_phase": "",
    }
    data.update(overrides)
    return data


LOCATIONS = [{"country": "NO", "region": "Oslo"}]
CERTS = [
    {
        "scheme": "iso27001",
        "issuer": "DNV",
        "certificate_reference": "C-1",
        "valid_until": dt.date(2027, 6, 30),
    }
]
SUBS = [{"name": "Fjordmail AS", "country": "NO", "purpose": "E-postvarsler"}]
