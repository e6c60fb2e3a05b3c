"""Demo cost data: about a year of synthetic FOCUS 1.2 rows for NVE and Tolletaten, loaded through the real import
(`finops_import`), plus the demo exchange rates (USD, EUR) for NOK reporting.

The rows come from `synthetic.generate` (deterministic per organisation) and end on the day of seeding, so the
dashboard, anomalies and forecasts have recent data; the injected spike is ten days before the seeding day, inside
the anomaly page's default 30 days. The demo user `nve.admin` (org admin and FinOps analyst at NVE)
sees them. Idempotent: an organisation that already has current cost data is left alone, and rates already loaded
are not loaded again.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from django.utils import timezone

from marketplace.accounts.models import Organisation
from marketplace.core import demo as core_demo
from marketplace.core.demo import DemoResult
from marketplace.finops import synthetic
from marketplace.finops.models import BillingPeriodData, ExchangeRate, ImportStatus
from marketplace.finops.services.ingest import finops_import
from marketplace.finops.services.rates import finops_rates_load

RATES_FILE = Path(__file__).parent / "data" / "demo_rates.csv"

# orgnr, rows per day, seed
ORGANISATIONS = [("970205039", 80, 11), ("974761467", 40, 12)]
MONTHS = 12
SPIKE_DAYS_AGO = 10


def _start(today: dt.date) -> dt.date:
    month = today.month - (MONTHS - 1)
    year = today.year + (month - 1) // 12
    return dt.date(year, (month - 1) % 12 + 1, 1)


def seed_rates(result: DemoResult) -> None:
    lines = RATES_FILE.read_text(encoding="utf-8").splitlines()
    if ExchangeRate.objects.count() < len(lines) - 1:
        finops_rates_load(lines=lines)
    result.counts["finops_exchange_rates"] = ExchangeRate.objects.count()


def seed(result: DemoResult, *, today: dt.date | None = None) -> None:
    seed_rates(result)
    today = today or timezone.localdate()
    start = _start(today)
    days = (today - start).days + 1
    for orgnr, per_day, seed_value in ORGANISATIONS:
        organisation = Organisation.objects.filter(orgnr=orgnr).first()
        if organisation is None:
            continue
        if BillingPeriodData.objects.filter(organisation=organisation, is_current=True).exists():
            continue
        with tempfile.TemporaryDirectory(prefix="mps-finops-demo-") as tmp:
            path = synthetic.generate(
                Path(tmp) / f"demo-{orgnr}.parquet",
                per_day * days,
                seed=seed_value,
                start=start,
                days=days,
                org=orgnr,
                spike_day=max(0, days - 1 - SPIKE_DAYS_AGO),
            )
            focus_import = finops_import(organisation=organisation, paths=[path])
        if focus_import.status != ImportStatus.DONE:
            raise RuntimeError(f"Demo cost data for {orgnr} failed: {focus_import.error}")
    result.counts["finops_cost_rows"] = sum(
        BillingPeriodData.objects.filter(is_current=True).values_list("rows", flat=True)
    )


def register() -> None:
    core_demo.register("finops", seed, order=60)
