"""Read an Enhetsregisteret bulk file (JSON array of `Enhet`, optionally gzip-compressed) as a stream.

No Django here: this module turns bytes into `Row`s; `services.enhetsregisteret_import` stores them.

Positions: every row carries `line` (1-based line of the file on which the element's `{` stands) and `index`
(0-based position in the array). Brønnøysund's own bulk file is a single line, so there `line` is 1 for every
element and `index` is what identifies it; pretty-printed files get exact line numbers.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

import ijson

from marketplace.accounts.rules import InvalidOrgnr, orgnr_clean

CHUNK_BYTES = 64 * 1024
GZIP_MAGIC = b"\x1f\x8b"

# organisasjonsform.kode → organisation kind (values of accounts.OrganisationKind)
PUBLIC_FORMS = {
    "STAT": "state",  # Staten
    "ORGL": "state",  # Organisasjonsledd (state agencies; municipal ones by sector code, below)
    "SF": "other_public",  # Statsforetak
    "KOMM": "municipality",  # Kommune
    "FYLK": "county",  # Fylkeskommune
    "KF": "other_public",  # Kommunalt foretak
    "FKF": "other_public",  # Fylkeskommunalt foretak
    "IKS": "other_public",  # Interkommunalt selskap
    "ADOS": "other_public",  # Administrativ enhet – offentlig sektor
    "HF": "other_public",  # Helseforetak
    "RHF": "other_public",  # Regionalt helseforetak
    "SÆR": "other_public",  # Særlovsselskap
}
SUPPLIER_FORMS = frozenset({"AS", "ASA", "ENK", "NUF", "ANS", "DA", "SA", "SE", "KS", "BA"})
SECTOR_STATE = "6100"  # Statsforvaltningen
SECTOR_LOCAL = "6500"  # Kommuneforvaltningen


@dataclass(frozen=True)
class Enhet:
    orgnr: str
    name: str
    kind: str
    organisation_form: str
    sector_code: str
    municipality: str
    website: str
    is_bankrupt: bool
    is_under_liquidation: bool


@dataclass(frozen=True)
class Row:
    line: int
    index: int
    orgnr: str  # as written in the file (may be invalid)
    enhet: Enhet | None = None
    invalid: str = ""  # why the row is wrong (nothing is stored unless --skip-invalid)
    skipped: str = ""  # why a valid row is not imported (not a public body nor a supplier)


class FileUnreadable(Exception):
    """The file is not JSON (or not gzip); `line` is where reading stopped."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def kind_for(form_code: str, sector_code: str) -> str | None:
    """Organisation kind from organisasjonsform and institusjonell sektorkode; None = not for Markedsplassen."""
    if form_code in SUPPLIER_FORMS:
        return "supplier"
    if form_code == "ORGL" and sector_code == SECTOR_LOCAL:
        return "other_public"
    if form_code in PUBLIC_FORMS:
        return PUBLIC_FORMS[form_code]
    if sector_code == SECTOR_STATE:
        return "state"
    if sector_code == SECTOR_LOCAL:
        return "other_public"
    return None


def _code(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("kode") or "").strip()
    return ""


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def enhet_parse(obj: Any, *, line: int, index: int) -> Row:
    if not isinstance(obj, dict):
        return Row(line=line, index=index, orgnr="", invalid="Elementet er ikke et JSON-objekt.")
    raw_orgnr = obj.get("organisasjonsnummer")
    raw = raw_orgnr if isinstance(raw_orgnr, str) else ("" if raw_orgnr is None else str(raw_orgnr))
    try:
        orgnr = orgnr_clean(raw)
    except InvalidOrgnr as exc:
        return Row(line=line, index=index, orgnr=raw, invalid=str(exc))
    name = _text(obj.get("navn"))
    if not name:
        return Row(line=line, index=index, orgnr=orgnr, invalid="Navn (navn) mangler.")
    if len(name) > 300:
        return Row(line=line, index=index, orgnr=orgnr, invalid="Navnet er lengre enn 300 tegn.")
    form_code = _code(obj.get("organisasjonsform"))
    sector_code = _code(obj.get("institusjonellSektorkode"))
    kind = kind_for(form_code, sector_code)
    if kind is None:
        description = obj.get("organisasjonsform", {}).get("beskrivelse", "") if form_code else ""
        reason = (
            f"Organisasjonsform {form_code}{f' ({description})' if description else ''} er verken offentlig "
            "virksomhet eller en leverandørform."
            if form_code
            else "Organisasjonsform mangler."
        )
        return Row(line=line, index=index, orgnr=orgnr, skipped=reason)
    address = obj.get("forretningsadresse") or obj.get("postadresse") or {}
    municipality = _text(address.get("kommune")) if isinstance(address, dict) else ""
    return Row(
        line=line,
        index=index,
        orgnr=orgnr,
        enhet=Enhet(
            orgnr=orgnr,
            name=name,
            kind=kind,
            organisation_form=form_code[:10],
            sector_code=sector_code[:10],
            municipality=municipality.title()[:100],
            website=_text(obj.get("hjemmeside"))[:300],
            is_bankrupt=obj.get("konkurs") is True,
            is_under_liquidation=obj.get("underAvvikling") is True
            or obj.get("underTvangsavviklingEllerTvangsopplosning") is True,
        ),
    )


def _pieces(stream: IO[bytes], chunk_bytes: int) -> Iterator[tuple[bytes, bool]]:
    """Chunks of at most `chunk_bytes` that never span a newline; the flag says the piece ends a line."""
    while True:
        chunk = stream.read(chunk_bytes)
        if not chunk:
            return
        for piece in chunk.splitlines(keepends=True):
            yield piece, piece.endswith(b"\n")


def open_maybe_gzip(path: str) -> IO[bytes]:
    """The file as bytes, decompressed when it starts with the gzip magic number (whatever its name)."""
    with open(path, "rb") as probe:
        magic = probe.read(2)
    if magic == GZIP_MAGIC:
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def rows_read(stream: IO[bytes], *, chunk_bytes: int = CHUNK_BYTES) -> Iterator[Row]:
    """Parse the array element by element (ijson push parser fed line by line, so positions are exact).

    Accepts a top-level array of `Enhet` or a HAL search result (`_embedded.enheter`).
    """
    events = ijson.sendable_list()
    coro = ijson.parse_coro(events)
    line = 1
    item_prefix: str | None = None
    builder: Any = None
    start_line = 0
    index = -1

    def handle(current_line: int) -> Iterator[Row]:
        nonlocal item_prefix, builder, start_line, index
        for prefix, event, value in events:
            if item_prefix is None:
                if prefix == "" and event == "start_array":
                    item_prefix = "item"
                    continue
                if prefix == "" and event == "start_map":
                    item_prefix = "_embedded.enheter.item"
                    continue
                if prefix == "":
                    raise FileUnreadable("Filen er ikke en JSON-liste med enheter.", current_line)
            if builder is None:
                if prefix == item_prefix and event in {"start_map", "start_array"}:
                    builder = ijson.ObjectBuilder()
                    builder.event(event, value)
                    start_line = current_line
                    index += 1
                elif prefix == item_prefix:  # a scalar element
                    index += 1
                    yield enhet_parse(value, line=current_line, index=index)
                continue
            builder.event(event, value)
            if prefix == item_prefix and event in {"end_map", "end_array"}:
                yield enhet_parse(builder.value, line=start_line, index=index)
                builder = None
        del events[:]

    has_content = False
    try:
        for piece, ends_line in _pieces(stream, chunk_bytes):
            has_content = has_content or bool(piece.strip())
            if not has_content:
                if ends_line:
                    line += 1
                continue
            coro.send(piece)
            yield from handle(line)
            if ends_line:
                line += 1
        if not has_content:
            raise FileUnreadable("Filen er tom.", line)
        coro.close()
        yield from handle(line)
    except ijson.JSONError as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise FileUnreadable(f"Ugyldig JSON ({detail}).", line) from exc
    except (OSError, EOFError, zlib.error) as exc:
        raise FileUnreadable(f"Filen kan ikke leses (ødelagt gzip?): {exc}", line) from exc
    if item_prefix is None:
        raise FileUnreadable("Filen er ikke en JSON-liste med enheter.", line)
