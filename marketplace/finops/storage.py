"""Where cost data lives: Parquet files under MPS_DATA_DIR, one per (organisation, billing period, import).

    <MPS_DATA_DIR>/finops/focus/org=<orgnr>/period=<YYYY-MM>/import-<id>.parquet

The app DB (`BillingPeriodData`) says which file is current for a period; readers take the list of current files
from there (`current_files`), so a re-import switches over atomically when its transaction commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

from marketplace.finops.models import BillingPeriodData


def data_root() -> Path:
    return Path(settings.DATA_DIR) / "finops"


def period_relpath(orgnr: str, billing_period: dt.date, import_id: int) -> str:
    return f"focus/org={orgnr}/period={billing_period:%Y-%m}/import-{import_id}.parquet"


def absolute(relpath: str) -> Path:
    return data_root() / relpath


def current_files(
    organisation_ids: Iterable[int] | None = None,
    *,
    period_from: dt.date | None = None,
    period_to: dt.date | None = None,
) -> list[str]:
    """Absolute paths of the current Parquet files (all organisations when `organisation_ids` is None);
    periods are first-of-month dates, both ends inclusive."""
    qs = BillingPeriodData.objects.filter(is_current=True)
    if organisation_ids is not None:
        qs = qs.filter(organisation_id__in=list(organisation_ids))
    if period_from is not None:
        qs = qs.filter(billing_period__gte=period_from)
    if period_to is not None:
        qs = qs.filter(billing_period__lte=period_to)
    return [
        str(absolute(p))
        for p in qs.order_by("organisation_id", "billing_period").values_list("path", flat=True)
    ]
