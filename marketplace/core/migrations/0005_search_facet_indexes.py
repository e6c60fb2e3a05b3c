"""Covering indexes on catalogue tables for the search page's facet counts and default sort.

Owned by the search (core.search / catalogue.search) rather than by the catalogue models, so they are created
here with plain SQL, only when the tables exist, on PostgreSQL and SQLite alike:

- core_search_service_facets: status + every single-valued facet column, so the grouped facet query reads the
  index only (no table rows);
- core_search_service_name: status + name + id, so browsing sorted by name reads 20 rows, not all;
- core_search_certification: service + validity + scheme, for the certification facet;
- PostgreSQL only (SQLite indexes cannot say NULLS LAST): price and SLA sort orders, so a sorted page reads
  20 rows.

`mps reindex` runs the same statements (IF NOT EXISTS), so a later table rebuild cannot lose them for good.
"""

from django.db import migrations

INDEXES = [
    (
        "core_search_service_facets",
        "catalogue_service",
        "status, contract_id, service_model, data_residency, price_model, cyberx_phase, is_cloud_service",
    ),
    ("core_search_service_name", "catalogue_service", "status, name, id"),
    ("core_search_certification", "catalogue_certification", "service_id, valid_until, scheme"),
]
PG_ONLY_INDEXES = [
    ("core_search_service_price", "catalogue_service", "status, price_from_amount ASC NULLS LAST, name, id"),
    ("core_search_service_sla", "catalogue_service", "status, sla_availability_percent DESC NULLS LAST, name, id"),
]


def forward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor not in {"postgresql", "sqlite"}:
        return
    tables = set(connection.introspection.table_names())
    indexes = INDEXES + (PG_ONLY_INDEXES if connection.vendor == "postgresql" else [])
    for name, table, columns in indexes:
        if table in tables:
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})", params=None)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor not in {"postgresql", "sqlite"}:
        return
    for name, _table, _columns in INDEXES + PG_ONLY_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}", params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_search_backends"), ("catalogue", "0001_initial")]
    operations = [migrations.RunPython(forward, reverse)]
