"""Reads for finding services: search with facets, the service page and compare."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BooleanField, Count, F, Func, Prefetch, Q, QuerySet, Subquery
from django.db.models.lookups import IsNull
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.catalogue.models import (
    Certification,
    CertificationScheme,
    Contract,
    CyberxPhase,
    DataLocation,
    PriceModel,
    Service,
    ServiceModel,
    ServiceSearchDocument,
    ServiceStatus,
    SubProcessor,
)
from marketplace.catalogue.search import (
    CLOUD_CHOICES,
    PAGE_SIZE,
    SEARCH_KIND,
    LocationChoice,
    SearchParams,
    Sort,
)
from marketplace.core.search import search_cached, search_filter, search_ranked_ids, search_terms

# --- Service search --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    is_selected: bool


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    options: list[FacetOption]


@dataclass(frozen=True)
class SearchResult:
    services: list[Service]
    total: int
    page: int
    num_pages: int
    page_size: int
    sort: str
    facets: list[Facet]
    params: SearchParams

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def start_index(self) -> int:
        return 0 if self.total == 0 else (self.page - 1) * self.page_size + 1

    @property
    def end_index(self) -> int:
        return min(self.page * self.page_size, self.total)


def _detail_prefetches(today: dt.date) -> list[Prefetch[Any]]:
    return [
        Prefetch("certifications", queryset=Certification.objects.order_by("scheme")),
        Prefetch("data_locations", queryset=DataLocation.objects.order_by("country", "region")),
    ]


def _valid_certifications(schemes: tuple[str, ...], today: dt.date) -> QuerySet[Certification]:
    return Certification.objects.filter(scheme__in=schemes, valid_until__gte=today)


# The single-valued facets are counted from one grouped query (`_COMBO_FIELDS`): each facet's counts apply
# every OTHER filter, so picking a value does not hide its siblings. Certification (several per service) is
# counted with one more query.
_COMBO_FIELDS = (
    "contract_id",
    "service_model",
    "data_residency",
    "price_model",
    "cyberx_phase",
    "is_cloud_service",
)


@dataclass(frozen=True)
class _ContractFacts:
    framework_id: int
    framework_name: str
    lot_id: int
    lot_number: int
    lot_title: str
    supplier_id: int
    supplier_name: str


# positions in a combo row (see _COMBO_FIELDS), then the count, then one count per scheme (_SCHEMES order)
_CONTRACT, _MODEL, _RESIDENCY, _PRICE, _PHASE, _CLOUD, _N = range(7)
_SCHEMES: tuple[str, ...] = tuple(CertificationScheme.values)  # the enum builds the list anew on each access
# the facets counted from combo rows, in the order service_search lists a row's values
_ROW_FACETS = ("framework", "lot", "supplier", "model", "location", "price_model", "phase", "cloud")


def _row_tests(
    params: SearchParams, contracts: dict[int, _ContractFacts]
) -> dict[str, Callable[[tuple[Any, ...]], bool]]:
    """facet name -> does a combo row pass that facet's filter (facets without a selection are left out)."""
    tests: dict[str, Callable[[tuple[Any, ...]], bool]] = {}
    if params.framework:
        frameworks = set(params.framework)
        tests["framework"] = lambda r: contracts[r[_CONTRACT]].framework_id in frameworks
    if params.lot:
        lots = set(params.lot)
        tests["lot"] = lambda r: contracts[r[_CONTRACT]].lot_id in lots
    if params.supplier:
        suppliers = set(params.supplier)
        tests["supplier"] = lambda r: contracts[r[_CONTRACT]].supplier_id in suppliers
    if params.model:
        models_ = set(params.model)
        tests["model"] = lambda r: r[_MODEL] in models_
    if params.location:
        residencies = {res for loc in params.location for res in LocationChoice.residencies[loc]}
        tests["location"] = lambda r: r[_RESIDENCY] in residencies
    if params.price_model:
        prices = set(params.price_model)
        tests["price_model"] = lambda r: r[_PRICE] in prices
    if params.phase:
        phases = set(params.phase)
        tests["phase"] = lambda r: r[_PHASE] in phases
    if params.cloud:
        clouds = {value == "yes" for value in params.cloud}
        tests["cloud"] = lambda r: bool(r[_CLOUD]) in clouds
    return tests


def _filtered(
    queryset: QuerySet[Service], params: SearchParams, today: dt.date, *, skip: str = ""
) -> QuerySet[Service]:
    """`queryset` with every filter of `params` applied except the facet `skip`."""
    if params.framework and skip != "framework":
        queryset = queryset.filter(contract__framework_id__in=params.framework)
    if params.lot and skip != "lot":
        queryset = queryset.filter(contract__lot_id__in=params.lot)
    if params.supplier and skip != "supplier":
        queryset = queryset.filter(contract__supplier_id__in=params.supplier)
    if params.model and skip != "model":
        queryset = queryset.filter(service_model__in=params.model)
    if params.location and skip != "location":
        residencies = {res for loc in params.location for res in LocationChoice.residencies[loc]}
        queryset = queryset.filter(data_residency__in=sorted(residencies))
    if params.price_model and skip != "price_model":
        queryset = queryset.filter(price_model__in=params.price_model)
    if params.phase and skip != "phase":
        queryset = queryset.filter(cyberx_phase__in=params.phase)
    if params.cloud and skip != "cloud" and len(set(params.cloud)) == 1:
        queryset = queryset.filter(_is_cloud_service(params.cloud[0] == "yes"))
    if params.certification and skip != "certification":
        queryset = queryset.filter(_holds_valid_certification(params.certification, today))
    return queryset


_NIST_FLAGS = (
    "has_on_demand_self_service",
    "has_broad_network_access",
    "has_resource_pooling",
    "has_rapid_elasticity",
    "has_measured_service",
)


def _is_cloud_service(value: bool) -> Q:
    """Filter on the derived "is a cloud service" flag.

    SQLite cannot read a generated column from an index, so there the filter is written as the five NIST
    characteristics it is derived from (the same expression, NOT NULL columns): indexes that hold them (core
    migration 0007) then answer it without reading the table rows.
    """
    if connection.vendor != "sqlite":
        return Q(is_cloud_service=value)
    every = Q(**dict.fromkeys(_NIST_FLAGS, True))
    return every if value else ~every


class _ScanIn(Func):
    """SQLite `(+pk IN (subquery))`: the unary plus stops SQLite from driving the query by the subquery's list
    (one primary-key probe per certified service, each reading a wide row, then a sort); it walks the sort or
    facet index instead and tests each entry against the list."""

    arg_joiner = " IN "
    template = "(+%(expressions)s)"
    output_field = BooleanField()


def _holds_valid_certification(schemes: tuple[str, ...], today: dt.date) -> Any:
    """Filter: the service holds a valid certificate of one of `schemes`."""
    certified = _valid_certifications(schemes, today).values("service_id")
    if connection.vendor == "sqlite":
        return _ScanIn(F("pk"), Subquery(certified))
    return Q(pk__in=certified)


def _document_holds_valid_certification(schemes: tuple[str, ...], today: dt.date) -> Q:
    """Filter on ServiceSearchDocument: a valid certificate of one of `schemes` (a date test per scheme column)."""
    test = Q()
    for scheme in schemes:
        test |= Q(**{f"{ServiceSearchDocument.cert_field(scheme)}__gte": today})
    return test


def _facet_rows(params: SearchParams, today: dt.date) -> list[tuple[Any, ...]]:
    """One grouped query over the facet rows of the text matches (no joins).

    Per combination of the single-valued facets (`_COMBO_FIELDS`): how many services also pass the certification
    filter, then per scheme (`CertificationScheme.values` order) how many hold a valid certificate of it.
    """
    documents = search_filter(ServiceSearchDocument.objects.all(), params.q, kind=SEARCH_KIND)
    passes = (
        Count("contract", filter=_document_holds_valid_certification(params.certification, today))
        if params.certification
        else Count("*")
    )
    # counting a column of the facet index (not pk: on SQLite that is no rowid) lets the index answer alone
    per_scheme = {
        f"c_{scheme}": Count(
            "contract", filter=Q(**{f"{ServiceSearchDocument.cert_field(scheme)}__gte": today})
        )
        for scheme in _SCHEMES
    }
    grouped = (
        documents.order_by()
        .values_list(*_COMBO_FIELDS)
        .annotate(n=passes, **per_scheme)
        .values_list(*_COMBO_FIELDS, "n", *per_scheme)
    )
    try:
        sql, sql_params = grouped.query.sql_with_params()
    except EmptyResultSet:
        return []
    # straight from the cursor: the values are already what the rows need (ints, and 0/1 or a bool for
    # is_cloud_service, read with bool()); Django's per-value converters cost more than the query here
    with connection.cursor() as cursor:
        cursor.execute(sql, sql_params)
        return [tuple(row) for row in cursor.fetchall()]


def _order(queryset: QuerySet[Service], sort: str) -> QuerySet[Service]:
    # Written to match the sort indexes (core migrations 0005/0006), so a page reads 20 index entries instead
    # of sorting every match. On SQLite NULL sorts first ascending and last descending, and an index there
    # cannot say NULLS LAST: price is ordered by "price IS NULL, price" (an expression index) instead.
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


def service_search(params: SearchParams, *, today: dt.date | None = None) -> SearchResult:
    """Published services matching `params`, one page of them, and the facet counts.

    Queries (constant, at most 6, plus the full-text match when there is a `q`): the grouped facet query over
    the narrow facet rows (`ServiceSearchDocument`, kept by the index refresh; the certification facet comes
    from it too, so no query joins certificates for counting), contracts (facet labels), the page's ids (ranked
    by relevance, or sorted), its services, and two prefetches (certifications, data locations). The facet
    rows are cached until the index changes (`search_cached`); the day is part of the key because certificates
    expire.
    """
    today = today or timezone.localdate()
    published = Service.objects.filter(status=ServiceStatus.PUBLISHED)

    # 1. facet combinations over the text matches, certification counts per combination (one query, no joins)
    terms = tuple(search_terms(params.q)) if params.q else None
    combos: list[tuple[Any, ...]] = search_cached(
        SEARCH_KIND,
        ("facet-rows", terms, params.certification, today),
        lambda: _facet_rows(params, today),
    )

    # 2. contracts: framework, lot and supplier of each combination, and the labels
    wanted = Q(pk__in={row[0] for row in combos})
    if params.framework or params.lot or params.supplier:
        # selected values stay visible (with 0) even when nothing matches them
        wanted |= (
            Q(framework_id__in=params.framework)
            | Q(lot_id__in=params.lot)
            | Q(supplier_id__in=params.supplier)
        )
    contracts = {
        row[0]: _ContractFacts(*row[1:])
        for row in Contract.objects.filter(wanted)
        .order_by()
        .values_list(
            "pk",
            "framework_id",
            "framework__name",
            "lot_id",
            "lot__number",
            "lot__title",
            "supplier_id",
            "supplier__name",
        )
    }

    tests = list(_row_tests(params, contracts).items())
    counts: dict[str, dict[Any, int]] = {name: defaultdict(int) for name in _ROW_FACETS}
    certification_counts: dict[str, int] = defaultdict(int)
    total = 0
    for row in combos:
        failing = [name for name, test in tests if not test(row)]
        if len(failing) > 1:
            continue
        contract = contracts[row[_CONTRACT]]
        values = (
            contract.framework_id,
            contract.lot_id,
            contract.supplier_id,
            row[_MODEL],
            row[_RESIDENCY],
            row[_PRICE],
            row[_PHASE],
            "yes" if row[_CLOUD] else "no",
        )
        n = row[_N]
        if failing:
            # a facet's counts apply all other filters: a row failing only this facet's filter counts for it
            counts[failing[0]][values[_ROW_FACETS.index(failing[0])]] += n
            continue
        total += n
        for name, key in zip(_ROW_FACETS, values, strict=True):
            counts[name][key] += n
        # certification: every other filter applies, so the row's per-scheme counts (`n` has the certification
        # filter applied)
        for scheme, holding in zip(_SCHEMES, row[_N + 1 :], strict=True):
            if holding:
                certification_counts[scheme] += holding

    facets = _facets(params, counts, certification_counts, contracts)

    # 3. one page of services
    num_pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(1, params.page), num_pages)
    offset = (page - 1) * PAGE_SIZE
    sort = params.effective_sort
    services: list[Service] = []
    if total:
        base = published.select_related("contract__supplier", "contract__framework", "contract__lot")
        if sort == Sort.RELEVANCE:
            ids = search_ranked_ids(
                _filtered(published, params, today),
                params.q,
                kind=SEARCH_KIND,
                offset=offset,
                limit=PAGE_SIZE,
                total=total,
            )
        else:
            # ids first (a narrow sort), then the 20 rows
            ids = list(
                _order(
                    search_filter(_filtered(published, params, today), params.q, kind=SEARCH_KIND), sort
                ).values_list("pk", flat=True)[offset : offset + PAGE_SIZE]
            )
        by_id = base.prefetch_related(*_detail_prefetches(today)).in_bulk(ids)
        services = [by_id[pk] for pk in ids if pk in by_id]
    return SearchResult(
        services=services,
        total=total,
        page=page,
        num_pages=num_pages,
        page_size=PAGE_SIZE,
        sort=sort,
        facets=facets,
        params=params,
    )


def _facets(
    params: SearchParams,
    counts: dict[str, dict[Any, int]],
    certification_counts: dict[str, int],
    contracts: dict[int, _ContractFacts],
) -> list[Facet]:
    def options(name: str, pairs: list[tuple[Any, Any]], selected: tuple[Any, ...]) -> list[FacetOption]:
        result = []
        for value, label in pairs:
            count = counts[name].get(value, 0)
            if count or value in selected:
                result.append(FacetOption(str(value), str(label), count, value in selected))
        return result

    frameworks = sorted({(c.framework_id, c.framework_name) for c in contracts.values()}, key=lambda p: p[1])
    lots = sorted(
        {(c.lot_id, f"{c.framework_name} – {c.lot_number}: {c.lot_title}") for c in contracts.values()},
        key=lambda p: p[1],
    )
    suppliers = sorted({(c.supplier_id, c.supplier_name) for c in contracts.values()}, key=lambda p: p[1])

    location_counts = counts["location"]
    residency_counts = {
        choice: sum(location_counts.get(res, 0) for res in residencies)
        for choice, residencies in LocationChoice.residencies.items()
    }
    location_options = [
        FacetOption(value, str(label), residency_counts[value], value in params.location)
        for value, label in LocationChoice.choices
    ]
    certification_options = [
        FacetOption(value, str(label), certification_counts.get(value, 0), value in params.certification)
        for value, label in CertificationScheme.choices
        if certification_counts.get(value, 0) or value in params.certification
    ]
    cloud_options = [
        FacetOption(value, str(label), counts["cloud"].get(value, 0), value in params.cloud)
        for value, label in CLOUD_CHOICES
    ]
    return [
        Facet("framework", str(_("Rammeavtale")), options("framework", frameworks, params.framework)),
        Facet("lot", str(_("Delkontrakt")), options("lot", lots, params.lot)),
        Facet("model", str(_("Tjenestemodell")), options("model", ServiceModel.choices, params.model)),
        Facet("supplier", str(_("Leverandør")), options("supplier", suppliers, params.supplier)),
        Facet("location", str(_("Datalokasjon")), location_options),
        Facet("certification", str(_("Gyldig sertifisering")), certification_options),
        Facet(
            "price_model",
            str(_("Prismodell")),
            options("price_model", PriceModel.choices, params.price_model),
        ),
        Facet("phase", str(_("CyberX-fase")), options("phase", CyberxPhase.choices, params.phase)),
        Facet("cloud", str(_("Er en skytjeneste (NIST)")), cloud_options),
    ]


# --- One service, compare --------------------------------------------------------------------------------------


def service_get_published(pk: int) -> Service:
    """A published service with everything its page shows; 404 when missing or not published."""
    service = (
        Service.objects.filter(pk=pk, status=ServiceStatus.PUBLISHED)
        .select_related("contract__supplier", "contract__framework", "contract__lot", "price_list")
        .prefetch_related(
            Prefetch("certifications", queryset=Certification.objects.order_by("scheme")),
            Prefetch("data_locations", queryset=DataLocation.objects.order_by("country", "region")),
            Prefetch("sub_processors", queryset=SubProcessor.objects.order_by("name")),
            "price_list__lines",
        )
        .first()
    )
    if service is None:
        raise Http404("Tjenesten finnes ikke eller er ikke publisert.")
    return service


def services_for_compare(ids: list[int]) -> list[Service]:
    """Published services in the order asked (duplicates dropped); 404 when one is missing or not published."""
    unique = list(dict.fromkeys(ids))
    found = (
        Service.objects.filter(pk__in=unique, status=ServiceStatus.PUBLISHED)
        .select_related("contract__supplier", "contract__framework", "contract__lot")
        .prefetch_related(
            Prefetch("certifications", queryset=Certification.objects.order_by("scheme")),
            Prefetch("data_locations", queryset=DataLocation.objects.order_by("country", "region")),
            Prefetch("sub_processors", queryset=SubProcessor.objects.order_by("name")),
        )
        .in_bulk()
    )
    if len(found) != len(unique):
        raise Http404("En eller flere tjenester finnes ikke eller er ikke publisert.")
    return [found[pk] for pk in unique]
