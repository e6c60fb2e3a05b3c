"""Reads for finding services: search with facets, the service page and compare."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Prefetch, Q
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
from marketplace.catalogue.selectors.facet_index import SCHEMES, VOCABULARIES, FacetIndex, Mask, facet_index
from marketplace.core.search import search_index_version, search_matches

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


_LONG_TEXTS = (
    "description",
    "exit_terms",
    "pending_changes",
    "returned_reason",
    "contract__framework__description",
    "contract__lot__description",
)
# The facets counted per row, in the order service_search lists them
_ROW_FACETS = ("framework", "lot", "supplier", "model", "location", "price_model", "phase", "cloud")
# the coded facet columns of the facet index
_CODED = {
    "model": "service_model",
    "location": "data_residency",
    "price_model": "price_model",
    "phase": "cyberx_phase",
}


@dataclass(frozen=True)
class _ContractFacts:
    framework_id: int
    framework_name: str
    lot_id: int
    lot_number: int
    lot_title: str
    supplier_id: int
    supplier_name: str


def _contract_facts(contract_ids: tuple[int, ...], params: SearchParams) -> dict[int, _ContractFacts]:
    """Framework, lot and supplier (with labels) of `contract_ids`, and of the selected ones."""
    wanted = Q(pk__in=contract_ids)
    if params.framework or params.lot or params.supplier:
        # selected values stay visible (with 0) even when nothing matches them
        wanted |= (
            Q(framework_id__in=params.framework)
            | Q(lot_id__in=params.lot)
            | Q(supplier_id__in=params.supplier)
        )
    return {
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


def _filters(
    index: FacetIndex, params: SearchParams, contracts: dict[int, _ContractFacts], today: dt.date
) -> dict[str, Mask]:
    """facet name -> the rows passing that facet's selection (facets without a selection are left out)."""
    in_index = [contracts.get(contract_id) for contract_id in index.contract_ids]
    masks: dict[str, Mask] = {}
    for name, selected, attribute in (
        ("framework", params.framework, "framework_id"),
        ("lot", params.lot, "lot_id"),
        ("supplier", params.supplier, "supplier_id"),
    ):
        if selected:
            chosen = set(selected)
            masks[name] = index.contracts_where(
                [facts is not None and getattr(facts, attribute) in chosen for facts in in_index]
            )
    for name, field in _CODED.items():
        values: tuple[str, ...] = getattr(params, name)
        if values:
            if name == "location":
                values = tuple(res for loc in values for res in LocationChoice.residencies[loc])
            masks[name] = index.codes_of(field, values)[index.coded[field]]
    if len(set(params.cloud)) == 1:
        masks["cloud"] = index.is_cloud if params.cloud[0] == "yes" else ~index.is_cloud
    if params.certification:
        masks["certification"] = index.holds_certificate(params.certification, today)
    return masks


def _all_of(base: Mask, masks: list[Mask]) -> Mask:
    result = base.copy()
    for mask in masks:
        result &= mask
    return result


def _counts(
    index: FacetIndex,
    name: str,
    rows: Mask,
    contracts: dict[int, _ContractFacts],
    today: dt.date,
) -> dict[Any, int]:
    """How many of `rows` have each value of facet `name`."""
    if name in ("framework", "lot", "supplier"):
        per_contract = np.bincount(index.contract[rows], minlength=len(index.contract_ids))
        counts: dict[Any, int] = defaultdict(int)
        attribute = f"{name}_id"
        for contract_id, n in zip(index.contract_ids, per_contract.tolist(), strict=True):
            if n and contract_id in contracts:
                counts[getattr(contracts[contract_id], attribute)] += n
        return counts
    if name == "cloud":
        yes = int(np.count_nonzero(index.is_cloud & rows))
        return {"yes": yes, "no": int(np.count_nonzero(rows)) - yes}
    if name == "certification":
        day = today.toordinal()
        return {
            scheme: int(np.count_nonzero(rows & (index.certificates[scheme] >= day))) for scheme in SCHEMES
        }
    field = _CODED[name]
    vocabulary = VOCABULARIES[field]
    per_code = np.bincount(index.coded[field][rows], minlength=len(vocabulary) + 1)
    return {value: int(n) for value, n in zip(vocabulary, per_code.tolist(), strict=False) if n}


def service_search(params: SearchParams, *, today: dt.date | None = None) -> SearchResult:
    """Published services matching `params`, one page of them, and the facet counts.

    Facets and pages come from the facet index (`selectors.facet_index`: the facet keys and sort orders of every
    published service as columns in this process's memory, rebuilt when the index version changes). Each facet's
    counts apply every OTHER filter, so picking a value does not hide its siblings. Queries: the index version,
    the full-text matches when there is a `q` (ranked; cached until the index changes), contracts (facet labels),
    then the page's services and two prefetches (certifications, data locations).
    """
    today = today or timezone.localdate()
    version = search_index_version(SEARCH_KIND)
    index = facet_index(version)

    ranked = None
    base = np.ones(len(index), dtype=bool)
    if params.q:
        ranked = index.positions(search_matches(params.q, kind=SEARCH_KIND, version=version))
        base = np.zeros(len(index), dtype=bool)
        base[ranked] = True
    if not base.any():
        return _empty(params)

    contracts = _contract_facts(index.contract_ids, params)
    masks = _filters(index, params, contracts, today)
    everything = _all_of(base, list(masks.values()))
    facet_rows = {
        name: _all_of(base, [mask for other, mask in masks.items() if other != name])
        if name in masks
        else everything
        for name in (*_ROW_FACETS, "certification")
    }
    counts = {name: _counts(index, name, rows, contracts, today) for name, rows in facet_rows.items()}
    certification_counts = counts.pop("certification")
    total = int(np.count_nonzero(everything))
    facets = _facets(params, counts, certification_counts, contracts)

    num_pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(1, params.page), num_pages)
    offset = (page - 1) * PAGE_SIZE
    sort = params.effective_sort
    services: list[Service] = []
    if total:
        order = ranked if sort == Sort.RELEVANCE and ranked is not None else index.orders[sort]
        rows = order[everything[order]][offset : offset + PAGE_SIZE]
        ids = index.ids[rows].tolist()
        by_id = (
            Service.objects.filter(status=ServiceStatus.PUBLISHED)
            .select_related("contract__supplier", "contract__framework", "contract__lot")
            # the long texts no result card or API summary shows
            .defer(*_LONG_TEXTS)
            .prefetch_related(*_detail_prefetches(today))
            .in_bulk(ids)
        )
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


def _empty(params: SearchParams) -> SearchResult:
    """Nothing matches the words: no facet options but the selected ones (with 0), no page."""
    contracts = _contract_facts((), params) if (params.framework or params.lot or params.supplier) else {}
    counts: dict[str, dict[Any, int]] = {name: {} for name in _ROW_FACETS}
    return SearchResult(
        services=[],
        total=0,
        page=1,
        num_pages=1,
        page_size=PAGE_SIZE,
        sort=params.effective_sort,
        facets=_facets(params, counts, {}, contracts),
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
