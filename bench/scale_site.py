"""Reader pages, sitemaps, the admin's article list and a gunicorn worker's memory at scale (issue 15, items 3-5).

`measure_site(client_factory, runs)` times, on the database Django is set up
with, every reader page type rendered afresh (not from the page cache: the
client carries a flash-message cookie, which the page cache never serves nor
keeps, so each request renders the page and counts what it counts), each
sitemap file, the admin's article list (its search box, every filter, the
date drill-down, "show counts"), and then starts gunicorn with the project's
gunicorn.conf.py (one worker, DEBUG off), requests every page type, the
sitemaps and the admin list through it, and reads the worker's VmRSS and
VmHWM from /proc. It returns rows {"what", "p50", "p95", "target", "unit"}.

It only reads: the admin is timed through its view with an editor that is
never saved, so it runs against shared databases it must not change.

bench/scale.py sets Django up on the database it builds and calls it; to run
it on its own against a database that has articles:

    DATABASE_URL=sqlite:////work/scale/mine-100000.sqlite3 .venv/bin/python bench/scale_site.py --runs 20
"""

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE_MS = 50
SITEMAP_MS = 200
ADMIN_MS = 300
WORKER_MB = 300
# A reader with a flash message waiting gets a page made for them (pagecache.middleware.anonymous).
AFRESH_COOKIE = ("messages", "scale-bench")


def percentiles(samples):
    samples = sorted(samples)
    return statistics.median(samples), samples[max(0, int(round(len(samples) * 0.95)) - 1)]


def timed(function, runs):
    function()  # warm: the first call loads templates, catalogs and OpenCC
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return percentiles(samples)


# Called with each row as it is measured (the __main__ below prints them as they come).
REPORT = []


def row(what, p50, p95, target, unit="ms"):
    measured = {"what": what, "p50": round(p50, 1), "p95": round(p95, 1), "target": target, "unit": unit}
    for report in REPORT:
        report(measured)
    return measured


def deep_page(category):
    """The deepest page of a category a reader can open."""

    from articles import views
    from articles.models import Article

    listing = views.CategoryArticleList
    paginator = listing.paginator_class(Article.objects.published().in_category(category), listing.paginate_by)
    return paginator.num_pages


def reader_pages():
    """[(what, path)] of every reader page type, chosen from the database: the biggest category, its last page, …"""
    from django.db.models import Count
    from django.urls import reverse
    from django.utils import translation

    from articles.models import Article, Category

    published = Article.objects.published()
    biggest = (
        Category.objects.filter(articles__in=published).annotate(n=Count("articles")).order_by("-n").first()
        or Category.objects.first()
    )
    article = published.filter(is_full_text=True).order_by("-pk").first() or published.order_by("-pk").first()
    newest = published.order_by("-published_at").values_list("published_at", flat=True).first()
    with translation.override("zh-hans"):
        category = reverse("articles:category", args=[biggest.slug])
        pages = [
            ("home", reverse("articles:index")),
            ("category, first page", category),
            ("category, deep page", f"{category}?page={deep_page(biggest)}"),
            ("archive index", reverse("articles:archive")),
            ("archive year", reverse("articles:archive-year", args=[newest.year])),
            ("archive month", reverse("articles:archive-month", args=[newest.year, newest.month])),
            ("article", reverse("articles:detail", args=[article.slug])),
            ("side by side", reverse("articles:bilingual", args=[article.slug])),
            ("RSS, site", reverse("articles:feed")),
            ("Atom, category", reverse("articles:category-feed-atom", args=[biggest.slug])),
        ]
    with translation.override("zh-hant"):
        pages.append(("article, converted to Traditional", reverse("articles:detail", args=[article.slug])))
    with translation.override("en"):
        pages.append(("category, first page, English", reverse("articles:category", args=[biggest.slug])))
    return pages


def sitemap_files():
    """[(what, path)]: the index, the pages sitemap, the first and the last article sitemaps."""
    from articles import sitemaps

    blocks = sitemaps.article_blocks()
    files = [("sitemap index", "/sitemap.xml"), ("sitemap of pages", "/sitemap-pages.xml")]
    if blocks:
        files.append(("sitemap of articles, first", f"/sitemap-articles.xml?p={blocks[0][0]}"))
        files.append(("sitemap of articles, last", f"/sitemap-articles.xml?p={blocks[-1][0]}"))
    return files


def admin_queries():
    """[(what, query)] of the article list: plain, search, every filter, the date drill-down, show counts."""
    from articles.models import Article, Category

    newest = Article.objects.order_by("-published_at").values_list("published_at", flat=True).first()
    category = Category.objects.order_by("pk").values_list("pk", flat=True).first()
    queries = [
        ("article list", {}),
        ("search, Chinese title", {"q": "疫苗"}),
        ("search, English title", {"q": "vaccine"}),
        ("search, no match", {"q": "zzqqxx"}),
        ("filter status", {"status__exact": "draft"}),
        ("filter category", {"category__id__exact": category}),
        ("filter published date, since 2000", {"published_at__gte": "2000-01-01 00:00:00+08:00"}),
        ("date drill-down, year", {"published_at__year": newest.year}),
        ("date drill-down, month", {"published_at__year": newest.year, "published_at__month": newest.month}),
        # The tenth page of 100 is the deepest the list offers; a small archive has fewer.
        ("list, deepest page offered", {"p": min(9, max(0, (Article.objects.count() - 1) // 100))}),
        ("show counts", {"_facets": "True"}),
        ("show counts, category filter", {"_facets": "True", "category__id__exact": category}),
        ("show counts, status filter", {"_facets": "True", "status__exact": "draft"}),
        ("show counts, search", {"_facets": "True", "q": "疫苗"}),
    ]
    for state in ("complete", "no-english", "no-chinese", "misaligned", "stale"):
        queries.append((f"filter translation {state}", {"translation": state}))
    return queries


def admin_view():
    """A function answering the article list for a query, as an editor who is never saved sees it."""
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.test import RequestFactory
    from django.utils import translation

    from articles.models import Article

    model_admin = admin.site._registry[Article]
    editor = get_user_model()(username="scale-bench", is_staff=True, is_superuser=True, is_active=True)
    factory = RequestFactory()

    def view(query):
        request = factory.get("/admin/articles/article/", query)
        request.user = editor
        request.session = {}
        request._messages = FallbackStorage(request)
        with translation.override("zh-hans"):
            response = model_admin.changelist_view(request)
            response.render()
        assert response.status_code == 200, (query, response.status_code)
        return response

    return view


def measure_pages(client_factory, runs):
    client = client_factory()
    client.cookies[AFRESH_COOKIE[0]] = AFRESH_COOKIE[1]
    rows = []
    for what, path in reader_pages():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert "no-store" in response["Cache-Control"], (path, "served from the page cache")
        rows.append(row(f"page: {what}", *timed(lambda p=path: client.get(p), runs), PAGE_MS))
    for what, path in sitemap_files():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        rows.append(row(what, *timed(lambda p=path: client.get(p), runs), SITEMAP_MS))
    return rows


def measure_admin(runs):
    view = admin_view()
    return [row(f"admin: {what}", *timed(lambda q=query: view(q), runs), ADMIN_MS) for what, query in admin_queries()]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def memory_of(pid):
    """(VmRSS, VmHWM) of a process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _sep, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def workers_of(pid):
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in children.read_text().split()] if children.exists() else []


def fetch(url, afresh):
    request = urllib.request.Request(url)
    if afresh:
        request.add_header("Cookie", "=".join(AFRESH_COOKIE))
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def measure_gunicorn(paths, database_url, timings=3):
    """Start gunicorn (gunicorn.conf.py, one worker), request each path fresh and cached; the worker's memory.

    Returns rows: the slowest page through gunicorn, and the worker's resident memory after every path
    (RSS) and at its highest (HWM).
    """
    port = free_port()
    cache = tempfile.mkdtemp(prefix="scale-site-cache-")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "HTTPS": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "CACHE_URL": f"file://{cache}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_ACCESS_LOG": "/dev/null",
        "GUNICORN_TIMEOUT": "120",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "newsroom.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if fetch(f"{base}/healthz", afresh=False) == 200:
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("gunicorn did not start: " + server.stderr.read().decode()[-2000:]) from None
                time.sleep(0.2)
        worker = workers_of(server.pid)[0]
        slowest = ("", 0.0, 0.0)
        for path in paths:
            for afresh in (True, False):
                assert fetch(base + path, afresh) == 200, path
            samples = []
            for _ in range(timings):
                start = time.perf_counter()
                fetch(base + path, afresh=True)
                samples.append((time.perf_counter() - start) * 1000)
            p50, p95 = percentiles(samples)
            if p95 > slowest[2]:
                slowest = (path, p50, p95)
        rss, hwm = memory_of(worker)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(cache, ignore_errors=True)
    return [
        row(f"gunicorn: slowest page afresh ({slowest[0]})", slowest[1], slowest[2], SITEMAP_MS),
        row("gunicorn worker memory: RSS after every page, HWM", rss, hwm, WORKER_MB, "MB"),
    ]


def database_url():
    """The DATABASE_URL of the database Django is using, for a server to use the same one."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings["USER"] or "postgres"
    return f"postgres://{user}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"


def measure_site(client_factory, runs, gunicorn=True):
    """Every row of issue 15's items 3-5 on the database Django is set up with."""
    rows = measure_pages(client_factory, runs)
    rows += measure_admin(runs)
    if gunicorn:
        paths = [path for _what, path in reader_pages() + sitemap_files()]
        paths.append("/admin/login/")
        rows += measure_gunicorn(paths, database_url())
    return rows


def print_row(item):
    met = "met" if item["p95"] < item["target"] else "NOT met"
    target = "<" + str(item["target"])
    print(f"{item['what']:<58} {item['p50']:>9.1f} {item['p95']:>9.1f} {target:>6} {item['unit']} {met}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--no-gunicorn", action="store_true")
    arguments = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ["DEBUG"] = "0"
    os.environ["HTTPS"] = "0"
    os.environ.setdefault("CACHE_URL", "locmem://")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
    import django

    django.setup()
    from django.test import Client

    from articles.models import Article

    print(f"{Article.objects.count()} articles on {database_url()}")
    print(f"{'what':<58} {'p50':>9} {'p95':>9} {'target':>8}", flush=True)
    REPORT.append(print_row)
    measure_site(Client, arguments.runs, gunicorn=not arguments.no_gunicorn)


if __name__ == "__main__":
    main()
