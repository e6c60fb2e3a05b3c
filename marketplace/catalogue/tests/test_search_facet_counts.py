"""Facet counts against a brute-force count: a random catalogue, random filter combinations, every count exact.

The search counts facets from the denormalised facet rows (`ServiceSearchDocument`); here every count is worked
out again in Python from the services and certificates themselves, before and after changes made through the
index refresh (withdrawal, new and expired certificates, a changed service model).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest
from django.core.cache import cache

from marketplace.accounts.tests.factories import SupplierFactory
from marketplace.catalogue.models import (
    Certification,
    CertificationScheme,
    CyberxPhase,
    DataResidency,
    PriceModel,
    Service,
    ServiceModel,
    ServiceSearchDocument,
    ServiceStatus,
)
from marketplace.catalogue.search import LocationChoice, SearchParams, service_index_refresh, services_reindex
from marketplace.catalogue.selectors import service_search
from marketplace.catalogue.tests.factories import (
    ContractFactory,
    FrameworkFactory,
    LotFactory,
    ServiceFactory,
)
from marketplace.core.search import search_matches

TODAY = dt.date(2026, 6, 1)
SCHEMES = [CertificationScheme.ISO27001, CertificationScheme.SOC2, CertificationScheme.ISO27017]
FACETS = (
    "framework",
    "lot",
    "supplier",
    "model",
    "location",
    "certification",
    "price_model",
    "phase",
    "cloud",
)
WORDS = ["lagring", "sikkerhet", "arkiv", "overvåking"]


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def _build(rng: random.Random) -> list[Service]:
    frameworks = [FrameworkFactory(name=f"Rammeavtale {i}") for i in range(2)]
    lots = [LotFactory(framework=frameworks[i % 2], title=f"Delkontrakt {i}") for i in range(3)]
    suppliers = [SupplierFactory(name=f"Leverandør {i} AS") for i in range(3)]
    contracts = [ContractFactory(lot=lots[i % 3], supplier=suppliers[(i + i // 3) % 3]) for i in range(5)]
    services = []
    for i in range(60):
        cloud = rng.random() < 0.6
        model = rng.choice(list(ServiceModel))
        service = ServiceFactory(
            contract=rng.choice(contracts),
            name=f"Tjeneste {i:02d}",
            summary=" ".join(rng.sample(WORDS, 2)),
            service_model=model,
            data_residency=rng.choice(list(DataResidency)),
            price_model=rng.choice(list(PriceModel)),
            cyberx_phase=rng.choice(list(CyberxPhase)) if model == ServiceModel.SECURITY else "",
            has_on_demand_self_service=cloud,
            has_broad_network_access=cloud,
            has_resource_pooling=cloud,
            has_rapid_elasticity=cloud,
            has_measured_service=cloud or rng.random() < 0.5,
            status=rng.choices(
                [ServiceStatus.PUBLISHED, ServiceStatus.DRAFT, ServiceStatus.WITHDRAWN], [8, 1, 1]
            )[0],
        )
        for scheme in SCHEMES:
            if rng.random() < 0.5:
                Certification.objects.create(
                    service=service,
                    scheme=scheme,
                    issuer="DNV",
                    # expired, valid on TODAY only, or valid for long
                    valid_until=rng.choice(
                        [TODAY - dt.timedelta(days=1), TODAY, TODAY + dt.timedelta(days=400)]
                    ),
                )
        services.append(service)
    services_reindex()
    return services


def _random_params(rng: random.Random, services: list[Service]) -> SearchParams:
    contracts = {s.contract for s in services}
    picks: dict[str, tuple[object, ...]] = {}
    choices = {
        "framework": sorted({c.framework_id for c in contracts}),
        "lot": sorted({c.lot_id for c in contracts}),
        "supplier": sorted({c.supplier_id for c in contracts}),
        "model": list(ServiceModel.values),
        "location": [value for value, _label in LocationChoice.choices],
        "certification": list(SCHEMES),
        "price_model": list(PriceModel.values),
        "phase": list(CyberxPhase.values),
        "cloud": ["yes", "no"],
    }
    for name in rng.sample(sorted(choices), rng.randint(0, 4)):
        picks[name] = tuple(sorted(rng.sample(choices[name], rng.randint(1, 2))))
    q = rng.choice(["", "", "lagring", "arkiv sikkerhet"])
    return SearchParams(q=q, **picks)  # type: ignore[arg-type]


def _brute_force(params: SearchParams) -> tuple[int, dict[str, Counter[str]]]:
    """(total, facet -> value -> count) straight from the services and their certificates."""
    published = list(
        Service.objects.filter(status=ServiceStatus.PUBLISHED)
        .select_related("contract")
        .prefetch_related("certifications")
    )
    matched = set(search_matches(params.q, kind="service")) if params.q else None

    def values(service: Service) -> dict[str, set[str]]:
        valid = {c.scheme for c in service.certifications.all() if c.valid_until >= TODAY}
        residency = service.data_residency
        locations = {
            loc for loc, residencies in LocationChoice.residencies.items() if residency in residencies
        }
        return {
            "framework": {str(service.contract.framework_id)},
            "lot": {str(service.contract.lot_id)},
            "supplier": {str(service.contract.supplier_id)},
            "model": {service.service_model},
            "location": locations,
            "certification": valid,
            "price_model": {service.price_model},
            "phase": {service.cyberx_phase},
            "cloud": {"yes" if service.is_cloud_service else "no"},
        }

    selected = {
        name: {str(value) for value in getattr(params, name)} for name in FACETS if getattr(params, name)
    }
    total = 0
    counts: dict[str, Counter[str]] = {}
    for service in published:
        if matched is not None and service.pk not in matched:
            continue
        facts = values(service)
        failing = {name for name, wanted in selected.items() if not facts[name] & wanted}
        if not failing:
            total += 1
        for name, own in facts.items():
            if not failing - {name}:
                counts.setdefault(name, Counter()).update(value for value in own if value)
    return total, counts


def _shown(params: SearchParams) -> tuple[int, dict[str, Counter[str]]]:
    result = service_search(params, today=TODAY)
    return result.total, {
        facet.name: Counter({option.value: option.count for option in facet.options if option.count})
        for facet in result.facets
    }


def _assert_same(params: SearchParams) -> None:
    total, counts = _shown(params)
    expected_total, expected = _brute_force(params)
    assert total == expected_total, params
    for name, shown in counts.items():
        assert shown == expected.get(name, Counter()), (name, params)


@pytest.mark.django_db
def test_facet_counts_match_a_brute_force_count():
    rng = random.Random(20261129)
    services = _build(rng)
    for _ in range(80):
        _assert_same(_random_params(rng, services))


@pytest.mark.django_db
def test_facet_counts_follow_the_index_refresh():
    rng = random.Random(7)
    services = _build(rng)
    published = [s for s in services if s.status == ServiceStatus.PUBLISHED]
    # withdrawn, a new valid certificate, a certificate that expired, a changed service model
    published[0].status = ServiceStatus.WITHDRAWN
    published[0].save()
    Certification.objects.update_or_create(
        service=published[1],
        scheme=CertificationScheme.C5,
        defaults={"valid_until": TODAY + dt.timedelta(days=30), "issuer": "BSI"},
    )
    published[2].certifications.update(valid_until=TODAY - dt.timedelta(days=3))
    published[3].service_model = ServiceModel.ADVISORY
    published[3].save()
    for service in published[:4]:
        service_index_refresh(service)
    assert not ServiceSearchDocument.objects.filter(service=published[0]).exists()
    assert ServiceSearchDocument.objects.get(service=published[1]).cert_c5 == TODAY + dt.timedelta(days=30)
    assert ServiceSearchDocument.objects.get(service=published[3]).service_model == ServiceModel.ADVISORY
    assert (
        ServiceSearchDocument.objects.count()
        == Service.objects.filter(status=ServiceStatus.PUBLISHED).count()
    )
    for params in [
        SearchParams(),
        SearchParams(certification=(CertificationScheme.C5,)),
        SearchParams(model=(ServiceModel.ADVISORY,), certification=(CertificationScheme.ISO27001,)),
    ]:
        _assert_same(params)
    for _ in range(30):
        _assert_same(_random_params(rng, services))
