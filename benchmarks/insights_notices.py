"""Notice pages under load: `seed(n)` bulk-creates n realistic notices (contract notices, award notices with winners,
2017–2026, three quarters about cloud); `PAGES` are the notice pages' paths to time. benchmarks/insights.py imports
both (after django.setup()). Run alone it seeds and prints p95 per page with Django's test client:

    .venv/bin/python benchmarks/insights_notices.py [--notices 50000] [--runs 20]

Never part of the test run. The notices it creates have ids starting with "bench-"; a new run replaces them.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from decimal import Decimal

PAGES: list[str] = [
    "/innsikt/kunngjoringer/",
    "/innsikt/kunngjoringer/?alle=1",
    "/innsikt/kunngjoringer/?format=csv&table=aar",
    "/innsikt/kunngjoringer/liste/",
    "/innsikt/kunngjoringer/liste/?alle=on&aar=2024&oppdragsgiver=municipality",
    "/innsikt/kunngjoringer/liste/?q=kommune&side=3",
]
PREFIX = "bench-"
BATCH = 2000


def seed(n: int) -> None:
    """Replace the benchmark notices with n new ones (about 55 % contract notices, 45 % award notices, each its own
    procedure, so every value counts)."""
    from django.db import transaction
    from django.utils import timezone

    from marketplace.insights.demo_notices import BUYERS, CLOUD_TOPICS, OTHER_TOPICS, PROCEDURES, SUPPLIERS
    from marketplace.insights.eforms.buyers import buyer_kind_from
    from marketplace.insights.models import Notice, NoticeAward, NoticeKind, NoticeLot
    from marketplace.insights.relevance import relevance

    rng = random.Random(n)
    now = timezone.now()
    with transaction.atomic():
        Notice.objects.filter(notice_id__startswith=PREFIX).delete()
        created = 0
        while created < n:
            notices: list[Notice] = []
            winners: list[tuple[int, tuple[str, str], Decimal]] = []
            for index in range(created, min(n, created + BATCH)):
                title, description, main_cpv, extra, (low, high) = rng.choice(
                    CLOUD_TOPICS if rng.random() < 0.75 else OTHER_TOPICS
                )
                orgnr, buyer, legal_type = rng.choice(BUYERS)
                is_award = index % 2 == 1 and rng.random() < 0.9
                amount = Decimal(rng.randint(low * 10, high * 10) * 100_000)
                issued_on = dt.date(rng.randint(2017, 2026), rng.randint(1, 12), rng.randint(1, 28))
                cpv_codes = [main_cpv, *extra]
                reasons = relevance(cpv_codes=cpv_codes, title=title, description=description)
                notices.append(
                    Notice(
                        notice_id=f"{PREFIX}{index}",
                        version=1,
                        procedure_id=str(uuid.UUID(int=rng.getrandbits(128))),
                        kind=NoticeKind.AWARD if is_award else NoticeKind.CONTRACT_NOTICE,
                        notice_type="can-standard" if is_award else "cn-standard",
                        subtype="29" if is_award else "16",
                        legal_basis="32014L0024",
                        is_national=amount < 2_000_000,
                        language="NOR",
                        issued_on=issued_on,
                        issued_year=issued_on.year,
                        value_amount=amount,
                        has_foreign_value=False,
                        is_value_counted=True,
                        title=f"{title} – {buyer}",
                        description=description,
                        buyer_name=buyer,
                        buyer_orgnr=orgnr,
                        buyer_company_id=orgnr,
                        buyer_country="NOR",
                        buyer_legal_type=legal_type,
                        buyer_kind=buyer_kind_from(buyer, legal_type),
                        procedure_code=rng.choice(PROCEDURES),
                        is_framework=rng.random() < 0.5,
                        contract_nature="services",
                        main_cpv=main_cpv,
                        cpv_codes=cpv_codes,
                        estimated_amount=None if is_award else amount,
                        estimated_currency="" if is_award else "NOK",
                        awarded_amount=amount if is_award else None,
                        awarded_currency="NOK" if is_award else "",
                        is_cloud_relevant=bool(reasons),
                        relevance_reasons=[reason.as_dict() for reason in reasons],
                        source_file=f"{PREFIX}{index}.xml",
                        imported_at=now,
                        updated_at=now,
                    )
                )
                if is_award:
                    winners.append((len(notices) - 1, rng.choice(SUPPLIERS), amount))
            Notice.objects.bulk_create(notices)
            ids = [notice.notice_id for notice in notices]
            stored = dict(Notice.objects.filter(notice_id__in=ids).values_list("notice_id", "pk"))
            NoticeLot.objects.bulk_create(
                NoticeLot(
                    notice_id=stored[notice.notice_id],
                    lot_id="LOT-0001",
                    title=notice.title,
                    main_cpv=notice.main_cpv,
                    cpv_codes=notice.cpv_codes,
                    is_framework=notice.is_framework,
                )
                for notice in notices
            )
            NoticeAward.objects.bulk_create(
                NoticeAward(
                    notice_id=stored[notices[position].notice_id],
                    lot_id="LOT-0001",
                    winner_name=name,
                    winner_orgnr=orgnr,
                    winner_company_id=orgnr,
                    winner_country="NOR",
                    amount=amount,
                    currency="NOK",
                    awarded_on=notices[position].issued_on,
                )
                for position, (orgnr, name), amount in winners
            )
            created += len(notices)


def main() -> None:
    import argparse
    import os
    import statistics
    import sys
    import time
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.test import Client

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    started = time.perf_counter()
    seed(args.notices)
    print(f"seeded {args.notices} notices in {time.perf_counter() - started:.1f} s")
    client = Client(HTTP_HOST="127.0.0.1")
    for page in PAGES:
        timings = []
        for _ in range(args.runs):
            began = time.perf_counter()
            response = client.get(page)
            timings.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, (page, response.status_code)
        p95 = statistics.quantiles(timings, n=20)[-1] if len(timings) > 1 else timings[0]
        print(f"{page:<75} p95 {p95:7.1f} ms  median {statistics.median(timings):7.1f} ms")


if __name__ == "__main__":
    main()
