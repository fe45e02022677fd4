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

import html
import re
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.models import Article
from articles.scripts import _convert

MAX_QUERY_LENGTH = 100
# Matches are counted up to this many; past it the page says "more than".
COUNT_CAP = 1000
# SQLite ranks at most this many of the newest matches (and of title matches).
CANDIDATES = 1000
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
    """The three indexed columns of an article, both languages together."""
    sections = list(article.sections.all())
    figures = [figure for section in sections for figure in section.figures.all()]
    return {
        "title": index_text(article.title_zh_hans, article.title_en),
        "summary": index_text(article.summary_zh_hans, article.summary_en),
        "body": index_text(
            *(
                text
                for section in sections
                for text in (section.heading_zh_hans, section.heading_en, section.body_zh_hans, section.body_en)
            ),
            *(text for figure in figures for text in (figure.caption_zh_hans, figure.caption_en)),
        ),
    }


class SqliteBackend:
    table = "articles_search_fts"

    def match_expression(self, terms):
        parts = []
        for term in terms:
            if term.prefix:
                parts.append(f'"{term.tokens[0]}" *')
            else:
                parts.append('"' + " ".join(token.replace('"', '""') for token in term.tokens) + '"')
        return " AND ".join(parts)

    def store(self, cursor, rows):
        cursor.executemany(f"DELETE FROM {self.table} WHERE rowid = %s", [(pk,) for pk, _doc in rows])
        cursor.executemany(
            f"INSERT INTO {self.table} (rowid, title, summary, body) VALUES (%s, %s, %s, %s)",
            [(pk, doc["title"], doc["summary"], doc["body"]) for pk, doc in rows],
        )

    def remove(self, cursor, pk):
        cursor.execute(f"DELETE FROM {self.table} WHERE rowid = %s", [pk])

    def clear(self, cursor):
        cursor.execute(f"DELETE FROM {self.table}")

    def search(self, cursor, terms, limit, offset):
        weights = ", ".join(str(WEIGHTS[column]) for column in ("title", "summary", "body"))
        match = self.match_expression(terms)
        visible, visible_params = visible_sql("a.id")
        # CROSS JOIN makes SQLite start from the index's matches and look each
        # article up by key; left to itself it scans the visible articles and
        # runs the full-text match once per article.
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {self.table} f CROSS JOIN articles_article a ON a.id = f.rowid "
            f"WHERE {self.table} MATCH %s AND {visible} LIMIT {COUNT_CAP + 1})",
            [match, *visible_params],
        )
        total = cursor.fetchone()[0]
        # Ranking every match costs time in proportion to their number (74,000
        # of 100,000 for a common word). Rank instead the newest CANDIDATES
        # matches and the newest CANDIDATES title matches; title matches come
        # first, each group by weighted bm25, then by date.
        newest = (
            f"SELECT rowid AS id, bm25({self.table}, {weights}){{shift}} AS score FROM {self.table} "
            f"WHERE {self.table} MATCH %s ORDER BY rowid DESC LIMIT {CANDIDATES}"
        )
        cursor.execute(
            f"SELECT c.id FROM (SELECT * FROM ({newest.format(shift='')}) "
            f"UNION ALL SELECT * FROM ({newest.format(shift=' - 1000')})) c "
            f"CROSS JOIN articles_article a ON a.id = c.id WHERE {visible} "
            "GROUP BY c.id ORDER BY MIN(c.score), a.published_at DESC LIMIT %s OFFSET %s",
            [match, f"{{title}} : ({match})", *visible_params, limit, offset],
        )
        return total, [row[0] for row in cursor.fetchall()]


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

    def store(self, cursor, rows):
        cursor.executemany(
            f"INSERT INTO {self.table} (article_id, document) VALUES (%s, "
            "setweight(to_tsvector('english', %s), 'A') || setweight(to_tsvector('english', %s), 'B')"
            " || setweight(to_tsvector('english', %s), 'C')) "
            "ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document",
            [(pk, doc["title"], doc["summary"], doc["body"]) for pk, doc in rows],
        )

    def remove(self, cursor, pk):
        cursor.execute(f"DELETE FROM {self.table} WHERE article_id = %s", [pk])

    def clear(self, cursor):
        cursor.execute(f"DELETE FROM {self.table}")

    def search(self, cursor, terms, limit, offset):
        query = "to_tsquery('english', %s)"
        visible, visible_params = visible_sql("a.id")
        source = (
            f"FROM {self.table} s JOIN articles_article a ON a.id = s.article_id "
            f"WHERE s.document @@ {query} AND {visible}"
        )
        tsquery = self.tsquery(terms)
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 {source} LIMIT {COUNT_CAP + 1}) AS capped", [tsquery, *visible_params]
        )
        total = cursor.fetchone()[0]
        # ts_rank weights are for D, C, B, A: the title (A) counts most.
        cursor.execute(
            f"SELECT s.article_id {source} "
            f"ORDER BY ts_rank('{{0.05, 0.1, 0.4, 1.0}}', s.document, {query}) DESC, a.published_at DESC "
            "LIMIT %s OFFSET %s",
            [tsquery, *visible_params, tsquery, limit, offset],
        )
        return total, [row[0] for row in cursor.fetchall()]


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
                backend().store(cursor, [(article.pk, document_for(article)) for article in articles])
            for pk in sorted(gone):
                backend().remove(cursor, pk)


def follow_changes(sender, change, **kwargs):
    """A committed change: reindex the articles whose text or visibility it touched."""
    if change.articles:
        update(change.articles)


def rebuild(batch_size=500):
    with connection.cursor() as cursor:
        backend().clear(cursor)
    ids = list(Article.objects.values_list("pk", flat=True))
    update(ids, batch_size)
    return len(ids)


def search(query, limit=10, offset=0):
    """Ranked ids of the published articles matching `query`, and how many match in all."""
    terms = parse_query(query)
    with connection.cursor() as cursor:
        return backend().search(cursor, terms, limit, offset)


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
