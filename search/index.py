"""Full-text search across both languages and both Chinese scripts, inside the site's database.

Chinese has no spaces, so word-based full-text search cannot find a word
inside a run of characters. Every run of Han characters is folded to
Simplified (OpenCC t2s) and indexed as overlapping character pairs (疫苗研发 →
疫苗 苗研 研发), the way CJK search engines do; a query's Chinese is folded
and split the same way and matched as a phrase, so any two-character word
is found, in either script. English is indexed by words with stemming.

One interface, two implementations chosen by the database in use: SQLite
FTS5 (bm25) on the embedded default, PostgreSQL full-text search (ts_rank)
in production. The index follows `articles.changes.content_changed`: each
changed article's document is written once per committed transaction, and a
deleted article's row is removed. `manage.py rebuild_search_index` rebuilds
it all.

Which articles readers may find is `Article.objects.published()`'s rule; the
raw SQL below takes it from that queryset (`visible_sql`), never retyped.
"""

import collections
import contextlib
import html
import os
import re
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.models import Article
from articles.scripts import _convert

MAX_QUERY_LENGTH = 100
# Matches are counted up to this many; past it the page says "more than".
COUNT_CAP = 1000
HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[^\W_]+", re.UNICODE)
MARKUP = re.compile(r"<[^>]+>|[*_`#>\[\]()!]")
# Title matches outrank summary matches, which outrank body matches.
WEIGHTS = {"title": 10.0, "summary": 4.0, "body": 1.0}


class QueryError(ValueError):
    """A query that cannot be searched, with a message for the reader."""


def fold(text):
    return _convert(text, "t2s") if HAN_RUN.search(text or "") else (text or "")


def bigrams(run):
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_text(*texts):
    """Text as the index stores it: Chinese as folded pairs, everything else as words."""
    parts = []
    for text in texts:
        for token in TOKEN.findall(MARKUP.sub(" ", fold(text))):
            parts.extend(bigrams(token) if HAN_RUN.fullmatch(token) else [token.lower()])
    return " ".join(parts)


@dataclass
class Term:
    """One query term: Chinese as a phrase of pairs (or a one-character prefix), or a word."""

    tokens: list
    prefix: bool = False


def parse_query(query):
    query = (query or "").strip()
    if not query:
        raise QueryError("empty")
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryError("too_long")
    terms = []
    for token in TOKEN.findall(fold(query)):
        if HAN_RUN.fullmatch(token):
            terms.append(Term(bigrams(token), prefix=len(token) == 1))
        else:
            terms.append(Term([token.lower()]))
    if not terms:
        raise QueryError("no_words")
    return terms


def document_for(article):
    """The three indexed columns of an article (title, summary, body), both languages together."""
    sections = list(article.sections.all())
    figures = [figure for section in sections for figure in section.figures.all()]
    return (
        index_text(article.title_zh_hans, article.title_en),
        index_text(article.summary_zh_hans, article.summary_en),
        index_text(
            *(
                text
                for section in sections
                for text in (section.heading_zh_hans, section.heading_en, section.body_zh_hans, section.body_en)
            ),
            *(text for figure in figures for text in (figure.caption_zh_hans, figure.caption_en)),
        ),
    )


# As search migrations 0001 and 0003 made the tables.
FTS5_COLUMNS = "title, summary, body, tokenize='porter unicode61 remove_diacritics 2'"
FTS5_HEAD_COLUMNS = "title, summary, tokenize='porter unicode61 remove_diacritics 2'"


class SqliteBackend:
    table = "articles_search_fts"
    head_table = "articles_search_head"

    def match_expression(self, terms):
        parts = []
        for term in terms:
            if term.prefix:
                parts.append(f'"{term.tokens[0]}" *')
            else:
                parts.append('"' + " ".join(token.replace('"', '""') for token in term.tokens) + '"')
        return " AND ".join(parts)

    def store(self, cursor, rows, fresh=False):
        """Write (id, title, summary, body) rows; `fresh`: the index holds none of them yet."""
        if not fresh:
            for table in (self.table, self.head_table):
                cursor.executemany(f"DELETE FROM {table} WHERE rowid = %s", [(row[0],) for row in rows])
        cursor.executemany(f"INSERT INTO {self.table} (rowid, title, summary, body) VALUES (%s, %s, %s, %s)", rows)
        cursor.executemany(
            f"INSERT INTO {self.head_table} (rowid, title, summary) VALUES (%s, %s, %s)", [row[:3] for row in rows]
        )

    def start_bulk(self):
        # Dropping and making the tables again is far quicker than deleting a
        # million rows from them.
        with connection.cursor() as cursor:
            for table, columns in ((self.table, FTS5_COLUMNS), (self.head_table, FTS5_HEAD_COLUMNS)):
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
                cursor.execute(f"CREATE VIRTUAL TABLE {table} USING fts5({columns})")
                # No merging of segments while loading: the one merge at the end
                # ('optimize') does it all at once (the load about a fifth quicker).
                cursor.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('automerge', 0)")
                # FTS5 still merges a level once it holds 16 segments; at 64 each
                # segment is rewritten fewer times (inserting 100,000 documents
                # took 0.60 ms each, not 0.68).
                cursor.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('crisismerge', 64)")

    def finish_bulk(self):
        # One b-tree instead of the many segments a bulk insert leaves: every
        # later query reads fewer pages.
        with connection.cursor() as cursor:
            for table in (self.table, self.head_table):
                cursor.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")
                # Edits afterwards merge as usual (FTS5's defaults).
                cursor.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('automerge', 4)")
                cursor.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('crisismerge', 16)")

    def remove(self, cursor, pk):
        for table in (self.table, self.head_table):
            cursor.execute(f"DELETE FROM {table} WHERE rowid = %s", [pk])

    def clear(self, cursor):
        for table in (self.table, self.head_table):
            cursor.execute(f"DELETE FROM {table}")

    @contextlib.contextmanager
    def planned(self):
        """A cursor for one search (SQLite's planner is told by the CROSS JOINs below)."""
        with connection.cursor() as cursor:
            yield cursor

    def count(self, cursor, terms, head):
        table = self.head_table if head else self.table
        visible, visible_params = visible_sql("a.id")
        # CROSS JOIN makes SQLite start from the index's matches and look each
        # article up by key; left to itself it scans the visible articles and
        # runs the full-text match once per article.
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} f CROSS JOIN articles_article a ON a.id = f.rowid "
            f"WHERE {table} MATCH %s AND {visible} LIMIT {COUNT_CAP + 1})",
            [self.match_expression(terms), *visible_params],
        )
        return cursor.fetchone()[0]

    def best(self, cursor, terms, head, fetch):
        """The `fetch` best (id, score) of the head or of whole documents, best (lowest) first.

        bm25 inside FTS5, weighted by column: about 0.7 µs a match.
        """
        table = self.head_table if head else self.table
        columns = ("title", "summary") if head else ("title", "summary", "body")
        weights = ", ".join(str(WEIGHTS[column]) for column in columns)
        cursor.execute(
            f"SELECT rowid, bm25({table}, {weights}) AS score FROM {table} "
            f"WHERE {table} MATCH %s ORDER BY score LIMIT %s",
            [self.match_expression(terms), fetch],
        )
        return cursor.fetchall()


RUM_INDEX = "articles_search_pg_rum"
GIN_INDEX = "articles_search_pg_document"
# The head of a document: its title (A) and summary (B) lexemes, stored and
# indexed in a table of their own (search migrations 0003, 0004). Stored,
# not worked out from the document: a head match read back (a phrase's
# recheck, its rank) then reads a few hundred bytes, not the whole document
# from TOAST (a four-character phrase read 54,000 blocks at a million).
HEAD_TABLE = "articles_search_pg_heads"
HEAD_RUM_INDEX = "articles_search_pg_head_rum"
HEAD_GIN_INDEX = "articles_search_pg_head"


def index_statements(rum, head_rum=None):
    """The statements that index the documents and their heads, each with RUM or with GIN.

    `rum` for the documents, `head_rum` (by default the same) for their heads.
    """
    head_rum = rum if head_rum is None else head_rum
    return [
        f"CREATE INDEX IF NOT EXISTS {RUM_INDEX} ON articles_search_pg USING rum (document rum_tsvector_ops)"
        if rum
        else f"CREATE INDEX IF NOT EXISTS {GIN_INDEX} ON articles_search_pg USING GIN (document)",
        f"CREATE INDEX IF NOT EXISTS {HEAD_RUM_INDEX} ON {HEAD_TABLE} USING rum (head rum_tsvector_ops)"
        if head_rum
        else f"CREATE INDEX IF NOT EXISTS {HEAD_GIN_INDEX} ON {HEAD_TABLE} USING GIN (head)",
    ]


def rum_indexes(cursor):
    """Which of the two RUM indexes exist (a database may rank heads in RUM and documents with ts_rank)."""
    cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname IN (%s, %s)", [RUM_INDEX, HEAD_RUM_INDEX])
    return frozenset(name for (name,) in cursor.fetchall())


def learn_ranking(sender, connection, **kwargs):
    """When a PostgreSQL connection opens, note which RUM indexes it ranks inside (no query per search)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            connection.search_rum_indexes = rum_indexes(cursor)


def relearn_ranking(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    """After migrations (which may have made or dropped the RUM index), look again."""
    learn_ranking(sender, connections[using])


class PostgresBackend:
    table = "articles_search_pg"

    def tsquery(self, terms):
        parts = []
        for term in terms:
            if term.prefix:
                parts.append(f"{quote_lexeme(term.tokens[0])}:*")
            else:
                parts.append("(" + " <-> ".join(quote_lexeme(token) for token in term.tokens) + ")")
        return " & ".join(parts)

    head = "setweight(to_tsvector('english', {0}title), 'A') || setweight(to_tsvector('english', {0}summary), 'B')"
    document = head + " || setweight(to_tsvector('english', {0}body), 'C')"

    def store(self, cursor, rows, fresh=False):
        """Write (id, title, summary, body) rows, replacing what the index held for them."""
        texts = " FROM (SELECT %s::bigint AS id, %s::text AS title, %s::text AS summary, %s::text AS body) AS texts"
        cursor.executemany(
            f"INSERT INTO {self.table} (article_id, document) SELECT id, {self.document.format('')}{texts} "
            "ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document",
            rows,
        )
        cursor.executemany(
            f"INSERT INTO {HEAD_TABLE} (article_id, head) SELECT id, {self.head.format('')}{texts} "
            "ON CONFLICT (article_id) DO UPDATE SET head = EXCLUDED.head",
            rows,
        )

    def start_bulk(self):
        with connection.cursor() as cursor:
            # Each index is made again of the kind it was (RUM or GIN).
            self.bulk_rum = (self.ranks_in_index(cursor), self.ranks_in_index(cursor, head=True))
            cursor.execute(f"TRUNCATE {self.table}, {HEAD_TABLE}")
            # Filled first and indexed once at the end: much quicker than
            # keeping the indexes up to date row by row.
            for index in (RUM_INDEX, GIN_INDEX, HEAD_RUM_INDEX, HEAD_GIN_INDEX):
                cursor.execute(f"DROP INDEX IF EXISTS {index}")

    def copy_in(self, rows):
        """In a bulk rebuild's worker: COPY the texts in, and turn them into documents here, in parallel."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMPORARY TABLE IF NOT EXISTS search_texts "
                "(id bigint, title text, summary text, body text) ON COMMIT DELETE ROWS"
            )
            with cursor.cursor.copy("COPY search_texts (id, title, summary, body) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            for table, column, vector in ((self.table, "document", self.document), (HEAD_TABLE, "head", self.head)):
                cursor.execute(
                    f"INSERT INTO {table} (article_id, {column}) SELECT id, {vector.format('t.')} FROM search_texts t"
                )

    def finish_bulk(self):
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            for statement in index_statements(*self.bulk_rum):
                cursor.execute(statement)
            cursor.execute("RESET maintenance_work_mem")
            cursor.execute(f"ANALYZE {self.table}, {HEAD_TABLE}")

    def remove(self, cursor, pk):
        for table in (self.table, HEAD_TABLE):
            cursor.execute(f"DELETE FROM {table} WHERE article_id = %s", [pk])

    def clear(self, cursor):
        for table in (self.table, HEAD_TABLE):
            cursor.execute(f"DELETE FROM {table}")

    def ranks_in_index(self, cursor, head=False):
        """Whether a RUM index (search migrations 0002, 0003) is there to rank the documents (or heads) inside.

        Looked up when the connection opens (`learn_ranking`): an index is
        not made or dropped under a running site (a test that drops one
        forgets the answer, which is then looked up again).
        """
        known = getattr(connection, "search_rum_indexes", None)
        if known is None:
            known = connection.search_rum_indexes = rum_indexes(cursor)
        return (HEAD_RUM_INDEX if head else RUM_INDEX) in known

    @contextlib.contextmanager
    def planned(self):
        """A cursor for one search, in a transaction whose planner stays on the indexes.

        The planner does not know that matching a document means reading it
        from TOAST: with a LIMIT it would rather scan the table, expecting a
        common word's matches early, and read thousands of documents (80 ms
        at 100,000 articles) where the index answers in a few.
        """
        # No savepoint inside a transaction already open: one statement more, not three.
        with transaction.atomic(savepoint=False), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            yield cursor

    def where(self, head):
        """The table and the vector column of the heads, or of the whole documents."""
        return (HEAD_TABLE, "head") if head else (self.table, "document")

    def count(self, cursor, terms, head):
        table, vector = self.where(head)
        visible, visible_params = visible_sql("a.id")
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} s JOIN articles_article a ON a.id = s.article_id "
            f"WHERE s.{vector} @@ to_tsquery('english', %s) AND {visible} LIMIT {COUNT_CAP + 1}) AS capped",
            [self.tsquery(terms), *visible_params],
        )
        return cursor.fetchone()[0]

    def best(self, cursor, terms, head, fetch):
        """The `fetch` best (id, score) of the head (weights A, B) or of whole documents, best (lowest) first."""
        table, vector = self.where(head)
        query = "to_tsquery('english', %s)"
        if self.ranks_in_index(cursor, head):
            # RUM returns the matches in rank order from the index itself:
            # the best of every match, without reading their documents.
            score = f"{vector} <=> {query}"
        else:
            # GIN: ts_rank reads each match's document (the same order, slower).
            score = f"-ts_rank({vector}, {query})"
        tsquery = self.tsquery(terms)
        cursor.execute(
            f"SELECT article_id, {score} AS score FROM {table} WHERE {vector} @@ {query} ORDER BY score LIMIT %s",
            [tsquery, tsquery, fetch],
        )
        return cursor.fetchall()


def visible_sql(article_id):
    """`published()` as an SQL condition on the article whose id is the expression `article_id`.

    An EXISTS over the queryset itself (its SQL and parameters, correlated
    by primary key), so the rule stays written once, in the queryset.
    """
    visible = Article.objects.published().filter(pk=RawSQL(article_id, [])).values("pk")
    sql, params = visible.query.sql_with_params()
    return f"EXISTS ({sql})", list(params)


def quote_lexeme(token):
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def backend():
    return PostgresBackend() if connection.vendor == "postgresql" else SqliteBackend()


def update(article_ids, batch_size=500):
    """Write the documents of these articles; remove the rows of those that no longer exist."""
    ids = sorted(article_ids)
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        articles = list(Article.objects.filter(pk__in=chunk).prefetch_related("sections__figures"))
        gone = set(chunk) - {article.pk for article in articles}
        with transaction.atomic(), connection.cursor() as cursor:
            if articles:
                backend().store(cursor, [(article.pk, *document_for(article)) for article in articles])
            for pk in sorted(gone):
                backend().remove(cursor, pk)


def follow_changes(sender, change, **kwargs):
    """A committed change: reindex the articles whose text or visibility it touched."""
    if change.articles:
        update(change.articles)


def rebuild(batch_size=500, workers=None):
    """Empty the index and fill it again from every article; returns how many were indexed.

    On a database other processes can open (a file, a server) and outside a
    transaction, the documents are built by `workers` processes at once and
    the index's own search structure is made once at the end: the way to
    index a bulk load of a million articles (see `generate_articles`).
    Otherwise (tests, a rebuild inside a transaction) article by article.
    """
    workers = workers or min(4, os.cpu_count() or 1)
    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
    if connection.in_atomic_block or in_memory:
        with connection.cursor() as cursor:
            backend().clear(cursor)
        ids = list(Article.objects.values_list("pk", flat=True))
        update(ids, batch_size)
        return len(ids)
    return bulk_rebuild(workers)


BULK_CHUNK = 2000


def id_ranges():
    """[low, high) ranges of article ids, BULK_CHUNK articles each, read off the primary key."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT MIN(id), MAX(id) FROM (SELECT id, (ROW_NUMBER() OVER (ORDER BY id) - 1) / %s AS chunk "
            "FROM articles_article) numbered GROUP BY chunk ORDER BY 1",
            [BULK_CHUNK],
        )
        return [(low, high + 1) for low, high in cursor.fetchall()]


def raw_documents(low, high):
    """The documents of the articles with ids in [low, high), read as plain rows (no model objects)."""
    from articles.models import Figure, Section

    texts = {}
    for pk, title_zh, title_en, summary_zh, summary_en in Article.objects.filter(pk__gte=low, pk__lt=high).values_list(
        "pk", "title_zh_hans", "title_en", "summary_zh_hans", "summary_en"
    ):
        texts[pk] = ((title_zh, title_en), (summary_zh, summary_en), [])
    for article_id, *parts in (
        Section.objects.filter(article_id__gte=low, article_id__lt=high)
        .order_by("article_id", "position", "pk")
        .values_list("article_id", "heading_zh_hans", "heading_en", "body_zh_hans", "body_en")
    ):
        texts[article_id][2].extend(parts)
    for article_id, *parts in (
        Figure.objects.filter(section__article_id__gte=low, section__article_id__lt=high)
        .order_by("section__article_id", "section__position", "position", "pk")
        .values_list("section__article_id", "caption_zh_hans", "caption_en")
    ):
        texts[article_id][2].extend(parts)
    return [
        (pk, index_text(*title), index_text(*summary), index_text(*body))
        for pk, (title, summary, body) in texts.items()
    ]


def _build_chunk(bounds):
    """In a worker process: build one range's documents (and on PostgreSQL, store them)."""
    rows = raw_documents(*bounds)
    if connection.vendor == "postgresql":
        PostgresBackend().copy_in(rows)
        return len(rows), []
    return len(rows), rows


def bulk_rebuild(workers):
    import multiprocessing

    engine = backend()
    engine.start_bulk()
    ranges = id_ranges()
    connections_close_all()  # the workers open their own
    indexed = 0
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        # At most two chunks per worker in flight: the workers never run
        # more than that ahead of the one writer (memory stays bounded).
        pending = collections.deque()
        for bounds in ranges:
            pending.append(pool.apply_async(_build_chunk, (bounds,)))
            if len(pending) >= workers * 2:
                indexed += write_chunk(engine, pending.popleft().get())
        while pending:
            indexed += write_chunk(engine, pending.popleft().get())
    engine.finish_bulk()
    return indexed


def write_chunk(engine, result):
    count, rows = result
    if rows:
        with transaction.atomic(), connection.cursor() as cursor:
            engine.store(cursor, rows, fresh=True)
    return count


def connections_close_all():
    from django.db import connections

    connections.close_all()


def search(query, limit=10, offset=0):
    """Ranked ids of the published articles matching `query`, and how many match in all (up to COUNT_CAP + 1).

    Every match is ranked, in two tiers: articles with the query in their
    title or summary (the head) first, all of them ranked; then those that
    have it only in their body, ranked. A common word has more head matches
    than the COUNT_CAP results anyone can page to, so only its head matches
    (a tenth of its matches) are ever ranked; a word rare in titles and
    summaries is rare in bodies too, so ranking all its matches is cheap.
    """
    terms = parse_query(query)
    engine = backend()
    wanted = offset + limit
    with engine.planned() as cursor:
        # More head matches than are ever counted: the count is "more than"
        # without touching the whole documents' index.
        total = engine.count(cursor, terms, head=True)
        if total <= COUNT_CAP:
            total = engine.count(cursor, terms, head=False)
        if not total:
            return 0, []
        ranked = best_visible(engine, cursor, terms, head=True, wanted=wanted)
        if len(ranked) < wanted:
            # Fewer head matches than asked for: they are all in `ranked`.
            ranked += best_visible(engine, cursor, terms, head=False, wanted=wanted, skip=set(ranked))
    return total, ranked[offset:wanted]


def best_head_matches(query, limit):
    """Ids of the `limit` articles, drafts too, that best match `query` in title or summary (one more if more match).

    For the admin's search box (search.admin): ranked in the index as the
    site's search ranks its first tier. Raises QueryError.
    """
    terms = parse_query(query)
    engine = backend()
    with engine.planned() as cursor:
        return [pk for pk, _score in engine.best(cursor, terms, head=True, fetch=limit + 1)]


def best_visible(engine, cursor, terms, head, wanted, skip=frozenset()):
    """Ids of the best `wanted` matches readers may see, best first (equal scores: newest first).

    The index ranks without knowing what readers may see; drafts and
    scheduled articles among the best are set aside here, asking the index
    for more of the best when too many of them were among those asked for.
    """
    visible, visible_params = visible_sql("a.id")
    fetch = (wanted + len(skip)) * 2 + 20
    while True:
        best = engine.best(cursor, terms, head, fetch)
        scores = {pk: score for pk, score in best if pk not in skip}
        shown = []
        if scores:
            marks = ", ".join(["%s"] * len(scores))
            cursor.execute(
                f"SELECT a.id, a.published_at FROM articles_article a WHERE a.id IN ({marks}) AND {visible}",
                [*scores, *visible_params],
            )
            shown = cursor.fetchall()
        if len(shown) >= wanted or len(best) < fetch:
            break
        fetch *= 4
    shown.sort(key=lambda row: str(row[1]), reverse=True)
    shown.sort(key=lambda row: scores[row[0]])
    return [pk for pk, _published in shown[:wanted]]


def highlight(text, query, width=80):
    """An escaped snippet of `text` around the first match of `query`, matches in <mark>.

    Matching is done on the folded (Simplified) text, so a Traditional query
    highlights Simplified text and the reverse; English words match their
    other forms (vaccines, vaccine) as the stemmed index does.
    """
    text = re.sub(r"\s+", " ", html.unescape(MARKUP.sub(" ", text or ""))).strip()
    folded = fold(text)
    if len(folded) != len(text):
        text = folded
    lowered = folded.lower()
    spans = sorted(
        (match.start(), match.end()) for pattern in highlight_patterns(query) for match in pattern.finditer(lowered)
    )
    if not spans:
        snippet = text[: width * 2]
        return mark_safe(escape(snippet) + ("…" if len(text) > len(snippet) else ""))
    start = max(0, spans[0][0] - width // 2)
    if start and text[start - 1].isalnum() and text[start].isalnum():
        # Begin at a word's start rather than in the middle of it.
        space = text.find(" ", start, spans[0][0])
        start = space + 1 if space != -1 else start
    end = min(len(text), start + width * 2)
    pieces, cursor = [], start
    for span_start, span_end in spans:
        if span_start < cursor or span_end > end:
            continue
        pieces.append(escape(text[cursor:span_start]))
        pieces.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    pieces.append(escape(text[cursor:end]))
    return mark_safe(("…" if start > 0 else "") + "".join(pieces) + ("…" if end < len(text) else ""))


def highlight_patterns(query):
    patterns = []
    for token in TOKEN.findall(fold(query).lower()):
        if HAN_RUN.fullmatch(token):
            patterns.append(re.compile(re.escape(token)))
        else:
            root = re.sub(r"(ies|es|s|ed|ing)$", "", token) if len(token) > 4 else token
            patterns.append(re.compile(rf"\b{re.escape(root)}\w*"))
    return patterns
