"""Shared test data for the intel tests: fixture paths and small KEV / STIX documents built in code."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"
KEV_EXCERPT = FIXTURES / "threat-intel" / "kev_excerpt.json"
STIX_DIR = FIXTURES / "threat-intel" / "stix"
POISON_IVY = STIX_DIR / "poisonivy.json"
MALICIOUS_URL = STIX_DIR / "indicator-for-malicious-url.json"
SIGHTING = STIX_DIR / "sighting-of-an-indicator.json"
PILOT_CSV = FIXTURES / "awareness_pilot.csv"


def kev_excerpt() -> dict[str, Any]:
    return json.loads(KEV_EXCERPT.read_text(encoding="utf-8"))


def kev_bytes(data: dict[str, Any]) -> bytes:
    return json.dumps(data).encode("utf-8")


def kev_entry(cve: str, vendor: str, product: str, **overrides: Any) -> dict[str, Any]:
    entry = {
        "cveID": cve,
        "vendorProject": vendor,
        "product": product,
        "vulnerabilityName": f"{vendor} {product} Vulnerability",
        "dateAdded": "2025-09-01",
        "shortDescription": "Test entry.",
        "requiredAction": "Apply mitigations per vendor instructions.",
        "dueDate": "2025-09-22",
        "knownRansomwareCampaignUse": "Unknown",
        "notes": "",
        "cwes": [],
    }
    entry.update(overrides)
    return entry


def kev_document(
    version: str, entries: list[dict[str, Any]], released: str = "2025-09-01T12:00:00.000Z"
) -> dict[str, Any]:
    return {
        "title": "CISA Catalog of Known Exploited Vulnerabilities",
        "catalogVersion": version,
        "dateReleased": released,
        "count": len(entries),
        "vulnerabilities": copy.deepcopy(entries),
    }


def stix_bundle(bundle_id: str, objects: list[dict[str, Any]]) -> bytes:
    return json.dumps({"type": "bundle", "id": bundle_id, "objects": objects}).encode("utf-8")


def stix_indicator(stix_id: str, pattern: str, **overrides: Any) -> dict[str, Any]:
    indicator = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": stix_id,
        "created": "2025-01-01T00:00:00.000Z",
        "modified": "2025-01-01T00:00:00.000Z",
        "name": "Test indicator",
        "indicator_types": ["malicious-activity"],
        "pattern": pattern,
        "pattern_type": "stix",
        "valid_from": "2025-01-01T00:00:00Z",
    }
    indicator.update(overrides)
    return indicator


BUNDLE_ID = "bundle--0b6d4c2e-7d0e-4a8b-9d5e-2f1c3a4b5c6d"
IND_DOMAIN = "indicator--1f0e7f56-6b2a-4a1e-9a55-0c1b2d3e4f50"
IND_IP = "indicator--2a1b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
IND_EXPIRED = "indicator--3b2c4d5e-6f70-4b8c-9d0e-1f2a3b4c5d6e"
