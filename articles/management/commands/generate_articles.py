"""Generate N synthetic articles for scale tests and benchmarks.

`--corpus realistic` (the default) models a news archive: words drawn with
real Chinese and English frequencies, news-like headlines, 1–6 sections with
headings, figure captions, dates over 2001–2025, both Chinese scripts,
English originals, untranslated articles, drafts, scheduled articles and
recurring people (articles/corpus.py). `--corpus worst` draws every article
from the archive's own fixture sentences, so common words match most of the
archive: the worst case for search. Slugs start with `synthetic-`;
`--delete` removes what it made (and only that). The same seed makes the
same corpus.

A bulk load, not a stream of edits: rows are written in large batches
(executemany on SQLite with the journal off the WAL for the load, COPY on
PostgreSQL), with the tables' secondary indexes and foreign keys dropped
for the load and built again after it, and the text made in a second
process. Like every bulk write that bypasses save() it then goes through
the documented path for bulk writes: `rebuild_search_index` rebuilds the
search index once (skip it with `--no-index` and run it yourself), and
`changes.site_changed()` drops every cached page.

Never run it against a production database.
"""

import multiprocessing
import re
import time
from contextlib import nullcontext

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from articles import archive_months, changes, corpus, sitemaps, tallies, translation_states
from articles.archive import ensure_categories
from articles.models import Article, Category, Figure, Section

BATCH = 1000
# Below this many articles the text is made in this process: no worker to start.
INLINE = 5000


def tables():
    """(table, columns) written, in the order of a batch's rows."""
    return (
        (Article._meta.db_table, corpus.ARTICLE_COLUMNS),
        (Section._meta.db_table, corpus.section_columns(corpus.keeps_pairs())),
        (Figure._meta.db_table, corpus.FIGURE_COLUMNS),
    )


class Command(BaseCommand):
    help = "Generate N synthetic articles (realistic or worst-case corpus) in bulk, then rebuild the search index."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)
        parser.add_argument("--corpus", dest="corpus_name", choices=("realistic", "worst"), default="realistic")
        parser.add_argument("--seed", type=int, default=2020)
        parser.add_argument("--delete", action="store_true", help="Delete all synthetic articles first.")
        parser.add_argument(
            "--no-index", action="store_true", help="Leave the search index alone (run rebuild_search_index later)."
        )
        parser.add_argument(
            "--workers", type=int, default=1, help="Processes making text (default 1; 0: this process)."
        )

    def handle(self, *args, count, corpus_name, seed, delete, no_index, workers, **options):
        if count < 0 or workers < 0:
            raise CommandError("count and --workers must be 0 or more.")
        verbose = options["verbosity"] > 0
        started = time.perf_counter()
        if delete:
            with transaction.atomic():
                deleted = delete_synthetic()
                archive_months.recount_all()
                tallies.recount_all()
                sitemaps.recount_all()
            changes.site_changed()
            if verbose:
                self.stdout.write(f"Deleted {deleted} synthetic articles.")
        ensure_categories()
        categories = tuple(Category.objects.order_by("position", "pk").values_list("slug", "pk"))
        first = Article.objects.filter(slug__startswith=corpus.SLUG_PREFIX).count()
        bases = [next_id(table) for table, _columns in tables()]
        postgres = connection.vendor == "postgresql"
        plans = [
            corpus.Plan(
                corpus=corpus_name,
                seed=seed,
                index=index,
                first=first + index * BATCH,
                count=min(BATCH, count - index * BATCH),
                article_base=bases[0],
                section_base=bases[1],
                figure_base=bases[2],
                categories=categories,
                now=timezone.now().replace(minute=0, second=0, microsecond=0),
                postgres=postgres,
                pairs=corpus.keeps_pairs(),
            )
            for index in range((count + BATCH - 1) // BATCH)
        ]
        writer = PostgresWriter() if postgres else SqliteWriter()
        made = {"articles": 0, "sections": 0, "figures": 0}
        with batches(plans, workers if count >= INLINE else 0) as stream, writer if plans else nullcontext():
            for batch in stream:
                writer.write(batch)
                made["articles"] += len(batch.articles)
                made["sections"] += len(batch.sections)
                made["figures"] += len(batch.figures)
                if verbose:
                    rate = made["articles"] / (time.perf_counter() - started)
                    self.stdout.write(f"  {made['articles']}/{count} articles, {rate:.0f}/s", ending="\r")
                    self.stdout.flush()
        rows_seconds = time.perf_counter() - started
        rows = sum(made.values())
        if verbose:
            self.stdout.write(
                f"\nGenerated {made['articles']} {corpus_name} articles ({made['sections']} sections, "
                f"{made['figures']} figures) "
                f"in {rows_seconds:.1f} s: {made['articles'] / max(rows_seconds, 1e-9):.0f} articles/s, "
                f"{rows / max(rows_seconds, 1e-9):.0f} rows/s."
            )
        if not no_index:
            index_started = time.perf_counter()
            call_command("rebuild_search_index", verbosity=options["verbosity"])
            if verbose:
                self.stdout.write(f"Search index rebuilt in {time.perf_counter() - index_started:.1f} s.")
        # The rows bypassed the change path: count the archive's months, the
        # editors' tallies and the sitemap's blocks afresh, then drop the whole
        # page cache (every page may list the new articles).
        archive_months.recount_all()
        tallies.recount_all()
        sitemaps.recount_all()
        translation_states.store_all()
        changes.site_changed()


def delete_synthetic():
    """Delete the synthetic articles with their sections and figures, and return how many articles went.

    Set-based deletes (a cascade through the ORM would load every row): rows
    of other models that point at the articles (comments) first, through the
    ORM; figures and sections in bulk, since the database's foreign keys do
    not cascade. Nothing else is touched. The search index learns of it in
    the rebuild that ends the command (with --no-index, run
    rebuild_search_index).
    """
    synthetic = Article.objects.filter(slug__startswith=corpus.SLUG_PREFIX)
    ids = synthetic.values("pk")
    from django.apps import apps

    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (
                (field.many_to_one or field.one_to_one)
                and field.concrete
                and field.related_model is Article
                and model not in (Section,)
            ):
                model._base_manager.filter(**{f"{field.name}__in": ids}).delete()
    Figure.objects.filter(section__article__in=ids)._raw_delete(connection.alias)
    Section.objects.filter(article__in=ids)._raw_delete(connection.alias)
    return synthetic._raw_delete(connection.alias)


def next_id(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {connection.ops.quote_name(table)}")
        return cursor.fetchone()[0]


class batches:  # noqa: N801 - used as a context manager like a function
    """The batches of `plans` in order, made by `workers` processes (0: in this one)."""

    def __init__(self, plans, workers):
        self.plans, self.workers, self.pool = plans, workers, None

    def __enter__(self):
        if not self.workers or not self.plans:
            return map(corpus.make_batch, self.plans)
        # fork: the workers inherit the loaded settings and lexicon; they never touch the database.
        context = multiprocessing.get_context("fork")
        if not connection.in_atomic_block:
            connection.close()  # not shared with the children (they never use it)
        self.pool = context.Pool(self.workers, initializer=corpus.lexicon)
        return self.pool.imap(corpus.make_batch, self.plans, chunksize=1)

    def __exit__(self, *exc):
        if self.pool:
            self.pool.terminate()
            self.pool.join()
        return False


class SqliteWriter:
    """executemany through the raw sqlite3 connection, with the load's PRAGMAs and indexes dropped, restored after.

    Inside a transaction someone else opened (a test's), it writes in that
    transaction and leaves the PRAGMAs alone, since SQLite cannot change them there.
    """

    COMMIT_EVERY = 50
    PRAGMAS = {"journal_mode": "DELETE", "synchronous": "OFF", "foreign_keys": "OFF", "cache_size": "-262144"}

    def __enter__(self):
        connection.ensure_connection()
        self.own = not connection.in_atomic_block
        cursor = self.cursor = connection.connection.cursor()
        self.saved = {}
        if self.own:
            # A rollback journal writes each page once (WAL writes it twice);
            # the load can be run again, so it need not wait for the disk.
            # Foreign keys are checked once at the end instead of per row.
            for name, value in self.PRAGMAS.items():
                self.saved[name] = cursor.execute(f"PRAGMA {name}").fetchone()[0]
                cursor.execute(f"PRAGMA {name} = {value}")
        names = [table for table, _columns in tables()]
        self.indexes = cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (?, ?, ?)",
            names,
        ).fetchall()
        self.statements = [
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            for table, columns in tables()
        ]
        self.pending = 0
        if self.own:
            cursor.execute("BEGIN")
        for name, _sql in self.indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        return self

    def write(self, batch):
        for statement, rows in zip(self.statements, (batch.articles, batch.sections, batch.figures), strict=True):
            self.cursor.executemany(statement, rows)
        self.pending += 1
        if self.own and self.pending >= self.COMMIT_EVERY:
            self.cursor.execute("COMMIT")
            self.cursor.execute("BEGIN")
            self.pending = 0

    def __exit__(self, *exc):
        cursor = self.cursor
        if self.own:
            cursor.execute("COMMIT" if exc[0] is None else "ROLLBACK")
        # After a rollback the drops may or may not have been undone.
        for _name, sql in self.indexes:
            cursor.execute(re.sub(r"^CREATE (UNIQUE )?INDEX ", r"CREATE \1INDEX IF NOT EXISTS ", sql))
        problems = cursor.execute("PRAGMA foreign_key_check").fetchall()
        for name, value in self.saved.items():
            cursor.execute(f"PRAGMA {name} = {value}")
        cursor.close()
        if problems and exc[0] is None:
            raise CommandError(f"Foreign keys broken by the load: {problems[:5]}")
        return False


class PostgresWriter:
    """COPY in one transaction, with secondary indexes, unique and foreign-key constraints rebuilt after the load."""

    def __enter__(self):
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        cursor = connection.cursor()
        self.cursor = cursor
        # Inside a transaction with deferred checks still queued (a test's),
        # tables cannot be altered: run those checks now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        names = [table for table, _columns in tables()]
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        try:
            with transaction.atomic():
                cursor.execute("SET LOCAL default_toast_compression = 'lz4'")
        except Exception:  # noqa: BLE001 - a server built without lz4 keeps pglz
            pass
        cursor.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype IN ('f', 'u')",
            [names],
        )
        self.constraints = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [names],
        )
        self.indexes = cursor.fetchall()
        for table, name, _definition in self.constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in self.indexes:
            cursor.execute(f"DROP INDEX {name}")
        self.copies = [f"COPY {table} ({', '.join(columns)}) FROM STDIN" for table, columns in tables()]
        return self

    def write(self, batch):
        raw = self.cursor.cursor  # psycopg's own cursor
        for statement, rows in zip(self.copies, (batch.articles, batch.sections, batch.figures), strict=True):
            if rows:
                with raw.copy(statement) as copy:
                    for row in rows:
                        copy.write_row(row)

    def __exit__(self, *exc):
        try:
            if exc[0] is None:
                cursor = self.cursor
                for _name, definition in self.indexes:
                    cursor.execute(definition)
                # Unique constraints before the foreign keys that need them.
                for table, name, definition in sorted(
                    self.constraints, key=lambda item: not item[2].startswith("UNIQUE")
                ):
                    cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                for table, _columns in tables():
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))",
                        [table],
                    )
        finally:
            self.cursor.close()
            self.atomic.__exit__(*exc)
        return False
