"""core.search: pure query building, and the backend of the database the suite runs on (SQLite or PostgreSQL)."""

from __future__ import annotations

import pytest

from marketplace.accounts.models import Organisation
from marketplace.accounts.tests.factories import OrganisationFactory
from marketplace.core.models import SearchEntry
from marketplace.core.search import (
    SearchDocument,
    compound_parts,
    fts5_query,
    light_stem,
    search_filter,
    search_index_remove,
    search_index_replace_all,
    search_index_update,
    search_matches,
    search_terms,
    tsquery_operands,
)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("", []),
        (None, []),
        ("   ", []),
        ('"*" NEAR( ) :* & ! |', ["near"]),
        ("Skylagring  i NORGE", ["skylagring", "i", "norge"]),
        ("ISO/IEC 27001", ["iso", "iec", "27001"]),
        ("drift_tjeneste", ["drift", "tjeneste"]),
        ("Blåbær æøå ÆØÅ", ["blåbær", "æøå"]),
        ("a a A", ["a"]),
        ("en to tre fire fem seks sju åtte ni ti", ["en", "to", "tre", "fire", "fem", "seks", "sju", "åtte"]),
    ],
)
def test_search_terms(q, expected):
    assert search_terms(q) == expected


@pytest.mark.parametrize(
    ("term", "stem"),
    [
        ("tjenester", "tjenest"),
        ("tjeneste", "tjenest"),
        ("tjenestene", "tjenest"),
        ("lagringen", "lagring"),
        ("services", "servic"),
        ("class", "class"),
        ("sky", "sky"),
        ("skyer", "skyer"),
    ],
)
def test_light_stem(term, stem):
    assert light_stem(term) == stem


def test_compound_parts():
    assert compound_parts("Skylagring og driftstjenester") == ["lagring", "tjeneste"]
    assert compound_parts("Sikkerhetsovervåking for skyplattformen") == ["overvåking", "plattform"]
    assert compound_parts("lagring tjeneste") == []  # words that are already heads add nothing


def test_fts5_query_quotes_every_term():
    assert fts5_query(["tjenester", "near", "or", "a"]) == '"tjenest"* "near"* "or"* "a"'
    assert fts5_query([]) == ""


def test_tsquery_operands_quote_every_term():
    assert tsquery_operands(["lagring", "or"]) == ["'lagring':*", "'or':*"]


DOCS = {
    "lagring": ("Skylagring i Norge", "Objektlagring med norsk support"),
    "drift": ("Driftstjenester", "Overvåking av servere døgnet rundt"),
    "irland": ("Blåbærsky", "Cloud storage in Ireland, English support services"),
    "råd": ("Rådgivning", "Sikkerhetsrådgivning og opplæring i skyen. Tjeneste for små kommuner"),
}


@pytest.fixture
def orgs(db) -> dict[str, Organisation]:
    """Organisations stand in for indexed objects: kind "doc", object_id = the organisation's pk."""
    created = {}
    for key, (title, body) in DOCS.items():
        org = OrganisationFactory(name=title)
        search_index_update(kind="doc", object_id=org.pk, title=title, body=body)
        created[key] = org
    # same object ids under another kind must never leak into "doc" results
    search_index_update(kind="other", object_id=created["drift"].pk, title="Lagring Irland", body="feil type")
    return created


def _match(q, orgs) -> list[str]:
    names = {org.pk: key for key, org in orgs.items()}
    matched = search_filter(Organisation.objects.all(), q, kind="doc")
    return sorted(names[pk] for pk in matched.values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("lagring", ["lagring"]),  # compound: skylagring, objektlagring
        ("skylagring", ["lagring"]),
        (
            "tjenester",
            ["drift", "råd"],
        ),  # plural query finds singular "Tjeneste" and compound "Driftstjenester"
        ("tjeneste", ["drift", "råd"]),
        ("overvåk", ["drift"]),  # prefix while typing
        ("blåbær", ["irland"]),  # æøå kept
        ("blabaer", []),
        ("RÅDGIVNING", ["råd"]),
        ("norsk support", ["lagring"]),  # all words must match
        ("support", ["irland", "lagring"]),
        ("storage ireland", ["irland"]),  # English stemming/prefix
        ("services", ["irland"]),
        ("sky", ["irland", "lagring", "råd"]),
        ("finnesikke", []),
    ],
)
def test_search_filter_words(orgs, q, expected):
    assert _match(q, orgs) == expected


@pytest.mark.parametrize(
    "q",
    [
        '"',
        '""',
        "*",
        "lagring*",
        '"lagring',
        "NEAR(",
        "NEAR(lagring drift)",
        "lagring OR drift",
        "lagring AND",
        "NOT lagring",
        "-lagring",
        "lagring:*",
        "lagring & drift",
        "!!",
        "(",
        ")",
        "'",
        "\\",
        "title:lagring",
        "^lagring",
        "{lagring}",
        "lagring' OR '1'='1",
        "%",
        "_",
    ],
)
def test_search_filter_injection_attempts_are_plain_words(orgs, q):
    result = _match(q, orgs)  # no error raised, whatever the input
    terms = search_terms(q)
    if not terms:
        assert result == []
    assert "drift" not in result or "drift" in q  # "OR" never widens the match to another word


def test_or_is_a_word_not_an_operator(orgs):
    assert _match("lagring OR drift", orgs) == []
    assert _match("lagring drift", orgs) == []


def test_blank_query_leaves_queryset_alone_and_garbage_matches_nothing(orgs):
    assert search_filter(Organisation.objects.all(), "", kind="doc").count() == 4
    assert search_filter(Organisation.objects.all(), "   ", kind="doc").count() == 4
    assert search_filter(Organisation.objects.all(), '"*"', kind="doc").count() == 0


def test_kind_separates_indexes(orgs):
    assert _match("irland", orgs) == []  # only the "other" entry says Irland
    assert _match("ireland", orgs) == ["irland"]


def test_update_replaces_and_remove_deletes(orgs):
    search_index_update(kind="doc", object_id=orgs["drift"].pk, title="Arkivtjeneste", body="Langtidslagring")
    assert _match("lagring", orgs) == ["drift", "lagring"]
    assert _match("overvåking", orgs) == []
    search_index_remove(kind="doc", object_id=orgs["drift"].pk)
    assert _match("lagring", orgs) == ["lagring"]
    assert SearchEntry.objects.filter(kind="doc").count() == 3


def test_replace_all(orgs):
    written = search_index_replace_all(
        kind="doc",
        documents=[SearchDocument(kind="doc", object_id=orgs["råd"].pk, title="Bare denne", body="lagring")],
        batch_size=1,
    )
    assert written == 1
    assert _match("lagring", orgs) == ["råd"]
    assert SearchEntry.objects.filter(kind="other").count() == 1


def test_matches_title_beats_body(orgs):
    search_index_update(kind="doc", object_id=orgs["drift"].pk, title="Lagring", body="Lagring og drift")
    ranked = list(search_matches("lagring", kind="doc"))
    assert ranked == [orgs["drift"].pk, orgs["lagring"].pk]  # the title is exactly the word
    assert list(search_matches('"*"', kind="doc")) == []


def test_matches_rank_by_how_often_the_word_occurs(orgs):
    made = [OrganisationFactory(name=f"Org {letter}") for letter in "ABCD"]
    for index, org in enumerate(made):
        search_index_update(
            kind="doc", object_id=org.pk, title=org.name, body="lagring " * (index + 1) + "drift"
        )
    ranked = [pk for pk in search_matches("lagring", kind="doc") if pk in {org.pk for org in made}]
    assert ranked == [org.pk for org in reversed(made)]
