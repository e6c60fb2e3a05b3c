"""Is a procurement notice about cloud services? Pure rules (no Django), with the reasons shown to people.

A notice is relevant when at least one of these holds (every one that holds is a reason):

1. a CPV code (main or additional, on the procedure or a lot) in the family 72 (IT services: consulting, software
   development, Internet and support) or 48 (software packages and information systems);
2. a CPV code from the curated list below (outside those families, but used for cloud, hosting and data centres);
3. a keyword in the title or description, Norwegian or English, matched on whole words ("sky" matches "sky" and
   "skytjenester" through the listed forms, not "skyss").

CPV codes are compared on their 8 digits; a family or curated entry matches on the code's prefix after trailing
zeros are stripped (procurement-rules.md § 5.3).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# CPV divisions (2 digits) that count as a whole
CPV_FAMILIES: dict[str, str] = {
    "72": "IT-tjenester: rådgivning, programvareutvikling, Internett og støtte",
    "48": "Programvarepakker og informasjonssystemer",
}

# Curated codes outside the families (prefix after stripping trailing zeros -> label)
CURATED_CPV: dict[str, str] = {
    "302": "Datautstyr og -rekvisita",
    "30211": "Stormaskiner",
    "30233": "Lagrings- og lesemedier",
    "32420": "Nettverksutstyr",
    "32424": "Nettverksinfrastruktur",
    "50312": "Vedlikehold og reparasjon av datautstyr",
    "50324": "Støttetjenester for personlige datamaskiner",
    "64216": "Elektroniske meldings- og informasjonstjenester",
}

# Whole-word keywords (lower case); the reason names the word that matched.
KEYWORDS: tuple[str, ...] = (
    # Norwegian
    "sky",
    "skyen",
    "skytjeneste",
    "skytjenester",
    "skytjenesten",
    "skybasert",
    "skybaserte",
    "skyløsning",
    "skyløsninger",
    "nettsky",
    "offentlig sky",
    "programvare som tjeneste",
    "plattform som tjeneste",
    "infrastruktur som tjeneste",
    "datasenter",
    "datasentertjenester",
    "driftstjenester",
    "serverdrift",
    "lagringstjenester",
    # English
    "cloud",
    "cloud services",
    "public cloud",
    "hyperscaler",
    "software as a service",
    "platform as a service",
    "infrastructure as a service",
    "data centre",
    "data center",
    "hosting",
    "colocation",
    # both
    "saas",
    "paas",
    "iaas",
    "finops",
)
_KEYWORD_RE = re.compile(
    r"(?<![\wæøå])("
    + "|".join(re.escape(k) for k in sorted(KEYWORDS, key=len, reverse=True))
    + r")(?![\wæøå])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Reason:
    kind: str  # "cpv_family" | "cpv_curated" | "keyword"
    value: str  # the CPV code or the keyword
    label: str  # what it means (CPV label) or where it was found

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "value": self.value, "label": self.label}


def _prefix(code: str) -> str:
    return code.rstrip("0") or "0"


def cpv_reasons(codes: list[str] | tuple[str, ...]) -> list[Reason]:
    reasons: list[Reason] = []
    for code in codes:
        family = code[:2]
        if family in CPV_FAMILIES:
            reasons.append(Reason("cpv_family", code, CPV_FAMILIES[family]))
            continue
        stripped = _prefix(code)
        match = next(
            (key for key in sorted(CURATED_CPV, key=len, reverse=True) if stripped.startswith(key)),
            None,
        )
        if match is not None:
            reasons.append(Reason("cpv_curated", code, CURATED_CPV[match]))
    return reasons


def keyword_reasons(*, title: str, description: str) -> list[Reason]:
    reasons: list[Reason] = []
    seen: set[str] = set()
    for where, text in (("tittel", title), ("beskrivelse", description)):
        for match in _KEYWORD_RE.finditer(text or ""):
            word = match.group(1).lower()
            if word not in seen:
                seen.add(word)
                reasons.append(Reason("keyword", word, where))
    return reasons


def relevance(*, cpv_codes: list[str] | tuple[str, ...], title: str, description: str) -> list[Reason]:
    """Every reason the notice is about cloud services; empty when it is not."""
    return cpv_reasons(cpv_codes) + keyword_reasons(title=title, description=description)
