"""On PostgreSQL, store each document's head (title and summary lexemes) in a column of its own.

0003 indexed the head as an expression over the whole document
(ts_filter(document, '{a,b}')). The index finds the matches, but whatever
PostgreSQL reads back from the table — a phrase's recheck, a match's rank,
the visible-article count — worked the head out again from the whole
document, read from TOAST: at a million articles a four-character phrase in
17,000 heads read 54,000 blocks (0.4–1.5 s). A stored head is a few hundred
bytes kept in the row. Its index keeps the kind the expression's had (RUM or
GIN) and the same name, so search.index finds it as before.
"""

from django.db import migrations

HEAD_RUM_INDEX = "articles_search_pg_head_rum"
HEAD_GIN_INDEX = "articles_search_pg_head"


def index_exists(cursor, name):
    cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [name])
    return cursor.fetchone() is not None


def store_heads(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        rum = index_exists(cursor, HEAD_RUM_INDEX)
        cursor.execute(f"DROP INDEX IF EXISTS {HEAD_RUM_INDEX}")
        cursor.execute(f"DROP INDEX IF EXISTS {HEAD_GIN_INDEX}")
        cursor.execute("ALTER TABLE articles_search_pg ADD COLUMN IF NOT EXISTS head tsvector NOT NULL DEFAULT ''")
        cursor.execute("UPDATE articles_search_pg SET head = ts_filter(document, '{a,b}')")
        if rum:
            cursor.execute(f"CREATE INDEX {HEAD_RUM_INDEX} ON articles_search_pg USING rum (head rum_tsvector_ops)")
        else:
            cursor.execute(f"CREATE INDEX {HEAD_GIN_INDEX} ON articles_search_pg USING GIN (head)")


def work_heads_out(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        rum = index_exists(cursor, HEAD_RUM_INDEX)
        cursor.execute("ALTER TABLE articles_search_pg DROP COLUMN IF EXISTS head")
        head = "ts_filter(document, '{a,b}')"
        if rum:
            cursor.execute(f"CREATE INDEX {HEAD_RUM_INDEX} ON articles_search_pg USING rum (({head}) rum_tsvector_ops)")
        else:
            cursor.execute(f"CREATE INDEX {HEAD_GIN_INDEX} ON articles_search_pg USING GIN (({head}))")


class Migration(migrations.Migration):
    dependencies = [("search", "0003_head")]

    operations = [migrations.RunPython(store_heads, work_heads_out)]
