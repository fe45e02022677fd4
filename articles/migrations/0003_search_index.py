from django.db import migrations

# The search index lives outside Django's models: an FTS5 table on SQLite, a
# tsvector table with a GIN index on PostgreSQL (see articles/search.py).


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS articles_search_fts "
            "USING fts5(title, summary, body, tokenize='porter unicode61 remove_diacritics 2')"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            "CREATE TABLE IF NOT EXISTS articles_search_pg (article_id bigint PRIMARY KEY, document tsvector NOT NULL)"
        )
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS articles_search_pg_document ON articles_search_pg USING GIN (document)"
        )


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS articles_search_fts")
    elif vendor == "postgresql":
        schema_editor.execute("DROP TABLE IF EXISTS articles_search_pg")


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_provenance")]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
