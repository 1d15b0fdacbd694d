"""Substring indexes for search: FTS5 trigram on SQLite, pg_trgm GIN on PostgreSQL."""

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE core_searchdocument_fts USING fts5("
    "text, content='core_searchdocument', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER core_searchdocument_ai AFTER INSERT ON core_searchdocument BEGIN "
    "INSERT INTO core_searchdocument_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER core_searchdocument_ad AFTER DELETE ON core_searchdocument BEGIN "
    "INSERT INTO core_searchdocument_fts(core_searchdocument_fts, rowid, text) "
    "VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER core_searchdocument_au AFTER UPDATE ON core_searchdocument BEGIN "
    "INSERT INTO core_searchdocument_fts(core_searchdocument_fts, rowid, text) "
    "VALUES ('delete', old.id, old.text); "
    "INSERT INTO core_searchdocument_fts(rowid, text) VALUES (new.id, new.text); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS core_searchdocument_au",
    "DROP TRIGGER IF EXISTS core_searchdocument_ad",
    "DROP TRIGGER IF EXISTS core_searchdocument_ai",
    "DROP TABLE IF EXISTS core_searchdocument_fts",
]
POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX core_searchdocument_text_trgm ON core_searchdocument "
    "USING gin (text gin_trgm_ops)",
]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS core_searchdocument_text_trgm"]


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    statements = {"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}.get(
        schema_editor.connection.vendor, []
    )
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_search_documents")]

    operations = [migrations.RunPython(forwards, backwards)]
