import os
import shutil
import time

import pytest
from django.utils import translation

# Playwright's sync API runs an event loop in the test thread; Django's ORM
# refuses to run in a thread with a loop unless told it is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite the test database is a file, as in production, not Django's shared in-memory one.

    With an in-memory database the live server's threads and the test share
    one cache, where a write that meets another thread's statement fails at
    once with "database table is locked" instead of waiting: a browser test
    that wrote while a page's heartbeat or beacon was served failed now and
    then. On a file, each thread has its own connection with the production
    settings (WAL, the busy timeout), so readers never block the writer and
    two writers wait for each other, as two gunicorn workers do.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("database") / "test.sqlite3")


@pytest.fixture(autouse=True)
def commits_as_in_production(monkeypatch):
    """Run on_commit callbacks when a transaction of the code under test commits, as in production.

    pytest-django runs each test inside a transaction it rolls back, so the
    code's commit callbacks (articles.changes sends content_changed from one)
    would never run. Here the test's own atomic blocks count as autocommit:
    a callback registered outside any other block runs at once, and one
    registered inside runs when the outermost such block commits. A
    rollback drops it, as Django does. Tests with transaction=True need none
    of this and get Django's own behaviour.
    """
    from django.db import transaction
    from django.db.backends.base.base import BaseDatabaseWrapper

    def only_test_blocks(connection):
        return all(block._from_testcase for block in connection.atomic_blocks)

    on_commit = BaseDatabaseWrapper.on_commit

    def on_commit_as_in_production(self, func, robust=False):
        if self.in_atomic_block and only_test_blocks(self):
            func()
        else:
            on_commit(self, func, robust)

    atomic_exit = transaction.Atomic.__exit__

    def exit_as_in_production(self, exc_type, exc_value, traceback):
        result = atomic_exit(self, exc_type, exc_value, traceback)
        connection = transaction.get_connection(self.using)
        if not self._from_testcase and connection.in_atomic_block and only_test_blocks(connection):
            while connection.run_on_commit:
                _savepoints, func, _robust = connection.run_on_commit.pop(0)
                func()
        return result

    monkeypatch.setattr(BaseDatabaseWrapper, "on_commit", on_commit_as_in_production)
    monkeypatch.setattr(transaction.Atomic, "__exit__", exit_as_in_production)


@pytest.fixture(autouse=True)
def default_language():
    with translation.override("zh-hans"):
        yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def empty_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def archive(db):
    """The archive's own content, loaded from fixtures/ as `load_archive` does."""
    from articles.archive import load_archive

    load_archive()


# Debian's Chromium, driven by Playwright (tests/test_browser.py, tests/test_html_validity.py).
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM}: apt-get install chromium fonts-noto-cjk")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def loaded_archive(transactional_db):
    from articles.archive import load_archive

    load_archive()


@pytest.fixture(autouse=True)
def pages_left_before_the_database_goes(request):
    """After a browser test against the live server, leave every page and close its context first.

    The admin's pages talk to the server on their own (a heartbeat every
    15 s, a beacon when the page is left: static/js/admin-desk.js). A page
    still open when the test ends would send those while the test database
    is being emptied, and find their rows gone. Asking
    for the database and the browser here makes them outlive this fixture,
    so its clean-up runs while both are still there.
    """
    if "browser" not in request.fixturenames or "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    browser = request.getfixturevalue("browser")
    yield
    for context in browser.contexts:
        for page in context.pages:
            page.on("dialog", lambda dialog: dialog.accept())
            page.goto("about:blank")
    time.sleep(0.3)  # the beacons of the pages just left reach the server
    for context in browser.contexts:
        context.close()
