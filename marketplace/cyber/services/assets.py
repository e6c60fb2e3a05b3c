"""Assets: what an organisation exposes on the internet (domains and host names).

Every write checks `can_manage_cyber` (security officer or org admin of the organisation) and appends an audit
event. Names are normalised (IDNA, lower case, no trailing dot) and must be public DNS names: IP addresses,
single-label names and private or reserved suffixes (`localhost`, `.local`, `.internal`, `.lan`, `.home.arpa`,
`.test`, `.invalid`, ...) are refused, so nothing entered here makes the scanner look inside a network.

- `asset_create`: one asset; an inactive asset of the same name is activated again.
- `asset_deactivate`: no longer scanned (history keeps its results).
- `assets_import_csv`: CSV with `name,kind` (header optional; kind `domain` or `host`, empty = domain); every error
  with its line number; nothing is stored when any line is wrong. Names already active are left alone.
- `assets_discover`: a domain's MX and NS host names become DISCOVERED host assets (`discovered_from` = the domain);
  a name that does not exist (NXDOMAIN) or DNS that does not answer is a ValidationFailed, not an empty result.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import ipaddress
import re
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.core.audit import audit_record
from marketplace.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from marketplace.cyber.checks.base import ScanContext
from marketplace.cyber.checks.dns.resolver import NXDOMAIN, lookup, make_resolver
from marketplace.cyber.models import Asset, AssetKind, AssetSource
from marketplace.cyber.permissions import can_manage_cyber
from marketplace.cyber.scanner import idna_name, scan_context_from_settings

__all__ = [
    "PRIVATE_SUFFIXES",
    "asset_create",
    "asset_deactivate",
    "asset_name_error",
    "assets_discover",
    "assets_import_csv",
    "normalise_asset_name",
]

PRIVATE_SUFFIXES = (
    "localhost",
    "localdomain",
    "local",
    "internal",
    "intranet",
    "private",
    "lan",
    "home",
    "corp",
    "home.arpa",
    "arpa",
    "test",
    "invalid",
    "example",
    "onion",
)
MAX_CSV_ROWS = 5000
MAX_ERRORS_SHOWN = 50  # a file of garbage lists its first 50 errors and how many more there are
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def shown(text: str, limit: int = 80) -> str:
    """A name as echoed in an error message: at most `limit` characters (a 100,000-character line stays readable)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def normalise_asset_name(name: str) -> str:
    """IDNA, lower case, no trailing dot; raises ValueError with a user-facing (Bokmål) message."""
    text = (name or "").strip()
    if "://" in text:
        raise ValueError(_("Oppgi bare domenet eller vertsnavnet, ikke en nettadresse."))
    try:
        ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        pass
    else:
        raise ValueError(_("IP-adresser kan ikke registreres; oppgi et domene eller vertsnavn."))
    try:
        normalised = idna_name(text)
    except ValueError:
        raise ValueError(_("«%(name)s» er ikke et gyldig domenenavn.") % {"name": shown(text)}) from None
    labels = normalised.split(".")
    if len(normalised) > 253 or not all(_LABEL.match(label) for label in labels):
        raise ValueError(_("«%(name)s» er ikke et gyldig domenenavn.") % {"name": shown(text)})
    if len(labels) < 2:
        raise ValueError(
            _("«%(name)s» er ikke et offentlig domenenavn (mangler toppdomene).") % {"name": shown(text)}
        )
    if labels[-1].isdigit():
        raise ValueError(_("«%(name)s» er ikke et gyldig domenenavn.") % {"name": shown(text)})
    for suffix in PRIVATE_SUFFIXES:
        if normalised == suffix or normalised.endswith("." + suffix):
            raise ValueError(
                _("«%(name)s» er et internt eller reservert navn og kan ikke skannes.")
                % {"name": shown(text)}
            )
    return normalised


def asset_name_error(name: str) -> str:
    """'' when the name can be registered, else why not."""
    try:
        normalise_asset_name(name)
    except ValueError as exc:
        return str(exc)
    return ""


def _check(actor: Any, organisation: Any) -> None:
    if not can_manage_cyber(actor, organisation):
        raise PermissionDenied(_("Du har ikke tilgang til ressursene til denne virksomheten."))


def _kind(kind: str) -> str:
    value = (kind or "").strip().lower() or AssetKind.DOMAIN
    if value not in AssetKind.values:
        raise ValueError(_("Ukjent type «%(kind)s» (bruk domain eller host).") % {"kind": kind})
    return value


def _store(
    *,
    actor: Any,
    organisation: Any,
    name: str,
    kind: str,
    source: str,
    discovered_from: Asset | None = None,
    now: dt.datetime | None = None,
) -> Asset | None:
    """Create the asset or activate an inactive one of that name; None when it is already active."""
    existing = Asset.objects.select_for_update().filter(organisation=organisation, name=name).first()
    if existing is not None and existing.is_active:
        return None
    if existing is not None:
        existing.is_active = True
        existing.kind = kind
        existing.save(update_fields=["is_active", "kind"])
        asset, verb = existing, "cyber.asset.reactivated"
    else:
        asset = Asset.objects.create(
            organisation=organisation,
            name=name,
            kind=kind,
            source=source,
            discovered_from=discovered_from,
            created_by=actor,
        )
        verb = "cyber.asset.created"
    audit_record(
        actor=actor,
        verb=verb,
        target=asset,
        organisation=organisation,
        data={
            "name": asset.name,
            "kind": asset.kind,
            "source": asset.source,
            **({"discovered_from": discovered_from.name} if discovered_from is not None else {}),
        },
        now=now,
    )
    return asset


def asset_create(
    *, actor: Any, organisation: Any, name: str, kind: str = AssetKind.DOMAIN, now: dt.datetime | None = None
) -> Asset:
    _check(actor, organisation)
    errors = []
    try:
        normalised = normalise_asset_name(name)
    except ValueError as exc:
        errors.append({"field": "name", "message": str(exc)})
    try:
        kind = _kind(kind)
    except ValueError as exc:
        errors.append({"field": "kind", "message": str(exc)})
    if errors:
        raise ValidationFailed(_("Ressursen ble ikke lagret. Rett feilene under."), errors=errors)
    with transaction.atomic():
        asset = _store(
            actor=actor,
            organisation=organisation,
            name=normalised,
            kind=kind,
            source=AssetSource.ENTERED,
            now=now,
        )
    if asset is None:
        message = _("%(name)s er allerede registrert.") % {"name": normalised}
        raise Conflict(message, errors=[{"field": "name", "message": message}])
    return asset


def asset_deactivate(*, actor: Any, asset: Asset, now: dt.datetime | None = None) -> None:
    _check(actor, asset.organisation)
    with transaction.atomic():
        locked = Asset.objects.select_for_update().get(pk=asset.pk)
        if not locked.is_active:
            return
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            verb="cyber.asset.deactivated",
            target=locked,
            organisation=locked.organisation,
            data={"name": locked.name, "kind": locked.kind},
            now=now,
        )
    asset.is_active = False


def _read_text(file: Any) -> str:
    limit = int(getattr(settings, "MPS_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))
    if hasattr(file, "read"):
        if hasattr(file, "seek"):
            file.seek(0)
        raw = file.read(limit + 1)
    else:
        raw = file
    if len(raw) > limit:
        raise ValidationFailed(
            _("Filen er større enn grensen på %(limit)s byte.") % {"limit": limit},
            errors=[{"line": "0", "column": "", "message": _("Filen er for stor.")}],
        )
    if isinstance(raw, bytes):
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationFailed(
                _("Filen er ikke UTF-8-kodet tekst."),
                errors=[{"line": "1", "column": "", "message": _("Filen er ikke UTF-8-kodet tekst.")}],
            ) from None
    return str(raw).removeprefix("\ufeff")


class ImportedAssets(list[Asset]):
    """The assets an import created or activated again; `already_active`: names it skipped (already registered)."""

    def __init__(self, created: list[Asset], already_active: list[str]) -> None:
        super().__init__(created)
        self.already_active = already_active


def assets_import_csv(
    *, actor: Any, organisation: Any, file: IO[bytes] | IO[str] | bytes | str, now: dt.datetime | None = None
) -> ImportedAssets:
    """Import `name,kind` lines; returns the assets created or activated again. All or nothing."""
    _check(actor, organisation)
    text = _read_text(file)
    errors: list[dict[str, str]] = []
    rows: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    reader = csv.reader(io.StringIO(text))
    try:
        lines = list(reader)
    except csv.Error:
        raise ValidationFailed(
            _("Filen kunne ikke leses som CSV."),
            errors=[
                {
                    "line": str(reader.line_num),
                    "column": "",
                    "message": _(
                        "Linjen kan ikke leses som CSV (for lang, eller feil bruk av anførselstegn)."
                    ),
                }
            ],
        ) from None
    for number, cells in enumerate(lines, start=1):
        cells = [c.strip() for c in cells]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if number == 1 and [c.lower() for c in cells[:2]] in (["name"], ["name", "kind"]):
            continue  # header
        if len(cells) > 2:
            errors.append(
                {"line": str(number), "column": "", "message": _("For mange kolonner (forventet name,kind).")}
            )
            continue
        try:
            name = normalise_asset_name(cells[0])
        except ValueError as exc:
            errors.append({"line": str(number), "column": "name", "message": str(exc)})
            continue
        try:
            kind = _kind(cells[1] if len(cells) > 1 else "")
        except ValueError as exc:
            errors.append({"line": str(number), "column": "kind", "message": str(exc)})
            continue
        if name in seen:
            errors.append(
                {
                    "line": str(number),
                    "column": "name",
                    "message": _("%(name)s står også på linje %(line)s.")
                    % {"name": shown(name), "line": seen[name]},
                }
            )
            continue
        seen[name] = number
        rows.append((name, kind))
    if len(rows) > MAX_CSV_ROWS:
        errors.append(
            {
                "line": "",
                "column": "",
                "message": _("Høyst %(max)s ressurser per fil.") % {"max": MAX_CSV_ROWS},
            }
        )
    if not rows and not errors:
        errors.append({"line": "1", "column": "name", "message": _("Filen inneholder ingen ressurser.")})
    if errors:
        if len(errors) > MAX_ERRORS_SHOWN:
            more = len(errors) - MAX_ERRORS_SHOWN
            errors = [
                *errors[:MAX_ERRORS_SHOWN],
                {"line": "", "column": "", "message": _("… og %(count)s feil til.") % {"count": more}},
            ]
        raise ValidationFailed(
            _("Ingenting ble importert. Rett feilene i filen og prøv igjen."), errors=errors
        )
    created = []
    already_active = []
    with transaction.atomic():
        for name, kind in rows:
            asset = _store(
                actor=actor,
                organisation=organisation,
                name=name,
                kind=kind,
                source=AssetSource.IMPORTED,
                now=now,
            )
            if asset is not None:
                created.append(asset)
            else:
                already_active.append(name)
        audit_record(
            actor=actor,
            verb="cyber.assets.imported",
            organisation=organisation,
            data={"rows": len(rows), "created": [a.name for a in created]},
            now=now,
        )
    return ImportedAssets(created, already_active)


def discovery_lookups(name: str, context: ScanContext) -> list[str]:
    """The MX and NS host names of a domain, in that order. Raises ValidationFailed (Bokmål) when neither lookup
    got an answer about the name: it does not exist (NXDOMAIN), or DNS timed out or failed."""
    resolver = make_resolver(context)
    mx, ns = lookup(resolver, name, "MX"), lookup(resolver, name, "NS")
    if mx.rcode == NXDOMAIN or ns.rcode == NXDOMAIN:
        raise ValidationFailed(_("%(name)s finnes ikke i DNS (NXDOMAIN). Sjekk stavemåten.") % {"name": name})
    if not mx.ok and not ns.ok:
        raise ValidationFailed(
            _("DNS-oppslaget for %(name)s feilet (%(rcode)s). Prøv igjen senere.")
            % {"name": name, "rcode": mx.rcode}
        )
    hosts = sorted({rdata.exchange.to_text().rstrip(".").lower() for rdata in (mx.rrset or [])} - {""})
    return hosts + ns.texts


def assets_discover(
    *, actor: Any, asset: Asset, context: ScanContext | None = None, now: dt.datetime | None = None
) -> list[Asset]:
    """Add the MX and NS host names of a domain asset as DISCOVERED host assets; returns those added.
    `actor=None` is the system (scheduled work); otherwise the actor must manage the organisation's assets."""
    if actor is not None:
        _check(actor, asset.organisation)
    if asset.kind != AssetKind.DOMAIN:
        raise ValidationFailed(_("Bare domener har MX- og NS-oppslag."))
    hostnames = discovery_lookups(asset.name, context or scan_context_from_settings())
    names = []
    for hostname in hostnames:
        try:
            names.append(normalise_asset_name(hostname))
        except ValueError:
            continue  # a private or odd name in the zone is not something to scan
    added: list[Asset] = []
    with transaction.atomic():
        for name in dict.fromkeys(names):
            if Asset.objects.filter(organisation=asset.organisation, name=name).exists():
                continue
            found = _store(
                actor=actor,
                organisation=asset.organisation,
                name=name,
                kind=AssetKind.HOST,
                source=AssetSource.DISCOVERED,
                discovered_from=asset,
                now=now,
            )
            if found is not None:
                added.append(found)
    return added
