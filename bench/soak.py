"""A mixed soak: readers, commenters and two editors at once, for a fixed time, against production-like gunicorn.

Starts gunicorn with 3 workers (DEBUG off, HTTPS off, comment minimum fill
time 0 and rate limit lifted, so the soak measures loss and not the limits)
on a database of its own prepared with the archive (tests/servers.py), and
for --seconds runs at once:

- readers: threads fetching home, category, article, side-by-side, search,
  archive and feed pages in zh-hans, zh-hant and en, and the sitemap;
- commenters: threads that read an article, take a form stamp as the page's
  script does, and post a comment with a browser's Origin and Fetch metadata
  (and an X-Forwarded-For of their own, which the site may or may not trust);
- two editors logged in to the admin, saving the same article at the same
  moment (both open it, then both save) and each their own article, by
  turns. Every save appends a unique marker to the English summary of the
  version the editor opened.

Afterwards it reads the database. A comment is lost if it was accepted (302)
and is not stored. A save is lost if it was accepted (302) and its marker is
missing from the article's final summary (a later save overwrote it without
having seen it: since each save appends to what its editor opened, a save
made from the current version keeps every earlier marker) or no version in
History (django-reversion) ends with it. A save refused because a colleague
saved first must say so on the page.

Prints one table with the targets beside it and exits 1 if one is missed;
5xx answers and failed requests are listed with gunicorn's log, which holds
the site's tracebacks.

Run: .venv/bin/python bench/soak.py [--seconds 120] [--engine sqlite|postgresql] [--database-url URL]
"""

import argparse
import collections
import http.cookiejar
import json
import math
import os
import random
import re
import secrets
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

from tests.admin_forms import form_values  # noqa: E402
from tests.servers import EDITOR, free_port, manage, prepare_site, start_gunicorn, stop, wait_for  # noqa: E402

LANGUAGES = ["zh-hans", "zh-hant", "en"]
WORKERS = 3
PASSWORD = "a-long-soak-editor-password"
TIMEOUT = 60
SEARCHES = ["疫苗", "合作", "關心", "科技", "vaccine", "science", "mining"]
SHARED_ARTICLE = "china-science-global-covid-fight"
OWN_ARTICLES = ["china-acts-on-covid-cooperation", "guangdong-open-letter-covid-science"]
READER_PAGES = ["home", "category", "article", "side by side", "search", "archive", "feed", "sitemap"]
# What each kind of request may answer without it being a fault (5xx and no answer are always faults).
EXPECTED = collections.defaultdict(
    lambda: {200},
    {"comment post": {302, 200}, "admin save": {302, 200}, "admin login": {200, 302}},
)
MARKER = re.compile(r"\[soak-[0-9a-f]+-e\d+-\d+\]")
STALE_MESSAGE = re.compile(r"saved this article at .*?, after you opened it", re.S)

SITE_INFO = """
import json
from django.utils.timezone import localtime
from articles.models import Article, Category
articles = Article.objects.published()
print(json.dumps({
    "articles": [
        {"pk": a.pk, "slug": a.slug, "full": a.is_full_text, "comments": a.comments_open,
         "year": localtime(a.published_at).year, "month": localtime(a.published_at).month}
        for a in articles
    ],
    "categories": list(Category.objects.values_list("slug", flat=True)),
}))
"""

FINAL_STATE = """
import json
from articles.models import Article
from comments.models import Comment
from reversion.models import Version
tag, pks = {tag!r}, {pks!r}
articles = {{}}
for article in Article.objects.filter(pk__in=pks):
    versions = Version.objects.get_for_object(article).order_by("pk")
    articles[article.pk] = {{
        "summary": article.summary_en,
        "versions": [[v.pk, v.field_dict.get("summary_en") or ""] for v in versions],
    }}
comments = list(Comment.objects.filter(message__contains=tag).values_list("message", flat=True))
print(json.dumps({{"articles": articles, "comments": comments}}))
"""


class Log:
    """Every request's kind, status and time, and the first faults in full."""

    def __init__(self):
        self.lock = threading.Lock()
        self.times = collections.defaultdict(list)
        self.statuses = collections.defaultdict(collections.Counter)
        self.faults = []

    def record(self, kind, method, path, status, seconds, body):
        with self.lock:
            self.times[kind].append(seconds)
            self.statuses[kind][status] += 1
            if status not in EXPECTED[kind] and len(self.faults) < 30:
                self.faults.append((time.strftime("%H:%M:%S"), kind, method, path, status, body[:300]))

    def count(self, test):
        return sum(n for counter in self.statuses.values() for status, n in counter.items() if test(status))


class Browser:
    """One reader or editor: its own cookies, no redirects followed, every request logged."""

    def __init__(self, base, log, **headers):
        class Keep(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        jar = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.opener = urllib.request.build_opener(jar, Keep)
        self.base, self.log, self.headers = base, log, headers

    def request(self, kind, path, data=None, headers=None):
        body = None if data is None else urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.base + path, body, {**self.headers, **(headers or {})})
        start = time.perf_counter()
        location = None
        try:
            with self.opener.open(request, timeout=TIMEOUT) as response:
                status, content = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, content, location = error.code, error.read(), error.headers.get("Location")
        except OSError as error:
            status, content = None, repr(error).encode()
        self.log.record(kind, request.get_method(), path, status, time.perf_counter() - start, content)
        return status, content.decode(errors="replace"), location

    def get(self, kind, path):
        return self.request(kind, path)

    def post(self, kind, path, data, **headers):
        # As a browser posting a form of this site's own page.
        browser = {"Origin": self.base, "Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "navigate"}
        return self.request(kind, path, data, {**browser, "Referer": self.base + path, **headers})


def reader_pages(site):
    """{page type: [paths]} over every published article, category and month, in the three languages."""
    articles = site["articles"]
    months = sorted({(a["year"], a["month"]) for a in articles})
    pages = collections.defaultdict(list)
    for lang in LANGUAGES:
        pages["home"].append(f"/{lang}/")
        pages["category"] += [f"/{lang}/category/{slug}/" for slug in site["categories"]]
        pages["article"] += [f"/{lang}/articles/{a['slug']}/" for a in articles]
        pages["side by side"] += [f"/{lang}/articles/{a['slug']}/bilingual/" for a in articles if a["full"]]
        pages["search"] += [f"/{lang}/search/?{urllib.parse.urlencode({'q': q})}" for q in SEARCHES]
        pages["archive"].append(f"/{lang}/archive/")
        pages["archive"] += [f"/{lang}/archive/{year}/" for year in sorted({y for y, _m in months})]
        pages["archive"] += [f"/{lang}/archive/{year}/{month}/" for year, month in months]
        pages["feed"] += [f"/{lang}/feed/", f"/{lang}/feed/atom/"]
        pages["feed"] += [f"/{lang}/category/{slug}/feed/" for slug in site["categories"]]
        pages["feed"] += [f"/{lang}/category/{slug}/feed/atom/" for slug in site["categories"]]
    pages["sitemap"].append("/sitemap.xml")
    return pages


def reader(base, log, pages, number, deadline):
    browser = Browser(base, log)
    choose = random.Random(number)
    while time.monotonic() < deadline:
        kind = choose.choice(READER_PAGES)
        browser.get(kind, choose.choice(pages[kind]))


def commenter(base, log, site, number, deadline, tag, sent, accepted, refused):
    # A distinct address, should the site trust a proxy's X-Forwarded-For (it is not relied on).
    browser = Browser(base, log, **{"X-Forwarded-For": f"198.51.100.{number + 1}"})
    choose = random.Random(1000 + number)
    commentable = [a for a in site["articles"] if a["comments"]]
    index = 0
    while time.monotonic() < deadline:
        path = f"/{choose.choice(LANGUAGES)}/articles/{choose.choice(commentable)['slug']}/"
        browser.get("article", path)
        # As the page's script does when the reader starts writing.
        status, body, _location = browser.get("comment stamp", "/comment-stamp")
        if status != 200:
            continue
        message = f"{tag} c{number}-{index}：第 {index} 条留言，来自读者 {number}。Comment {index} from {number}."
        fields = {
            "issued": json.loads(body)["stamp"],
            "name": f"读者{number}",
            "email": f"reader{number}@example.com",
            "message": message,
            "website": "",
        }
        sent.append(message)
        status, body, location = browser.post("comment post", path + "comments/", fields)
        if status == 302:
            accepted.append(message)
            browser.get("article", urllib.parse.urlsplit(location).path)  # post, redirect, get
        elif status is not None and status < 500:
            refused.append((status, message, error_text(body)))
        index += 1


def log_in(base, log):
    editor = Browser(base, log, **{"Accept-Language": "en"})
    _status, page, _location = editor.get("admin login", "/admin/login/")
    fields = form_values(page, "login-form")
    fields.update(username=EDITOR, password=PASSWORD, next="/admin/")
    status, _page, _location = editor.post("admin login", "/admin/login/?next=/admin/", fields)
    if status != 302:
        raise RuntimeError(f"the editor could not log in ({status})")
    return editor


def editor(base, log, number, targets, deadline, barrier, tag, saves):
    """Rounds by turns: both editors save the shared article at once, then each saves its own."""
    browser = log_in(base, log)
    try:
        for round_number in range(10**9):
            if time.monotonic() >= deadline:
                break
            shared = round_number % 2 == 0
            pk = targets["shared"] if shared else targets["own"][number]
            change = f"/admin/articles/article/{pk}/change/"
            if shared:
                barrier.wait(timeout=TIMEOUT)
            status, page, _location = browser.get("admin form", change)
            if status != 200:
                continue
            fields = form_values(page, "article_form")
            marker = f"[{tag}-e{number}-{round_number}]"
            fields["summary_en"] = f"{fields.get('summary_en', '').rstrip()} {marker}"
            if shared:
                barrier.wait(timeout=TIMEOUT)  # both opened the same version; now both save
            status, page, _location = browser.post("admin save", change, fields)
            if status == 302:
                outcome = "accepted"
            elif status == 200 and STALE_MESSAGE.search(page):
                outcome = "refused with message"
            elif status == 200:
                outcome = "refused without message: " + error_text(page)
            else:
                outcome = f"failed ({status})"
            saves.append({"pk": pk, "marker": marker, "loaded": fields.get("loaded_version"), "outcome": outcome})
    except threading.BrokenBarrierError:
        pass
    finally:
        barrier.abort()  # the other editor stops at its next shared round


def error_text(page):
    notes = re.findall(r'<(?:p|ul) class="(?:errornote|errorlist[^"]*)"[^>]*>(.*?)</(?:p|ul)>', page, re.S)
    text = " | ".join(re.sub(r"<[^>]+>", " ", note) for note in notes) or page[:200]
    return re.sub(r"\s+", " ", text).strip()[:300]


def p99(times):
    ordered = sorted(times)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)] * 1000 if ordered else float("nan")


def lost_saves(saves, state):
    """Accepted saves whose marker the final summary or History lacks, each with why."""
    lost = []
    for pk in {save["pk"] for save in saves}:
        article = state["articles"][str(pk)]
        # The save each version records is the last marker in its summary.
        recorded = {markers[-1] for _id, summary in article["versions"] if (markers := MARKER.findall(summary))}
        for save in (s for s in saves if s["pk"] == pk and s["outcome"] == "accepted"):
            missing = [
                where
                for where, present in [
                    ("the final summary", save["marker"] in article["summary"]),
                    ("History", save["marker"] in recorded),
                ]
                if not present
            ]
            if missing:
                lost.append((save, missing))
    return lost


def applied_refusals(saves, state):
    """Refused saves whose marker is in the article anyway."""
    return [
        save
        for save in saves
        if save["outcome"] != "accepted" and save["marker"] in state["articles"][str(save["pk"])]["summary"]
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--readers", type=int, default=6)
    parser.add_argument("--commenters", type=int, default=3)
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-soak-"))
    if options.engine == "postgresql":
        if not options.database_url.startswith(("postgres://", "postgresql://")):
            parser.error("--engine postgresql needs a postgres:// --database-url or DATABASE_URL")
        database_url = options.database_url
    else:
        database_url = f"sqlite:///{work}/soak.sqlite3"
    started = time.perf_counter()
    env = prepare_site(
        work,
        PASSWORD,
        DATABASE_URL=database_url,
        CACHE_URL=f"file://{work}/cache",
        COMMENT_MIN_SECONDS="0",
        COMMENT_RATE_LIMIT="0",
    )
    site = json.loads(manage(env, "shell", "-c", SITE_INFO).stdout.strip().splitlines()[-1])
    by_slug = {article["slug"]: article["pk"] for article in site["articles"]}
    targets = {"shared": by_slug[SHARED_ARTICLE], "own": [by_slug[slug] for slug in OWN_ARTICLES]}
    pages = reader_pages(site)
    tag = f"soak-{secrets.token_hex(3)}"

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_log_path = work / "gunicorn.log"
    log = Log()
    sent, accepted, refused, saves = [], [], [], []
    with open(server_log_path, "w") as server_log:
        server = start_gunicorn(env, port, WORKERS, log=server_log)
        try:
            wait_for(port)
            deadline = time.monotonic() + options.seconds
            barrier = threading.Barrier(2)
            threads = [
                threading.Thread(target=reader, args=(base, log, pages, n, deadline)) for n in range(options.readers)
            ]
            threads += [
                threading.Thread(target=commenter, args=(base, log, site, n, deadline, tag, sent, accepted, refused))
                for n in range(options.commenters)
            ]
            threads += [
                threading.Thread(target=editor, args=(base, log, n, targets, deadline, barrier, tag, saves))
                for n in range(2)
            ]
            soak_start = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=options.seconds + 5 * TIMEOUT)
            soaked = time.perf_counter() - soak_start
        finally:
            stop(server)
    pks = sorted({targets["shared"], *targets["own"]})
    state = json.loads(manage(env, "shell", "-c", FINAL_STATE.format(tag=tag, pks=pks)).stdout.strip().splitlines()[-1])

    stored = collections.Counter(state["comments"])
    comments_lost = [message for message in accepted if message not in stored]
    saves_by = collections.Counter(
        "accepted" if s["outcome"] == "accepted" else "refused" if s["outcome"].startswith("refused") else "failed"
        for s in saves
    )
    refused_saves = [s for s in saves if s["outcome"].startswith("refused")]
    with_message = sum(1 for s in refused_saves if s["outcome"] == "refused with message")
    lost = lost_saves(saves, state)
    applied = applied_refusals(saves, state)
    server_errors = log.count(lambda status: status is not None and status >= 500)
    no_answer = log.count(lambda status: status is None)
    unexpected = sum(
        n
        for kind, counter in log.statuses.items()
        for status, n in counter.items()
        if status is not None and status < 500 and status not in EXPECTED[kind]
    )
    requests = sum(len(times) for times in log.times.values())

    engine = "PostgreSQL" if options.engine == "postgresql" else "SQLite"
    print(
        f"soak: {soaked:.0f} s on {engine}, gunicorn {WORKERS} workers, {options.readers} readers, "
        f"{options.commenters} commenters, 2 editors ({requests / soaked:.0f} req/s)"
    )
    rows = [
        ("requests", requests, None),
        ("server errors (5xx)", server_errors, server_errors == 0),
        ("requests with no answer", no_answer, no_answer == 0),
        ("other unexpected answers", unexpected, unexpected == 0),
        ("comments sent", len(sent), None),
        ("comments accepted", len(accepted), None),
        ("comments refused", len(refused), None),
        ("comments stored", sum(stored.values()), None),
        ("comments lost", len(comments_lost), not comments_lost),
        ("saves accepted", saves_by["accepted"], None),
        ("saves refused", saves_by["refused"], None),
        ("saves failed", saves_by["failed"], saves_by["failed"] == 0),
        ("refused saves with the message", f"{with_message} of {len(refused_saves)}", not refused_saves[with_message:]),
        ("refused saves applied anyway", len(applied), not applied),
        ("saves lost", len(lost), not lost),
    ]
    targets_text = {
        "server errors (5xx)": "0",
        "requests with no answer": "0",
        "other unexpected answers": "0",
        "comments lost": "0",
        "saves failed": "0",
        "refused saves with the message": "all",
        "refused saves applied anyway": "0",
        "saves lost": "0",
    }
    for kind in [*READER_PAGES, "comment post", "admin save"]:
        rows.append((f"p99 {kind} (n={len(log.times[kind])})", f"{p99(log.times[kind]):.0f} ms", None))
    print(f"{'':34} {'measured':>12}  {'target':>6}")
    for label, value, met in rows:
        verdict = "" if met is None else "met" if met else "MISSED"
        print(f"{label:34} {value!s:>12}  {targets_text.get(label, '—'):>6}  {verdict}")

    missed = [label for label, _value, met in rows if met is False]
    if log.faults:
        print("\nfirst failed requests (time, kind, method, path, status, start of the answer):")
        for fault in log.faults:
            print("  ", *fault[:5], repr(fault[5][:200]))
    for status, message, why in refused[:10]:
        print(f"comment refused ({status}): {message[:40]}… — {why}")
    for message in comments_lost[:10]:
        print(f"comment lost: {message}")
    for save in [s for s in saves if not s["outcome"].startswith(("accepted", "refused with message"))][:10]:
        print(f"save {save['marker']} of article {save['pk']}: {save['outcome']}")
    for save, missing in lost[:10]:
        rivals = [
            s["marker"]
            for s in saves
            if s["pk"] == save["pk"] and s["loaded"] == save["loaded"] and s is not save and s["outcome"] == "accepted"
        ]
        print(
            f"save lost: {save['marker']} of article {save['pk']}, opened at version {save['loaded']}, "
            f"accepted (302), missing from {' and '.join(missing)}"
            + ("" if "History" in missing else " (its version is in History, its change is not in the article)")
            + (f"; also accepted from that same version: {', '.join(rivals)}" if rivals else "")
        )
    for save in applied[:10]:
        print(f"refused save applied anyway: {save['marker']} of article {save['pk']} ({save['outcome']})")
    if log.faults or server_errors or no_answer:
        text = server_log_path.read_text(errors="replace").splitlines()
        print(f"\ngunicorn's log ({server_log_path}, last 150 of {len(text)} lines):")
        print("\n".join(text[-150:]))
    print(f"\ngunicorn's log: {server_log_path}; total run {time.perf_counter() - started:.0f} s")
    if missed:
        print("targets missed: " + ", ".join(missed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
