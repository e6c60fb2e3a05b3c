"""core.search speed paths give the same answers as the plain ones (issue 2, search speed)."""

from __future__ import annotations

import pytest
from django.db import connection

from marketplace.accounts.models import Organisation
from marketplace.accounts.tests.factories import OrganisationFactory
from marketplace.core import search as core_search
from marketplace.core.search import search_filter, search_index_update, search_matches


@pytest.fixture
def docs(db) -> list[Organisation]:
    made = [OrganisationFactory(name=f"Lagring {letter}") for letter in "ABCDEF"]
    for index, org in enumerate(made):
        search_index_update(kind="doc", object_id=org.pk, title=org.name, body="skylagring " * (index + 1))
    other = OrganisationFactory(name="Rådgivning")
    search_index_update(kind="doc", object_id=other.pk, title=other.name, body="strategi")
    return made


def test_long_id_lists_match_the_same_rows_on_sqlite(docs, monkeypatch):
    everything = Organisation.objects.all()
    by_lookup = set(search_filter(everything, "lagring", kind="doc").values_list("pk", flat=True))
    # every list counts as long: SQLite tests each row against the list instead of looking ids up
    monkeypatch.setattr(core_search, "SQLITE_SCAN_FROM", 1)
    by_scan = search_filter(everything, "lagring", kind="doc")
    if connection.vendor == "sqlite":
        assert "+" in str(by_scan.query)
    assert set(by_scan.values_list("pk", flat=True)) == by_lookup == {org.pk for org in docs}
    assert search_filter(everything, "rådgivning", kind="doc").count() == 1


def test_ranked_matches_are_the_filtered_matches(docs):
    # on PostgreSQL through core_search_ranked (GIN index, ts_rank); the same ids as the filter, each once
    matches = search_matches("lagring", kind="doc")
    assert sorted(matches) == sorted(org.pk for org in docs)
    assert search_matches("lagring", kind="doc") == matches
    assert list(search_matches("finnesikke", kind="doc")) == []
