"""The search index's table, now the search app's.

articles/0003 made it when search lived in the articles app; it keeps its
name and its rows. This makes sure it exists (a database where it was
dropped gets it back) and leaves it alone when migrating back.
"""

from django.db import migrations


def ensure_index(apps, schema_editor):
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


class Migration(migrations.Migration):
    initial = True

    dependencies = [("articles", "0003_search_index")]

    operations = [migrations.RunPython(ensure_index, migrations.RunPython.noop)]
