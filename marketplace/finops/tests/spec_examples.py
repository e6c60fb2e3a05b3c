"""Load the FOCUS spec's example CSVs (partial column sets) into the store for an organisation.

Mapping: columns are matched to the storage schema case-insensitively (the flexibility files spell `SkuPriceid`);
unknown columns (`x_CommitmentDiscountUnitPrice`) are dropped; the text `null` and empty cells are NULL; missing
columns stay NULL, except BillingCurrency, which the examples leave out and which is USD in their prose. One file has
`2023-02-01T30:00:00Z` (hour 30): hours beyond 23 roll over into the next day, the evident intent.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from marketplace.finops.schema import FOCUS_COLUMNS
from marketplace.finops.tests.helpers import store_costs

FIXTURES = Path(__file__).parent / "fixtures" / "focus-spec"
_TYPES = {name.lower(): (name, kind) for name, kind in FOCUS_COLUMNS}


def parse_time(text: str) -> dt.datetime:
    day, _t, clock = text.rstrip("Z").partition("T")
    hours, minutes, seconds = (int(p) for p in clock.split(":"))
    base = dt.datetime.fromisoformat(day)
    return base + dt.timedelta(hours=hours, minutes=minutes, seconds=seconds)


def read_rows(relpath: str) -> list[dict[str, Any]]:
    rows = []
    with (FIXTURES / relpath).open(newline="", encoding="utf-8") as fh:
        for raw in csv.DictReader(fh):
            if not any((v or "").strip() for v in raw.values()):
                continue
            row: dict[str, Any] = {"BillingCurrency": "USD"}
            for column, text in raw.items():
                if column is None or column.lower() not in _TYPES:
                    continue
                name, kind = _TYPES[column.lower()]
                value = (text or "").strip()
                if value in ("", "null"):
                    row[name] = None
                elif kind.startswith("DECIMAL"):
                    row[name] = Decimal(value)
                elif kind == "TIMESTAMP":
                    row[name] = parse_time(value)
                else:
                    row[name] = value
            rows.append(row)
    return rows


def store_example(organisation: Any, *relpaths: str) -> None:
    rows = [row for relpath in relpaths for row in read_rows(relpath)]
    store_costs(organisation, rows)
