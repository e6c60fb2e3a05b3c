"""Service search: index text, reindex, filters, facet counts, sorting, pagination, query counts."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction

from marketplace.catalogue.models import ServiceStatus
from marketplace.catalogue.search import (
    SEARCH_KIND,
    SearchParams,
    ServiceSearchForm,
    service_index_refresh,
    service_search_text,
)
from marketplace.catalogue.selectors import service_search
from marketplace.catalogue.selectors.facet_index import facet_index_forget
from marketplace.catalogue.tests.factories import ServiceFactory
from marketplace.catalogue.tests.search_data import TODAY, build_catalogue
from marketplace.core.models import SearchEntry


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


@pytest.fixture
def cat(db):
    return build_catalogue()


def search(**kwargs):
    return service_search(SearchParams(**kwargs), today=TODAY)


def names(result) -> list[str]:
    return [s.name for s in result.services]


def facet(result, name) -> dict[str, int]:
    return {o.label: o.count for f in result.facets if f.name == name for o in f.options}


def selected(result, name) -> list[str]:
    return [o.label for f in result.facets if f.name == name for o in f.options if o.is_selected]


def test_search_text_has_the_facts(cat):
    title, body = service_search_text(cat["services"]["kubernetes"])
    assert title == "Kubernetes-plattform"
    for expected in [
        "Containerplattform",
        "Fjordcloud AS",
        "CIPS",
        "Plattform",
        "PaaS",
        "Amerikansk Drift Inc",
        "SOC 2 Type II",
        "US USA United States",
        "Virginia",
        "skytjeneste",
        "cloud service",
    ]:
        assert expected in body
    objekt_body = service_search_text(cat["services"]["objekt"])[1]
    assert "Lagring med S3-grensesnitt" in objekt_body  # HTML stripped
    assert "<" not in objekt_body


def test_index_has_only_published_services(cat):
    ids = set(SearchEntry.objects.filter(kind=SEARCH_KIND).values_list("object_id", flat=True))
    assert ids == {s.pk for k, s in cat["services"].items() if k != "draft"}


def test_refresh_follows_status(cat):
    draft = cat["services"]["draft"]
    draft.status = ServiceStatus.PUBLISHED
    draft.save()
    service_index_refresh(draft)
    assert names(search(q="hemmelig")) == ["Hemmelig lagring"]
    draft.status = ServiceStatus.WITHDRAWN
    draft.save()
    service_index_refresh(draft)
    assert names(search(q="hemmelig")) == []
    assert not SearchEntry.objects.filter(kind=SEARCH_KIND, object_id=draft.pk).exists()


def test_reindex_command(cat):
    SearchEntry.objects.all().delete()
    out = StringIO()
    call_command("reindex", "--format", "json", stdout=out)
    assert json.loads(out.getvalue()) == {"indexed": 5}
    out = StringIO()
    call_command("reindex", stdout=out)
    assert out.getvalue().strip() == "Indekserte 5 publiserte tjenester."
    assert SearchEntry.objects.filter(kind=SEARCH_KIND).count() == 5


def test_no_filters_counts_every_facet(cat):
    result = search()
    assert result.total == 5
    assert names(result) == [
        "Administrert database",
        "Arkivtjeneste Noark 5",
        "Cyber Risk Score",
        "Kubernetes-plattform",
        "Objektlagring Oslo",
    ]
    assert facet(result, "framework") == {"CIPS": 3, "CyberX Cyber Risk Score": 1, "SaaS": 1}
    assert facet(result, "lot") == {
        "CIPS – 1: Infrastruktur": 2,
        "CIPS – 2: Plattform": 1,
        "CyberX Cyber Risk Score – 1: Cyber Risk Score": 1,
        "SaaS – 1: Dokumenthåndtering": 1,
    }
    assert facet(result, "model") == {"IaaS": 1, "PaaS": 2, "SaaS": 1, "Sikkerhetstjeneste": 1}
    assert facet(result, "supplier") == {"Fjordcloud AS": 2, "Nordsky AS": 2, "Vaktbikkje AS": 1}
    assert facet(result, "location") == {"Kun Norge": 2, "I EØS (inkl. Norge)": 4, "Tredjeland": 1}
    # only valid certificates count: database's SOC 2 and arkiv's ISO 27001 have expired
    assert facet(result, "certification") == {"ISO/IEC 27001": 3, "SOC 2 Type II": 1}
    assert facet(result, "price_model") == {
        "Betal for forbruk": 2,
        "Abonnement per bruker": 1,
        "Fast abonnement": 1,
        "Forpliktet forbruk / reservasjon": 1,
    }
    assert facet(result, "phase") == {"Fase 1 – synlighet": 1}
    assert facet(result, "cloud") == {"Ja": 3, "Nei": 2}


def test_a_facets_own_selection_does_not_hide_its_siblings(cat):
    result = search(model=("paas",))
    assert result.total == 2
    assert names(result) == ["Administrert database", "Kubernetes-plattform"]
    assert facet(result, "model") == {"IaaS": 1, "PaaS": 2, "SaaS": 1, "Sikkerhetstjeneste": 1}
    assert selected(result, "model") == ["PaaS"]
    assert facet(result, "framework") == {"CIPS": 2}
    assert facet(result, "supplier") == {"Fjordcloud AS": 1, "Nordsky AS": 1}
    assert facet(result, "location") == {"Kun Norge": 0, "I EØS (inkl. Norge)": 1, "Tredjeland": 1}
    assert facet(result, "certification") == {"ISO/IEC 27001": 1, "SOC 2 Type II": 1}
    assert facet(result, "cloud") == {"Ja": 2, "Nei": 0}


def test_filters_combine_across_facets(cat):
    result = search(model=("paas",), location=("eea",))
    assert names(result) == ["Administrert database"]
    assert facet(result, "model") == {"IaaS": 1, "PaaS": 1, "SaaS": 1, "Sikkerhetstjeneste": 1}
    assert facet(result, "location") == {"Kun Norge": 0, "I EØS (inkl. Norge)": 1, "Tredjeland": 1}


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        (("norway",), ["Arkivtjeneste Noark 5", "Objektlagring Oslo"]),
        # EEA includes "Norway only": data that stays in Norway stays in the EEA
        (
            ("eea",),
            ["Administrert database", "Arkivtjeneste Noark 5", "Cyber Risk Score", "Objektlagring Oslo"],
        ),
        (("third_country",), ["Kubernetes-plattform"]),
        (
            ("norway", "third_country"),
            ["Arkivtjeneste Noark 5", "Kubernetes-plattform", "Objektlagring Oslo"],
        ),
    ],
)
def test_data_location(cat, location, expected):
    assert names(search(location=location)) == expected


def test_certification_facet_counts_only_published_services(cat):
    # certificates of services that are not published never count, with or without other filters
    import datetime as dt

    from marketplace.catalogue.models import Certification

    for key, scheme in [("draft", "iso27001"), ("draft", "iso27017"), ("kubernetes", "iso27001")]:
        Certification.objects.create(
            service=cat["services"][key],
            scheme=scheme,
            valid_until=TODAY + dt.timedelta(days=1),
            issuer="DNV",
        )
    # A published service's certificates change only through an approval, which refreshes its index entry and
    # facet row (service_approve → service_index_refresh); a draft's are not indexed at all.
    service_index_refresh(cat["services"]["kubernetes"])
    service_index_refresh(cat["services"]["draft"])
    assert facet(search(), "certification") == {"ISO/IEC 27001": 4, "SOC 2 Type II": 1}
    kubernetes = cat["services"]["kubernetes"]
    kubernetes.status = ServiceStatus.WITHDRAWN
    kubernetes.save()
    service_index_refresh(kubernetes)
    assert facet(search(), "certification") == {"ISO/IEC 27001": 3}
    assert facet(search(certification=("soc2",)), "certification") == {"ISO/IEC 27001": 3, "SOC 2 Type II": 0}
    assert facet(search(model=("paas",)), "certification") == {"ISO/IEC 27001": 1}
    # valid on the last day, not the day after
    assert facet(service_search(SearchParams(), today=TODAY + dt.timedelta(days=2)), "certification") == {
        "ISO/IEC 27001": 3
    }


def test_certification_filter_counts_only_valid_certificates(cat):
    result = search(certification=("iso27001",))
    assert names(result) == ["Administrert database", "Cyber Risk Score", "Objektlagring Oslo"]
    assert facet(result, "certification") == {"ISO/IEC 27001": 3, "SOC 2 Type II": 1}
    assert facet(result, "model") == {"IaaS": 1, "PaaS": 1, "Sikkerhetstjeneste": 1}
    # several values of one facet: either
    assert names(search(certification=("iso27001", "soc2"))) == [
        "Administrert database",
        "Cyber Risk Score",
        "Kubernetes-plattform",
        "Objektlagring Oslo",
    ]
    # expired only
    assert names(search(certification=("soc2",))) == ["Kubernetes-plattform"]


def test_other_filters(cat):
    assert names(search(framework=(cat["frameworks"]["saas"].pk,))) == ["Arkivtjeneste Noark 5"]
    assert names(search(lot=(cat["lots"]["lot1"].pk,))) == ["Administrert database", "Objektlagring Oslo"]
    assert names(search(supplier=(cat["suppliers"]["fjord"].pk,))) == [
        "Arkivtjeneste Noark 5",
        "Kubernetes-plattform",
    ]
    assert names(search(price_model=("commitment",))) == ["Kubernetes-plattform"]
    assert names(search(phase=("f1",))) == ["Cyber Risk Score"]
    assert names(search(cloud=("no",))) == ["Arkivtjeneste Noark 5", "Cyber Risk Score"]
    assert search(cloud=("yes", "no")).total == 5
    assert names(search(q="lagring", framework=(cat["frameworks"]["cips"].pk,), location=("norway",))) == [
        "Objektlagring Oslo"
    ]
    # a selected value that matches nothing is still shown, with 0
    result = search(framework=(cat["frameworks"]["saas"].pk,), model=("iaas",))
    assert result.total == 0
    assert facet(result, "model") == {"IaaS": 0, "SaaS": 1}
    assert facet(result, "framework") == {"CIPS": 1, "SaaS": 0}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("lagring", ["Objektlagring Oslo"]),  # compound word; the draft "Hemmelig lagring" is not published
        ("skylagring", ["Objektlagring Oslo"]),
        ("objektlag", ["Objektlagring Oslo"]),  # prefix while typing
        ("stockholm", ["Administrert database"]),  # region
        ("amerikansk", ["Kubernetes-plattform"]),  # sub-processor
        ("dokumenthåndtering kommuner", ["Arkivtjeneste Noark 5"]),
        ("norway", ["Administrert database", "Arkivtjeneste Noark 5", "Objektlagring Oslo"]),  # data in NO
        ("NEAR(", []),
        ('"*"', []),
    ],
)
def test_text_search(cat, q, expected):
    assert sorted(names(search(q=q))) == expected


def test_relevance_is_the_default_sort_with_q(cat):
    result = search(q="plattform")
    assert result.sort == "relevance"
    assert names(result)[0] == "Kubernetes-plattform"  # the word in the title
    assert search(q="plattform", sort="name").sort == "name"
    assert search(sort="relevance").sort == "name"  # no q: nothing to rank


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (
            "name",
            [
                "Administrert database",
                "Arkivtjeneste Noark 5",
                "Cyber Risk Score",
                "Kubernetes-plattform",
                "Objektlagring Oslo",
            ],
        ),
        (
            "price",
            [
                "Objektlagring Oslo",
                "Kubernetes-plattform",
                "Administrert database",
                "Arkivtjeneste Noark 5",
                "Cyber Risk Score",
            ],
        ),
        (
            "sla",
            [
                "Administrert database",
                "Objektlagring Oslo",
                "Kubernetes-plattform",
                "Cyber Risk Score",
                "Arkivtjeneste Noark 5",
            ],
        ),
    ],
)
def test_sorting(cat, sort, expected):
    assert names(search(sort=sort)) == expected


def test_pagination(cat):
    contract = cat["services"]["objekt"].contract
    for n in range(23):
        ServiceFactory(contract=contract, name=f"Lagringsvolum {n:02d}", summary="Blokklagring")
    from marketplace.catalogue.search import services_reindex

    services_reindex()
    first = search(q="lagring", sort="name")
    assert (first.total, first.page, first.num_pages, len(first.services)) == (24, 1, 2, 20)
    assert (first.start_index, first.end_index, first.has_previous, first.has_next) == (1, 20, False, True)
    second = search(q="lagring", sort="name", page=2)
    assert names(second) == ["Lagringsvolum 20", "Lagringsvolum 21", "Lagringsvolum 22", "Objektlagring Oslo"]
    assert (second.start_index, second.end_index) == (21, 24)
    # relevance pages do not overlap and cover everything
    ranked = names(search(q="lagring")) + names(search(q="lagring", page=2))
    assert len(ranked) == len(set(ranked)) == 24
    # past the end: the last page
    assert search(q="lagring", page=99).page == 2


def test_query_count_is_constant(cat, django_assert_num_queries):
    facet_index_forget()
    # the first search of a process (or after an index change) builds the facet index: the index version, the
    # facet rows, the three sort orders; then contracts, page services, 2 prefetches
    with django_assert_num_queries(9):
        search()
    # from then on: the index version, contracts, page services, 2 prefetches, whatever the filters and sort
    with django_assert_num_queries(5):
        search(model=("paas",), certification=("iso27001",), location=("eea",), sort="price")
    cache.clear()
    # + the ranked full-text matches (one query; on PostgreSQL one more asks for the word forms first; on SQLite the
    # first text search at an index version reads the entry ids of the index once)
    forms = 1 if connection.vendor == "postgresql" else 0
    entry_map = 1 if connection.vendor == "sqlite" else 0
    with django_assert_num_queries(6 + forms + entry_map):
        search(q="plattform", framework=(cat["frameworks"]["cips"].pk,))
    # the same words with other filters: the matches are cached
    with django_assert_num_queries(5):
        search(q="plattform", model=("paas",))
    cache.clear()
    # nothing found: the index version and the full-text query
    with django_assert_num_queries(2 + forms):
        search(q="finnesikke")


def test_facet_index_follows_the_index_changes(cat, django_assert_num_queries):
    first = search(model=("paas",))
    # the same search again (another page or sort): nothing is rebuilt
    with django_assert_num_queries(5):
        again = search(model=("paas",), sort="price")
    assert again.facets == first.facets
    assert again.total == first.total == 2
    # a service withdrawn and taken out of the index: the counts follow at once
    kubernetes = cat["services"]["kubernetes"]
    kubernetes.status = ServiceStatus.WITHDRAWN
    kubernetes.save()
    service_index_refresh(kubernetes)
    after = search(model=("paas",))
    assert names(after) == ["Administrert database"]
    assert facet(after, "model") == {"IaaS": 1, "PaaS": 1, "SaaS": 1, "Sikkerhetstjeneste": 1}
    # another process's write (a new version token in the database) is seen without any shared cache
    cache.clear()
    kubernetes.status = ServiceStatus.PUBLISHED
    kubernetes.save()
    service_index_refresh(kubernetes)
    assert names(search(model=("paas",))) == names(first)
    # certificates expire by date: counted against the day of the search, no rebuild needed
    import datetime as dt

    later = service_search(SearchParams(), today=dt.date(2028, 1, 1))
    assert facet(later, "certification") == {}


def test_facet_index_ignores_a_rolled_back_write(cat):
    before = search()
    kubernetes = cat["services"]["kubernetes"]

    def withdraw_then_fail() -> None:
        with transaction.atomic():
            kubernetes.status = ServiceStatus.WITHDRAWN
            kubernetes.save()
            service_index_refresh(kubernetes)
            assert search().total == before.total - 1  # the writer sees its own change
            raise RuntimeError

    with pytest.raises(RuntimeError):
        withdraw_then_fail()
    after = search()
    assert after.total == before.total
    assert names(after) == names(before)


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ({"framework": ["x"]}, {"framework"}),
        ({"lot": ["0"]}, {"lot"}),
        ({"model": ["mainframe"]}, {"model"}),
        ({"location": ["moon"]}, {"location"}),
        ({"sort": ["random"]}, {"sort"}),
        ({"page": ["-1"]}, {"page"}),
        ({"q": ["x" * 201]}, {"q"}),
        ({"framework": ["1", "2"], "model": ["saas"], "page": ["2"]}, set()),
    ],
)
def test_search_form(query, errors):
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for key, values in query.items():
        data.setlist(key, values)
    form = ServiceSearchForm(data)
    assert form.is_valid() is (not errors)
    assert set(form.errors) == errors


def test_demo_seeding_indexes_published_services(cat):
    from marketplace.core.demo import DemoResult, seeders

    SearchEntry.objects.all().delete()
    seeder = dict(seeders())["catalogue-search-index"]
    result = DemoResult()
    seeder(result)
    seeder(result)  # idempotent
    assert result.counts["search_index"] == 5
    assert SearchEntry.objects.filter(kind=SEARCH_KIND).count() == 5


def test_search_indexes_exist_and_are_recreated(db):
    from django.db import connection

    from marketplace.catalogue.search import search_table_indexes_ensure

    def indexes(table: str) -> set[str]:
        with connection.cursor() as cursor:
            return set(connection.introspection.get_constraints(cursor, table))

    assert {"core_search_service_facets", "core_search_service_name"} <= indexes("catalogue_service")
    assert "core_search_certification" in indexes("catalogue_certification")
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX core_search_service_name")
    search_table_indexes_ensure()
    assert "core_search_service_name" in indexes("catalogue_service")
    # the sort orders (and on SQLite the unfiltered certification facet) have indexes of their own per database
    if connection.vendor == "postgresql":
        assert {"core_search_service_price", "core_search_service_sla"} <= indexes("catalogue_service")
    else:
        assert {"core_search_service_price_sqlite", "core_search_service_sla_sqlite"} <= indexes(
            "catalogue_service"
        )
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX core_search_certification_scheme_sqlite")
        search_table_indexes_ensure()
        assert "core_search_certification_scheme_sqlite" in indexes("catalogue_certification")
