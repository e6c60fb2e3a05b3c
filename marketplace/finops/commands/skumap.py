"""SKU mappings for price compliance: `mps finops skumap add --contract REF --price-sku SKU (--sku-id ID |
--service-name NAME [--description-contains TEXT]) [--provider NAME] [--pricing-unit UNIT] [--unit-factor F]
[--tolerance-percent T]` and `mps finops skumap list`.

A mapping says which of a supplier's billed FOCUS rows a price line of its framework contract covers; see
`SkuMapping`. The provider defaults to the supplier's name; the unit factor converts one FOCUS PricingUnit into
price-line units (GB-Mo → gib_month: 0.9313225746)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from marketplace.catalogue.models import Contract
from marketplace.finops.commands._optimise_import import write_result
from marketplace.finops.models import SkuMapping
from marketplace.finops.services.optimise import sku_mapping_create


def add_arguments(parser: Any) -> None:
    sub = parser.add_subparsers(dest="subaction", required=True, parser_class=type(parser))
    add = sub.add_parser(
        "add", help="map a billed SKU to a contract price line", called_from_command_line=True
    )
    add.add_argument("--contract", required=True, help="contract reference")
    add.add_argument("--price-sku", required=True, help="SKU of the price line")
    add.add_argument(
        "--provider", default="", help="FOCUS ProviderName/InvoiceIssuerName (default: supplier name)"
    )
    add.add_argument("--sku-id", default="")
    add.add_argument("--service-name", default="")
    add.add_argument("--description-contains", default="")
    add.add_argument("--pricing-unit", default="")
    add.add_argument("--unit-factor", default="1")
    add.add_argument("--tolerance-percent", default="0")
    add.add_argument("--format", choices=["text", "json"], default="text")
    listing = sub.add_parser("list", help="list the mappings", called_from_command_line=True)
    listing.add_argument("--format", choices=["text", "json"], default="text")


def run(options: dict[str, Any], stdout: Any) -> int:
    as_json = options["format"] == "json"
    if options["subaction"] == "list":
        rows = [
            {
                "id": m.pk,
                "contract": m.contract.reference,
                "provider": m.provider_name,
                "sku_id": m.sku_id,
                "service_name": m.service_name,
                "price_sku": m.price_sku,
                "unit_factor": str(m.unit_factor),
                "tolerance_percent": str(m.tolerance_percent),
            }
            for m in SkuMapping.objects.select_related("contract")
        ]
        for row in rows:
            write_result(stdout, as_json, row)
        return 0
    contract = Contract.objects.select_related("supplier").filter(reference=options["contract"]).first()
    if contract is None:
        write_result(stdout, as_json, {"detail": f"Fant ingen kontrakt {options['contract']}."})
        return 1
    try:
        factor, tolerance = Decimal(options["unit_factor"]), Decimal(options["tolerance_percent"])
        mapping = sku_mapping_create(
            actor=None,
            contract=contract,
            price_sku=options["price_sku"],
            provider_name=options["provider"],
            sku_id=options["sku_id"],
            service_name=options["service_name"],
            charge_description_contains=options["description_contains"],
            pricing_unit=options["pricing_unit"],
            unit_factor=factor,
            tolerance_percent=tolerance,
        )
    except InvalidOperation:
        write_result(stdout, as_json, {"detail": "Faktor og toleranse må være tall."})
        return 1
    except ValueError as exc:
        write_result(stdout, as_json, {"detail": str(exc)})
        return 1
    write_result(
        stdout, as_json, {"id": mapping.pk, "contract": contract.reference, "provider": mapping.provider_name}
    )
    return 0
