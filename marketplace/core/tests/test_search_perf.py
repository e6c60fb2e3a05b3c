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
    # on PostgreSQL through core_search_ranked_packed (GIN index, ts_rank); the same ids as the filter, each once
    matches = search_matches("lagring", kind="doc")
    assert sorted(matches) == sorted(org.pk for org in docs)
    assert search_matches("lagring", kind="doc") == matches
    assert list(search_matches("finnesikke", kind="doc")) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's text search configurations")
def test_overlapping_word_forms_are_read_once_with_the_same_matches(db):
    made = [OrganisationFactory(name=name) for name in ("A", "B", "C", "D", "E")]
    texts = [
        "Skytjenester og tjenesten for lagring",
        "Tjenestekatalog med lagringstjeneste",
        "Sikkerhetskopi og sikker drift",
        "It's a user's e-post 365",
        "og i på",
    ]
    for org, text in zip(made, texts, strict=True):
        search_index_update(kind="doc", object_id=org.pk, title=org.name, body=text)
    # "tjenester": norwegian and english give 'tjenest', simple 'tjenester' — covered by 'tjenest'
    _sql, params = core_search._pg_tsquery_sql(["tjenester"])
    assert params == ["'tjenest':*"]
    for words in (["tjenester"], ["lagring"], ["sikkerhet"], ["user", "s"], ["e", "post"], ["og"], ["365"]):
        deduped_sql, deduped_params = core_search._pg_tsquery_sql(words)
        full = " && ".join(
            "(to_tsquery('norwegian'::regconfig, %s) || to_tsquery('english'::regconfig, %s)"
            " || to_tsquery('simple'::regconfig, %s))"
            for _ in words
        )
        full_params = [op for op in core_search.tsquery_operands(words) for _ in range(3)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT object_id FROM core_searchentry WHERE kind = 'doc' AND document @@ ({full}) ORDER BY 1",  # noqa: S608 - fixed SQL text
                full_params,
            )
            expected = cursor.fetchall()
            cursor.execute(
                f"SELECT object_id FROM core_searchentry WHERE kind = 'doc' AND document @@ {deduped_sql} ORDER BY 1",  # noqa: S608 - fixed SQL text
                deduped_params,
            )
            assert cursor.fetchall() == expected, words


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL ranking path")
def test_postgresql_packed_ranking_is_the_sql_ranking(docs):
    """The packed records (object id, ts_rank) sorted by numpy give exactly what ts_rank with SQL's ORDER BY gives:
    more hits rank higher, ties (same text) by object id, other kinds left out, nothing for no match."""
    twins = [OrganisationFactory(name="Tvilling") for _ in range(3)]
    for org in reversed(twins):  # entry ids in the opposite order of the object ids
        search_index_update(kind="doc", object_id=org.pk, title="Lagring", body="skylagring")
    search_index_update(kind="other", object_id=docs[0].pk, title="Lagring", body="lagring lagring")

    def by_sql(terms: list[str]) -> list[int]:
        tsquery, params = core_search._pg_tsquery_sql(terms)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT object_id FROM core_searchentry WHERE kind = %s AND document @@ {tsquery}"  # noqa: S608 - fixed SQL text
                f" ORDER BY ts_rank(document, {tsquery}) DESC, object_id",
                ["doc", *params, *params],
            )
            return [row[0] for row in cursor.fetchall()]

    for terms in (["lagring"], ["skylagring"], ["lagring", "tvilling"], ["strategi"], ["finnesikke"]):
        assert list(core_search._pg_ranked(terms, "doc")) == by_sql(terms), terms
    # not simply id order: the more often the body says "skylagring", the higher the rank ...
    ranked = list(core_search._pg_ranked(["skylagring"], "doc"))
    assert ranked[:6] == [org.pk for org in reversed(docs)]
    # ... and the twins tie (same text), so they follow each other by object id
    twin_positions = [ranked.index(org.pk) for org in sorted(twins, key=lambda o: o.pk)]
    assert twin_positions == sorted(twin_positions)
    assert sorted(ranked) == sorted([*(org.pk for org in docs), *(org.pk for org in twins)])


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite ranking path")
def test_sqlite_ranking_in_memory_is_the_sql_ranking(docs):
    """bm25 from FTS5 alone, kind and object id from the entry map and numpy's sort give exactly what the join
    with core_searchentry and SQL's ORDER BY gave: ties (same text) by object id, other kinds left out."""
    twins = [OrganisationFactory(name="Tvilling") for _ in range(3)]
    for org in reversed(twins):  # entry ids in the opposite order of the object ids
        search_index_update(kind="doc", object_id=org.pk, title="Lagring", body="skylagring")
    search_index_update(kind="other", object_id=docs[0].pk, title="Lagring", body="lagring lagring")

    def by_sql(terms: list[str]) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT e.object_id FROM core_searchentry_fts JOIN core_searchentry e"
                " ON e.id = core_searchentry_fts.rowid WHERE core_searchentry_fts MATCH %s AND e.kind = %s"
                " ORDER BY bm25(core_searchentry_fts, 10.0, 2.0, 1.0), e.object_id",
                [core_search.fts5_query(terms), "doc"],
            )
            return [row[0] for row in cursor.fetchall()]

    version = core_search.search_index_version("doc")
    for terms in (["lagring"], ["skylagring"], ["lagring", "tvilling"], ["strategi"], ["finnesikke"]):
        assert list(core_search._sqlite_ranked(terms, "doc", version)) == by_sql(terms)
    ranked = list(search_matches("lagring", kind="doc"))
    assert ranked[:3] == sorted(org.pk for org in twins)  # title hit, then ties by object id
    assert sorted(ranked) == sorted([*(org.pk for org in docs), *(org.pk for org in twins)])


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite ranking path")
def test_sqlite_entry_map_follows_index_writes(docs):
    """The in-memory map of entry ids is read again when the index version changes: a new entry is found, a
    removed one is gone, at once."""
    assert sorted(search_matches("lagring", kind="doc")) == sorted(org.pk for org in docs)
    late = OrganisationFactory(name="Sen")
    search_index_update(kind="doc", object_id=late.pk, title="Lagring sent", body="")
    core_search.search_index_remove(kind="doc", object_id=docs[0].pk)
    assert sorted(search_matches("lagring", kind="doc")) == sorted([late.pk, *(org.pk for org in docs[1:])])
