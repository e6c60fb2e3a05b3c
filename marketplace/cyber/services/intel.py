"""Threat intelligence: import the CISA KEV catalogue and STIX 2.1 bundles (versions kept), record the software
organisations run, match both feeds to it and keep one alert per organisation and match.

- `kev_import` validates the whole file against the KEV schema (cyber-privacy.md §A6: required fields, cveID
  pattern, dates) before storing anything; errors name the entry index. One catalogue per `catalogVersion`:
  importing the same file again returns the stored version, a different file with a stored version is refused.
- `stix_import` parses with the stix2 library (custom properties and objects allowed). The same bundle id with
  changed content becomes the next version; the same content again is not stored twice.
- `software_observe` (scanner: banners, generator tags) and `software_declare` (the organisation's inventory: text,
  CPE 2.3 or purl) normalise the product through `intel_rules` and the alias map.
- `alerts_match` matches the current KEV catalogue to every organisation's software (vendor/product through the
  alias map; KEV carries no versions, so those alerts are candidates) and the current STIX indicators to its assets
  (names, and A/AAAA addresses from its latest finished scan). Running it again creates nothing new and keeps the
  status an organisation gave an alert.

Actor None means the system (CLI, scanner, demo); a user must have the permission the service checks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import stix2
import stix2.exceptions
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from marketplace.accounts.models import Organisation
from marketplace.core.audit import audit_record
from marketplace.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from marketplace.cyber import intel_rules
from marketplace.cyber.intel_rules import CVE_RE, CWE_RE, UnparsableSoftware
from marketplace.cyber.models import (
    AlertConfidence,
    AlertKind,
    AlertStatus,
    Asset,
    KevCatalogue,
    KevEntry,
    Scan,
    ScanStatus,
    SoftwareItem,
    SoftwareSource,
    StixBundle,
    StixObject,
    ThreatAlert,
)
from marketplace.cyber.permissions import can_manage_cyber, can_manage_threat_intel

FileInput = bytes | str | Path | BinaryIO

KEV_TOP_REQUIRED = ("catalogVersion", "dateReleased", "count", "vulnerabilities")
KEV_ENTRY_REQUIRED = (
    "cveID",
    "vendorProject",
    "product",
    "vulnerabilityName",
    "dateAdded",
    "shortDescription",
    "requiredAction",
    "dueDate",
)
KEV_RANSOMWARE = ("Known", "Unknown")
KEV_FORENSIC_TRIAGE = ("Yes", "No")


def read_input(file: FileInput, *, limit: int | None = None) -> tuple[bytes, str]:
    """The bytes of the file (path, bytes or open binary file) and its name; refuses files over the upload limit."""
    limit = limit or int(settings.MPS_UPLOAD_MAX_BYTES)
    if isinstance(file, bytes):
        data, name = file, ""
    elif isinstance(file, str | Path):
        path = Path(file)
        if path.stat().st_size > limit:
            raise ValidationFailed(_("Filen er for stor."), errors=[{"field": "file", "message": str(path)}])
        data, name = path.read_bytes(), path.name
    else:
        data = file.read(limit + 1)
        name = Path(str(getattr(file, "name", "") or "")).name
    if len(data) > limit:
        raise ValidationFailed(_("Filen er for stor."), errors=[{"field": "file", "message": name}])
    return data, name


def _json(data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ValidationFailed(
            _("Filen er ikke UTF-8-kodet tekst."), errors=[{"field": "file", "message": _("Ikke UTF-8.")}]
        ) from None
    except json.JSONDecodeError as exc:
        message = _("Ikke gyldig JSON: linje %(line)s, kolonne %(column)s: %(error)s") % {
            "line": exc.lineno,
            "column": exc.colno,
            "error": exc.msg,
        }
        raise ValidationFailed(message, errors=[{"field": "file", "message": message}]) from None


def _check_intel_actor(actor: Any) -> None:
    if actor is not None and not can_manage_threat_intel(actor):
        raise PermissionDenied(_("Bare MPS kan importere trusselinformasjon."))


# --- KEV ------------------------------------------------------------------------------------------------------------


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def _datetime(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = parse_datetime(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is None:
        # Fractions with more than six digits or an odd number of them: keep what Python reads.
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


_T = TypeVar("_T")


def _valid(value: _T | None) -> _T:
    """A value the validation has already checked is there."""
    if value is None:
        raise ValueError("validated value missing")
    return value


def kev_errors(data: Any) -> list[dict[str, str]]:
    """Every way the document breaks the KEV schema, each naming its place ("vulnerabilities[3].cveID")."""
    errors: list[dict[str, str]] = []

    def add(place: str, message: str) -> None:
        errors.append({"field": place, "message": f"{place}: {message}"})

    if not isinstance(data, dict):
        add("$", _("dokumentet må være et JSON-objekt."))
        return errors
    for name in KEV_TOP_REQUIRED:
        if name not in data:
            add(name, _("mangler (påkrevd felt)."))
    if "catalogVersion" in data and (
        not isinstance(data["catalogVersion"], str) or not data["catalogVersion"]
    ):
        add("catalogVersion", _("må være tekst."))
    if "dateReleased" in data and _datetime(data["dateReleased"]) is None:
        add("dateReleased", _("må være et tidspunkt (ISO 8601)."))
    if "count" in data and (not isinstance(data["count"], int) or isinstance(data["count"], bool)):
        add("count", _("må være et heltall."))
    vulnerabilities = data.get("vulnerabilities")
    if "vulnerabilities" in data and not isinstance(vulnerabilities, list):
        add("vulnerabilities", _("må være en liste."))
        return errors
    if not isinstance(vulnerabilities, list):
        return errors
    if isinstance(data.get("count"), int) and data["count"] != len(vulnerabilities):
        add(
            "count",
            _("er %(count)s, men filen har %(n)s sårbarheter.")
            % {"count": data["count"], "n": len(vulnerabilities)},
        )
    seen: dict[str, int] = {}
    for index, entry in enumerate(vulnerabilities):
        place = f"vulnerabilities[{index}]"
        if not isinstance(entry, dict):
            add(place, _("må være et objekt."))
            continue
        for name in KEV_ENTRY_REQUIRED:
            value = entry.get(name)
            if name not in entry:
                add(f"{place}.{name}", _("mangler (påkrevd felt)."))
            elif not isinstance(value, str) or not value.strip():
                add(f"{place}.{name}", _("må være tekst som ikke er tom."))
        cve = entry.get("cveID")
        if isinstance(cve, str) and cve.strip():
            if not CVE_RE.match(cve):
                add(f"{place}.cveID", _("«%(value)s» følger ikke mønsteret CVE-ÅÅÅÅ-NNNN.") % {"value": cve})
            elif cve in seen:
                add(
                    f"{place}.cveID",
                    _("%(cve)s står også i oppføring %(first)s.") % {"cve": cve, "first": seen[cve]},
                )
            else:
                seen[cve] = index
        for name in ("dateAdded", "dueDate"):
            value = entry.get(name)
            if isinstance(value, str) and value.strip() and _date(value) is None:
                add(f"{place}.{name}", _("«%(value)s» er ikke en dato (ÅÅÅÅ-MM-DD).") % {"value": value})
        ransomware = entry.get("knownRansomwareCampaignUse")
        if ransomware is not None and ransomware not in KEV_RANSOMWARE:
            add(f"{place}.knownRansomwareCampaignUse", _("må være «Known» eller «Unknown»."))
        triage = entry.get("forensicTriage")
        if triage is not None and triage not in KEV_FORENSIC_TRIAGE:
            add(f"{place}.forensicTriage", _("må være «Yes» eller «No»."))
        if "notes" in entry and not isinstance(entry["notes"], str):
            add(f"{place}.notes", _("må være tekst."))
        cwes = entry.get("cwes")
        if cwes is not None:
            if not isinstance(cwes, list):
                add(f"{place}.cwes", _("må være en liste."))
            else:
                for position, cwe in enumerate(cwes):
                    if not isinstance(cwe, str) or not CWE_RE.match(cwe):
                        add(
                            f"{place}.cwes[{position}]",
                            _("«%(value)s» følger ikke mønsteret CWE-N.") % {"value": cwe},
                        )
    return errors


@dataclass
class KevImportResult:
    catalogue: KevCatalogue
    created: bool


def kev_import(
    *, actor: Any, file: FileInput, filename: str = "", now: dt.datetime | None = None
) -> KevImportResult:
    """Validate and store one KEV catalogue version (or return the stored one for the same file)."""
    _check_intel_actor(actor)
    raw, name = read_input(file)
    filename = filename or name
    data = _json(raw)
    errors = kev_errors(data)
    if errors:
        raise ValidationFailed(
            _("KEV-filen %(file)s ble ikke importert: %(n)s feil.") % {"file": filename, "n": len(errors)},
            errors=errors,
        )
    sha256 = hashlib.sha256(raw).hexdigest()
    now = now or timezone.now()
    with transaction.atomic():
        existing = KevCatalogue.objects.filter(version=data["catalogVersion"]).first()
        if existing is not None:
            if existing.sha256 == sha256:
                return KevImportResult(existing, created=False)
            raise Conflict(
                _("KEV-versjon %(version)s er allerede importert med annet innhold.")
                % {"version": existing.version}
            )
        catalogue = KevCatalogue.objects.create(
            version=data["catalogVersion"],
            title=str(data.get("title") or "")[:200],
            released_at=_valid(_datetime(data["dateReleased"])),
            count=data["count"],
            sha256=sha256,
            imported_at=now,
            imported_by=actor,
        )
        KevEntry.objects.bulk_create(
            [
                KevEntry(
                    catalogue=catalogue,
                    cve_id=entry["cveID"],
                    vendor_project=entry["vendorProject"].strip()[:200],
                    product=entry["product"].strip()[:300],
                    name=entry["vulnerabilityName"].strip()[:500],
                    date_added=_valid(_date(entry["dateAdded"])),
                    due_on=_valid(_date(entry["dueDate"])),
                    ransomware_known=entry.get("knownRansomwareCampaignUse") == "Known",
                    short_description=entry["shortDescription"],
                    required_action=entry["requiredAction"],
                    notes=entry.get("notes") or "",
                    cwes=list(entry.get("cwes") or []),
                )
                for entry in data["vulnerabilities"]
            ],
            batch_size=500,
        )
        audit_record(
            actor=actor,
            verb="cyber.kev.imported",
            target=catalogue,
            data={"version": catalogue.version, "count": catalogue.count, "sha256": sha256, "file": filename},
            now=now,
        )
    return KevImportResult(catalogue, created=True)


def kev_current() -> KevCatalogue | None:
    return KevCatalogue.objects.order_by("-released_at", "-pk").first()


# --- STIX -----------------------------------------------------------------------------------------------------------


def _stix_dict(obj: Any) -> dict[str, Any]:
    if isinstance(obj, dict):
        return obj
    return json.loads(obj.serialize())


@dataclass
class StixImportResult:
    bundle: StixBundle
    created: bool


def stix_import(
    *, actor: Any, file: FileInput, filename: str = "", now: dt.datetime | None = None
) -> StixImportResult:
    """Parse a STIX 2.1 bundle with stix2 and store it as the next version of its bundle id."""
    _check_intel_actor(actor)
    raw, name = read_input(file)
    filename = filename or name
    data = _json(raw)
    if not isinstance(data, dict) or data.get("type") != "bundle":
        message = _("Filen er ikke en STIX-pakke (type «bundle»).")
        raise ValidationFailed(message, errors=[{"field": "type", "message": message}])
    try:
        bundle = stix2.parse(data, allow_custom=True)
    except (stix2.exceptions.STIXError, ValueError, TypeError, KeyError) as exc:
        message = _("STIX-pakken ble ikke importert: %(error)s") % {"error": str(exc)[:500]}
        raise ValidationFailed(message, errors=[{"field": "bundle", "message": message}]) from None
    objects = [_stix_dict(obj) for obj in (bundle.get("objects") or [])]
    for index, obj in enumerate(objects):
        if not obj.get("id") or not obj.get("type"):
            message = _("objects[%(index)s]: mangler id eller type.") % {"index": index}
            raise ValidationFailed(message, errors=[{"field": f"objects[{index}]", "message": message}])
    sha256 = hashlib.sha256(raw).hexdigest()
    now = now or timezone.now()
    with transaction.atomic():
        latest = StixBundle.objects.filter(bundle_id=bundle["id"]).order_by("-version").first()
        if latest is not None and latest.sha256 == sha256:
            return StixImportResult(latest, created=False)
        stored = StixBundle.objects.create(
            bundle_id=bundle["id"],
            version=(latest.version + 1) if latest else 1,
            filename=filename[:255],
            sha256=sha256,
            object_count=len(objects),
            imported_at=now,
            imported_by=actor,
        )
        rows: dict[tuple[str, str], StixObject] = {}
        for obj in objects:
            key = (obj["id"], str(obj.get("modified") or ""))
            rows[key] = StixObject(
                bundle=stored,
                type=obj["type"],
                stix_id=obj["id"],
                spec_version=str(obj.get("spec_version") or ""),
                name=str(obj.get("name") or "")[:500],
                pattern=str(obj.get("pattern") or ""),
                pattern_type=str(obj.get("pattern_type") or ""),
                valid_from=_datetime(obj.get("valid_from")),
                valid_until=_datetime(obj.get("valid_until")),
                modified=key[1][:40],
                cve_ids=intel_rules.external_cve_ids(obj),
                raw=obj,
            )
        StixObject.objects.bulk_create(list(rows.values()), batch_size=500)
        audit_record(
            actor=actor,
            verb="cyber.stix.imported",
            target=stored,
            data={
                "bundle_id": stored.bundle_id,
                "version": stored.version,
                "objects": stored.object_count,
                "sha256": sha256,
                "file": filename,
            },
            now=now,
        )
    return StixImportResult(stored, created=True)


def stix_current_bundles() -> list[StixBundle]:
    """The latest version of every bundle id."""
    latest: dict[str, StixBundle] = {}
    for bundle in StixBundle.objects.order_by("bundle_id", "-version"):
        latest.setdefault(bundle.bundle_id, bundle)
    return list(latest.values())


# --- software -------------------------------------------------------------------------------------------------------


def _software_upsert(
    *,
    actor: Any,
    organisation: Organisation,
    hostname: str,
    source: str,
    product_string: str,
    service: Any = None,
    now: dt.datetime | None = None,
) -> SoftwareItem:
    text = " ".join((product_string or "").split())[:300]
    try:
        identity = intel_rules.parse_software(source, text)
    except UnparsableSoftware:
        message = _("«%(text)s» kan ikke leses som programvare.") % {"text": text}
        raise ValidationFailed(message, errors=[{"field": "product_string", "message": message}]) from None
    host = hostname.strip().rstrip(".").casefold()[:253]
    asset = Asset.objects.filter(organisation=organisation, name=host).first() if host else None
    now = now or timezone.now()
    values = {
        "asset": asset,
        "vendor": identity.vendor[:100],
        "product": identity.product[:100],
        "version": identity.version[:60],
        "cpe": identity.cpe[:300],
        "purl": identity.purl[:300],
        "kev_keys": list(identity.kev_keys),
    }
    if service is not None:
        values["service"] = service
    with transaction.atomic():
        item = (
            SoftwareItem.objects.select_for_update()
            .filter(organisation=organisation, asset_name=host, source=source, product_string=text)
            .first()
        )
        if item is None:
            item = SoftwareItem.objects.create(
                organisation=organisation,
                asset_name=host,
                source=source,
                product_string=text,
                created_at=now,
                updated_at=now,
                **values,
            )
            audit_record(
                actor=actor,
                verb="cyber.software.recorded",
                target=item,
                organisation=organisation,
                data={
                    "host": host,
                    "source": source,
                    "product_string": text,
                    "cpe": item.cpe,
                    "purl": item.purl,
                },
                now=now,
            )
            return item
        changed = [name for name, value in values.items() if getattr(item, name) != value]
        for name in changed:
            setattr(item, name, values[name])
        item.updated_at = now
        item.save(update_fields=[*changed, "updated_at"])
    return item


def software_observe(
    *,
    organisation: Organisation,
    hostname: str,
    source: str,
    product_string: str,
    now: dt.datetime | None = None,
) -> SoftwareItem:
    """What the scanner saw on a host: a Server/X-Powered-By banner or a generator tag (system actor)."""
    if source not in (SoftwareSource.BANNER, SoftwareSource.GENERATOR):
        raise ValidationFailed(
            _("Ukjent kilde for observert programvare."), errors=[{"field": "source", "message": source}]
        )
    return _software_upsert(
        actor=None,
        organisation=organisation,
        hostname=hostname,
        source=source,
        product_string=product_string,
        now=now,
    )


def software_observe_response(
    *,
    organisation: Organisation,
    hostname: str,
    headers: Mapping[str, str],
    html: str = "",
    now: dt.datetime | None = None,
) -> list[SoftwareItem]:
    """Record every product a web response names (for the scanner's HTTP retrieval step); unreadable values are
    skipped, never an error."""
    items = []
    for source, text in intel_rules.software_strings(headers, html):
        try:
            items.append(
                software_observe(
                    organisation=organisation, hostname=hostname, source=source, product_string=text, now=now
                )
            )
        except ValidationFailed:
            continue
    return items


def software_declare(
    *,
    actor: Any,
    organisation: Organisation,
    hostname: str,
    product_string: str,
    service: Any = None,
    now: dt.datetime | None = None,
) -> SoftwareItem:
    """The organisation's own inventory: 'Microsoft Exchange Server 2019', a CPE 2.3 string or a purl. A supplier
    may name the catalogue service the software is part of; the vulnerability page then lists that service."""
    if actor is not None and not can_manage_cyber(actor, organisation):
        raise PermissionDenied(_("Du har ikke tilgang til programvarelisten til denne virksomheten."))
    if service is not None and service.contract.supplier_id != organisation.pk:
        message = _("Tjenesten hører ikke til denne virksomheten.")
        raise ValidationFailed(message, errors=[{"field": "service", "message": message}])
    return _software_upsert(
        actor=actor,
        organisation=organisation,
        hostname=hostname,
        source=SoftwareSource.DECLARED,
        product_string=product_string,
        service=service,
        now=now,
    )


def software_delete(*, actor: Any, item: SoftwareItem, now: dt.datetime | None = None) -> int:
    """Remove an item from the inventory; its alerts that are still open or acknowledged become resolved.
    Returns how many alerts were resolved."""
    if not can_manage_cyber(actor, item.organisation):
        raise PermissionDenied(_("Du har ikke tilgang til programvarelisten til denne virksomheten."))
    now = now or timezone.now()
    with transaction.atomic():
        alerts = (
            ThreatAlert.objects.select_for_update().filter(software=item).exclude(status=AlertStatus.RESOLVED)
        )
        resolved = sorted(alerts.values_list("cve_id", flat=True))
        alerts.update(status=AlertStatus.RESOLVED, status_changed_by=actor, updated_at=now)
        audit_record(
            actor=actor,
            verb="cyber.software.deleted",
            target=item,
            organisation=item.organisation,
            data={
                "host": item.asset_name,
                "source": item.source,
                "product_string": item.product_string,
                "resolved_alerts": resolved,
            },
            now=now,
        )
        item.delete()
    return len(resolved)


# --- matching -------------------------------------------------------------------------------------------------------


@dataclass
class MatchResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    per_organisation: dict[str, int] = field(default_factory=dict)  # orgnr -> new alerts

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "new_per_organisation": dict(sorted(self.per_organisation.items())),
        }


@dataclass
class _Match:
    organisation: Organisation
    kind: str
    match_key: str
    values: dict[str, Any]


def _kev_matches(organisations: list[Organisation]) -> list[_Match]:
    catalogue = kev_current()
    if catalogue is None:
        return []
    by_key: dict[str, list[KevEntry]] = defaultdict(list)
    for entry in catalogue.entries.all():
        by_key[intel_rules.kev_key(entry.vendor_project, entry.product)].append(entry)
    matches = []
    software = SoftwareItem.objects.filter(organisation__in=organisations).select_related(
        "organisation", "asset"
    )
    for item in software.order_by("pk"):
        entries = {entry.cve_id: entry for key in item.kev_keys for entry in by_key.get(key, [])}
        for cve_id, entry in sorted(entries.items()):
            matches.append(
                _Match(
                    organisation=item.organisation,
                    kind=AlertKind.KEV,
                    match_key=f"{cve_id}|software:{item.pk}",
                    values={
                        "cve_id": cve_id,
                        "indicator": "",
                        "matched_value": str(item)[:300],
                        "kev_entry": entry,
                        "stix_object": None,
                        "software": item,
                        "asset": item.asset,
                        "asset_name": item.asset_name,
                        "title": entry.name[:500],
                        "due_on": entry.due_on,
                        "ransomware_known": entry.ransomware_known,
                        "confidence": AlertConfidence.CANDIDATE,
                    },
                )
            )
    return matches


def _organisation_hosts(
    organisation: Organisation,
) -> tuple[dict[str, Asset | None], set[str], dict[str, str]]:
    """Names (asset and scanned targets), addresses (A/AAAA of the latest finished scan) and address → name."""
    names: dict[str, Asset | None] = {}
    for asset in Asset.objects.filter(organisation=organisation, is_active=True):
        names[asset.name.casefold()] = asset
    addresses: set[str] = set()
    address_host: dict[str, str] = {}
    scan = (
        Scan.objects.filter(organisation=organisation, status=ScanStatus.DONE)
        .order_by("-finished_at", "-pk")
        .first()
    )
    if scan is not None and isinstance(scan.resolved, dict):
        for target, records in scan.resolved.items():
            host = str(target).rstrip(".").casefold()
            names.setdefault(host, None)
            if not isinstance(records, dict):
                continue
            for record_type in ("A", "AAAA"):
                for address in records.get(record_type) or []:
                    addresses.add(str(address))
                    address_host.setdefault(str(address), host)
    return names, addresses, address_host


def _stix_matches(organisations: list[Organisation], now: dt.datetime) -> list[_Match]:
    bundles = stix_current_bundles()
    if not bundles:
        return []
    indicators = []
    for indicator in StixObject.objects.filter(bundle__in=bundles, type="indicator").order_by(
        "stix_id", "pk"
    ):
        if indicator.pattern_type and indicator.pattern_type != "stix":
            continue
        if indicator.valid_until is not None and indicator.valid_until <= now:
            continue
        if indicator.valid_from is not None and indicator.valid_from > now:
            continue
        observables = intel_rules.pattern_observables(indicator.pattern)
        if observables:
            indicators.append((indicator, observables))
    matches = []
    for organisation in organisations:
        names, addresses, address_host = _organisation_hosts(organisation)
        if not names and not addresses:
            continue
        for indicator, observables in indicators:
            for observable in observables:
                for hit in intel_rules.observable_hits(observable, set(names), addresses):
                    host = hit if observable.type == "domain-name" else address_host.get(hit, "")
                    asset = names.get(host)
                    cves = indicator.cve_ids
                    matches.append(
                        _Match(
                            organisation=organisation,
                            kind=AlertKind.STIX,
                            match_key=f"{indicator.stix_id}|{observable.type}:{hit}",
                            values={
                                "cve_id": cves[0] if cves else "",
                                "indicator": indicator.stix_id,
                                "matched_value": hit,
                                "kev_entry": None,
                                "stix_object": indicator,
                                "software": None,
                                "asset": asset,
                                "asset_name": host,
                                "title": (indicator.name or indicator.pattern)[:500],
                                "due_on": None,
                                "ransomware_known": False,
                                "confidence": AlertConfidence.EXACT,
                            },
                        )
                    )
    return matches


def alerts_match(*, now: dt.datetime | None = None, organisation: Organisation | None = None) -> MatchResult:
    """Match the current feeds to every organisation's software and assets (or one organisation's); idempotent."""
    now = now or timezone.now()
    organisations = [organisation] if organisation is not None else list(Organisation.objects.order_by("pk"))
    matches = _kev_matches(organisations) + _stix_matches(organisations, now)
    result = MatchResult()
    new_by_org: dict[int, list[ThreatAlert]] = defaultdict(list)
    with transaction.atomic():
        existing = {
            (alert.organisation_id, alert.kind, alert.match_key): alert
            for alert in ThreatAlert.objects.select_for_update().filter(organisation__in=organisations)
        }
        for match in matches:
            key = (match.organisation.pk, match.kind, match.match_key)
            alert = existing.get(key)
            if alert is None:
                alert = ThreatAlert.objects.create(
                    organisation=match.organisation,
                    kind=match.kind,
                    match_key=match.match_key,
                    status=AlertStatus.OPEN,
                    created_at=now,
                    updated_at=now,
                    **match.values,
                )
                existing[key] = alert
                new_by_org[match.organisation.pk].append(alert)
                result.created += 1
                continue
            changed = [
                name
                for name, value in match.values.items()
                if (getattr(alert, f"{name}_id") if name in _FK_FIELDS else getattr(alert, name))
                != (getattr(value, "pk", None) if name in _FK_FIELDS else value)
            ]
            if changed:
                for name in changed:
                    setattr(alert, name, match.values[name])
                alert.updated_at = now
                alert.save(update_fields=[*changed, "updated_at"])
                result.updated += 1
            else:
                result.unchanged += 1
        by_pk = {org.pk: org for org in organisations}
        for org_pk, alerts in sorted(new_by_org.items()):
            org = by_pk[org_pk]
            result.per_organisation[org.orgnr] = len(alerts)
            audit_record(
                actor=None,
                verb="cyber.alerts.matched",
                organisation=org,
                data={
                    "created": len(alerts),
                    "alerts": sorted(f"{alert.kind}:{alert.cve_id or alert.indicator}" for alert in alerts),
                },
                now=now,
            )
    return result


_FK_FIELDS = frozenset({"kev_entry", "stix_object", "software", "asset"})


def alert_set_status(
    *, actor: Any, alert: ThreatAlert, status: str, now: dt.datetime | None = None
) -> ThreatAlert:
    """Acknowledge, resolve or reopen an alert (the organisation's security officer or org admin)."""
    if not can_manage_cyber(actor, alert.organisation):
        raise PermissionDenied(_("Du har ikke tilgang til varslene til denne virksomheten."))
    if status not in AlertStatus.values:
        message = _("Ukjent status.")
        raise ValidationFailed(message, errors=[{"field": "status", "message": message}])
    now = now or timezone.now()
    with transaction.atomic():
        alert = ThreatAlert.objects.select_for_update().get(pk=alert.pk)
        if alert.status == status:
            return alert
        previous = alert.status
        alert.status = status
        alert.status_changed_by = actor
        alert.updated_at = now
        alert.save(update_fields=["status", "status_changed_by", "updated_at"])
        audit_record(
            actor=actor,
            verb="cyber.alert.status_changed",
            target=alert,
            organisation=alert.organisation,
            data={"from": previous, "to": status, "cve_id": alert.cve_id, "indicator": alert.indicator},
            now=now,
        )
    return alert
