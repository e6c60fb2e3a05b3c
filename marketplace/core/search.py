"""Full-text search: one interface, two backends chosen by `connection.vendor`.

- PostgreSQL: a stored tsvector (`norwegian` + `english` configurations for title and body, `simple` for the
  compound-word parts) with a GIN index; ranking with `ts_rank`.
- SQLite: an FTS5 table (unicode61 tokenizer, diacritics kept so æ/ø/å stay letters of their own); ranking with
  `bm25`; every typed word is a prefix query after a light Norwegian/English suffix strip, so "tjenester" finds
  "tjeneste" and "lagr" finds "lagring".

On both, compound words are split at index time against a small vocabulary of Norwegian head words, so a search
for "lagring" also finds "skylagring" (`compound_parts`).

User input never reaches the query language as syntax: it is cut into letter/digit runs (`search_terms`) and
each run is quoted; anything else (quotes, `*`, `NEAR(`, `OR`, `:`, `&`, `!`) is either dropped or becomes a plain
word. Empty or garbage input gives no terms, and `search_filter` then matches nothing.

The index lives in `core_searchentry` (model `SearchEntry`); apps write it with `search_index_update`,
`search_index_remove` and `search_index_replace_all` and read with `search_filter` and `search_ranked_ids`.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models.expressions import RawSQL

from marketplace.core.models import SearchEntry

M = TypeVar("M", bound=models.Model)
T = TypeVar("T")

MAX_TERMS = 8
MAX_TERM_LENGTH = 40

_TERM_RE = re.compile(r"[^\W_]+", re.UNICODE)

# Norwegian head words that often end a compound ("sky|lagring", "drifts|tjeneste", "sikkerhets|overvåking").
# A word ending in one of these (optionally inflected) also indexes the head word itself.
COMPOUND_HEADS: tuple[str, ...] = (
    "adgang",
    "analyse",
    "applikasjon",
    "arkiv",
    "avtale",
    "beredskap",
    "beskyttelse",
    "database",
    "data",
    "deteksjon",
    "drift",
    "forvaltning",
    "håndtering",
    "identitet",
    "infrastruktur",
    "kontroll",
    "kopi",
    "kostnad",
    "kurs",
    "lagring",
    "lisens",
    "løsning",
    "maskin",
    "migrering",
    "nettverk",
    "opplæring",
    "overvåking",
    "plattform",
    "portal",
    "rådgivning",
    "risiko",
    "sikkerhet",
    "skanning",
    "sky",
    "styring",
    "støtte",
    "system",
    "testing",
    "tilgang",
    "tjeneste",
    "trening",
    "varsling",
    "verktøy",
)
_INFLECTIONS = ("", "e", "en", "er", "ene", "et", "a", "s", "r")

# Suffixes stripped from typed words before a prefix query (longest first). Only words longer than
# `len(suffix) + 3` are touched, so short words stay as typed.
_STEM_SUFFIXES = ("ene", "ane", "er", "en", "et", "ar", "es", "e", "s")


def search_terms(q: str | None) -> list[str]:
    """The words of a user's query: lower-cased letter/digit runs, de-duplicated, at most MAX_TERMS."""
    if not q:
        return []
    terms: list[str] = []
    for match in _TERM_RE.findall(q.lower()):
        term = match[:MAX_TERM_LENGTH]
        if term not in terms:
            terms.append(term)
        if len(terms) == MAX_TERMS:
            break
    return terms


def light_stem(term: str) -> str:
    """Strip one common Norwegian/English inflection ending: tjenester → tjenest, lagringen → lagring."""
    for suffix in _STEM_SUFFIXES:
        if term.endswith(suffix) and len(term) - len(suffix) >= 4:
            if suffix == "s" and term.endswith("ss"):
                return term
            return term[: -len(suffix)]
    return term


_HEAD_FORMS: dict[str, str] = {head + ending: head for head in COMPOUND_HEADS for ending in _INFLECTIONS}
_MIN_MODIFIER = 2  # a compound's first part has at least this many letters


def compound_parts(text: str) -> list[str]:
    """Head words of the compounds in `text`: "Skylagring og driftstjenester" → ["lagring", "tjeneste"]."""
    found: set[str] = set()
    for word in set(_TERM_RE.findall(text.lower())):
        for start in range(_MIN_MODIFIER, len(word) - 2):
            head = _HEAD_FORMS.get(word[start:])
            if head is not None:
                found.add(head)
                break
    return sorted(found)


def fts5_query(terms: list[str]) -> str:
    """An FTS5 MATCH expression: every term quoted and prefix-matched, all terms required (AND)."""
    parts = []
    for term in terms:
        stem = light_stem(term)
        quoted = '"' + stem.replace('"', '""') + '"'
        parts.append(quoted + "*" if len(stem) >= 2 else quoted)
    return " ".join(parts)


def tsquery_operands(terms: list[str]) -> list[str]:
    """One to_tsquery operand per term: the quoted term as a prefix (`'term':*`)."""
    return ["'" + term.replace("'", "''").replace("\\", "") + "':*" for term in terms]


def _pg_tsquery_sql(terms: list[str]) -> tuple[str, list[str]]:
    """SQL for the query: per term (norwegian OR english OR simple), all terms ANDed."""
    pieces = []
    params: list[str] = []
    for operand in tsquery_operands(terms):
        pieces.append(
            "(to_tsquery('norwegian'::regconfig, %s) || to_tsquery('english'::regconfig, %s)"
            " || to_tsquery('simple'::regconfig, %s))"
        )
        params += [operand, operand, operand]
    return "(" + " && ".join(pieces) + ")", params


def _vendor() -> str:
    return connection.vendor


@dataclass(frozen=True)
class SearchDocument:
    kind: str
    object_id: int
    title: str
    body: str


def _entry(document: SearchDocument) -> SearchEntry:
    return SearchEntry(
        kind=document.kind,
        object_id=document.object_id,
        title=document.title,
        body=document.body,
        extra=" ".join(compound_parts(f"{document.title} {document.body}")),
    )


def _version_key(kind: str) -> str:
    return f"mps:search:version:{kind}"


def search_index_version(kind: str) -> str:
    """A token that changes whenever the index of `kind` is written, for caching search aggregates."""
    version = cache.get(_version_key(kind))
    if version is None:
        version = uuid.uuid4().hex
        cache.add(_version_key(kind), version, None)
        version = cache.get(_version_key(kind), version)
    return str(version)


def _bump_version(kind: str) -> None:
    cache.set(_version_key(kind), uuid.uuid4().hex, None)


def search_cached(kind: str, key: object, compute: Callable[[], T], *, timeout: int = 300) -> T:
    """`compute()` cached until the index of `kind` changes (or `timeout` seconds pass).

    For aggregates over the indexed objects (facet counts): `key` must hold everything the result depends on.
    """
    digest = hashlib.sha256(repr((search_index_version(kind), key)).encode()).hexdigest()
    cache_key = f"mps:search:{kind}:{digest}"
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, timeout)
    return value


def search_index_update(*, kind: str, object_id: int, title: str, body: str) -> None:
    """Add or replace the index entry of one object."""
    entry = _entry(SearchDocument(kind=kind, object_id=object_id, title=title, body=body))
    SearchEntry.objects.update_or_create(
        kind=kind,
        object_id=object_id,
        defaults={"title": entry.title, "body": entry.body, "extra": entry.extra},
    )
    transaction.on_commit(lambda: _bump_version(kind))
    _bump_version(kind)


def search_index_remove(*, kind: str, object_id: int) -> None:
    SearchEntry.objects.filter(kind=kind, object_id=object_id).delete()
    transaction.on_commit(lambda: _bump_version(kind))
    _bump_version(kind)


def search_index_replace_all(
    *, kind: str, documents: Iterable[SearchDocument], batch_size: int = 1000
) -> int:
    """Replace every entry of `kind` with `documents` in one transaction. Returns how many were written."""
    written = 0
    with transaction.atomic():
        SearchEntry.objects.filter(kind=kind).delete()
        batch: list[SearchEntry] = []
        for document in documents:
            batch.append(_entry(document))
            if len(batch) >= batch_size:
                SearchEntry.objects.bulk_create(batch)
                written += len(batch)
                batch = []
        if batch:
            SearchEntry.objects.bulk_create(batch)
            written += len(batch)
        transaction.on_commit(lambda: _bump_version(kind))
    _bump_version(kind)
    return written


def _ranked_sql(terms: list[str], kind: str) -> tuple[str, list[Any]]:
    """SQL selecting every object id of `kind` that matches all terms, best match first (ties by id)."""
    if _vendor() == "postgresql":
        # core_search_ranked (core migration 0007) matches through the GIN index and ranks with ts_rank
        tsquery, params = _pg_tsquery_sql(terms)
        return (
            f"SELECT r.object_id FROM core_search_ranked(%s, {tsquery}) AS r"  # noqa: S608 - fixed SQL text; user input only as parameters
            " ORDER BY r.rank DESC, r.object_id",
            [kind, *params],
        )
    return (
        "SELECT e.object_id FROM core_searchentry_fts JOIN core_searchentry e ON e.id = core_searchentry_fts.rowid"
        " WHERE core_searchentry_fts MATCH %s AND e.kind = %s"
        " ORDER BY bm25(core_searchentry_fts, 10.0, 2.0, 1.0), e.object_id",
        [fts5_query(terms), kind],
    )


def _matches(q: str, kind: str) -> tuple[list[int], str]:
    """The ranked matches, and the same ids as one SQL parameter (a PostgreSQL array or a JSON array literal)."""
    terms = search_terms(q)
    if not terms:
        return [], ""

    def compute() -> tuple[list[int], str]:
        sql, params = _ranked_sql(terms, kind)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ids = [row[0] for row in cursor.fetchall()]
        joined = ",".join(map(str, ids))
        return ids, ("{" + joined + "}" if _vendor() == "postgresql" else "[" + joined + "]")

    # The id list can be long; keep the last few in this process too, so one request does not unpickle it
    # from the shared cache several times. The index version is part of the key, so writes invalidate it.
    local_key = (search_index_version(kind), kind, _vendor(), tuple(terms))
    found = _LOCAL_MATCHES.get(local_key)
    if found is None:
        found = search_cached(kind, ("matches", _vendor(), tuple(terms)), compute)
        if len(_LOCAL_MATCHES) >= _LOCAL_MATCHES_SIZE:
            with contextlib.suppress(RuntimeError, StopIteration):  # another thread got there first
                _LOCAL_MATCHES.pop(next(iter(_LOCAL_MATCHES)), None)
        _LOCAL_MATCHES[local_key] = found
    return found


_LOCAL_MATCHES: dict[tuple[Any, ...], tuple[list[int], str]] = {}
_LOCAL_MATCHES_SIZE = 16


def search_matches(q: str, *, kind: str) -> list[int]:
    """Every object id of `kind` matching all words of `q`, best match first (ts_rank / bm25; title weighs most).

    One full-text query per distinct set of words, cached until the index of `kind` changes; filters, facet
    counts and pages then use this list (passed as one parameter) instead of running the match again.
    """
    return _matches(q, kind)[0]


def _ids_sql() -> str:
    """A sub-select yielding the matched ids with their rank position, from ONE parameter."""
    if _vendor() == "postgresql":
        return "SELECT r.id, r.pos FROM unnest(%s::bigint[]) WITH ORDINALITY AS r(id, pos)"
    return "SELECT j.value AS id, j.key AS pos FROM json_each(%s) AS j"


def search_filter(queryset: models.QuerySet[M], q: str | None, *, kind: str) -> models.QuerySet[M]:
    """Restrict `queryset` to objects whose index entry of `kind` matches every word of `q`.

    A blank `q` leaves the queryset as it is; a `q` with no usable words (only punctuation) matches nothing.
    """
    if q is None or not q.strip():
        return queryset
    ids, param = _matches(q, kind)
    if not ids:
        return queryset.none()
    return queryset.filter(_id_in(param, len(ids)))


class _AnyOfArray(models.Func):
    """PostgreSQL `pk = ANY(%s::bigint[])`: the array is a literal, so the planner hashes it and scans (index
    or table) once, where `pk IN (SELECT ... FROM unnest(...))` was planned as one index probe per id."""

    arg_joiner = " = ANY("
    template = "(%(expressions)s::bigint[]))"
    output_field = models.BooleanField()


class _InJsonListByScan(models.Func):
    """SQLite `+pk IN (SELECT value FROM json_each(%s))`: the unary plus keeps SQLite from driving the query by
    the id list (one primary-key probe per id, each reading a wide row); it reads the table or a covering index
    in order and tests each row against the list instead, which is cheaper once the list is long."""

    arg_joiner = " IN (SELECT value FROM json_each("
    template = "(+%(expressions)s)))"
    output_field = models.BooleanField()


# From this many ids on, SQLite tests rows against the list rather than looking each id up (see above).
SQLITE_SCAN_FROM = 10000


def _id_in(param: str, count: int) -> Any:
    """A filter expression: the object's pk is one of the `count` ids in `param` (see `_matches`)."""
    if _vendor() == "postgresql":
        return _AnyOfArray(models.F("pk"), models.Value(param))
    if count >= SQLITE_SCAN_FROM:
        return _InJsonListByScan(models.F("pk"), models.Value(param))
    return models.Q(pk__in=RawSQL(f"SELECT m.id FROM ({_ids_sql()}) AS m", [param]))  # noqa: S608, S611 - fixed SQL text; ids only as a parameter


SMALL_RESULT = (
    2000  # up to this many filtered matches, rank them in Python instead of walking the ranked list
)


def search_ranked_ids(
    queryset: models.QuerySet[Any], q: str, *, kind: str, offset: int, limit: int, total: int | None = None
) -> list[int]:
    """Ids of one page of the objects in `queryset` that match `q`, best match first (ties by id).

    The ranked matches (`search_matches`) are intersected with `queryset` (any filters). When the caller knows
    the filtered total: if most matches pass the filters, the ranked list is checked a slice at a time (one
    small query usually fills the page); if few pass (up to SMALL_RESULT), those ids are fetched and put in
    rank order here. Otherwise the database walks the ranked list until the page is full.
    """
    ids, param = _matches(q, kind)
    if not ids:
        return []
    if total is not None and 0 < total <= len(ids):
        # Most matches pass the filters: check the ranked list a slice at a time (sized from the share that
        # passes), rather than have the database compare every match with every filtered row.
        wanted = offset + limit
        chunk = max(2 * wanted, math.ceil(wanted * len(ids) / total * 1.25))
        if chunk * 2 <= len(ids):
            return _ranked_by_chunks(queryset, ids, offset=offset, limit=limit, chunk=chunk)
    if total is not None and total <= SMALL_RESULT:
        matching = set(search_filter(queryset, q, kind=kind).values_list("pk", flat=True))
        ranked = [pk for pk in ids if pk in matching]
        return ranked[offset : offset + limit]
    inner_sql, inner_params = queryset.order_by().values("pk").query.sql_with_params()
    sql = (
        f"SELECT m.id FROM ({_ids_sql()}) AS m WHERE m.id IN ({inner_sql}) ORDER BY m.pos LIMIT %s OFFSET %s"  # noqa: S608 - fixed SQL text; user input only as parameters
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [param, *inner_params, limit, offset])
        return [row[0] for row in cursor.fetchall()]


def _ranked_by_chunks(
    queryset: models.QuerySet[Any], ids: list[int], *, offset: int, limit: int, chunk: int
) -> list[int]:
    """One page of `ids` (in rank order) that are in `queryset`, testing `chunk` ids per query until full."""
    wanted = offset + limit
    found: list[int] = []
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        joined = ",".join(map(str, part))
        param = "{" + joined + "}" if _vendor() == "postgresql" else "[" + joined + "]"
        present = set(queryset.filter(_id_in(param, len(part))).order_by().values_list("pk", flat=True))
        found += [pk for pk in part if pk in present]
        if len(found) >= wanted:
            break
    return found[offset:wanted]
