from __future__ import annotations

from collections import Counter

import pytest
from stdnum.no import orgnr as stdnum_orgnr

from marketplace.accounts.models import Organisation, OrganisationKind
from marketplace.catalogue import demo
from marketplace.catalogue.models import (
    Contract,
    FrameworkAgreement,
    PriceLine,
    Service,
    ServiceVersion,
    ShortlistSnapshot,
)
from marketplace.core.demo import seed_all
from marketplace.core.models import AuditEvent


def _counts():
    return {
        "frameworks": FrameworkAgreement.objects.count(),
        "contracts": Contract.objects.count(),
        "suppliers": Organisation.objects.filter(kind=OrganisationKind.SUPPLIER).count(),
        "services": Service.objects.count(),
        "versions": ServiceVersion.objects.count(),
        "price_lines": PriceLine.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


@pytest.mark.django_db(transaction=False)
def test_seed_is_idempotent_with_exact_counts():
    first = seed_all()
    counts = _counts()
    assert {k: v for k, v in counts.items() if k != "audit"} == {
        "frameworks": 6,
        "contracts": 22,
        "suppliers": 20,
        "services": 149,
        "versions": 145,
        "price_lines": 144,
    }
    assert Counter(Service.objects.values_list("status", flat=True)) == {
        "published": 144,
        "draft": 2,
        "submitted": 2,
        "withdrawn": 1,
    }
    assert first.counts["services_published"] == 144
    second = seed_all()
    assert _counts() == counts
    assert ShortlistSnapshot.objects.count() == 0
    assert [u["username"] for u in second.users if u["username"].startswith(("nordsky", "samspill"))] == [
        "nordsky.admin",
        "samspill.redaktor",
        "nordsky.redaktor",
        "nordsky.tilbyder",
    ]


@pytest.mark.django_db
def test_seed_facts():
    seed_all()
    cips = FrameworkAgreement.objects.get(reference="2024/1001")
    ranks = list(cips.contracts.filter(lot__number=1).order_by("rank").values_list("rank", "supplier__name"))
    assert ranks == [(1, "Nordsky AS"), (2, "Atlanterhavet Sky Norge AS"), (3, "Fjellskyen AS")]
    crs = FrameworkAgreement.objects.get(reference="2023/2201")
    assert crs.contracts.count() == 1
    assert {"970205039", "964338442", "939760946", "921153082"} <= set(
        crs.participants.values_list("orgnr", flat=True)
    )
    assert all(
        stdnum_orgnr.is_valid(o.orgnr) for o in Organisation.objects.filter(kind=OrganisationKind.SUPPLIER)
    )
    residency = Counter(Service.objects.values_list("data_residency", flat=True))
    assert residency["third_country"] > 5
    assert residency["norway"] > 30
    assert Service.objects.filter(is_cloud_service=False, service_model="advisory").count() == 15
    assert (
        Service.objects.filter(certifications__valid_until__lt=demo.timezone.localdate()).distinct().count()
        > 0
    )
    pending = Service.objects.get(contract__supplier__name="Nordsky AS", name="Objektlagring")
    assert list(pending.pending_changes) == ["summary"]
    returned = Service.objects.get(name="Administrert MongoDB")
    assert (returned.status, returned.returned_reason.startswith("Oppgi region")) == ("draft", True)
    assert all(s.description.startswith("<p>") for s in Service.objects.all()[:10])
    assert FrameworkAgreement.objects.get(reference="2025/4001").criteria.count() == 3


def test_demo_orgnr_valid_and_distinct():
    numbers = [demo.demo_orgnr(n) for n in range(1, 21)]
    assert len(set(numbers)) == 20
    assert all(stdnum_orgnr.is_valid(n) for n in numbers)
