import pytest
from django.core.cache import cache
from django.urls import reverse

from marketplace.accounts.models import OrganisationKind, Role
from marketplace.accounts.tests.factories import OrganisationFactory, SupplierFactory, member
from marketplace.catalogue.tests.factories import ServiceFactory
from marketplace.insights.tests.statistics_world import world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The statistics are cached per data version; ids repeat between tests after rollbacks, so start empty."""
    cache.clear()
    yield
    cache.clear()


INDEX = reverse("insights:index")
FULL = reverse("insights:statistics_full")
GOALS = reverse("insights:goals")


def login(client, kind):
    if kind == "anonymous":
        return
    if kind == "buyer":
        user = member(OrganisationFactory(), Role.ORG_ADMIN)
    elif kind == "buyer_other":
        user = member(OrganisationFactory(), Role.BUYER)
    elif kind == "supplier":
        user = member(SupplierFactory(), Role.SUPPLIER_ADMIN)
    elif kind == "staff":
        user = member(OrganisationFactory(kind=OrganisationKind.MPS), Role.CATEGORY_MANAGER)
    elif kind == "admin":
        user = member(OrganisationFactory(kind=OrganisationKind.MPS), Role.MPS_ADMIN)
    else:  # pragma: no cover
        raise AssertionError(kind)
    client.force_login(user)


@pytest.fixture
def data():
    return world()


@pytest.mark.parametrize("kind", ["anonymous", "buyer", "buyer_other", "supplier", "staff"])
def test_public_page_for_everyone_shows_aggregates_only(client, data, kind):
    login(client, kind)
    response = client.get(INDEX)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Statistikk for avrop" in text
    assert "4195" in text  # CIPS HHI (4 awards, 3 suppliers)
    assert "CIPS (skjult)" in text  # secondary suppression
    assert "CRS (skjult)" in text
    for supplier in data.suppliers.values():
        assert supplier.name not in text
    for buyer in data.buyers:
        assert buyer.name not in text
    assert ("Full statistikk for MPS" in text) is (kind == "staff")


def test_public_page_by_month_and_csv(client, data):
    response = client.get(INDEX, {"by": "month"})
    assert response.status_code == 200
    response = client.get(INDEX, {"by": "framework", "format": "csv", "table": "concentration"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Rammeavtale,Tildelinger,Leverandører,HHI,Vurdering"
    assert lines[1:] == ["CIPS,4,3,4195,Høy konsentrasjon", "CRS (skjult),,,,"]


@pytest.mark.parametrize(
    ("params", "status"), [({"by": "buyer"}, 404), ({"format": "csv", "table": "shares"}, 404)]
)
def test_public_page_refuses_staff_only_figures(client, data, params, status):
    assert client.get(INDEX, params).status_code == status


@pytest.mark.parametrize(
    ("kind", "status"),
    [("anonymous", 302), ("buyer", 403), ("supplier", 403), ("staff", 200), ("admin", 200)],
)
def test_full_statistics_for_mps_staff_only(client, data, kind, status):
    login(client, kind)
    response = client.get(FULL)
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("accounts:login"))
    if status == 200:
        text = response.content.decode()
        assert "Leverandør S2 AS" in text
        assert "49,2 %" in text
        assert "21,4 %" in text  # award vs estimate
        assert "8,0 %" in text  # best vs second


def test_full_statistics_per_buyer_and_csv(client, data):
    login(client, "staff")
    response = client.get(FULL, {"by": "buyer"})
    assert response.status_code == 200
    assert "Oslo kommune" in response.content.decode()
    response = client.get(FULL, {"by": "buyer", "format": "csv", "table": "calloffs"})
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Virksomhet,Avrop,Tildelt verdi (NOK),Median dager til kontrakt")
    assert lines[1] == "Oslo kommune,3,1900000.00,22.5,66.7,0.0,33.3,1,3,3"
    response = client.get(FULL, {"format": "csv", "table": "savings_offers"})
    assert response.content.decode("utf-8-sig").splitlines()[1] == "CIPS,2,2500000.00,2300000.00,8.0"


@pytest.mark.parametrize("kind", ["anonymous", "buyer", "supplier", "staff"])
def test_goals_page_for_everyone(client, kind):
    ServiceFactory(export_formats="CSV, JSON", exit_terms="Data utleveres innen 30 dager.")
    ServiceFactory(export_formats="Parquet")
    ServiceFactory()
    ServiceFactory()
    login(client, kind)
    response = client.get(GOALS)
    assert response.status_code == 200
    text = response.content.decode()
    for title in [
        "Effektive avrop",
        "Riktige priser og kostnadsnivå",
        "Informasjonssikkerhet",
        "Personvern",
        "Balanserte vilkår",
        "Fleksibilitet",
    ]:
        assert title in text
    assert "50,0 %" in text  # export formats: 2 of 4 published services
    assert "25,0 %" in text  # exit terms: 1 of 4
    assert "0 av 0" in text  # no services in use, no term checks yet


def test_goals_privacy_and_terms_measures(client):
    """Privacy: services in use (not ended) with a signed-off assessment; terms: topics meeting the baseline."""
    import datetime as dt

    from marketplace.accounts.tests.factories import OrganisationFactory, UserFactory
    from marketplace.catalogue.tests.factories import ContractFactory
    from marketplace.privacy.models import (
        Assessment,
        AssessmentVersion,
        ServiceInUse,
        TermCheck,
        TermCheckItem,
        TermStatus,
    )

    when = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    user, org = UserFactory(), OrganisationFactory()
    services = [ServiceFactory() for _ in range(3)]
    in_use = [
        ServiceInUse.objects.create(organisation=org, service=service, created_by=user, created_at=when)
        for service in services
    ]
    in_use[2].ended_on = dt.date(2026, 3, 1)
    in_use[2].save()
    signed, draft = (
        Assessment.objects.create(
            organisation=org,
            title=f"Vurdering {n}",
            service=in_use[n].service,
            service_in_use=in_use[n],
            service_name="x",
            assessed_on=dt.date(2026, 3, 2),
            created_by=user,
            created_at=when,
            updated_at=when,
        )
        for n in (0, 1)
    )
    AssessmentVersion.objects.create(
        assessment=signed, number=1, snapshot={}, signed_off_at=when, signed_off_by=user
    )
    check = TermCheck.objects.create(contract=ContractFactory(), checked_by=user, checked_at=when)
    for topic, status in (
        ("dpa", TermStatus.MEETS),
        ("security", TermStatus.MEETS),
        ("exit", TermStatus.MISSING),
    ):
        TermCheckItem.objects.create(term_check=check, topic=topic, status=status)
    text = client.get(GOALS).content.decode()
    assert "1 av 2 (50,0 %)" in text  # one of the two services still in use has a signed-off assessment
    assert "2 av 3 (66,7 %)" in text  # two of three checked topics meet the baseline
    assert draft.versions.count() == 0


def test_cached_figures_follow_new_call_offs(client, data):
    from marketplace.calloffs.tests.factories import CallOffFactory

    first = client.get(INDEX, {"format": "csv", "table": "concentration"}).content
    assert client.get(INDEX, {"format": "csv", "table": "concentration"}).content == first
    item = CallOffFactory(lot=data.calloffs["K1"].lot, published_at=data.calloffs["K1"].created_at)
    assert selectors_version_changed(item)
    totals = client.get(INDEX).content.decode()
    assert "<dd>8</dd>" in totals  # 7 counted call-offs + the new one


def selectors_version_changed(item):
    from marketplace.insights.selectors.statistics import statistics_version

    return str(item.pk) in statistics_version().split("-")
