"""Whole pages for readers, cached under the content version.

Rendering a page (templates, script conversion, sidebar) is most of its cost,
and its text changes only when content changes. A reader's GET is served from
the cache under a key made of the content version (one small query, shared
by every server process through the database), the language and the address.
A save anywhere raises the version, so the next request renders afresh.

What differs per request is put back into a cached article page: the fresh
view count, the reader's own CSRF token and a new comment-form stamp.
Staff, readers with a pending flash message, and anything but GET are never
served from the cache.
"""

import hashlib
import re
from functools import wraps

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

from .forms import issue_stamp
from .models import Article, content_version

PAGE_SECONDS = 600
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


def reader_page(view, per_request=None):
    """Serve `view` from the page cache for readers (see the module's docstring).

    `per_request(request, body, **kwargs)` returns the body with what must be
    fresh on every request put in; it runs on cache hits and misses alike.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not cacheable(request):
            return view(request, *args, **kwargs)
        request.served_from_page_cache = True
        address = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"page:{content_version()}:{get_language()}:{address}"
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

    return wrapper


def count_reading(request, body, slug):
    """Count this reading of an article and show the count from before it, as the page does.

    One statement: UPDATE … RETURNING (SQLite 3.35+ and PostgreSQL) adds the
    reading and reads the new count back atomically.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_article SET view_count = view_count + 1 "
            "WHERE slug = %s AND status = %s AND published_at <= %s RETURNING view_count",
            [slug, Article.Status.PUBLISHED, timezone.now()],
        )
        row = cursor.fetchone()
    count = row[0] if row else 1
    return VIEWS.sub(lambda m: f"{m.group(1)}{count - 1}{m.group(2)}", body, count=1)
