"""The site's cache, kept optional: when it fails, pages are made afresh instead of failing.

Everything the site keeps in its cache (rendered reader pages, the
archive's counts, imagekit's notes on renditions) can be made again from
the database, so a cache server that is down or a cache folder that cannot
be written must cost speed, never an error page. These backends are
Django's own with each operation guarded: a failure is logged and answered
as a cache with nothing in it would answer (a miss, nothing stored). For
DOWN_SECONDS after a failure the cache is not asked at all, so while it
is down a page does not wait on every call for a server that is not there;
then the next call tries again.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache
from django.utils.functional import cached_property

logger = logging.getLogger(__name__)

DOWN_SECONDS = 5


class OptionalCacheMixin:
    # What the backend raises when its store is unreachable or unwritable.
    failures = (OSError,)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._down_until = 0.0
        self._failing = False

    def _guarded(self, operation, fallback, *args, **kwargs):
        if self._failing and time.monotonic() < self._down_until:
            return fallback()
        try:
            result = operation(*args, **kwargs)
        except self.failures:
            self._down_until = time.monotonic() + DOWN_SECONDS
            self._failing = True
            logger.warning(
                "The cache (%s) failed; pages are made without it for %d s",
                type(self).__name__,
                DOWN_SECONDS,
                exc_info=True,
            )
            return fallback()
        if self._failing:
            self._failing = False
            logger.info("The cache (%s) works again", type(self).__name__)
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().add, lambda: False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._guarded(super().get, lambda: default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().set, lambda: None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().touch, lambda: False, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded(super().delete, lambda: False, key, version)

    def get_many(self, keys, version=None):
        return self._guarded(super().get_many, dict, keys, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # The keys that could not be stored: all of them.
        return self._guarded(super().set_many, lambda: list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._guarded(super().delete_many, lambda: None, keys, version)

    def has_key(self, key, version=None):
        return self._guarded(super().has_key, lambda: False, key, version)

    def incr(self, key, delta=1, version=None):
        def missing():
            raise ValueError(f"Key '{key}' not found.")

        return self._guarded(super().incr, missing, key, delta, version)

    def clear(self):
        return self._guarded(super().clear, lambda: None)


class OptionalRedisCache(OptionalCacheMixin, RedisCache):
    @cached_property
    def failures(self):
        import redis  # only when the site uses Redis

        return (OSError, redis.exceptions.RedisError)


class OptionalFileBasedCache(OptionalCacheMixin, FileBasedCache):
    def _createdir(self):
        # Django makes the folder when the backend is made, and again before
        # each set(). A folder that cannot be made must not stop the first;
        # the set() that then cannot write is guarded like any other failure.
        try:
            super()._createdir()
        except OSError:
            pass
