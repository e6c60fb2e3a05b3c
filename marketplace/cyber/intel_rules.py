"""Threat-intelligence rules (pure: stdlib + packageurl only).

- Software identity: a server banner ("nginx/1.18.0", "Apache/2.4.49 (Unix)", "Microsoft-IIS/10.0"), a generator
  tag ("WordPress 5.8"), or a declared item (free text, a CPE 2.3 string or a purl) → vendor, product, version,
  CPE 2.3 and the KEV vendorProject/product keys it matches, through the curated alias map in
  `data/software_aliases.json` (KEV has only free-text names; cyber-privacy.md §A6).
- STIX patterns: the domain names and IP addresses an indicator's `[domain-name:value = '...']`,
  `[ipv4-addr:value = '...']`, `[ipv6-addr:value = '...']` and `[url:value = '...']` comparisons name, and whether
  they hit an organisation's host names and addresses.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from packageurl import PackageURL

ALIASES_FILE = Path(__file__).parent / "data" / "software_aliases.json"

CVE_RE = re.compile(r"^CVE-[0-9]{4}-[0-9]{4,19}$")
CWE_RE = re.compile(r"^CWE-[0-9]+$")

# "name/version" tokens in a Server or X-Powered-By header: "Apache/2.4.49 (Unix) OpenSSL/1.1.1k".
_BANNER_TOKEN = re.compile(
    r"^(?P<name>[A-Za-z][\w.!+-]*(?:[ _][A-Za-z][\w.!+-]*)*)(?:/(?P<version>[\w.+~-]+))?"
)
# "WordPress 5.8", "Drupal 9 (https://www.drupal.org)", "Joomla! 4.2", "Hugo 0.111.3", "Spring Framework v5.3.17".
_NAME_VERSION = re.compile(r"^(?P<name>.*?[^\s/])[\s/]+v?(?P<version>\d[\w.+~-]*)(?:\s.*)?$")
_CPE_UNSAFE = re.compile(r"([^A-Za-z0-9_.\-\\])")
_OBSERVABLE = re.compile(
    r"(?P<type>domain-name|ipv4-addr|ipv6-addr|url):value\s*=\s*'(?P<value>(?:[^'\\]|\\.)*)'",
)


def normalise(text: str) -> str:
    """Case- and space-insensitive key: 'Microsoft  Exchange Server ' → 'microsoft exchange server'."""
    return " ".join(text.replace("_", " ").split()).casefold()


def kev_key(vendor_project: str, product: str) -> str:
    return f"{normalise(vendor_project)}|{normalise(product)}"


@dataclass(frozen=True)
class Alias:
    names: tuple[str, ...]
    part: str
    cpe_vendor: str
    cpe_product: str
    kev: tuple[tuple[str, str], ...]
    purl: tuple[str, ...] = ()

    @property
    def kev_keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(kev_key(vendor, product) for vendor, product in self.kev))


@cache
def aliases(path: Path = ALIASES_FILE) -> tuple[Alias, ...]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        Alias(
            names=tuple(normalise(name) for name in item["names"]),
            part=item.get("part", "a"),
            cpe_vendor=item["cpe_vendor"],
            cpe_product=item["cpe_product"],
            kev=tuple((vendor, product) for vendor, product in item.get("kev", [])),
            purl=tuple(item.get("purl", [])),
        )
        for item in data["products"]
    )


def alias_by_name(name: str) -> Alias | None:
    key = normalise(name)
    variants = {key, key.replace("-", " "), key.rstrip("!")}
    for alias in aliases():
        if variants & set(alias.names):
            return alias
    return None


def alias_by_cpe(vendor: str, product: str) -> Alias | None:
    for alias in aliases():
        if (alias.cpe_vendor, alias.cpe_product) == (vendor.casefold(), product.casefold()):
            return alias
    return None


def alias_by_purl(purl: PackageURL) -> Alias | None:
    coordinates = "/".join(part for part in (purl.type, purl.namespace, purl.name) if part).casefold()
    for alias in aliases():
        if coordinates in {entry.casefold() for entry in alias.purl}:
            return alias
    return alias_by_name(purl.name)


@dataclass(frozen=True)
class SoftwareIdentity:
    name: str  # as the source called it ("Microsoft-IIS")
    vendor: str  # CPE vendor, "" when unknown
    product: str  # CPE product, or the name when unknown
    version: str
    cpe: str
    purl: str
    kev_keys: tuple[str, ...]
    is_known: bool  # found in the alias map


class UnparsableSoftware(ValueError):
    """The text names no product (empty, or a malformed CPE or purl)."""


def cpe_escape(value: str) -> str:
    """A CPE 2.3 formatted-string component: '*' for empty, special characters escaped with a backslash."""
    if not value:
        return "*"
    return _CPE_UNSAFE.sub(r"\\\1", value)


def cpe23(part: str, vendor: str, product: str, version: str) -> str:
    fields = [part, vendor, product, cpe_escape(version)] + ["*"] * 7
    return "cpe:2.3:" + ":".join(fields)


def _split_cpe(text: str) -> list[str]:
    """Split a CPE 2.3 formatted string on unescaped colons."""
    parts, current, escaped = [], [], False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            current.append(char)
            escaped = True
        elif char == ":":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _identity(name: str, version: str, alias: Alias | None, *, purl: str = "") -> SoftwareIdentity:
    if alias is None:
        product = normalise(name)
        return SoftwareIdentity(
            name=name,
            vendor="",
            product=product,
            version=version,
            cpe="",
            purl=purl,
            kev_keys=(kev_key(product, product),),
            is_known=False,
        )
    return SoftwareIdentity(
        name=name,
        vendor=alias.cpe_vendor,
        product=alias.cpe_product,
        version=version,
        cpe=cpe23(alias.part, alias.cpe_vendor, alias.cpe_product, version),
        purl=purl,
        kev_keys=alias.kev_keys,
        is_known=True,
    )


def parse_cpe(text: str) -> SoftwareIdentity:
    parts = _split_cpe(text.strip())
    if len(parts) != 13 or parts[:2] != ["cpe", "2.3"] or parts[2] not in {"a", "o", "h"}:
        raise UnparsableSoftware(text)
    vendor, product, version = parts[3], parts[4], parts[5]
    if vendor in {"", "*", "-"} or product in {"", "*", "-"}:
        raise UnparsableSoftware(text)
    version = "" if version in {"*", "-"} else version.replace("\\", "")
    alias = alias_by_cpe(vendor, product)
    kev_keys = alias.kev_keys if alias else (kev_key(vendor, product),)
    return SoftwareIdentity(
        name=product,
        vendor=vendor.casefold(),
        product=product.casefold(),
        version=version,
        cpe=text.strip(),
        purl="",
        kev_keys=kev_keys,
        is_known=alias is not None,
    )


def parse_purl(text: str) -> SoftwareIdentity:
    try:
        purl = PackageURL.from_string(text.strip())
    except ValueError as exc:
        raise UnparsableSoftware(text) from exc
    alias = alias_by_purl(purl)
    return _identity(purl.name, purl.version or "", alias, purl=purl.to_string())


def parse_banner(text: str) -> SoftwareIdentity:
    """The first product in a Server / X-Powered-By header."""
    match = _BANNER_TOKEN.match(text.strip())
    if not match:
        raise UnparsableSoftware(text)
    name, version = match.group("name"), match.group("version") or ""
    if not version:
        spaced = _NAME_VERSION.match(text.strip())
        if spaced:
            name, version = spaced.group("name"), spaced.group("version")
    return _identity(name, version, alias_by_name(name))


def parse_generator(text: str) -> SoftwareIdentity:
    """A `<meta name="generator">` value: 'WordPress 5.8', 'Drupal 9 (https://www.drupal.org)'."""
    value = text.strip()
    if not value:
        raise UnparsableSoftware(text)
    match = _NAME_VERSION.match(value)
    if match:
        return _identity(match.group("name"), match.group("version"), alias_by_name(match.group("name")))
    name = value.split(" (")[0].split(" - ")[0].strip()
    return _identity(name, "", alias_by_name(name))


def parse_declared(text: str) -> SoftwareIdentity:
    """Declared inventory: a CPE 2.3 string, a purl, 'name/version' or 'Name 1.2.3' (or a bare name)."""
    value = text.strip()
    if not value:
        raise UnparsableSoftware(text)
    if value.casefold().startswith("cpe:"):
        return parse_cpe(value)
    if value.casefold().startswith("pkg:"):
        return parse_purl(value)
    if "/" in value.split(" ")[0]:
        return parse_banner(value)
    return parse_generator(value)


PARSERS = {"banner": parse_banner, "generator": parse_generator, "declared": parse_declared}


def parse_software(source: str, text: str) -> SoftwareIdentity:
    if source not in PARSERS:
        raise UnparsableSoftware(f"unknown source {source!r}")
    return PARSERS[source](text)


# --- what a web response tells about the software behind it -----------------------------------------------------

BANNER_HEADERS = ("server", "x-powered-by", "x-aspnet-version")
MAX_HTML = 512 * 1024
MAX_VALUE = 300


class _GeneratorFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.generators: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "meta":
            return
        values = {name.casefold(): (value or "") for name, value in attrs}
        if values.get("name", "").casefold() == "generator" and values.get("content", "").strip():
            self.generators.append(" ".join(values["content"].split())[:MAX_VALUE])


def software_strings(headers: Mapping[str, str], html: str = "") -> list[tuple[str, str]]:
    """(source, text) for every product a response names: Server / X-Powered-By / X-AspNet-Version headers
    ("banner") and `<meta name="generator">` tags ("generator"); in order, no repeats, values capped."""
    found: list[tuple[str, str]] = []
    lowered = {str(name).casefold(): str(value) for name, value in headers.items()}
    for name in BANNER_HEADERS:
        value = " ".join(lowered.get(name, "").split())[:MAX_VALUE]
        if not value:
            continue
        if name == "x-aspnet-version":
            value = f"ASP.NET/{value}"
        if ("banner", value) not in found:
            found.append(("banner", value))
    if html:
        finder = _GeneratorFinder()
        try:
            finder.feed(html[:MAX_HTML])
            finder.close()
        except (AssertionError, ValueError):  # malformed markup: keep what was found
            pass
        for value in finder.generators:
            if ("generator", value) not in found:
                found.append(("generator", value))
    return found


# --- STIX patterns --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Observable:
    type: str  # "domain-name" | "ipv4-addr" | "ipv6-addr" (a url's host becomes domain-name or an address)
    value: str


def _host_observable(host: str) -> Observable:
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return Observable("domain-name", host.rstrip(".").casefold())
    return Observable("ipv4-addr" if address.version == 4 else "ipv6-addr", str(address))


def pattern_observables(pattern: str) -> list[Observable]:
    """Every domain name and IP address (or network) the pattern compares with '=' (in order, no repeats)."""
    found: list[Observable] = []
    for match in _OBSERVABLE.finditer(pattern or ""):
        kind, value = match.group("type"), match.group("value").replace("\\'", "'").strip()
        if kind == "url":
            host = urlsplit(value if "://" in value else f"//{value}").hostname
            if not host:
                continue
            observable = _host_observable(host)
        elif kind == "domain-name":
            observable = Observable(kind, value.rstrip(".").casefold())
        else:
            observable = Observable(kind, value)
        if observable.value and observable not in found:
            found.append(observable)
    return found


def observable_hits(observable: Observable, names: set[str], addresses: set[str]) -> list[str]:
    """The host names or addresses (from the sets given) that the observable matches; networks match contained
    addresses."""
    if observable.type == "domain-name":
        return [observable.value] if observable.value in names else []
    try:
        network = ipaddress.ip_network(observable.value, strict=False)
    except ValueError:
        return []
    hits = []
    for text in sorted(addresses):
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            continue
        if address.version == network.version and address in network:
            hits.append(text)
    return hits


def external_cve_ids(obj: dict[str, Any]) -> list[str]:
    """CVE ids in a STIX object's external references (source_name 'cve'), and a vulnerability named as a CVE."""
    ids: list[str] = []
    for reference in obj.get("external_references") or []:
        external_id = str(reference.get("external_id") or "").strip().upper()
        if str(reference.get("source_name", "")).casefold() == "cve" and CVE_RE.match(external_id):
            ids.append(external_id)
    name = str(obj.get("name") or "").strip().upper()
    if obj.get("type") == "vulnerability" and CVE_RE.match(name):
        ids.append(name)
    return sorted(set(ids))
