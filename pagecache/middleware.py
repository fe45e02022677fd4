"""Reader pages: the same bytes for every anonymous reader, kept by any HTTP cache.

`PageCacheMiddleware` (near the top of MIDDLEWARE) serves anonymous reader
pages — the views of READER_NAMESPACES and READER_VIEWS, which
`ReaderPageMiddleware` (last) marks — from the site's cache, before the rest
of the stack runs. The key is the content version (one small query, shared
by every server process through the database; every change readers could
see raises it, see `articles.changes`), the scheme and host, the path (whose
prefix is the language) and the query with tracking parameters left out. A
page holds nothing per visitor: the comment form carries no token (comments
are protected by Fetch metadata, see comments.views) and readings are
counted by a request of their own (articles.views.count_reading), so one
rendering serves everyone.

It says so in HTTP: an anonymous reader page goes out `public` with
`s-maxage`, a strong ETag and Last-Modified, no cookie and no `Vary: Cookie`,
so nginx or a CDN may keep it and a browser gets 304 when nothing changed.
Editors (a session cookie) and readers with a flash message waiting (the
messages cookie) get `private, no-store` pages, rendered for them, never
from or into a cache.
"""

import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, QueryDict
from django.utils.cache import add_never_cache_headers, get_conditional_response, has_vary_header, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

from .models import content_version

PAGE_SECONDS = 600
READER_NAMESPACES = {"articles", "search"}
READER_VIEWS = {"sitemap", "sitemap-section", "robots"}
READER_METHODS = "GET, HEAD, OPTIONS"
# Campaign and click identifiers: they never change what a page shows.
TRACKING_PREFIXES = ("utm_",)
TRACKING_PARAMETERS = {"fbclid", "gclid", "dclid", "msclkid", "yclid", "mc_cid", "mc_eid", "_ga", "igshid", "spm"}
MESSAGES_COOKIE = "messages"


def anonymous(request):
    """No editor's session and no flash message waiting: the page is the one every reader gets."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and MESSAGES_COOKIE not in request.COOKIES


def is_tracking(name):
    return name.startswith(TRACKING_PREFIXES) or name in TRACKING_PARAMETERS


def drop_tracking_parameters(request):
    """Take utm_* and the like out of the query, so views, links and cache keys never see them."""
    if not request.GET or not any(is_tracking(name) for name in request.GET):
        return
    kept = [(name, value) for name, values in request.GET.lists() if not is_tracking(name) for value in values]
    query = urlencode(kept)
    request.META["QUERY_STRING"] = query
    request.GET = QueryDict(query)


def page_key(request):
    """The cache key of a reader page: version, scheme, host, path (its prefix is the language) and sorted query."""
    query = urlencode(sorted(request.GET.lists()), doseq=True)
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"page:{request.content_version}:{digest}"


class PageCacheMiddleware:
    """Serves anonymous reader pages from the site's cache and says in HTTP who may keep a page.

    Near the top of MIDDLEWARE (just inside ConditionalGetMiddleware, which
    answers 304 from the ETag set here): a hit is answered before the rest of
    the stack runs, so a cached page costs less than rendering any page. A
    miss goes through the whole stack; if ReaderPageMiddleware marked it a
    reader page and it came out the same for every reader (200, no cookie,
    no Vary: Cookie, not private), it is stored with its headers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        drop_tracking_parameters(request)
        readable = request.method in ("GET", "HEAD") and anonymous(request)
        if readable:
            # Views may key their own costly parts (the archive's counts) by it.
            request.content_version = content_version()
            key = page_key(request)
            cached = cache.get(key)
            if cached is not None:
                return finish(request, cached_response(*cached))
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return response
        if not (getattr(request, "reader_page", False) or response.status_code == 404):
            return response
        if readable and shareable(response):
            patch_cache_control(response, public=True, max_age=0, s_maxage=settings.PAGE_SHARED_MAX_AGE)
            if response.status_code == 200 and not response.streaming:
                response["ETag"] = '"%s"' % hashlib.sha256(response.content).hexdigest()[:32]
                if not response.has_header("Last-Modified"):
                    response["Last-Modified"] = http_date()
                # Stored as it goes out, headers and all: a hit replays it.
                cache.set(key, (response.content, dict(response.headers)), PAGE_SECONDS)
        else:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return finish(request, response)


def shareable(response):
    return (
        response.status_code in (200, 404)
        and not response.cookies
        and not has_vary_header(response, "Cookie")
        and "private" not in response.get("Cache-Control", "")
    )


def cached_response(body, headers):
    response = HttpResponse(body)
    for name, value in headers.items():
        response[name] = value
    return response


def finish(request, response):
    """A HEAD request gets the GET's headers (Content-Length too) and no body; 304 if its validators match."""
    if request.method != "HEAD":
        return response
    if response.status_code == 200 and response.has_header("ETag"):
        # ConditionalGetMiddleware answers GET only; HEAD is answered here.
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        response = get_conditional_response(
            request, etag=response["ETag"], last_modified=last_modified, response=response
        )
    if not response.streaming and response.content:
        length = len(response.content)
        response.content = b""
        response["Content-Length"] = str(length)
    return response


class ReaderPageMiddleware:
    """Marks the reader pages (READER_NAMESPACES, READER_VIEWS) for PageCacheMiddleware; answers their OPTIONS.

    Last in MIDDLEWARE, where the URL has been resolved in the reader's language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        match = request.resolver_match
        if match is None or not (match.namespace in READER_NAMESPACES or match.view_name in READER_VIEWS):
            return None
        request.reader_page = True
        if request.method == "OPTIONS":
            response = HttpResponse(status=200)
            response["Allow"] = READER_METHODS
            response["Content-Length"] = "0"
            return response
        return None
