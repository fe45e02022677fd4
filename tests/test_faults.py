"""Faults, injected: the database, the cache, the media storage or a worker failing under a request.

Each test breaks one thing the site depends on and checks what a reader or
an editor notices: a clear message, their text kept, nothing half-saved, no
500. (The mail server down is tested in test_comments.py.)
"""

import json
import logging
import os
import runpy
import signal
import socket
import sqlite3
import time
import urllib.error
import urllib.parse
import urllib.request
from io import BytesIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import InterfaceError, OperationalError, connection
from django.test import Client, override_settings
from PIL import Image
from reversion.models import Version

from articles.models import Figure
from comments.forms import issue_stamp
from comments.models import Comment

from .admin_forms import form_values
from .factories import make_article, make_category, make_section
from .pages import page_text
from .servers import free_port, prepare_site, start_gunicorn, stop, wait_for

pytestmark = pytest.mark.django_db

NOT_SAVED = {
    "zh-hans": "网站暂时无法保存您的留言。您写的内容仍在这里：请稍后再发送一次。",
    "zh-hant": "網站暫時無法保存您的留言。您寫的內容仍在這裡：請稍後再發送一次。",
    "en": "The site could not save your comment just now. Your text is still here: please send it again in a moment.",
}
SETTINGS_FILE = Path(__file__).resolve().parent.parent / "newsroom" / "settings.py"
COMMENT_INSERT = 'INSERT INTO "articles_comment"'
COMMENT_READ = 'FROM "articles_comment"'
MESSAGE = "很好的文章。\nThanks for the figures!"


@pytest.fixture(autouse=True)
def no_wait(settings):
    settings.COMMENT_MIN_SECONDS = 0


@pytest.fixture
def article(db):
    return make_article(slug="commented", title_en="A story to discuss")


def comment_url(lang="en"):
    return f"/{lang}/articles/commented/comments/"


def comment_data(**overrides):
    data = {"name": "李雷", "email": "lilei@example.com", "message": MESSAGE, "website": "", "issued": issue_stamp()}
    data.update(overrides)
    return data


def failing(error, *, statement=""):
    """A database wrapper (connection.execute_wrapper) that fails every statement containing `statement`."""

    def wrapper(execute, sql, params, many, context):
        if statement in sql:
            raise error
        return execute(sql, params, many, context)

    return wrapper


def comments_state():
    """Every row of the comments app's tables (comments, and whatever counts senders), to compare before and after."""
    return {model.__name__: list(model.objects.values()) for model in apps.get_app_config("comments").get_models()}


def comment_form(html):
    return form_values(html.replace('class="comment-form"', 'id="comment-form" class="comment-form"'), "comment-form")


def assert_asked_to_send_again(response, lang="en"):
    html = response.content.decode()
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert NOT_SAVED[lang] in page_text(html)
    kept = comment_form(html)
    assert kept["name"] == "李雷"
    assert kept["email"] == "lilei@example.com"
    assert kept["message"].replace("\r\n", "\n") == MESSAGE
    return kept


# 1. The database locked or gone while a comment is saved.


@pytest.mark.parametrize(
    "error",
    [OperationalError("database is locked"), InterfaceError("connection already closed")],
    ids=["locked", "connection closed"],
)
def test_a_comment_the_database_refuses_comes_back_with_its_text_and_nothing_is_saved(client, article, error, caplog):
    before = comments_state()
    with connection.execute_wrapper(failing(error, statement=COMMENT_INSERT)):
        response = client.post(comment_url(), comment_data())
    kept = assert_asked_to_send_again(response)
    assert comments_state() == before
    assert any(record.levelno == logging.WARNING and "comment" in record.getMessage() for record in caplog.records)

    # The kept form, sent again once the database is back, is accepted.
    again = client.post(comment_url(), kept)
    assert again.status_code == 302
    assert Comment.objects.get().message.replace("\r\n", "\n") == MESSAGE


@pytest.mark.parametrize("lang", ["zh-hans", "zh-hant", "en"])
def test_the_try_again_message_is_in_the_readers_language(client, article, lang):
    with connection.execute_wrapper(failing(OperationalError("database is locked"), statement=COMMENT_INSERT)):
        response = client.post(comment_url(lang), comment_data())
    assert_asked_to_send_again(response, lang)


def test_a_comment_whose_save_fails_leaves_no_row(client, article, monkeypatch):
    def locked(self, *args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(Comment, "save", locked)
    response = client.post(comment_url(), comment_data())
    assert_asked_to_send_again(response)
    assert not Comment.objects.exists()


def test_a_database_gone_for_the_whole_request_still_gives_the_reader_their_text(client, article):
    with connection.execute_wrapper(failing(InterfaceError("connection already closed"))):
        response = client.post(comment_url(), comment_data())
    assert_asked_to_send_again(response)
    assert not Comment.objects.exists()


def test_a_database_gone_while_the_form_is_checked_keeps_the_text(client, article):
    # The duplicate check reads the comments table before anything is written.
    with connection.execute_wrapper(failing(OperationalError("database is locked"), statement=COMMENT_READ)):
        response = client.post(comment_url(), comment_data())
    assert_asked_to_send_again(response)
    assert not Comment.objects.exists()


class WriteLock:
    """Another connection holding the write lock the comment needs, as a long transaction elsewhere would."""

    def __init__(self):
        self.vendor = connection.vendor

    def __enter__(self):
        if self.vendor == "sqlite":
            self.other = sqlite3.connect(connection.settings_dict["NAME"], uri=True, isolation_level=None)
            self.other.execute("BEGIN IMMEDIATE")
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA busy_timeout = 200")
        else:
            import psycopg

            settings = connection.settings_dict
            self.other = psycopg.connect(
                dbname=settings["NAME"],
                user=settings["USER"],
                host=settings["HOST"],
                port=settings["PORT"],
                password=settings["PASSWORD"],
                autocommit=True,
            )
            self.other.execute("BEGIN")
            self.other.execute("LOCK TABLE articles_comment IN EXCLUSIVE MODE")
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '200ms'")
        return self

    def __exit__(self, *exc):
        self.other.execute("ROLLBACK")
        self.other.close()
        with connection.cursor() as cursor:
            if self.vendor == "sqlite":
                cursor.execute("PRAGMA busy_timeout = 20000")
            else:
                cursor.execute("RESET lock_timeout")


@pytest.mark.django_db(transaction=True)
def test_a_comment_blocked_by_a_real_lock_comes_back_with_its_text():
    make_article(slug="commented")
    client = Client()
    before = comments_state()
    with WriteLock():
        started = time.monotonic()
        response = client.post(comment_url(), comment_data())
        waited = time.monotonic() - started
    assert_asked_to_send_again(response)
    assert waited < 5
    assert comments_state() == before
    assert client.post(comment_url(), comment_form(response.content.decode())).status_code == 302
    assert Comment.objects.count() == 1


# 2. The cache server down.


def caches_for(url, monkeypatch):
    """CACHES as newsroom/settings.py builds them for this CACHE_URL."""
    monkeypatch.setenv("CACHE_URL", url)
    return runpy.run_path(str(SETTINGS_FILE))["CACHES"]


@pytest.fixture
def redis_down(monkeypatch):
    # A port that was free a moment ago: nothing listens there.
    with override_settings(CACHES=caches_for(f"redis://127.0.0.1:{free_port()}/0", monkeypatch)):
        yield


@pytest.fixture
def cache_folder_unwritable(monkeypatch, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    with override_settings(CACHES=caches_for(f"file://{tmp_path / 'a-file' / 'cache'}", monkeypatch)):
        yield


@pytest.fixture
def site(db):
    article = make_article(slug="commented", title_en="A story to discuss")
    make_section(article, body_en="First paragraph.\n\nSecond paragraph.")
    return article


def reader_pages(article):
    year = article.published_at.year
    return [
        "/en/",
        "/zh-hant/",
        f"/en/articles/{article.slug}/",
        f"/zh-hant/articles/{article.slug}/bilingual/",
        "/en/category/news/",
        "/en/archive/",
        f"/en/archive/{year}/",
        "/en/search/?q=story",
        "/en/feed/",
        "/sitemap.xml",
    ]


@pytest.mark.parametrize("fault", ["redis_down", "cache_folder_unwritable"])
def test_reader_pages_are_served_uncached_when_the_cache_fails(site, fault, request, caplog):
    request.getfixturevalue(fault)
    client = Client()
    for url in reader_pages(site):
        for _ in range(2):  # a miss, then what would have been a hit
            response = client.get(url)
            assert response.status_code == 200, url
    assert any(record.levelno == logging.WARNING and "cache" in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize("fault", ["redis_down", "cache_folder_unwritable"])
def test_a_comment_is_accepted_when_the_cache_fails(site, fault, request):
    request.getfixturevalue(fault)
    response = Client().post(comment_url(), comment_data())
    assert response.status_code == 302
    assert Comment.objects.count() == 1


def test_a_cache_server_that_is_down_costs_a_reader_page_little(site, redis_down):
    client = Client()
    client.get(f"/en/articles/{site.slug}/")
    started = time.monotonic()
    for _ in range(10):
        assert client.get(f"/en/articles/{site.slug}/").status_code == 200
    assert time.monotonic() - started < 2


# 3. The media storage not writable during an upload in the admin.


def png(width=640, height=480):
    buffer = BytesIO()
    Image.new("RGB", (width, height), "teal").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def editor(db):
    client = Client(headers={"accept-language": "en"})
    client.force_login(User.objects.create_superuser("wang", "wang@example.com", "pw-long-enough-123"))
    return client


@pytest.fixture
def illustrated(db):
    article = make_article(slug="illustrated", title_en="A story with a picture", category=make_category())
    make_section(article)
    return article


def with_new_figure(values, article):
    section = article.sections.get()
    values = dict(values)
    values.update(
        {
            "title_en": "A title typed before the upload",
            "sections-0-body_en": "A paragraph typed before the upload.",
            "sections-0-figures-TOTAL_FORMS": "1",
            "sections-0-figures-0-position": "1",
            "sections-0-figures-0-label_en": "Figure 1",
            "sections-0-figures-0-caption_zh_hans": "实验室里的稀释制冷机",
            "sections-0-figures-0-caption_en": "A dilution refrigerator in the lab",
            "sections-0-figures-0-id": "",
            "sections-0-figures-0-section": str(section.pk),
            "sections-0-figures-0-image": SimpleUploadedFile("fridge.png", png(), content_type="image/png"),
        }
    )
    return values


def storage_refusing(error):
    def refuse(self, name, content):
        raise error

    return refuse


@pytest.mark.parametrize(
    "error",
    [PermissionError(13, "Permission denied"), OSError(28, "No space left on device")],
    ids=["read-only", "disk full"],
)
def test_an_upload_the_storage_refuses_keeps_the_editors_form_and_saves_nothing(
    editor, illustrated, monkeypatch, settings, error
):
    change = f"/admin/articles/article/{illustrated.pk}/change/"
    values = with_new_figure(form_values(editor.get(change).content.decode(), "article_form"), illustrated)
    versions = Version.objects.count()

    with monkeypatch.context() as patched:
        patched.setattr(FileSystemStorage, "_save", storage_refusing(error))
        response = editor.post(change, values)

    html = response.content.decode()
    assert response.status_code == 200
    assert "The image could not be stored" in page_text(html)
    kept = form_values(html, "article_form")
    assert kept["title_en"] == "A title typed before the upload"
    assert kept["sections-0-body_en"].replace("\r\n", "\n") == "A paragraph typed before the upload."
    assert kept["sections-0-figures-0-caption_en"] == "A dilution refrigerator in the lab"
    assert kept["sections-0-figures-0-caption_zh_hans"] == "实验室里的稀释制冷机"
    illustrated.refresh_from_db()
    assert illustrated.title_en == "A story with a picture"
    assert "typed before" not in illustrated.sections.get().body_en
    assert not Figure.objects.exists()
    assert Version.objects.count() == versions
    assert not (settings.MEDIA_ROOT.exists() and any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*")))

    # Once the storage is back, the kept form with the image chosen again is saved.
    kept["sections-0-figures-0-image"] = SimpleUploadedFile("fridge.png", png(), content_type="image/png")
    assert editor.post(change, kept).status_code == 302
    assert Figure.objects.get().image.name.endswith(".png")
    illustrated.refresh_from_db()
    assert illustrated.title_en == "A title typed before the upload"


def test_the_storage_message_is_in_the_editors_language(illustrated, monkeypatch, db):
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(User.objects.create_superuser("li", "li@example.com", "pw-long-enough-123"))
    change = f"/admin/articles/article/{illustrated.pk}/change/"
    values = with_new_figure(form_values(client.get(change).content.decode(), "article_form"), illustrated)
    monkeypatch.setattr(FileSystemStorage, "_save", storage_refusing(PermissionError(13, "Permission denied")))
    response = client.post(change, values)
    assert response.status_code == 200
    assert "图片暂时无法保存" in page_text(response.content.decode())


# 4. A production server: the cache server down, and a worker killed mid-request.

ARTICLE = "/en/articles/china-science-global-covid-fight/"


@pytest.fixture(scope="module")
def production_site(tmp_path_factory):
    # No rate limit: on PostgreSQL the site's database (and its senders' quota) outlives a run.
    return prepare_site(tmp_path_factory.mktemp("faults"), "a-long-faults-password", COMMENT_RATE_LIMIT="0")


@pytest.fixture
def server(production_site):
    """start(**env) → (port, gunicorn process) on the prepared site, one worker; stopped after the test."""
    started = []

    def start(**env):
        port = free_port()
        process = start_gunicorn({**production_site, **env}, port, workers=1)
        started.append(process)
        wait_for(port)
        return port, process

    yield start
    stop(*started)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url, data=None):
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, data, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def comment_body(base, message):
    stamp = json.loads(fetch(base + "/comment-stamp")[1])["stamp"]
    fields = {"name": "读者", "email": "reader@example.com", "message": message, "website": "", "issued": stamp}
    return urllib.parse.urlencode(fields).encode()


def site_database(env):
    """A connection of the test's own to the production-like site's database, in autocommit."""
    url = env["DATABASE_URL"]
    if url.startswith("sqlite:"):
        return sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None, timeout=5)
    import psycopg

    return psycopg.connect(url, autocommit=True)


def comments_stored(env, message):
    database = site_database(env)
    placeholder = "?" if isinstance(database, sqlite3.Connection) else "%s"
    try:
        query = f"SELECT count(*) FROM articles_comment WHERE message = {placeholder}"
        return database.execute(query, [message]).fetchone()[0]
    finally:
        database.close()


def workers_of(arbiter):
    children = []
    for stat in os.listdir("/proc"):
        if stat.isdigit():
            try:
                with open(f"/proc/{stat}/stat") as file:
                    fields = file.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == arbiter:
                children.append(int(stat))
    return children


def test_readers_and_comments_are_served_by_a_production_server_with_the_cache_server_down(server, production_site):
    port, _process = server(CACHE_URL=f"redis://127.0.0.1:{free_port()}/0")
    base = f"http://127.0.0.1:{port}"
    for path in ["/en/", ARTICLE, "/zh-hant/archive/", "/en/archive/2020/", "/sitemap.xml"]:
        for _ in range(2):
            status, _body = fetch(base + path)
            assert status == 200, path
    status, _body = fetch(base + ARTICLE + "comments/", comment_body(base, "缓存服务器停了也能留言。"))
    assert status == 302
    assert comments_stored(production_site, "缓存服务器停了也能留言。") == 1


def test_a_worker_killed_while_saving_a_comment_is_replaced_and_nothing_is_half_saved(server, production_site):
    port, process = server()
    base = f"http://127.0.0.1:{port}"
    [worker] = workers_of(process.pid)
    message = "写到一半，进程被杀。"
    body = comment_body(base, message)
    database = site_database(production_site)
    sqlite = isinstance(database, sqlite3.Connection)
    # Hold the write lock the comment needs, so the worker is caught inside its save.
    if sqlite:
        database.execute("BEGIN IMMEDIATE")
    else:
        database.execute("BEGIN")
        database.execute("LOCK TABLE articles_comment IN EXCLUSIVE MODE")
    try:
        request = socket.create_connection(("127.0.0.1", port), timeout=10)
        request.sendall(
            f"POST {ARTICLE}comments/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        waiting_for_the_lock(database, sqlite)
        os.kill(worker, signal.SIGKILL)
        try:
            assert request.recv(1024) == b""  # the connection closes with no answer
        except ConnectionResetError:
            pass
        request.close()
    finally:
        database.execute("ROLLBACK")
        database.close()

    wait_for(port)  # answered by the worker the arbiter started in its place
    assert workers_of(process.pid) not in ([], [worker])
    assert fetch(base + ARTICLE)[0] == 200
    assert comments_stored(production_site, message) == 0
    status, _body = fetch(base + ARTICLE + "comments/", comment_body(base, message))
    assert status == 302
    assert comments_stored(production_site, message) == 1


def waiting_for_the_lock(database, sqlite):
    if sqlite:
        # SQLite shows no waiters; the request reaches the save in milliseconds.
        time.sleep(1)
        return
    for _ in range(100):
        # The lock's transaction would otherwise see one snapshot of the statistics.
        database.execute("SELECT pg_stat_clear_snapshot()")
        waiting = database.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO%'"
        ).fetchone()[0]
        if waiting:
            return
        time.sleep(0.05)
    raise AssertionError("the worker never reached the comment's save")
