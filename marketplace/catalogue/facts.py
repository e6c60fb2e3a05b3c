"""A service's listing facts as JSON-ready data: what versions store, diffs compare and shortlist snapshots freeze.

Reads only; the conversion back from JSON (for approving pending changes) lives here too so both directions match.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from marketplace.catalogue.models import Service

# Fields a supplier edits on the listing form (and that versions keep), in form order.
SCALAR_FIELDS: tuple[str, ...] = (
    "name",
    "summary",
    "description",
    "service_model",
    "deployment_model",
    "has_on_demand_self_service",
    "has_broad_network_access",
    "has_resource_pooling",
    "has_rapid_elasticity",
    "has_measured_service",
    "price_model",
    "price_list",
    "price_from_amount",
    "price_unit",
    "sla_availability_percent",
    "support_hours",
    "has_norwegian_support",
    "has_english_support",
    "export_formats",
    "egress_fee_per_gb_amount",
    "exit_terms",
    "data_deletion_days",
    "wcag_statement_url",
    "cyberx_phase",
)
RELATION_FIELDS: tuple[str, ...] = ("data_locations", "certifications", "sub_processors")
FACT_FIELDS: tuple[str, ...] = SCALAR_FIELDS + RELATION_FIELDS


def to_json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def data_locations_json(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    clean = [{"country": str(r["country"]), "region": str(r.get("region") or "")} for r in rows]
    return sorted(clean, key=lambda r: (r["country"], r["region"]))


def certifications_json(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    clean = [
        {
            "scheme": str(r["scheme"]),
            "issuer": str(r.get("issuer") or ""),
            "certificate_reference": str(r.get("certificate_reference") or ""),
            "valid_until": to_json(r["valid_until"]),
        }
        for r in rows
    ]
    return sorted(clean, key=lambda r: r["scheme"])


def sub_processors_json(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    clean = [
        {"name": str(r["name"]), "country": str(r["country"]), "purpose": str(r.get("purpose") or "")}
        for r in rows
    ]
    return sorted(clean, key=lambda r: (r["name"], r["country"], r["purpose"]))


def scalar_json(name: str, value: Any) -> Any:
    """JSON for one scalar fact; decimals keep the field's number of places so equal amounts compare equal."""
    if isinstance(value, Decimal):
        places = Service._meta.get_field(name).decimal_places  # type: ignore[union-attr]
        return str(value.quantize(Decimal(1).scaleb(-places)))
    return to_json(value)


def service_facts(service: Service) -> dict[str, Any]:
    """The live facts of the service row and its related rows."""
    facts: dict[str, Any] = {}
    for name in SCALAR_FIELDS:
        if name == "price_list":
            facts[name] = service.price_list_id
        else:
            facts[name] = scalar_json(name, getattr(service, name))
    facts["data_locations"] = data_locations_json(
        {"country": r.country, "region": r.region} for r in service.data_locations.all()
    )
    facts["certifications"] = certifications_json(
        {
            "scheme": r.scheme,
            "issuer": r.issuer,
            "certificate_reference": r.certificate_reference,
            "valid_until": r.valid_until,
        }
        for r in service.certifications.all()
    )
    facts["sub_processors"] = sub_processors_json(
        {"name": r.name, "country": r.country, "purpose": r.purpose} for r in service.sub_processors.all()
    )
    return facts


def scalar_from_json(name: str, value: Any) -> Any:
    """The Python value a model field takes for a JSON fact (Decimal from text, date from ISO...)."""
    if name == "price_list":
        return value
    field = Service._meta.get_field(name)
    if value is None:
        return None
    return field.to_python(value)  # type: ignore[union-attr]


def facts_proposed(current: Mapping[str, Any], data: Mapping[str, Any], relations: Mapping[str, Any]) -> dict:
    """The current facts with the edited values laid over them, all as JSON."""
    proposed = dict(current)
    for name, value in data.items():
        proposed[name] = scalar_json(name, value)
    if "data_locations" in relations:
        proposed["data_locations"] = data_locations_json(relations["data_locations"])
    if "certifications" in relations:
        proposed["certifications"] = certifications_json(relations["certifications"])
    if "sub_processors" in relations:
        proposed["sub_processors"] = sub_processors_json(relations["sub_processors"])
    return proposed
