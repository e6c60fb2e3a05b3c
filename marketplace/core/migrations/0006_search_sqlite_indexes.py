"""SQLite indexes for the price and SLA sort orders of the search page (PostgreSQL has its own in 0005) and for
the certification facet.

SQLite indexes cannot say NULLS LAST, so the search orders by price as "price IS NULL, price" on SQLite (an
expression index matches it) and by SLA descending (NULL already sorts last there). A sorted page then reads the
index instead of sorting every published service. The certification facet of an unfiltered search counts the
valid certificates per scheme from (scheme, valid_until, service_id) alone. `mps reindex` runs the same
statements (IF NOT EXISTS).
"""

from django.db import migrations

INDEXES = [
    (
        "core_search_service_price_sqlite",
        "catalogue_service",
        "status, price_from_amount IS NULL, price_from_amount, name, id",
    ),
    ("core_search_service_sla_sqlite", "catalogue_service", "status, sla_availability_percent DESC, name, id"),
    (
        "core_search_certification_scheme_sqlite",
        "catalogue_certification",
        "scheme, valid_until, service_id",
    ),
]


def forward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    tables = set(connection.introspection.table_names())
    for name, table, columns in INDEXES:
        if table in tables:
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})", params=None)
            if "sqlite_stat1" in tables:
                # the planner has statistics for the older indexes: give it those of the new ones too, or it may
                # prefer a new index where an older one is far better (facet counts)
                schema_editor.execute(f"ANALYZE {name}", params=None)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name, _table, _columns in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}", params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_search_facet_indexes"), ("catalogue", "0001_initial")]
    operations = [migrations.RunPython(forward, reverse)]
