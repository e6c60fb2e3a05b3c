"""Shortlist exports: one table of rows from a frozen snapshot, written as CSV or ODS (OpenDocument spreadsheet).

The file is rendered from the snapshot's stored content, so downloading a snapshot again gives the same table.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

from marketplace.catalogue import rules
from marketplace.catalogue.models import (
    CertificationScheme,
    DataResidency,
    DeploymentModel,
    PriceModel,
    PriceUnit,
    ServiceModel,
    ServiceStatus,
    ShortlistSnapshot,
    SupportHours,
)

NUMERIC_COLUMNS = frozenset({0, 6, 16, 18, 22})
HEADER_INDEX = 5  # rows after the header row are services


def _label(choices: Any, value: Any) -> str:
    if not value:
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _yes_no(value: Any) -> str:
    return _("Ja") if value else _("Nei")


def header() -> list[str]:
    return [
        _("Tjeneste-ID"),
        _("Tjeneste"),
        _("Leverandør"),
        _("Organisasjonsnummer"),
        _("Rammeavtale"),
        _("Delkontrakt"),
        _("Versjon"),
        _("Status"),
        _("Tjenestemodell"),
        _("Leveransemodell"),
        _("Skytjeneste (NIST)"),
        _("Datalokasjon"),
        _("Land og regioner"),
        _("Sertifiseringer"),
        _("Underdatabehandlere"),
        _("Prismodell"),
        _("Pris fra (NOK)"),
        _("Prisenhet"),
        _("Tilgjengelighet (SLA, %)"),
        _("Supporttid"),
        _("Support på norsk"),
        _("Eksportformater"),
        _("Utgangsgebyr per GB (NOK)"),
        _("Merknad"),
    ]


def service_row(entry: Mapping[str, Any]) -> list[str]:
    facts = entry["facts"]
    locations = "; ".join(
        f"{loc['country']} {loc['region']}".strip() for loc in facts.get("data_locations", [])
    )
    certifications = "; ".join(
        f"{_label(CertificationScheme, c['scheme'])} ({_('til')} {c['valid_until']})"
        for c in facts.get("certifications", [])
    )
    sub_processors = "; ".join(
        f"{s['name']} ({s['country']}): {s['purpose']}" for s in facts.get("sub_processors", [])
    )
    return [
        str(entry["id"]),
        facts["name"],
        entry["supplier"]["name"],
        entry["supplier"]["orgnr"],
        entry["framework"]["name"],
        f"{entry['lot']['number']}: {entry['lot']['title']}",
        "" if entry["version"] is None else str(entry["version"]),
        _label(ServiceStatus, entry["status"]),
        _label(ServiceModel, facts["service_model"]),
        _label(DeploymentModel, facts["deployment_model"]),
        _yes_no(entry["is_cloud_service"]),
        _label(DataResidency, entry["data_residency"]),
        locations,
        certifications,
        sub_processors,
        _label(PriceModel, facts["price_model"]),
        facts.get("price_from_amount") or "",
        _label(PriceUnit, facts.get("price_unit")),
        facts.get("sla_availability_percent") or "",
        _label(SupportHours, facts["support_hours"]),
        _yes_no(facts.get("has_norwegian_support")),
        facts.get("export_formats") or "",
        facts.get("egress_fee_per_gb_amount") or "",
        entry.get("note") or "",
    ]


def table_rows(snapshot: ShortlistSnapshot) -> list[list[str]]:
    content = snapshot.content
    organisation = content["shortlist"]["organisation"]
    exported_at = timezone.localtime(snapshot.created_at).strftime("%Y-%m-%d %H:%M:%S %Z")
    rows: list[list[str]] = [
        [_("Kortliste"), content["shortlist"]["name"]],
        [_("Virksomhet"), f"{organisation['orgnr']} {organisation['name']}"],
        [_("Eksportert"), exported_at],
        [_("Innholds-hash (SHA-256)"), snapshot.content_hash],
        [],
        header(),
    ]
    rows.extend(service_row(entry) for entry in content["services"])
    return rows


def csv_bytes(snapshot: ShortlistSnapshot) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    # Numbers are written as they are; every text cell is guarded against formula injection.
    for index, row in enumerate(table_rows(snapshot)):
        writer.writerow(
            [
                value
                if (index > HEADER_INDEX and column in NUMERIC_COLUMNS)
                else rules.spreadsheet_text_safe(value)
                for column, value in enumerate(row)
            ]
        )
    # BOM so spreadsheet programs read the Norwegian letters as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell(value: str, numeric: bool) -> TableCell:
    if numeric and value:
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = None
        if number is not None:
            cell = TableCell(valuetype="float", value=str(number))
            cell.addElement(P(text=value))
            return cell
    cell = TableCell(valuetype="string")
    cell.addElement(P(text=value))
    return cell


def ods_bytes(snapshot: ShortlistSnapshot) -> bytes:
    document = OpenDocumentSpreadsheet()
    table = Table(name=_("Kortliste"))
    rows = table_rows(snapshot)
    for index, row in enumerate(rows):
        table_row = TableRow()
        for column, value in enumerate(row):
            table_row.addElement(_cell(value, index > HEADER_INDEX and column in NUMERIC_COLUMNS))
        table.addElement(table_row)
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def filename(snapshot: ShortlistSnapshot) -> str:
    stamp = timezone.localtime(snapshot.created_at).strftime("%Y%m%d-%H%M%S")
    return f"kortliste-{snapshot.shortlist_id}-{stamp}.{snapshot.format}"
