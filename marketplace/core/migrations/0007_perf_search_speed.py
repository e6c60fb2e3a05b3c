"""Search speed (issue 2): the ranked full-text match on PostgreSQL, and a covering index for sorted pages.

- PostgreSQL: `core_search_ranked(kind, query)` returns the matching object ids with their ts_rank. It runs
  with `enable_seqscan = off` (a function's SET clause applies to its own statement only): the planner cannot
  estimate prefix queries (`'term':*`) and guesses a large share of the table, so without it every row's
  tsvector is read, three to four times slower than finding the matches in the GIN index.
- Both: `core_search_service_name_cover` on catalogue_service (status, name, id and the single-valued facet
  columns), so a page sorted by name with facet filters walks the index alone (a deep page read the table row
  of every entry it skipped). On SQLite it also holds the five NIST flags, and `core_search_service_facets_nist`
  holds the facet columns with them, so a "cloud service" filter is answered from indexes (SQLite cannot read
  the generated is_cloud_service from an index). The price and SLA sort orders get covering twins
  (`core_search_service_price_cover`, `core_search_service_sla_cover`): with a facet filter the planner chose
  the facet's own index and sorted every match; now it walks the sort order and filters from the index.
  `mps reindex` re-creates them if missing
  (catalogue.search.SEARCH_TABLE_INDEXES*).
"""

from django.db import migrations

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION core_search_ranked(search_kind text, query tsquery)
RETURNS TABLE (object_id bigint, rank real)
LANGUAGE sql STABLE
SET enable_seqscan = off
AS $$
    SELECT e.object_id, ts_rank(e.document, query)
    FROM core_searchentry e
    WHERE e.kind = search_kind AND e.document @@ query
$$
"""
PG_FUNCTION_DROP = "DROP FUNCTION IF EXISTS core_search_ranked(text, tsquery)"

NAME_COVER = (
    "core_search_service_name_cover",
    "catalogue_service",
    "status, name, id, data_residency, contract_id, service_model, price_model, cyberx_phase",
)
# SQLite cannot read the generated is_cloud_service from an index: the search filters on the five NIST flags it
# is derived from there, and these indexes hold them.
NIST_FLAGS = (
    "has_on_demand_self_service, has_broad_network_access, has_resource_pooling, has_rapid_elasticity,"
    " has_measured_service"
)
FACET_COLUMNS = "data_residency, contract_id, service_model, price_model, cyberx_phase"
PG_INDEXES = [
    NAME_COVER,
    (
        "core_search_service_price_cover",
        "catalogue_service",
        f"status, price_from_amount ASC NULLS LAST, name, id, {FACET_COLUMNS}, is_cloud_service",
    ),
    (
        "core_search_service_sla_cover",
        "catalogue_service",
        f"status, sla_availability_percent DESC NULLS LAST, name, id, {FACET_COLUMNS}, is_cloud_service",
    ),
]
SQLITE_INDEXES = [
    ("core_search_service_name_cover", "catalogue_service", f"{NAME_COVER[2]}, {NIST_FLAGS}"),
    (
        "core_search_service_price_cover",
        "catalogue_service",
        f"status, price_from_amount IS NULL, price_from_amount, name, id, {FACET_COLUMNS}, {NIST_FLAGS}",
    ),
    (
        "core_search_service_sla_cover",
        "catalogue_service",
        f"status, sla_availability_percent DESC, name, id, {FACET_COLUMNS}, {NIST_FLAGS}",
    ),
    (
        "core_search_service_facets_nist",
        "catalogue_service",
        f"status, contract_id, service_model, data_residency, price_model, cyberx_phase, {NIST_FLAGS}",
    ),
]


def forward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor not in {"postgresql", "sqlite"}:
        return
    if connection.vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)
    tables = set(connection.introspection.table_names())
    for name, table, columns in SQLITE_INDEXES if connection.vendor == "sqlite" else PG_INDEXES:
        if table in tables:
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})", params=None)
            if connection.vendor == "sqlite" and "sqlite_stat1" in tables:
                schema_editor.execute(f"ANALYZE {name}", params=None)


def reverse(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor not in {"postgresql", "sqlite"}:
        return
    if connection.vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION_DROP, params=None)
    for name, _table, _columns in SQLITE_INDEXES + PG_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}", params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0006_search_sqlite_indexes"), ("catalogue", "0001_initial")]
    operations = [migrations.RunPython(forward, reverse)]
