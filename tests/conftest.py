import os

import pytest
from django.utils import translation

# Playwright's sync API runs an event loop in the test thread; Django's ORM
# refuses to run in a thread with a loop unless told it is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


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
