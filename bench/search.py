"""Search, archive and category pages at scale on SQLite.

Creates a fresh SQLite database in a temporary folder, loads the archive and
N synthetic articles (default 100,000; `generate_articles`), then times a
fixed set of searches through the search interface and the archive and
category pages through Django's test client, and prints p50/p95 in ms.
Run: .venv/bin/python bench/search.py [N]
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import django_on_fresh_sqlite  # noqa: E402

workdir = django_on_fresh_sqlite("bench-search-")

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from articles.models import Article  # noqa: E402
from search import index as search  # noqa: E402

RUNS = 50
QUERIES = [
    ("two-character Chinese", "疫苗"),
    ("four-character Chinese", "国际合作"),
    ("Traditional query", "關心"),
    ("English word", "vaccines"),
    ("mixed", "AI 诊断"),
    ("no hit", "量子纠缠"),
]
PAGES = [
    ("search page 疫苗", "/zh-hans/search/?q=%E7%96%AB%E8%8B%97"),
    ("archive index", "/zh-hans/archive/"),
    ("archive year 2020", "/zh-hans/archive/2020/"),
    ("archive month 2020/4", "/zh-hans/archive/2020/4/"),
    ("category news", "/zh-hans/category/news/"),
]


def timed(function):
    function()  # warm
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_archive", verbosity=0)
    call_command("generate_articles", count, verbosity=0)
    size = sum(path.stat().st_size for path in workdir.iterdir()) / 2**20
    print(f"{Article.objects.count()} articles loaded in {time.perf_counter() - start:.0f} s; database {size:.0f} MiB")
    print(f"{'what':<28} {'matches':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for label, query in QUERIES:
        total, _ids = search.search(query)
        p50, p95 = timed(lambda q=query: search.search(q))
        print(f"{label + ' ' + query:<28} {total:>8} {p50:8.2f} {p95:8.2f}")
    client = Client()
    deep = max(1, min(50, Article.objects.published().filter(category__slug="news").count() // 10))
    for label, url in [*PAGES, (f"category news page {deep}", f"/zh-hans/category/news/?page={deep}")]:
        assert client.get(url).status_code == 200, url
        p50, p95 = timed(lambda u=url: client.get(u))
        print(f"{label:<28} {'':>8} {p50:8.2f} {p95:8.2f}")


if __name__ == "__main__":
    main()
