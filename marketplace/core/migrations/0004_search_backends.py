"""Full-text parts of the search index, per database vendor.

PostgreSQL: a stored tsvector `document` built from title (weight A), body (B) in both the `norwegian` and the
`english` configuration, plus the compound-word parts (`extra`, weight C, `simple`), with a GIN index.
SQLite: an external-content FTS5 table (unicode61, diacritics kept so æøå stay distinct, prefix indexes for 2 and
3 characters) kept in sync with core_searchentry by triggers.
"""

from django.db import migrations

PG_FORWARD = [
    """
    ALTER TABLE core_searchentry ADD COLUMN document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('norwegian'::regconfig, title), 'A') ||
        setweight(to_tsvector('english'::regconfig, title), 'A') ||
        setweight(to_tsvector('norwegian'::regconfig, body), 'B') ||
        setweight(to_tsvector('english'::regconfig, body), 'B') ||
        setweight(to_tsvector('simple'::regconfig, extra), 'C')
    ) STORED
    """,
    "CREATE INDEX core_searchentry_document_gin ON core_searchentry USING GIN (document)",
]
PG_REVERSE = [
    "DROP INDEX IF EXISTS core_searchentry_document_gin",
    "ALTER TABLE core_searchentry DROP COLUMN IF EXISTS document",
]
SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE core_searchentry_fts USING fts5(
        title, body, extra,
        content='core_searchentry', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0', prefix='2 3'
    )
    """,
    """
    CREATE TRIGGER core_searchentry_fts_ai AFTER INSERT ON core_searchentry BEGIN
        INSERT INTO core_searchentry_fts(rowid, title, body, extra) VALUES (new.id, new.title, new.body, new.extra);
    END
    """,
    """
    CREATE TRIGGER core_searchentry_fts_ad AFTER DELETE ON core_searchentry BEGIN
        INSERT INTO core_searchentry_fts(core_searchentry_fts, rowid, title, body, extra)
        VALUES ('delete', old.id, old.title, old.body, old.extra);
    END
    """,
    """
    CREATE TRIGGER core_searchentry_fts_au AFTER UPDATE ON core_searchentry BEGIN
        INSERT INTO core_searchentry_fts(core_searchentry_fts, rowid, title, body, extra)
        VALUES ('delete', old.id, old.title, old.body, old.extra);
        INSERT INTO core_searchentry_fts(rowid, title, body, extra) VALUES (new.id, new.title, new.body, new.extra);
    END
    """,
    "INSERT INTO core_searchentry_fts(core_searchentry_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS core_searchentry_fts_ai",
    "DROP TRIGGER IF EXISTS core_searchentry_fts_ad",
    "DROP TRIGGER IF EXISTS core_searchentry_fts_au",
    "DROP TABLE IF EXISTS core_searchentry_fts",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement, params=None)


def reverse(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": PG_REVERSE, "sqlite": SQLITE_REVERSE}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_searchentry")]
    operations = [migrations.RunPython(forward, reverse)]
