"""Insights benchmark: the statistics pages and the programme board with 100,000 call-offs (and, when the notices
area is installed, 50,000 procurement notices), timed through the Django test client.

    .venv/bin/python benchmarks/insights.py                  # SQLite: a new file in a temporary directory
    SQLITE_PATH=/tmp/x/bench.sqlite3 .venv/bin/python benchmarks/insights.py   # that SQLite file (re-runs reuse it)
    DATABASE_URL=postgres://user@127.0.0.1:5432/mps_bench .venv/bin/python benchmarks/insights.py
                                                             # the PostgreSQL database it is pointed at

Steps: migrate; load the demo data if the database has no framework contracts yet (frameworks, lots, contracts,
buyers, the programme board); add call-offs with awards, opened offers and a few complaints until there are
--calloffs benchmark call-offs (bulk_create, the same generator as the demo's history: more direct awards than
competitions, values skewed towards small call-offs, a few suppliers winning most); if
`marketplace.insights.models` has `Notice`, benchmarks/insights_notices.py's `seed(n)` adds --notices notices and
its `PAGES` are timed too. Then ANALYZE and, per page, one first request (computes the figures; printed as
"first") and --runs more; prints p50/p95 per page (wall clock). The figures are cached until the data changes
(selectors.statistics.cached), so p50/p95 are what visitors see between changes and "first" what the first visitor
after a change waits. Target: p95 ≤ 300 ms on PostgreSQL. Never part of the test run. Options: --calloffs N
(default 100000), --notices N (default 50000), --runs N (default 30), --seed N.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PREFIX = "AV-BENCH-"
PUBLIC_PAGES = [
    "/innsikt/",
    "/innsikt/?by=lot",
    "/innsikt/?by=mechanism",
    "/innsikt/?by=month",
    "/innsikt/?format=csv&table=calloffs",
    "/innsikt/mal/",
    "/innsikt/programmer/",
]
STAFF_PAGES = ["/innsikt/statistikk/", "/innsikt/statistikk/?by=buyer", "/innsikt/statistikk/?by=month"]


def _database() -> str:
    if os.environ.get("DATABASE_URL"):
        return "the database in DATABASE_URL"
    if os.environ.get("SQLITE_PATH"):
        return f"SQLite file {os.environ['SQLITE_PATH']} (SQLITE_PATH)"
    directory = tempfile.mkdtemp(prefix="mps-bench-insights-")
    os.environ["SQLITE_PATH"] = os.path.join(directory, "bench.sqlite3")
    os.environ["MPS_DATA_DIR"] = directory
    return f"SQLite file {os.environ['SQLITE_PATH']}"


def _notices_module() -> object | None:
    import marketplace.insights.models as models

    if not hasattr(models, "Notice"):
        return None
    path = Path(__file__).resolve().parent / "insights_notices.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("insights_notices", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _time(client: object, path: str, runs: int) -> tuple[float, float, float, int]:
    started = time.perf_counter()
    response = client.get(path)  # type: ignore[attr-defined]
    cold = (time.perf_counter() - started) * 1000
    status = response.status_code
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(path)  # type: ignore[attr-defined]
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
    return cold, statistics.median(times), p95, status


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calloffs", type=int, default=100_000)
    parser.add_argument("--notices", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    where = _database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
    os.environ.setdefault("ALLOWED_HOSTS", "localhost,testserver")
    os.environ.setdefault("MPS_OFFER_MASTER_KEY", "YmVuY2htYXJrLW9ubHktbm90LWEtcmVhbC1rZXktISE=")
    import django

    django.setup()
    from django.test.utils import override_settings

    # pages reference static files by name; the benchmark has no collectstatic manifest
    override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from marketplace.accounts.models import MPS_ROLES, Membership
    from marketplace.calloffs.models import CallOff
    from marketplace.catalogue.models import Contract
    from marketplace.core.demo import seed_all
    from marketplace.insights.demo_statistics import generate

    print(f"Database: {where}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if not Contract.objects.exists():
        seed_all()
    existing = CallOff.objects.filter(reference__startswith=PREFIX).count()
    if existing < args.calloffs:
        generate(args.calloffs - existing, prefix=f"{PREFIX}{existing:07d}-", seed=args.seed)
    pages = list(PUBLIC_PAGES)
    notices = _notices_module()
    if notices is not None:
        notices.seed(args.notices)  # type: ignore[attr-defined]
        pages += list(notices.PAGES)  # type: ignore[attr-defined]
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(
        f"Seeded in {time.perf_counter() - started:.1f} s: {CallOff.objects.count()} call-offs"
        + ("" if notices is not None else " (no notices model: notice pages not timed)")
    )

    host = os.environ["ALLOWED_HOSTS"].split(",")[0]
    public = Client(HTTP_HOST=host)
    staff = Client(HTTP_HOST=host)
    membership = Membership.objects.filter(role__in=MPS_ROLES).select_related("user").first()
    if membership is not None:
        staff.force_login(membership.user)
    print(f"\n{'page':<46} {'status':>6} {'first ms':>9} {'p50 ms':>9} {'p95 ms':>9}")
    worst = 0.0
    for client, paths in ((public, pages), (staff, STAFF_PAGES if membership is not None else [])):
        for path in paths:
            cold, p50, p95, status = _time(client, path, args.runs)
            worst = max(worst, p95)
            print(f"{path:<46} {status:>6} {cold:>9.1f} {p50:>9.1f} {p95:>9.1f}")
    print(f"\nworst p95: {worst:.1f} ms (target ≤ 300 ms on PostgreSQL)")


if __name__ == "__main__":
    main()
