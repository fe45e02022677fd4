"""The head of every document — its title and summary — searchable on its own.

Search ranks the articles with the query in their title or summary first
(search.index.search): a common word's head matches are a tenth of its
matches, so ranking them all stays quick at a million articles. SQLite gets
a second FTS5 table filled from the first; PostgreSQL an index on the
title and summary lexemes of the same documents (ts_filter keeps weights A
and B), RUM where 0002 chose RUM, else GIN.
"""

from django.db import migrations

HEAD = "ts_filter(document, '{a,b}')"


def add_head(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS articles_search_head "
                "USING fts5(title, summary, tokenize='porter unicode61 remove_diacritics 2')"
            )
            cursor.execute("DELETE FROM articles_search_head")
            cursor.execute(
                "INSERT INTO articles_search_head (rowid, title, summary) "
                "SELECT rowid, title, summary FROM articles_search_fts"
            )
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'articles_search_pg_rum'")
            if cursor.fetchone():
                cursor.execute(
                    "CREATE INDEX IF NOT EXISTS articles_search_pg_head_rum ON articles_search_pg "
                    f"USING rum (({HEAD}) rum_tsvector_ops)"
                )
            else:
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS articles_search_pg_head ON articles_search_pg USING GIN (({HEAD}))"
                )


def drop_head(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TABLE IF EXISTS articles_search_head")
        elif connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS articles_search_pg_head_rum")
            cursor.execute("DROP INDEX IF EXISTS articles_search_pg_head")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_rank_in_index")]

    operations = [migrations.RunPython(add_head, drop_head)]
