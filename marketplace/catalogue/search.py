"""The service register in the full-text index, and the search parameters of /tjenester/ and the API.

`service_index_refresh(service)` keeps one service's entry current: published services are indexed, anything
else is removed. The listing services call it when a service is published, approved or withdrawn; seed data may
call it too. `services_reindex()` rebuilds the whole index (`mps reindex`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass

import nh3
from django import forms
from django.db import connection, transaction
from django.db.models import Choices, Prefetch
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from marketplace.catalogue.models import (
    Certification,
    CertificationScheme,
    CyberxPhase,
    DataLocation,
    DataResidency,
    PriceModel,
    Service,
    ServiceModel,
    ServiceSearchDocument,
    ServiceStatus,
    SubProcessor,
)
from marketplace.core.search import (
    SearchDocument,
    search_index_remove,
    search_index_replace_all,
    search_index_update,
)

SEARCH_KIND = "service"
PAGE_SIZE = 20
MAX_COMPARE = 4
MIN_COMPARE = 2

# Country names (nb, en) for the data locations that occur in the register, so "Norge", "Norway", "Irland" find
# services by where their data is.
COUNTRY_NAMES: dict[str, tuple[str, str]] = {
    "NO": ("Norge", "Norway"),
    "SE": ("Sverige", "Sweden"),
    "DK": ("Danmark", "Denmark"),
    "FI": ("Finland", "Finland"),
    "IS": ("Island", "Iceland"),
    "DE": ("Tyskland", "Germany"),
    "NL": ("Nederland", "Netherlands"),
    "IE": ("Irland", "Ireland"),
    "FR": ("Frankrike", "France"),
    "BE": ("Belgia", "Belgium"),
    "AT": ("Østerrike", "Austria"),
    "PL": ("Polen", "Poland"),
    "ES": ("Spania", "Spain"),
    "IT": ("Italia", "Italy"),
    "GB": ("Storbritannia", "United Kingdom"),
    "US": ("USA", "United States"),
    "CH": ("Sveits", "Switzerland"),
    "IN": ("India", "India"),
}


@functools.lru_cache(maxsize=512)
def _both_languages(choice: Choices) -> str:
    """A choice's label in Bokmål and English ("Rådgivning Advisory"), so either language finds it."""
    labels: list[str] = []
    for language in ("nb", "en"):
        with translation.override(language):
            label = str(choice.label)
        if label not in labels:
            labels.append(label)
    return " ".join(labels)


def html_to_text(html: str) -> str:
    """Plain text of (sanitised) HTML: every tag removed, entities kept as text."""
    text = nh3.clean(html, tags=set(), attributes={})
    return " ".join(text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").split())


def service_search_text(service: Service) -> tuple[str, str]:
    """(title, body) to index for a service; related rows are read from prefetched caches when present."""
    contract = service.contract
    parts: list[str] = [
        service.summary,
        html_to_text(service.description),
        contract.supplier.name,
        contract.framework.name,
        contract.framework.reference,
        contract.lot.title,
        _both_languages(ServiceModel(service.service_model)),
        _both_languages(PriceModel(service.price_model)) if service.price_model else "",
        service.export_formats,
    ]
    if service.cyberx_phase:
        parts.append(_both_languages(CyberxPhase(service.cyberx_phase)))
    if service.is_cloud_service:
        parts.append("skytjeneste cloud service")  # index keywords in both languages, not UI text
    for certification in service.certifications.all():
        parts.append(CertificationScheme(certification.scheme).label)
    countries: list[str] = []
    for location in service.data_locations.all():
        if location.country not in countries:
            countries.append(location.country)
        if location.region:
            parts.append(location.region)
    for processor in service.sub_processors.all():
        parts.append(processor.name)
    for country in countries:
        parts.append(" ".join((country, *COUNTRY_NAMES.get(country, ()))))
    return service.name, " ".join(part for part in parts if part)


def _indexable() -> Iterator[Service]:
    queryset = (
        Service.objects.filter(status=ServiceStatus.PUBLISHED)
        .select_related("contract__supplier", "contract__framework", "contract__lot")
        .prefetch_related(
            Prefetch("certifications", queryset=Certification.objects.order_by("scheme")),
            Prefetch("data_locations", queryset=DataLocation.objects.order_by("country", "region")),
            Prefetch("sub_processors", queryset=SubProcessor.objects.order_by("name")),
        )
        .order_by("pk")
    )
    yield from queryset.iterator(chunk_size=2000)


def service_search_document(service: Service) -> ServiceSearchDocument:
    """The facet row of a service (certifications read from the prefetched cache when present)."""
    document = ServiceSearchDocument(
        service_id=service.pk,
        contract_id=service.contract_id,
        service_model=service.service_model,
        data_residency=service.data_residency,
        price_model=service.price_model,
        cyberx_phase=service.cyberx_phase,
        is_cloud_service=bool(service.is_cloud_service),
    )
    for certification in service.certifications.all():
        if certification.scheme in CertificationScheme.values:
            setattr(
                document, ServiceSearchDocument.cert_field(certification.scheme), certification.valid_until
            )
    return document


def service_index_refresh(service: Service) -> None:
    """Index a published service; remove anything else (draft, submitted, withdrawn) from the index.

    Both the full-text entry and the facet row (`ServiceSearchDocument`) follow, in one transaction.
    """
    with transaction.atomic():
        fresh = next(_indexable_one(service.pk), None) if service.status == ServiceStatus.PUBLISHED else None
        if fresh is None:
            ServiceSearchDocument.objects.filter(service_id=service.pk).delete()
            search_index_remove(kind=SEARCH_KIND, object_id=service.pk)
            return
        document = service_search_document(fresh)
        ServiceSearchDocument.objects.filter(service_id=service.pk).delete()
        document.save(force_insert=True)
        title, body = service_search_text(fresh)
        search_index_update(kind=SEARCH_KIND, object_id=service.pk, title=title, body=body)


def _indexable_one(pk: int) -> Iterator[Service]:
    queryset = (
        Service.objects.filter(pk=pk, status=ServiceStatus.PUBLISHED)
        .select_related("contract__supplier", "contract__framework", "contract__lot")
        .prefetch_related("certifications", "data_locations", "sub_processors")
    )
    yield from queryset


# The search's covering indexes on catalogue tables (see core migration 0005), re-created if a table rebuild
# dropped them.
SEARCH_TABLE_INDEXES = [
    (
        "core_search_service_facets",
        "catalogue_service",
        "status, contract_id, service_model, data_residency, price_model, cyberx_phase, is_cloud_service",
    ),
    ("core_search_service_name", "catalogue_service", "status, name, id"),
    ("core_search_certification", "catalogue_certification", "service_id, valid_until, scheme"),
]
_FACET_COLUMNS = "data_residency, contract_id, service_model, price_model, cyberx_phase"
SEARCH_TABLE_INDEXES_PG = [
    # core migration 0007: a sorted page with facet filters walks the sort order and filters from the index
    ("core_search_service_name_cover", "catalogue_service", f"status, name, id, {_FACET_COLUMNS}"),
    (
        "core_search_service_price_cover",
        "catalogue_service",
        f"status, price_from_amount ASC NULLS LAST, name, id, {_FACET_COLUMNS}, is_cloud_service",
    ),
    (
        "core_search_service_sla_cover",
        "catalogue_service",
        f"status, sla_availability_percent DESC NULLS LAST, name, id, {_FACET_COLUMNS}, is_cloud_service",
    ),
    ("core_search_service_price", "catalogue_service", "status, price_from_amount ASC NULLS LAST, name, id"),
    (
        "core_search_service_sla",
        "catalogue_service",
        "status, sla_availability_percent DESC NULLS LAST, name, id",
    ),
]
# SQLite (core migration 0006): an index cannot say NULLS LAST, so the price order is written as
# "price IS NULL, price" (an expression index) and the SLA order relies on NULL sorting last in DESC order;
# the certification facet of an unfiltered search reads (scheme, valid_until, service_id).
_NIST_FLAGS = (
    "has_on_demand_self_service, has_broad_network_access, has_resource_pooling, has_rapid_elasticity,"
    " has_measured_service"
)
SEARCH_TABLE_INDEXES_SQLITE = [
    # core migration 0007: SQLite cannot read the generated is_cloud_service from an index, so the search filters
    # on the five flags it is derived from, and these indexes hold them
    (
        "core_search_service_name_cover",
        "catalogue_service",
        f"status, name, id, {_FACET_COLUMNS}, {_NIST_FLAGS}",
    ),
    (
        "core_search_service_price_cover",
        "catalogue_service",
        f"status, price_from_amount IS NULL, price_from_amount, name, id, {_FACET_COLUMNS}, {_NIST_FLAGS}",
    ),
    (
        "core_search_service_sla_cover",
        "catalogue_service",
        f"status, sla_availability_percent DESC, name, id, {_FACET_COLUMNS}, {_NIST_FLAGS}",
    ),
    (
        "core_search_service_facets_nist",
        "catalogue_service",
        f"status, contract_id, service_model, data_residency, price_model, cyberx_phase, {_NIST_FLAGS}",
    ),
    (
        "core_search_service_price_sqlite",
        "catalogue_service",
        "status, price_from_amount IS NULL, price_from_amount, name, id",
    ),
    (
        "core_search_service_sla_sqlite",
        "catalogue_service",
        "status, sla_availability_percent DESC, name, id",
    ),
    (
        "core_search_certification_scheme_sqlite",
        "catalogue_certification",
        "scheme, valid_until, service_id",
    ),
]


def search_table_indexes_ensure() -> None:
    """Create the search's indexes on catalogue tables when they are missing (only then: no DDL otherwise)."""
    indexes = SEARCH_TABLE_INDEXES + (
        SEARCH_TABLE_INDEXES_PG if connection.vendor == "postgresql" else SEARCH_TABLE_INDEXES_SQLITE
    )
    names = [name for name, _table, _columns in indexes]
    placeholders = ", ".join(["%s"] * len(names))
    if connection.vendor == "postgresql":
        existing_sql = f"SELECT indexname FROM pg_indexes WHERE indexname IN ({placeholders})"  # noqa: S608 - placeholders only
    elif connection.vendor == "sqlite":
        existing_sql = f"SELECT name FROM sqlite_master WHERE type = 'index' AND name IN ({placeholders})"  # noqa: S608 - placeholders only
    else:
        return
    with connection.cursor() as cursor:
        cursor.execute(existing_sql, names)
        existing = {row[0] for row in cursor.fetchall()}
        created = []
        for name, table, columns in indexes:
            if name not in existing:
                cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})")
                created.append(name)
        if created and connection.vendor == "sqlite":
            cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
            if cursor.fetchone():
                # statistics for the new indexes too, so the planner does not prefer them blindly
                for name in created:
                    cursor.execute(f"ANALYZE {name}")


def services_reindex() -> int:
    """Rebuild the index and the facet rows of every published service. Returns how many were indexed."""
    search_table_indexes_ensure()
    with transaction.atomic():
        ServiceSearchDocument.objects.all().delete()
        facet_rows: list[ServiceSearchDocument] = []

        def documents() -> Iterator[SearchDocument]:
            for service in _indexable():
                facet_rows.append(service_search_document(service))
                if len(facet_rows) >= 2000:
                    ServiceSearchDocument.objects.bulk_create(facet_rows)
                    facet_rows.clear()
                title, body = service_search_text(service)
                yield SearchDocument(kind=SEARCH_KIND, object_id=service.pk, title=title, body=body)

        written = search_index_replace_all(kind=SEARCH_KIND, documents=documents())
        ServiceSearchDocument.objects.bulk_create(facet_rows)
    return written


# --- Search parameters -----------------------------------------------------------------------------------------


class Sort:
    RELEVANCE = "relevance"
    NAME = "name"
    PRICE = "price"
    SLA = "sla"

    choices = [
        (RELEVANCE, _("Relevans")),
        (NAME, _("Navn (A–Å)")),
        (PRICE, _("Pris fra (lavest først)")),
        (SLA, _("Tilgjengelighet (høyest først)")),
    ]
    values = [value for value, _label in choices]


class LocationChoice:
    """Data-location filter: Norway only ⊂ EEA (Norway is in the EEA); third country = data may leave the EEA."""

    NORWAY = "norway"
    EEA = "eea"
    THIRD_COUNTRY = "third_country"

    choices = [
        (NORWAY, _("Kun Norge")),
        (EEA, _("I EØS (inkl. Norge)")),
        (THIRD_COUNTRY, _("Tredjeland")),
    ]
    residencies: dict[str, tuple[str, ...]] = {
        NORWAY: (DataResidency.NORWAY,),
        EEA: (DataResidency.NORWAY, DataResidency.EEA),
        THIRD_COUNTRY: (DataResidency.THIRD_COUNTRY,),
    }


CLOUD_CHOICES = [("yes", _("Ja")), ("no", _("Nei"))]


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    framework: tuple[int, ...] = ()
    lot: tuple[int, ...] = ()
    model: tuple[str, ...] = ()
    supplier: tuple[int, ...] = ()
    location: tuple[str, ...] = ()
    certification: tuple[str, ...] = ()
    price_model: tuple[str, ...] = ()
    phase: tuple[str, ...] = ()
    cloud: tuple[str, ...] = ()
    sort: str = ""
    page: int = 1

    @property
    def effective_sort(self) -> str:
        if self.sort in Sort.values and not (self.sort == Sort.RELEVANCE and not self.q.strip()):
            return self.sort
        return Sort.RELEVANCE if self.q.strip() else Sort.NAME


class IdListField(forms.Field):
    """Several positive integer ids (`?lot=3&lot=5`). Unknown ids are not an error: they match nothing."""

    widget = forms.SelectMultiple
    default_error_messages = {"invalid": _("Ugyldig verdi: %(value)s. Oppgi hele tall.")}

    def to_python(self, value: object) -> list[int]:
        if value in (None, "", [], ()):
            return []
        values = value if isinstance(value, list | tuple) else [value]
        ids: list[int] = []
        for item in values:
            text = str(item).strip()
            if not text.isascii() or not text.isdigit() or int(text) < 1 or len(text) > 18:
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid", params={"value": item}
                )
            ids.append(int(text))
        return sorted(set(ids))


class ServiceSearchForm(forms.Form):
    """Shape of the search query string (GET), shared by /tjenester/ and GET /api/v1/services."""

    q = forms.CharField(label=_("Søk"), required=False, max_length=200)
    framework = IdListField(label=_("Rammeavtale"), required=False)
    lot = IdListField(label=_("Delkontrakt"), required=False)
    model = forms.MultipleChoiceField(label=_("Tjenestemodell"), required=False, choices=ServiceModel.choices)
    supplier = IdListField(label=_("Leverandør"), required=False)
    location = forms.MultipleChoiceField(
        label=_("Datalokasjon"), required=False, choices=LocationChoice.choices
    )
    certification = forms.MultipleChoiceField(
        label=_("Sertifisering"), required=False, choices=CertificationScheme.choices
    )
    price_model = forms.MultipleChoiceField(label=_("Prismodell"), required=False, choices=PriceModel.choices)
    phase = forms.MultipleChoiceField(label=_("CyberX-fase"), required=False, choices=CyberxPhase.choices)
    cloud = forms.MultipleChoiceField(label=_("Er en skytjeneste"), required=False, choices=CLOUD_CHOICES)
    sort = forms.ChoiceField(label=_("Sorter etter"), required=False, choices=Sort.choices)
    page = forms.IntegerField(label=_("Side"), required=False, min_value=1, max_value=100000)

    def params(self) -> SearchParams:
        data = self.cleaned_data
        return SearchParams(
            q=(data.get("q") or "").strip(),
            framework=tuple(sorted(set(data.get("framework") or []))),
            lot=tuple(sorted(set(data.get("lot") or []))),
            model=tuple(data.get("model") or []),
            supplier=tuple(sorted(set(data.get("supplier") or []))),
            location=tuple(data.get("location") or []),
            certification=tuple(data.get("certification") or []),
            price_model=tuple(data.get("price_model") or []),
            phase=tuple(data.get("phase") or []),
            cloud=tuple(data.get("cloud") or []),
            sort=data.get("sort") or "",
            page=data.get("page") or 1,
        )
