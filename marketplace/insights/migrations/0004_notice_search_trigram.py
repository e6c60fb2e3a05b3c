"""PostgreSQL only: trigram indexes for the notice list's search (`icontains` on the title and the buyer's name is
UPPER(col) LIKE UPPER('%word%'), which a gin_trgm_ops index on UPPER(col) serves) and an index on UPPER(notice_id)
for its case-insensitive id match, so a search for a rare word reads a few rows instead of every notice. pg_trgm is a
trusted extension (PostgreSQL 13+): the database owner may create it. Where it cannot be created the indexes are
skipped and the search still works, only slower. SQLite: nothing."""

from django.db import migrations, transaction

INDEXES = [
    "CREATE INDEX IF NOT EXISTS insights_notice_title_trgm ON insights_notice "
    "USING gin (UPPER(title::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS insights_notice_buyer_trgm ON insights_notice "
    "USING gin (UPPER(buyer_name::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS insights_notice_id_upper ON insights_notice (UPPER(notice_id::text))",
]
DROP = ["insights_notice_title_trgm", "insights_notice_buyer_trgm", "insights_notice_id_upper"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:  # noqa: BLE001 - no right to create the extension: keep the plain scan
        schema_editor.execute(INDEXES[2])
        return
    for statement in INDEXES:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in DROP:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("insights", "0003_edit_meetings_groups_questions")]

    operations = [migrations.RunPython(create, drop)]
