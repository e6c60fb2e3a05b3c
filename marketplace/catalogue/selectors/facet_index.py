"""The published services' facet keys and sort orders as columns in memory, one copy per process.

The search counts nine facets over every match, each facet with all the OTHER filters applied, and pages through
the matches in a chosen order. In SQL that is a grouped scan over tens of thousands of rows on every search; here
it is a few vector operations (numpy) over columns held in memory: a boolean mask per filter, `bincount` per
facet, and the page taken from a precomputed order. Like a search engine's doc values.

The columns come from `ServiceSearchDocument` (one narrow row per published, indexed service) and the three sort
orders from the database itself (`ORDER BY` with its collation, so names sort exactly as SQL sorts them). They
are rebuilt when the service index version (`core.search.search_index_version`, read from the database on every
search) differs from the one they were built at: every index write changes it in the writer's transaction, so
every process sees a change as soon as it is committed, and a rolled-back write changes nothing.

Certificates expire by date: their columns hold `valid_until` as a day number, compared with the day of the
search, so no rebuild is needed when a certificate lapses.
"""

from __future__ import annotations

import array
import datetime as dt
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
from django.db import connection
from django.db.models import F, QuerySet
from django.db.models.lookups import IsNull

from marketplace.catalogue.models import (
    CertificationScheme,
    CyberxPhase,
    DataResidency,
    PriceModel,
    Service,
    ServiceModel,
    ServiceSearchDocument,
    ServiceStatus,
)
from marketplace.catalogue.search import SEARCH_KIND, Sort
from marketplace.core.search import search_index_version

Mask = npt.NDArray[np.bool_]
Codes = npt.NDArray[np.int32]

# the coded columns and their vocabularies (a value outside the vocabulary gets the code len(vocabulary))
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "service_model": tuple(ServiceModel.values),
    "data_residency": tuple(DataResidency.values),
    "price_model": tuple(PriceModel.values),
    "cyberx_phase": ("", *CyberxPhase.values),
}
SCHEMES: tuple[str, ...] = tuple(CertificationScheme.values)
NO_CERTIFICATE = 0  # a day number below every real date (date.toordinal() >= 1)


def order_services(queryset: QuerySet[Service], sort: str) -> QuerySet[Service]:
    """`queryset` in the order of `sort` (name, price or SLA; never relevance): NULL prices and SLAs last."""
    # SQLite sorts NULL first ascending and cannot say NULLS LAST in an index: price is ordered by
    # "price IS NULL, price" there (its expression index, core migration 0006)
    sqlite = connection.vendor == "sqlite"
    if sort == Sort.PRICE:
        if sqlite:
            return queryset.order_by(
                IsNull(F("price_from_amount"), True).asc(), F("price_from_amount").asc(), "name", "pk"
            )
        return queryset.order_by(F("price_from_amount").asc(nulls_last=True), "name", "pk")
    if sort == Sort.SLA:
        if sqlite:
            return queryset.order_by(F("sla_availability_percent").desc(), "name", "pk")
        return queryset.order_by(F("sla_availability_percent").desc(nulls_last=True), "name", "pk")
    return queryset.order_by("name", "pk")


SORTS = (Sort.NAME, Sort.PRICE, Sort.SLA)


@dataclass(frozen=True)
class FacetIndex:
    """Row i is the service `ids[i]` (ascending). Read-only once built; shared by the threads of a process."""

    version: str
    ids: npt.NDArray[np.int64]
    contract_ids: tuple[int, ...]  # contract code -> contract id
    contract: Codes  # contract code per row
    coded: dict[str, Codes]  # VOCABULARIES field -> code per row
    is_cloud: Mask
    certificates: dict[
        str, npt.NDArray[np.int32]
    ]  # scheme -> valid_until as a day number (NO_CERTIFICATE: none)
    orders: dict[str, npt.NDArray[np.int64]]  # sort -> row positions in that order

    def __len__(self) -> int:
        return len(self.ids)

    def positions(self, ids: Iterable[int]) -> npt.NDArray[np.int64]:
        """The rows of `ids`, in the given order; ids not in the index are left out."""
        if isinstance(ids, array.array) and ids.itemsize == 8:
            wanted = np.frombuffer(ids, dtype=np.int64)  # the cached matches: no copy
        else:
            wanted = np.fromiter(ids, dtype=np.int64)
        if not len(self.ids) or not len(wanted):
            return np.empty(0, dtype=np.int64)
        found = np.searchsorted(self.ids, wanted)
        found[found == len(self.ids)] = 0
        return found[self.ids[found] == wanted]

    def codes_of(self, field: str, values: Iterable[str]) -> Mask:
        """A mask over the codes of `field` (index by a row's code) that is true for `values`."""
        vocabulary = VOCABULARIES[field]
        selected = set(values)
        return np.array([value in selected for value in vocabulary] + [False], dtype=bool)

    def contracts_where(self, test: Sequence[bool]) -> Mask:
        """Rows whose contract passes `test` (one bool per contract code)."""
        return np.asarray(test, dtype=bool)[self.contract] if len(self.contract_ids) else self._none()

    def holds_certificate(self, schemes: Iterable[str], day: dt.date) -> Mask:
        """Rows holding a certificate of one of `schemes` that is valid on `day`."""
        ordinal = day.toordinal()
        mask = self._none()
        for scheme in schemes:
            if scheme in self.certificates:
                mask |= self.certificates[scheme] >= ordinal
        return mask

    def _none(self) -> Mask:
        return np.zeros(len(self.ids), dtype=bool)


def _build(version: str) -> FacetIndex:
    cert_fields = [ServiceSearchDocument.cert_field(scheme) for scheme in SCHEMES]
    fields = ["service_id", "contract_id", *VOCABULARIES, "is_cloud_service", *cert_fields]
    rows = list(ServiceSearchDocument.objects.order_by("service_id").values_list(*fields))
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in fields]
    ids = np.array(columns[0], dtype=np.int64)
    contract_ids = tuple(sorted(set(columns[1])))
    contract_code = {contract_id: code for code, contract_id in enumerate(contract_ids)}
    coded: dict[str, Codes] = {}
    for offset, (field, vocabulary) in enumerate(VOCABULARIES.items(), start=2):
        code = {value: i for i, value in enumerate(vocabulary)}
        other = len(vocabulary)
        coded[field] = np.array([code.get(value, other) for value in columns[offset]], dtype=np.int32)
    cloud_at = 2 + len(VOCABULARIES)
    certificates = {
        scheme: np.array(
            [NO_CERTIFICATE if day is None else day.toordinal() for day in columns[cloud_at + 1 + i]],
            dtype=np.int32,
        )
        for i, scheme in enumerate(SCHEMES)
    }
    published = Service.objects.filter(status=ServiceStatus.PUBLISHED)
    index = FacetIndex(
        version=version,
        ids=ids,
        contract_ids=contract_ids,
        contract=np.array([contract_code[c] for c in columns[1]], dtype=np.int32),
        coded=coded,
        is_cloud=np.array([bool(value) for value in columns[cloud_at]], dtype=bool),
        certificates=certificates,
        orders={},
    )
    return replace(
        index,
        orders={
            sort: index.positions(
                order_services(published, sort).values_list("pk", flat=True).iterator(10000)
            )
            for sort in SORTS
        },
    )


_current: FacetIndex | None = None
_building = threading.Lock()


def facet_index(version: str | None = None) -> FacetIndex:
    """The index at the current version (`version` when the caller has read it), rebuilt when that changed."""
    global _current
    if version is None:
        version = search_index_version(SEARCH_KIND)
    index = _current
    if index is not None and index.version == version:
        return index
    with _building:
        index = _current
        if index is None or index.version != version:
            index = _build(version)
            _current = index
    return index


def facet_index_forget() -> None:
    """Drop this process's copy (the next search rebuilds it)."""
    global _current
    _current = None
