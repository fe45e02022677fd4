"""Whole pages for readers, cached under the content version.

Rendering a page (templates, script conversion, sidebar) is most of its cost,
and its text changes only when content changes. A reader's GET of a page of
the `articles` or `search` apps is served from the cache under a key made of
the content version (one small query, shared by every server process through
the database), the language and the address. Every change readers could see
raises the version (it follows `articles.changes.content_changed`), so the
next request renders afresh.

What differs per request is put back into a cached page: the reader's own
CSRF token and a new comment-form stamp, and on an article page the fresh
view count. Staff, readers with a pending flash message, and anything but GET
are never served from the cache.
"""

import hashlib
import re

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from articles.models import Article
from comments.forms import issue_stamp

from .models import content_version

PAGE_SECONDS = 600
CACHED_NAMESPACES = {"articles", "search"}
CSRF_FIELD = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
STAMP_FIELD = re.compile(r'(name="issued" value=")[^"]*(")')
CSRF_MARK, STAMP_MARK = "\x00csrf\x00", "\x00stamp\x00"
VIEWS = re.compile(r"(<!--views-->)\d+(<!--/views-->)")


def cacheable(request):
    return (
        request.method == "GET"
        and "messages" not in request.COOKIES
        and not (request.COOKIES.get("sessionid") and request.user.is_authenticated)
    )


class PageCacheMiddleware:
    """Serves the reader pages of CACHED_NAMESPACES from the page cache (see the module's docstring).

    Last in MIDDLEWARE: it calls the view itself, after every other
    middleware's process_view has run.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        match = request.resolver_match
        if match is None or match.namespace not in CACHED_NAMESPACES or not cacheable(request):
            return None
        per_request = PER_REQUEST.get(match.view_name)
        return serve_from_cache(request, view, args, kwargs, per_request)


def serve_from_cache(request, view, args, kwargs, per_request=None):
    """The page from the cache, rendered and stored on a miss.

    `per_request(request, body, **kwargs)` returns the body with what must be
    fresh on every request put in; it runs on cache hits and misses alike.
    """
    request.served_from_page_cache = True
    # Views may key their own costly parts (the archive's counts) by it.
    request.content_version = version = content_version()
    address = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    key = f"page:{version}:{get_language()}:{address}"
    cached = cache.get(key)
    if cached is None:
        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        if response.status_code != 200 or response.streaming:
            return response
        body = response.content.decode(response.charset)
        body = STAMP_FIELD.sub(lambda m: m.group(1) + STAMP_MARK + m.group(2), body)
        body = CSRF_FIELD.sub(lambda m: m.group(1) + CSRF_MARK + m.group(2), body)
        cached = (body, response["Content-Type"])
        cache.set(key, cached, PAGE_SECONDS)
    body, content_type = cached
    if CSRF_MARK in body:
        body = body.replace(CSRF_MARK, get_token(request)).replace(STAMP_MARK, issue_stamp())
    if per_request:
        body = per_request(request, body, **kwargs)
    response = HttpResponse(body, content_type=content_type)
    if "csrfmiddlewaretoken" in body:
        response["Vary"] = "Cookie"
    return response


def count_reading(request, body, slug):
    """Count this reading of an article and show the count from before it, as the page does.

    It runs only for a page rendered with 200 just now or cached at the
    current content version, so the article is one readers may see: any
    change to who may see it raises the version, and time only ever makes a
    scheduled article visible. No visibility rule is needed (or retyped)
    here. One statement: UPDATE … RETURNING (SQLite 3.35+ and PostgreSQL)
    adds the reading and reads the new count back atomically.
    """
    table = connection.ops.quote_name(Article._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET view_count = view_count + 1 WHERE slug = %s RETURNING view_count", [slug])
        row = cursor.fetchone()
    count = row[0] if row else 1
    return VIEWS.sub(lambda m: f"{m.group(1)}{count - 1}{m.group(2)}", body, count=1)


PER_REQUEST = {"articles:detail": count_reading}
