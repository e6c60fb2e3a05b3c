"""Writes for the optimisation analyses: licence imports and prices, business-metric imports, SKU mappings.

Imports are validated completely before anything is stored; an error names the line and column and nothing is
written. Every change appends an audit event in the same transaction."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.accounts.permissions import is_mps_staff
from marketplace.catalogue.models import Contract, PriceLine, PriceUnit
from marketplace.core.audit import audit_record
from marketplace.finops.models import BusinessMetric, LicenceAssignment, LicencePrice, SkuMapping
from marketplace.finops.permissions import can_manage_finops

MAX_IMPORT_BYTES = 20 * 1024 * 1024
LICENCE_COLUMNS = ("user", "product", "assigned_on", "last_active_on")
METRIC_COLUMNS = ("name", "unit", "month", "value")


class ImportRejected(Exception):
    """The file was refused; `errors` = [{"line", "column", "message"}] (line 1 is the header)."""

    def __init__(self, message: str, errors: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors

    def as_dict(self) -> dict[str, Any]:
        return {"detail": self.message, "errors": self.errors}


@dataclass(frozen=True)
class LicenceRow:
    line: int
    user: str
    product: str
    assigned_on: dt.date
    last_active_on: dt.date | None


@dataclass(frozen=True)
class MetricRow:
    line: int
    name: str
    unit: str
    month: dt.date
    value: Decimal


def _read_csv(content: bytes, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    if len(content) > MAX_IMPORT_BYTES:
        raise ImportRejected(_("Filen er for stor (maks 20 MB)."), [])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected(_("Filen er ikke UTF-8-tekst."), []) from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in columns if name not in header]
    if missing:
        raise ImportRejected(
            _("Filen mangler kolonner: %(columns)s.") % {"columns": ", ".join(missing)},
            [{"line": 1, "column": name, "message": _("Kolonnen mangler.")} for name in missing],
        )
    reader.fieldnames = header
    rows = []
    for number, raw in enumerate(reader, start=2):
        rows.append((number, {key: (value or "").strip() for key, value in raw.items() if key}))
    if not rows:
        raise ImportRejected(_("Filen har ingen rader."), [])
    return rows


def _date(value: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()  # noqa: DTZ007 (a date, no time)
        except ValueError:
            continue
    raise ValueError(value)


def parse_licence_csv(content: bytes) -> list[LicenceRow]:
    """CSV with columns user, product, assigned_on, last_active_on (dates YYYY-MM-DD or DD.MM.YYYY; an empty
    last_active_on means never active). Raises ImportRejected with every error found."""
    errors: list[dict[str, Any]] = []
    result: list[LicenceRow] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in _read_csv(content, LICENCE_COLUMNS):
        user, product = row.get("user", ""), row.get("product", "")
        if not user:
            errors.append({"line": line, "column": "user", "message": _("Bruker mangler.")})
        if not product:
            errors.append({"line": line, "column": "product", "message": _("Produkt mangler.")})
        assigned_on = last_active_on = None
        try:
            assigned_on = _date(row.get("assigned_on", ""))
        except ValueError:
            errors.append(
                {"line": line, "column": "assigned_on", "message": _("Ugyldig dato (bruk ÅÅÅÅ-MM-DD).")}
            )
        if row.get("last_active_on"):
            try:
                last_active_on = _date(row["last_active_on"])
            except ValueError:
                errors.append(
                    {
                        "line": line,
                        "column": "last_active_on",
                        "message": _("Ugyldig dato (bruk ÅÅÅÅ-MM-DD)."),
                    }
                )
        key = (product, user)
        if user and product and key in seen:
            errors.append(
                {
                    "line": line,
                    "column": "user",
                    "message": _("Samme bruker og produkt står også på linje %(line)s.")
                    % {"line": seen[key]},
                }
            )
        seen.setdefault(key, line)
        if assigned_on is not None and user and product:
            result.append(LicenceRow(line, user, product, assigned_on, last_active_on))
    if errors:
        raise ImportRejected(_("Filen har feil; ingenting er lagret."), errors)
    return result


def parse_metric_csv(content: bytes) -> list[MetricRow]:
    """CSV with columns name, unit, month (YYYY-MM), value (> 0, decimal point or comma)."""
    errors: list[dict[str, Any]] = []
    result: list[MetricRow] = []
    seen: dict[tuple[str, dt.date], int] = {}
    for line, row in _read_csv(content, METRIC_COLUMNS):
        name, unit = row.get("name", ""), row.get("unit", "")
        if not name:
            errors.append({"line": line, "column": "name", "message": _("Navn mangler.")})
        if not unit:
            errors.append({"line": line, "column": "unit", "message": _("Enhet mangler.")})
        month = value = None
        try:
            month = dt.datetime.strptime(row.get("month", ""), "%Y-%m").date()  # noqa: DTZ007
        except ValueError:
            errors.append({"line": line, "column": "month", "message": _("Ugyldig måned (bruk ÅÅÅÅ-MM).")})
        try:
            value = Decimal(row.get("value", "").replace(" ", "").replace(",", "."))
            if not value.is_finite() or value <= 0:
                raise InvalidOperation
        except InvalidOperation:
            errors.append(
                {"line": line, "column": "value", "message": _("Verdien må være et tall over null.")}
            )
            value = None
        if name and month is not None:
            if (name, month) in seen:
                errors.append(
                    {
                        "line": line,
                        "column": "month",
                        "message": _("Samme mål og måned står også på linje %(line)s.")
                        % {"line": seen[(name, month)]},
                    }
                )
            seen.setdefault((name, month), line)
        if name and unit and month is not None and value is not None:
            result.append(MetricRow(line, name, unit, month, value))
    if errors:
        raise ImportRejected(_("Filen har feil; ingenting er lagret."), errors)
    return result


def _check_manage(actor: Any, organisation: Any) -> None:
    """`actor=None` is the operator on the command line (trusted); a user must be allowed."""
    if actor is not None and not can_manage_finops(actor, organisation):
        raise PermissionDenied


def licences_import(
    *, actor: Any, organisation: Any, content: bytes, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Replace the organisation's seats of every product in the file by the file's rows (the file is the current
    list of those products' seats); products not in the file keep theirs."""
    _check_manage(actor, organisation)
    rows = parse_licence_csv(content)
    now = now or timezone.now()
    batch = str(uuid.uuid4())
    products = sorted({row.product for row in rows})
    with transaction.atomic():
        removed, _by_model = LicenceAssignment.objects.filter(
            organisation=organisation, product__in=products
        ).delete()
        LicenceAssignment.objects.bulk_create(
            LicenceAssignment(
                organisation=organisation,
                product=row.product,
                user_identifier=row.user,
                assigned_on=row.assigned_on,
                last_active_on=row.last_active_on,
                import_batch=batch,
                imported_at=now,
                imported_by=actor,
            )
            for row in rows
        )
        summary = {"batch": batch, "products": products, "seats": len(rows), "replaced": removed}
        audit_record(
            actor=actor, verb="finops.licences_imported", organisation=organisation, data=summary, now=now
        )
    return summary


def licence_price_set(
    *,
    actor: Any,
    organisation: Any,
    product: str,
    price_line: PriceLine | None = None,
    monthly_amount: Decimal | None = None,
    focus_service_name: str = "",
    focus_sku_id: str = "",
    now: dt.datetime | None = None,
) -> LicencePrice:
    """How the product's seats are priced (a user_month price line, a manual monthly NOK price, or FOCUS rows)."""
    _check_manage(actor, organisation)
    if not product.strip():
        raise ValueError(_("Produkt mangler."))
    if price_line is not None and price_line.unit != PriceUnit.USER_MONTH:
        raise ValueError(_("Prislinjen må ha enheten bruker-måned."))
    if monthly_amount is not None and monthly_amount < 0:
        raise ValueError(_("Prisen kan ikke være negativ."))
    if price_line is None and monthly_amount is None and not focus_service_name and not focus_sku_id:
        raise ValueError(_("Oppgi en prislinje, en månedspris eller FOCUS-tjeneste/SKU."))
    with transaction.atomic():
        price, _created = LicencePrice.objects.update_or_create(
            organisation=organisation,
            product=product.strip(),
            defaults={
                "price_line": price_line,
                "monthly_amount": monthly_amount,
                "focus_service_name": focus_service_name,
                "focus_sku_id": focus_sku_id,
            },
        )
        audit_record(
            actor=actor,
            verb="finops.licence_price_set",
            target=price,
            organisation=organisation,
            data={
                "product": price.product,
                "price_line": getattr(price_line, "pk", None),
                "monthly_amount": str(monthly_amount) if monthly_amount is not None else None,
                "focus_service_name": focus_service_name,
                "focus_sku_id": focus_sku_id,
            },
            now=now,
        )
    return price


def business_metrics_import(
    *, actor: Any, organisation: Any, content: bytes, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Store the file's monthly values; a (name, month) already stored is replaced."""
    _check_manage(actor, organisation)
    rows = parse_metric_csv(content)
    with transaction.atomic():
        created = updated = 0
        for row in rows:
            _metric, was_created = BusinessMetric.objects.update_or_create(
                organisation=organisation,
                name=row.name,
                month=row.month,
                defaults={"unit": row.unit, "value": row.value},
            )
            created += int(was_created)
            updated += int(not was_created)
        summary = {"created": created, "updated": updated, "names": sorted({row.name for row in rows})}
        audit_record(
            actor=actor, verb="finops.metrics_imported", organisation=organisation, data=summary, now=now
        )
    return summary


def sku_mapping_create(
    *,
    actor: Any,
    contract: Contract,
    price_sku: str,
    provider_name: str = "",
    sku_id: str = "",
    service_name: str = "",
    charge_description_contains: str = "",
    pricing_unit: str = "",
    unit_factor: Decimal = Decimal(1),
    tolerance_percent: Decimal = Decimal(0),
    now: dt.datetime | None = None,
) -> SkuMapping:
    """Map a supplier's billed SKU (or service + description) to a price line SKU of its framework contract.
    MPS staff only (or the operator on the command line, `actor=None`). `provider_name` defaults to the supplier's
    name."""
    if actor is not None and not is_mps_staff(actor):
        raise PermissionDenied
    if not sku_id and not service_name:
        raise ValueError(_("Oppgi FOCUS SkuId eller ServiceName."))
    if unit_factor <= 0:
        raise ValueError(_("Omregningsfaktoren må være over null."))
    if tolerance_percent < 0:
        raise ValueError(_("Toleransen kan ikke være negativ."))
    if not PriceLine.objects.filter(price_list__contract=contract, sku=price_sku).exists():
        raise ValueError(_("Kontrakten har ingen prislinje med varenummer %(sku)s.") % {"sku": price_sku})
    now = now or timezone.now()
    with transaction.atomic():
        mapping = SkuMapping.objects.create(
            contract=contract,
            provider_name=provider_name or contract.supplier.name,
            sku_id=sku_id,
            service_name=service_name,
            charge_description_contains=charge_description_contains,
            pricing_unit=pricing_unit,
            price_sku=price_sku,
            unit_factor=unit_factor,
            tolerance_percent=tolerance_percent,
            created_at=now,
        )
        audit_record(
            actor=actor,
            verb="finops.sku_mapping_created",
            target=mapping,
            data={
                "contract": contract.reference,
                "provider_name": mapping.provider_name,
                "sku_id": sku_id,
                "service_name": service_name,
                "price_sku": price_sku,
                "unit_factor": str(unit_factor),
                "tolerance_percent": str(tolerance_percent),
            },
            now=now,
        )
    return mapping
