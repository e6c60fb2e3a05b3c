"""Buyer type for the market analysis when the organisation register does not know the buyer; pure.

Order (the first that answers wins; the caller tries the register by orgnr before calling this):
1. the name: "fylkeskommune" -> county; "kommune" (as a word or the end of a word, e.g. "Bergen kommune",
   "Oslo kommune") -> municipality; state words (departement, direktorat, tilsyn, etat, "Statens", universitet,
   høgskole, politi, sykehus/helseforetak, "Norges", "Riksantikvaren" ...) -> state;
2. the eForms buyer legal type (BT-11): cga, pub-undert-cga -> state; ra, pub-undert-ra -> county; la,
   pub-undert-la -> municipality;
3. otherwise "other".
The names come first because Norwegian buyers often report a generic legal type ("body-pl").
"""

from __future__ import annotations

import re

STATE = "state"
MUNICIPALITY = "municipality"
COUNTY = "county"
OTHER = "other"

_COUNTY_RE = re.compile(r"fylkeskommune|\bfylke\b", re.IGNORECASE)
_MUNICIPALITY_RE = re.compile(r"kommune\b", re.IGNORECASE)
_STATE_RE = re.compile(
    r"departement|direktorat|tilsyn|\betat(en)?\b|\bstatens?\b|universitet|høgskole|politi|helseforetak|"
    r"sykehus|\bnorges\b|riksantikvar|skatteetaten|\bnav\b|forsvar|domstol|\bdfø\b|digdir|\bsiva\b|"
    r"ministry|agency|\bgovernment\b",
    re.IGNORECASE,
)
_LEGAL_TYPE = {
    "cga": STATE,
    "pub-undert-cga": STATE,
    "ra": COUNTY,
    "pub-undert-ra": COUNTY,
    "la": MUNICIPALITY,
    "pub-undert-la": MUNICIPALITY,
}


def buyer_kind_from(name: str, legal_type: str = "") -> str:
    if _COUNTY_RE.search(name):
        return COUNTY
    if _MUNICIPALITY_RE.search(name):
        return MUNICIPALITY
    if _STATE_RE.search(name):
        return STATE
    return _LEGAL_TYPE.get(legal_type.strip(), OTHER)
