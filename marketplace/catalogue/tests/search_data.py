"""A small, fully known catalogue for the search tests: every facet count below can be worked out by hand.

| key       | framework | lot | supplier | model    | residency     | price  | phase | cloud | certs (valid / expired)   | price from | SLA    |
|-----------|-----------|-----|----------|----------|---------------|--------|-------|-------|---------------------------|-----------|--------|
| objekt    | CIPS      | 1   | Nordsky  | iaas     | norway        | payg   |       | yes   | iso27001                  | 0.10      | 99.95  |
| database  | CIPS      | 1   | Nordsky  | paas     | eea           | payg   |       | yes   | iso27001, soc2 (expired)  | 2.50      | 99.99  |
| kubernetes| CIPS      | 2   | Fjordcloud | paas   | third_country | commitment |   | yes   | soc2                      | 1.00      | 99.9   |
| arkiv     | SaaS      | 3   | Fjordcloud | saas   | norway        | per_user |     | no    | iso27001 (expired)        | 45        | (none) |
| crs       | CyberX    | 4   | Vaktbikkje | security | eea         | fixed  | f1    | no    | iso27001                  | (none)    | 99.5   |
| draft     | CIPS      | 1   | Nordsky  | iaas     | norway        | payg   |       | yes   | — (status draft)          |           |        |
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from marketplace.accounts.tests.factories import SupplierFactory
from marketplace.catalogue.models import (
    Certification,
    DataLocation,
    DataResidency,
    FrameworkCategory,
    PriceModel,
    ServiceModel,
    ServiceStatus,
    SubProcessor,
)
from marketplace.catalogue.search import services_reindex
from marketplace.catalogue.tests.factories import (
    ContractFactory,
    FrameworkFactory,
    LotFactory,
    PriceLineFactory,
    PriceListFactory,
    ServiceFactory,
)

TODAY = dt.date(2026, 6, 1)
VALID = dt.date(2027, 12, 31)
EXPIRED = dt.date(2026, 1, 31)


def build_catalogue() -> dict[str, object]:
    cips = FrameworkFactory(name="CIPS", reference="2024/0001", category=FrameworkCategory.CIPS)
    saas = FrameworkFactory(name="SaaS", reference="2024/0002", category=FrameworkCategory.SAAS)
    cyberx = FrameworkFactory(
        name="CyberX Cyber Risk Score", reference="2023/0099", category=FrameworkCategory.CYBERX
    )
    lot1 = LotFactory(framework=cips, number=1, title="Infrastruktur")
    lot2 = LotFactory(framework=cips, number=2, title="Plattform")
    lot3 = LotFactory(framework=saas, number=1, title="Dokumenthåndtering")
    lot4 = LotFactory(framework=cyberx, number=1, title="Cyber Risk Score")
    nordsky = SupplierFactory(name="Nordsky AS")
    fjord = SupplierFactory(name="Fjordcloud AS")
    vakt = SupplierFactory(name="Vaktbikkje AS")
    c1 = ContractFactory(lot=lot1, supplier=nordsky, rank=1)
    c2 = ContractFactory(lot=lot2, supplier=fjord, rank=1)
    c3 = ContractFactory(lot=lot3, supplier=fjord)
    c4 = ContractFactory(lot=lot4, supplier=vakt)

    def service(
        contract,
        name,
        summary,
        model,
        residency,
        price,
        *,
        cloud=True,
        phase="",
        price_from=None,
        sla=None,
        status=ServiceStatus.PUBLISHED,
        description="",
    ):
        return ServiceFactory(
            contract=contract,
            name=name,
            summary=summary,
            description=description,
            service_model=model,
            data_residency=residency,
            price_model=price,
            has_measured_service=cloud,
            cyberx_phase=phase,
            price_from_amount=price_from,
            sla_availability_percent=sla,
            status=status,
        )

    objekt = service(
        c1,
        "Objektlagring Oslo",
        "Skylagring i norske datasentre",
        ServiceModel.IAAS,
        DataResidency.NORWAY,
        PriceModel.PAY_AS_YOU_GO,
        price_from=Decimal("0.10"),
        sla=Decimal("99.950"),
        description="<p>Lagring med <strong>S3</strong>-grensesnitt</p>",
    )
    database = service(
        c1,
        "Administrert database",
        "PostgreSQL-tjenester i Stockholm",
        ServiceModel.PAAS,
        DataResidency.EEA,
        PriceModel.PAY_AS_YOU_GO,
        price_from=Decimal("2.50"),
        sla=Decimal("99.990"),
    )
    kubernetes = service(
        c2,
        "Kubernetes-plattform",
        "Containerplattform med global støtte",
        ServiceModel.PAAS,
        DataResidency.THIRD_COUNTRY,
        PriceModel.COMMITMENT,
        price_from=Decimal("1.00"),
        sla=Decimal("99.900"),
    )
    arkiv = service(
        c3,
        "Arkivtjeneste Noark 5",
        "Dokumenthåndtering og arkiv for kommuner",
        ServiceModel.SAAS,
        DataResidency.NORWAY,
        PriceModel.PER_USER,
        cloud=False,
        price_from=Decimal("45"),
    )
    crs = service(
        c4,
        "Cyber Risk Score",
        "Måling av informasjonssikkerhet på internett",
        ServiceModel.SECURITY,
        DataResidency.EEA,
        PriceModel.FIXED_SUBSCRIPTION,
        cloud=False,
        phase="f1",
        sla=Decimal("99.500"),
    )
    draft = service(
        c1,
        "Hemmelig lagring",
        "Ikke publisert lagring",
        ServiceModel.IAAS,
        DataResidency.NORWAY,
        PriceModel.PAY_AS_YOU_GO,
        status=ServiceStatus.DRAFT,
    )
    for svc, scheme, until in [
        (objekt, "iso27001", VALID),
        (database, "iso27001", VALID),
        (database, "soc2", EXPIRED),
        (kubernetes, "soc2", VALID),
        (arkiv, "iso27001", EXPIRED),
        (crs, "iso27001", VALID),
    ]:
        Certification.objects.create(service=svc, scheme=scheme, valid_until=until, issuer="DNV")
    for svc, country, region in [
        (objekt, "NO", "Oslo"),
        (database, "SE", "Stockholm"),
        (database, "NO", ""),
        (kubernetes, "US", "Virginia"),
        (arkiv, "NO", ""),
        (crs, "IE", "Dublin"),
    ]:
        DataLocation.objects.create(service=svc, country=country, region=region)
    SubProcessor.objects.create(
        service=kubernetes, name="Amerikansk Drift Inc", country="US", purpose="Drift"
    )
    price_list = PriceListFactory(contract=c1, version=3)
    PriceLineFactory(
        price_list=price_list,
        sku="OBJ-GB",
        description="Lagring per GiB",
        unit="gib_month",
        unit_price_amount=Decimal("0.1000"),
    )
    objekt.price_list = price_list
    objekt.save(update_fields=["price_list"])
    services_reindex()
    return {
        "frameworks": {"cips": cips, "saas": saas, "cyberx": cyberx},
        "lots": {"lot1": lot1, "lot2": lot2, "lot3": lot3, "lot4": lot4},
        "suppliers": {"nordsky": nordsky, "fjord": fjord, "vakt": vakt},
        "services": {
            "objekt": objekt,
            "database": database,
            "kubernetes": kubernetes,
            "arkiv": arkiv,
            "crs": crs,
            "draft": draft,
        },
    }
