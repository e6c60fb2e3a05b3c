"""SaaS licences: `mps finops licences import FILE --org ORGNR [--format json]` and
`mps finops licences price --org ORGNR --product P (--contract REF --price-sku SKU | --monthly NOK | --focus-sku ID |
--focus-service NAME)`.

The import's CSV columns are user, product, assigned_on, last_active_on (empty = never active); the file replaces
the organisation's seats of the products it lists, and an error anywhere stores nothing. `price` says how a
product's seat is priced: a user_month line of a contract's newest price list, a manual monthly NOK price, or the
organisation's FOCUS rows with that SkuId or ServiceName."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from marketplace.accounts.models import Organisation
from marketplace.catalogue.models import PriceLine
from marketplace.finops.commands._optimise_import import add_import_arguments, run_import, write_result
from marketplace.finops.services.optimise import licence_price_set, licences_import


def add_arguments(parser: Any) -> None:
    sub = add_import_arguments(parser, "import licence assignments from a CSV file")
    price = sub.add_parser(
        "price", help="set how a product's seats are priced", called_from_command_line=True
    )
    price.add_argument("--org", required=True, help="organisation number (orgnr)")
    price.add_argument("--product", required=True)
    price.add_argument("--contract", default="", help="contract reference (with --price-sku)")
    price.add_argument("--price-sku", default="", help="price line SKU (unit user_month)")
    price.add_argument("--monthly", default="", help="manual price per user and month, NOK")
    price.add_argument("--focus-sku", default="", help="FOCUS SkuId of the product's SaaS rows")
    price.add_argument("--focus-service", default="", help="FOCUS ServiceName of the product's SaaS rows")
    price.add_argument("--format", choices=["text", "json"], default="text")


def run(options: dict[str, Any], stdout: Any) -> int:
    if options["subaction"] == "import":
        return run_import(options, stdout, licences_import)
    as_json = options["format"] == "json"
    organisation = Organisation.objects.filter(orgnr=options["org"]).first()
    if organisation is None:
        write_result(
            stdout, as_json, {"detail": f"Fant ingen virksomhet med organisasjonsnummer {options['org']}."}
        )
        return 1
    line = None
    if options["contract"] or options["price_sku"]:
        line = (
            PriceLine.objects.filter(
                price_list__contract__reference=options["contract"], sku=options["price_sku"]
            )
            .order_by("-price_list__version")
            .first()
        )
        if line is None:
            write_result(stdout, as_json, {"detail": "Fant ingen slik prislinje i kontrakten."})
            return 1
    monthly = None
    if options["monthly"]:
        try:
            monthly = Decimal(options["monthly"].replace(",", "."))
        except InvalidOperation:
            write_result(stdout, as_json, {"detail": "Månedsprisen må være et tall."})
            return 1
    try:
        price = licence_price_set(
            actor=None,
            organisation=organisation,
            product=options["product"],
            price_line=line,
            monthly_amount=monthly,
            focus_sku_id=options["focus_sku"],
            focus_service_name=options["focus_service"],
        )
    except ValueError as exc:
        write_result(stdout, as_json, {"detail": str(exc)})
        return 1
    write_result(stdout, as_json, {"product": price.product, "id": price.pk})
    return 0
