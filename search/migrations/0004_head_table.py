"""On PostgreSQL, store each document's head (title and summary lexemes) in a table of its own.

0003 indexed the head as an expression over the whole document
(ts_filter(document, '{a,b}')). The index finds the matches, but whatever
PostgreSQL reads back — a phrase's recheck, a match's rank, the count of
visible matches — worked the head out again from the whole document, read
from TOAST: at a million articles a four-character phrase in 17,000 heads
read 54,000 blocks (0.4–1.5 s). A stored head is a few hundred bytes.

A table of its own rather than a column: filling a new column rewrites every
row of the documents' table and adds each row again to the documents' index
(over half an hour at a million); filling a new table reads the documents
once. Its index keeps the kind the expression's had (RUM or GIN) and the same
name, so search.index finds it as before.
"""

from django.db import migrations

HEAD_RUM_INDEX = "articles_search_pg_head_rum"
HEAD_GIN_INDEX = "articles_search_pg_head"
EXPRESSION = "ts_filter(document, '{a,b}')"


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
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS articles_search_pg_heads (article_id bigint PRIMARY KEY, head tsvector NOT NULL)"
        )
        cursor.execute(
            f"INSERT INTO articles_search_pg_heads (article_id, head) SELECT article_id, {EXPRESSION} "
            "FROM articles_search_pg ON CONFLICT (article_id) DO NOTHING"
        )
        using = "rum (head rum_tsvector_ops)" if rum else "GIN (head)"
        cursor.execute(
            f"CREATE INDEX {HEAD_RUM_INDEX if rum else HEAD_GIN_INDEX} ON articles_search_pg_heads USING {using}"
        )
        cursor.execute("ANALYZE articles_search_pg_heads")


def work_heads_out(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        rum = index_exists(cursor, HEAD_RUM_INDEX)
        cursor.execute("DROP TABLE IF EXISTS articles_search_pg_heads")
        using = f"rum (({EXPRESSION}) rum_tsvector_ops)" if rum else f"GIN (({EXPRESSION}))"
        cursor.execute(f"CREATE INDEX {HEAD_RUM_INDEX if rum else HEAD_GIN_INDEX} ON articles_search_pg USING {using}")


class Migration(migrations.Migration):
    dependencies = [("search", "0003_head")]

    operations = [migrations.RunPython(store_heads, work_heads_out)]
