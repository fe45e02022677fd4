"""The archive at a million articles: build (or reuse) a database, measure it, print one table.

    .venv/bin/python bench/scale.py --engine sqlite|postgresql --articles N --corpus realistic|worst

Builds the database once — migrate, the archive's own articles, then
`generate_articles N --corpus C` (rows, then the search index) — and reuses it
on later runs (a READY file beside the SQLite files says it is complete).
SQLite files live in --dir (default var/scale); PostgreSQL databases are
named scale_<corpus>_<N> on the server of --postgres (default: the server
of $DATABASE_URL, else 127.0.0.1:54330). Then it measures, with DEBUG off:

- the load: how long the build took (only on the run that built it);
- search: p50 and p95 of each kind of query the issue names, through
  `search.index.search` (what the search page calls), and the rank of a
  planted old article that matches a query best among every newer match;
- every reader page rendered afresh, the sitemaps, the admin and a gunicorn
  worker's memory (bench/scale_site.py).

Every figure is printed beside its target, met or NOT met. tests/
test_benchmarks.py runs this at a small N so the code cannot rot.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEARCH_TARGET_MS = 50
LOAD_TARGET_S = 15 * 60  # for 1,000,000 articles
PLANTED_SLUG = "scale-planted-best-match"


def queries(corpus):
    """(kind, query) pairs: the kinds the issue names, with words each corpus has."""
    common = [
        ("two-character word", "疫苗"),
        ("common two-character word", "研究"),
        ("four-character phrase", "国际合作"),
        ("Traditional query", "醫療"),
        ("English word", "vaccines"),
        ("mixed query", "AI 医疗"),
        ("person's name", person_name(corpus)),
        ("no hit", "量子纠缠鸭嘴兽"),
    ]
    return common


def person_name(corpus):
    if corpus == "worst":
        return "钟南山"  # a name in the fixtures every worst-case article draws from
    from articles import corpus as realistic

    return realistic.people()[0][0]


def database_url(engine, corpus, count, directory, postgres):
    if engine == "sqlite":
        return f"sqlite:///{directory}/{corpus}-{count}.sqlite3"
    parts = urlsplit(postgres)
    return urlunsplit(parts._replace(path=f"/scale_{corpus}_{count}"))


def ensure_postgres_database(url, fresh=False):
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        if fresh:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def setup_django(url):
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ["DEBUG"] = "0"
    os.environ["HTTPS"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
    import django

    django.setup()


def build(count, corpus):
    """Migrate, load the archive and generate the corpus; returns (seconds for the corpus, its output)."""
    from io import StringIO

    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("load_archive", verbosity=0)
    out = StringIO()
    start = time.perf_counter()
    call_command("generate_articles", count, corpus=corpus, stdout=out)
    seconds = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return seconds, out.getvalue()


def plant(query):
    """An article from 2001 that matches `query` better than any other: in its title, summary and body.

    Saved through the model like an editor's article, so the search index
    learns of it through the one change path. Returns its id.
    """
    from django.db import transaction

    from articles.models import Article, Category, Section

    article = Article.objects.filter(slug=PLANTED_SLUG).first()
    if article:
        return article.pk
    with transaction.atomic():
        article = Article.objects.create(
            slug=PLANTED_SLUG,
            title_zh_hans=f"{query}：{query}研发二十年",
            title_en="Twenty years of vaccine development",
            summary_zh_hans=f"关于{query}的长篇报道。",
            summary_en="A long report on vaccines.",
            category=Category.objects.order_by("position").first(),
            status=Article.Status.PUBLISHED,
            published_at=datetime.datetime(2001, 1, 2, tzinfo=datetime.UTC),
        )
        Section.objects.create(
            article=article,
            position=1,
            heading_zh_hans=f"{query}的历史",
            heading_en="A history of vaccines",
            body_zh_hans="\n\n".join(f"{query}是第{n}个话题，{query}的研发仍在继续。" for n in range(1, 9)),
            body_en="\n\n".join("Vaccines were studied again; vaccine research went on." for _ in range(8)),
        )
    return article.pk


def percentiles(samples):
    samples = sorted(samples)
    return statistics.median(samples), samples[max(0, int(round(len(samples) * 0.95)) - 1)]


def measure_search(corpus, runs):
    from search import index as search

    rows = []
    for kind, query in queries(corpus):
        total, _ids = search.search(query)  # warm
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            search.search(query)
            samples.append((time.perf_counter() - start) * 1000)
        p50, p95 = percentiles(samples)
        matches = f"{total:,}" if total <= search.COUNT_CAP else f">{search.COUNT_CAP:,}"
        rows.append(
            {
                "what": f"search: {kind} {query}",
                "note": f"{matches} hits",
                "p50": p50,
                "p95": p95,
                "target": SEARCH_TARGET_MS,
                "unit": "ms",
            }
        )
    planted_query = "疫苗"
    planted = plant(planted_query)
    _total, ids = search.search(planted_query, limit=10)
    rank = ids.index(planted) + 1 if planted in ids else None
    rows.append(
        {
            "what": f"search: planted 2001 article, rank for {planted_query}",
            "note": "among every newer match",
            "p50": rank or 99,
            "p95": rank or 99,
            "target": 3,
            "unit": "rank",
        }
    )
    return rows


def measure_site(runs):
    # bench/ is not put on sys.path: its search.py would hide the search app.
    import importlib.util

    path = ROOT / "bench" / "scale_site.py"
    if not path.exists():
        return []
    spec = importlib.util.spec_from_file_location("scale_site", path)
    scale_site = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scale_site)
    from django.test import Client

    return scale_site.measure_site(Client, runs)


def print_table(rows, title):
    print(title)
    width = max(len(row["what"]) for row in rows) + 2
    print(f"{'what':<{width}} {'p50':>9} {'p95':>9} {'target':>9}  unit  {'':7} note")
    for row in rows:
        met = "met" if row["p95"] <= row["target"] else "NOT met"
        print(
            f"{row['what']:<{width}} {row['p50']:>9.1f} {row['p95']:>9.1f} {row['target']:>9,.0f}  "
            f"{row['unit']:<5} {met:<7} {row.get('note', '')}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], required=True)
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--corpus", choices=["realistic", "worst"], default="realistic")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--dir", default=str(ROOT / "var" / "scale"))
    default_pg = os.environ.get("DATABASE_URL", "")
    if not default_pg.startswith(("postgres://", "postgresql://")):
        default_pg = "postgres://postgres@127.0.0.1:54330/postgres"
    parser.add_argument("--postgres", default=default_pg, help="a URL of the PostgreSQL server to use")
    parser.add_argument("--no-site", action="store_true", help="search and load only")
    parser.add_argument("--fresh", action="store_true", help="build the database again from nothing")
    args = parser.parse_args()

    directory = Path(args.dir)
    directory.mkdir(parents=True, exist_ok=True)
    url = database_url(args.engine, args.corpus, args.articles, directory, args.postgres)
    ready = directory / f"READY-{args.engine}-{args.corpus}-{args.articles}"
    if args.fresh:
        ready.unlink(missing_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{directory}/{args.corpus}-{args.articles}.sqlite3{suffix}").unlink(missing_ok=True)
    if args.engine == "postgresql":
        ensure_postgres_database(url, fresh=args.fresh)
    setup_django(url)

    rows = []
    if not ready.exists():
        seconds, _output = build(args.articles, args.corpus)
        ready.write_text(f"built in {seconds:.0f} s\n")
        projected = seconds * 1_000_000 / args.articles
        rows.append(
            {
                "what": f"load {args.articles:,} articles (rows + search index)",
                "p50": seconds,
                "p95": projected,
                "target": LOAD_TARGET_S,
                "unit": "s",
                "note": "p95 column: projected to 1,000,000",
            }
        )
    else:
        print(f"reusing the database built earlier ({ready.read_text().strip()})")
    from django.db import connection

    from articles.models import Article

    articles = Article.objects.count()
    rows += measure_search(args.corpus, args.runs)
    if not args.no_site:
        rows += measure_site(args.runs)
    print_table(rows, f"{args.engine}, {args.corpus} corpus, {articles:,} articles ({connection.vendor})")


if __name__ == "__main__":
    main()
