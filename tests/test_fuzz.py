"""Hostile clients, generated (issue 12): every address, query, method, body and header a client can send.

Hypothesis builds the requests; each one goes through Django's test client
the whole way down the middleware stack, and each answer must hold:

- no server error: never a 5xx (400, 403, 404, 405, 413 are all fine);
- nothing sent comes back unescaped: a marker such as `<x-fuzz-7>` or
  `"><img src=x onerror=fuzz7>`, put anywhere in a request, never appears
  raw in an HTML or XML answer;
- reading changes nothing: after a GET, HEAD, OPTIONS or TRACE the stored
  content (categories, articles, sections, figures, comments, versions) is
  byte for byte what it was (a reading is counted by its own POST);
- a refused comment keeps its text, and an accepted one is stored one line
  per one-line field.

Addresses come from the URL resolver, so a new URL is attacked without
touching this file. Every example runs in its own savepoint, rolled back
after it, on the archive loaded once per test; the cache is emptied before
each example, so an example's answer never depends on the one before it.

Budget: the `fuzz-ci` profile (fixed seed, no example database) fits CI;
`FUZZ_EXAMPLES=5000` loads `fuzz-long`, which draws that many examples per
test (scaled per test as below), with fresh randomness each run and the
failures it finds kept under var/hypothesis/ and tried first next time.
The findings of issue 12 are pinned with @example and always tried first.
"""

import hashlib
import html
import os
import re
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, quote_from_bytes

import pytest
from django.conf import settings as django_settings
from django.core import mail, signing
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.urls.converters import IntConverter, PathConverter, SlugConverter
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from django.utils.timezone import localtime
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase

pytestmark = pytest.mark.django_db

# --- Budget ------------------------------------------------------------------

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or 0)
# Function-scoped fixtures (the database, the loaded archive, settings) are
# set up once per test, not per example: that is what we want, because each
# example undoes its own writes (rolled_back) and builds its own Client.
SHARED_FIXTURES = [HealthCheck.function_scoped_fixture]
settings.register_profile(
    "fuzz-ci",
    max_examples=100,
    derandomize=True,
    database=None,
    # A first request renders and caches what later ones reuse; its time says nothing.
    deadline=None,
    suppress_health_check=SHARED_FIXTURES,
    print_blob=True,
)
settings.register_profile(
    "fuzz-long",
    max_examples=max(FUZZ_EXAMPLES, 1),
    derandomize=False,
    database=DirectoryBasedExampleDatabase(Path(django_settings.BASE_DIR) / "var" / "hypothesis"),
    deadline=None,
    suppress_health_check=SHARED_FIXTURES,
    print_blob=True,
)
settings.load_profile("fuzz-long" if FUZZ_EXAMPLES else "fuzz-ci")


def budget(share):
    """This test's number of examples: `share` times the profile's (each test costs differently)."""
    return max(10, int(settings.default.max_examples * share))


# --- What a request is ---------------------------------------------------------


@dataclass(frozen=True)
class Real:
    """A value taken from the loaded archive when the request is sent (a slug, a year, an id).

    Ids differ between runs (PostgreSQL does not reset sequences), so a
    request names the kind and an index into the values of that kind.
    """

    kind: str
    index: int = 0


@dataclass(frozen=True)
class Request:
    """One request as a hostile client may send it; `path` and `query` are pieces (str or Real) joined when sent."""

    method: str = "GET"
    path: tuple = ("/",)
    query: tuple = ()
    headers: tuple = ()  # (name, value) pairs; values are latin-1 text as a WSGI server hands them over
    body: bytes | tuple = b""  # bytes as sent, or (name, value) form pairs (values str or Real), urlencoded when sent
    content_type: str | None = None
    remote_addr: str = "127.0.0.1"
    # A real client has no way around CSRF; the test client skips the check unless told.
    csrf_checks: bool = True


SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
LANGUAGES = [code for code, _name in django_settings.LANGUAGES]


class Values(dict):
    """Real's values by kind; shown short in Hypothesis's reports, which print a test's fixtures too."""

    def __repr__(self):
        return f"<{len(self)} kinds of real values>"


def real_values():
    """The archive's own slugs, dates and ids, by kind (see Real)."""
    from django.contrib import admin
    from reversion.models import Version

    from articles.models import Article, Category

    published = Article.objects.published()
    values = {
        "article_slug": list(Article.objects.order_by("pk").values_list("slug", flat=True)),
        "open_article_slug": list(published.filter(comments_open=True).order_by("pk").values_list("slug", flat=True)),
        "category_slug": list(Category.objects.order_by("pk").values_list("slug", flat=True)),
        "year": sorted({str(localtime(moment).year) for moment in published.values_list("published_at", flat=True)}),
        "month": sorted({str(localtime(moment).month) for moment in published.values_list("published_at", flat=True)}),
        "version_pk": [str(pk) for pk in Version.objects.order_by("pk").values_list("pk", flat=True)],
    }
    for model in admin.site._registry:
        pks = [str(pk) for pk in model._default_manager.order_by("pk").values_list("pk", flat=True)[:20]]
        values[f"pk:{model._meta.label_lower}"] = pks
    values["any_pk"] = sorted({pk for kind, pks in values.items() if kind.startswith("pk:") for pk in pks})
    return Values(values)


def fill(pieces, values):
    out = []
    for piece in pieces:
        if isinstance(piece, Real):
            choices = values.get(piece.kind) or ["1"]
            out.append(choices[piece.index % len(choices)])
        else:
            out.append(piece)
    return "".join(out)


def stored_content():
    """A digest of every row readers' and editors' content is made of."""
    from django.contrib.auth.models import Group, User
    from reversion.models import Revision, Version

    from articles.models import Article, Category, Figure, Section
    from comments.models import Comment

    # Raw SQL: modeltranslation rewrites `title` in querysets to the active
    # language's column, and a request changes the active language.
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for model in (Category, Article, Section, Figure, Comment, Version, Revision, User, Group):
            table, pk = (
                connection.ops.quote_name(model._meta.db_table),
                connection.ops.quote_name(model._meta.pk.column),
            )
            cursor.execute(f"SELECT * FROM {table} ORDER BY {pk}")
            for row in cursor.fetchall():
                digest.update(repr(row).encode())
    return digest.hexdigest()


@contextmanager
def rolled_back():
    """The example's writes in a savepoint that is rolled back after it, as django.test.TestCase does per test.

    Marked as a test's own block, so conftest's commits_as_in_production
    runs the code's commit callbacks as production would.
    """
    atomic = transaction.atomic()
    atomic._from_testcase = True
    with atomic:
        yield
        transaction.set_rollback(True)


# Markers a hostile client plants; none may come back raw in markup.
MARKERS = [
    "<x-fuzz-{n}>",
    '"><img src=x onerror=fuzz{n}>',
    "'><svg onload=fuzz{n}>",
    '" autofocus onfocus="fuzz{n}',
    "</textarea><x-fuzz-{n}>",
    "</script><x-fuzz-{n}>",
    "]]><x-fuzz-{n}>",
    "--><x-fuzz-{n}>",
]
UNESCAPED = re.compile(rb"<x-fuzz-\d+>|<img src=x onerror=fuzz|<svg onload=fuzz|\" autofocus onfocus=\"fuzz")


def describe(request, url, response=None, body=None):
    """The request as sent (path and query filled, form pairs encoded), and the status it got."""
    body = request.body if body is None else body
    lines = [f"{request.method} {url}"]
    lines += [f"  {name}: {value!r}" for name, value in request.headers]
    if request.content_type is not None:
        lines.append(f"  Content-Type: {request.content_type!r}")
    lines.append(f"  REMOTE_ADDR={request.remote_addr!r} csrf_checks={request.csrf_checks}")
    if body:
        shown = body[:600] + b"..." if isinstance(body, bytes) and len(body) > 600 else body
        lines.append(f"  body ({len(body)} bytes): {shown!r}")
    if response is not None:
        lines.append(f"-> {response.status_code}")
    return "\n".join(lines)


SERVER_ERRORS = {}


def server_error(exc_info):
    """An AssertionError class of its own for each place the server fails.

    Hypothesis tells failures apart by their type and where they were
    raised, so each distinct bug is shrunk and reported on its own: the
    place is the exception's type, the deepest frame in the project's code
    and the frame that raised it.
    """
    if not exc_info:
        return AssertionError
    frames = traceback.extract_tb(exc_info[2])
    base = str(django_settings.BASE_DIR) + os.sep
    ours = [
        frame for frame in frames if frame.filename.startswith(base) and f"{os.sep}.venv{os.sep}" not in frame.filename
    ]
    places = ours[-1:] + frames[-1:]
    where = " via ".join(f"{frame.filename.removeprefix(base)}:{frame.lineno}" for frame in places)
    name = f"ServerError[{exc_info[0].__name__} at {where}]"
    return SERVER_ERRORS.setdefault(name, type(name, (AssertionError,), {}))


def server_failure(request, url, response, body):
    """An error naming the request, with the server's exception and traceback as its cause."""
    message = "The server failed:\n" + describe(request, url, response, body)
    if response.exc_info:
        message += "\n" + "".join(traceback.format_exception(*response.exc_info))
    error = server_error(response.exc_info)(message)
    if response.exc_info:
        error.__cause__ = error.__context__ = response.exc_info[1]
    return error


def send(request, values, session_key=None):
    """Send `request` with a fresh client and check what every answer must be; return the response."""
    url = fill(request.path, values)
    query = fill(request.query, values)
    if query:
        url = f"{url}?{query}"
    client = Client(enforce_csrf_checks=request.csrf_checks, raise_request_exception=False)
    if session_key:
        client.cookies[django_settings.SESSION_COOKIE_NAME] = session_key
    extra = {"REMOTE_ADDR": request.remote_addr}
    if request.content_type is not None:
        extra["CONTENT_TYPE"] = request.content_type
    cache.clear()
    mail.outbox = []
    body = request.body
    if isinstance(body, tuple):
        body = "&".join(
            f"{quote(name, safe='')}={quote(fill((value,), values), safe='')}" for name, value in body
        ).encode()
    # Django reads the method in upper case, as "get" is a GET.
    before = stored_content() if request.method.upper() in SAFE_METHODS else None
    response = client.generic(
        request.method,
        url,
        data=body,
        content_type=request.content_type or "application/octet-stream",
        headers=dict(request.headers),
        **extra,
    )
    if response.status_code >= 500:
        raise server_failure(request, url, response, body)
    content = b"" if response.streaming else response.content
    if response.streaming:
        response.close()
    kind = response.get("Content-Type", "")
    if ("html" in kind or "xml" in kind) and (match := UNESCAPED.search(content)):
        raise AssertionError(
            f"{match.group().decode()!r} came back unescaped:\n{describe(request, url, response, body)}\n"
            f"...{content[max(0, match.start() - 200) : match.end() + 200].decode(errors='replace')}..."
        )
    if before is not None:
        changed = f"A {request.method} changed stored content:\n{describe(request, url, response, body)}"
        assert stored_content() == before, changed
    return response


# --- Strategies: values --------------------------------------------------------

HUGE_NUMBERS = [
    "0",
    "00",
    "-1",
    "-0",
    "1",
    "007",
    "2147483648",
    "4294967296",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "99999999999999999999",
    "99999999999999999999999",
    "9" * 400,
    "1e309",
    "1e5",
    "0x10",
    "1_000",
    "١٢",  # Arabic-Indic digits: int() reads them
    "１２",  # full-width digits
    "NaN",
    "inf",
    "-inf",
]
# Where calendars, counters and integer columns end.
INT_EDGES = [
    *("0", "1", "2", "9", "10", "11", "12", "13", "28", "29", "30", "31", "32", "99", "100", "999", "1000"),
    *("1582", "1900", "1969", "1970", "2038", "9998", "9999", "10000", "32767", "32768", "65535", "65536"),
    *("2147483647", "2147483648", "4294967295", "4294967296", "9223372036854775807", "9223372036854775808"),
    *("18446744073709551615", "18446744073709551616", "99999999999999999999", "99999999999999999999999"),
    *("00", "01", "0012", "-1", "-9223372036854775809"),
]


# The edges that matter most, drawn from short lists so that they come up often.
CALENDAR_EDGES = ["0", "1", "12", "13", "9999", "10000"]
BEYOND_64_BITS = ["9223372036854775807", "9223372036854775808", "99999999999999999999", "99999999999999999999999"]


def numbers():
    """Integers as text, most of them at an edge (Hypothesis favours the ends of a bounded range)."""
    return st.one_of(
        st.sampled_from(CALENDAR_EDGES),
        st.sampled_from(BEYOND_64_BITS),
        st.sampled_from(INT_EDGES),
        st.integers(1, 12).map(str),
        st.integers(1, 9999).map(str),
        st.integers(-(2**70), 2**70).map(str),
    )


SPECIAL_TEXT = [
    "",
    " ",
    "\t",
    "\r\n",
    "\x00",
    "\x7f",
    "\u200b",
    "\u202eevil\u202c",
    "\u2028",
    "\ufeff",
    "\ufffd",
    "疫苗",
    "新聞",
    "🦠" * 5,
    "../../etc/passwd",
    "..%2f..%2f",
    "%",
    "%%",
    "%FF",
    "%zz",
    "%00",
    "%C0%AF",
    "'",
    '"',
    "\\",
    "`",
    "{{ 7|add:7 }}",
    "{% debug %}",
    "${7*7}",
    "null",
    "None",
    "True",
    "[]",
    "{}",
    "()",
    "-",
    "--",
    "2020-13-45",
    "0000-00-00",
    "9999-12-31 23:59:59",
    "-0001-01-01",
    "2020-02-30T25:61:61",
    "1969-12-31",
    "a" * 5000,
    "%E7%96%AB%E8%8B%97",
]


def markers():
    return st.builds(
        lambda before, marker, n, after: before + marker.format(n=n) + after,
        st.text(max_size=8),
        st.sampled_from(MARKERS),
        st.integers(0, 999),
        st.text(max_size=8),
    )


def big_text():
    """Up to a megabyte of one repeated piece (Hypothesis itself draws a few kilobytes at most)."""
    return st.builds(
        lambda piece, size: (piece * (size // len(piece) + 1))[:size],
        st.text(min_size=1, max_size=4),
        st.sampled_from([1_000, 65_537, 1_048_576]),
    )


def hostile_text(big=False):
    """Any Unicode text (no lone surrogates: they cannot be sent), biased towards what breaks parsers."""
    options = [
        st.text(max_size=40),
        st.sampled_from(SPECIAL_TEXT),
        st.sampled_from(HUGE_NUMBERS),
        markers(),
        st.integers().map(str),
        st.text(st.characters(codec="ascii"), max_size=40),
    ]
    if big:
        options.append(big_text())
    return st.one_of(options)


def latin1_text(max_size=60):
    """A header value as a WSGI server hands it over: bytes read as latin-1, without CR, LF or NUL."""
    encoded = st.text(max_size=20).map(lambda text: text.encode("utf-8").decode("latin-1"))
    raw = st.text(st.characters(min_codepoint=1, max_codepoint=255, exclude_characters="\r\n"), max_size=max_size)
    return st.one_of(raw, encoded, markers().map(lambda text: text.encode().decode("latin-1")))


SEGMENT_SAFE = "!$&'()*+,;=:@-._~"


def encoded(text_strategy):
    """A path segment or query value as it goes on the wire: percent-encoded once, twice, or not at all."""
    text_once = text_strategy.map(lambda text: quote(text, safe=SEGMENT_SAFE))
    text_twice = text_strategy.map(lambda text: quote(quote(text, safe=""), safe=""))
    # Only characters a request line may carry raw; ? and # would end the path.
    raw_ascii = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="#%?/"), max_size=30)
    not_utf8 = st.binary(max_size=20).map(lambda data: quote_from_bytes(data, safe=""))
    return st.one_of(text_once, text_once, text_twice, raw_ascii, not_utf8)


# --- Strategies: addresses -----------------------------------------------------

LANG = "<lang>"
ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")
REGEX_GROUP = re.compile(r"\((?:\?P<(?P<name>\w+)>)?(?P<regex>[^()]*)\)")


@dataclass(frozen=True)
class Parameter:
    """A variable part of a URL pattern: its converter's regex and a guess of what real value fits it."""

    regex: str
    real: str | None
    kind: str = "str"
    name: str = ""

    def __str__(self):
        return f"<{self.kind}:{self.name}>"


@dataclass(frozen=True)
class Template:
    name: str
    pieces: tuple = field(default=())

    @property
    def route(self):
        return "".join(str(piece) for piece in self.pieces)


def real_kind(parameter, before):
    """Which Real fits a parameter, from its name and the literal text before it."""
    if parameter == "slug":
        return "category_slug" if before.endswith("category/") else "article_slug"
    if parameter in ("year", "month"):
        return parameter
    if parameter == "version_id" or re.search(r"(recover|history)/$", before):
        return "version_pk"
    if admin_model := re.search(r"admin/(\w+)/(\w+)/", before):
        return f"pk:{admin_model[1]}.{admin_model[2]}"
    return "any_pk" if parameter in ("object_id", "pk", "id") else None


def route_pieces(route, converters, before):
    pieces = []
    position = 0
    for match in ROUTE_PARAMETER.finditer(route):
        pieces.append(route[position : match.start()])
        converter = converters[match["parameter"]]
        kind = (
            "int"
            if isinstance(converter, IntConverter)
            else "slug"
            if isinstance(converter, SlugConverter)
            else "path"
            if isinstance(converter, PathConverter)
            else "str"
        )
        context = before + "".join(piece for piece in pieces if isinstance(piece, str))
        pieces.append(Parameter(converter.regex, real_kind(match["parameter"], context), kind, match["parameter"]))
        position = match.end()
    pieces.append(route[position:])
    return pieces


def regex_pieces(regex, before):
    regex = regex.removeprefix("^").removesuffix("$").removesuffix("\\Z")
    pieces = []
    position = 0
    for match in REGEX_GROUP.finditer(regex):
        pieces.append(re.sub(r"\\(.)", r"\1", regex[position : match.start()]))
        context = before + "".join(piece for piece in pieces if isinstance(piece, str))
        pieces.append(Parameter(match["regex"], real_kind(match["name"] or "", context), "regex", match["name"] or ""))
        position = match.end()
    pieces.append(re.sub(r"\\(.)", r"\1", regex[position:]))
    return pieces


def url_templates():
    """Every URL pattern of the site, walked from the root resolver, as pieces to fill."""

    def walk(entries, prefix):
        for entry in entries:
            pattern = entry.pattern
            before = "".join(piece for piece in prefix if isinstance(piece, str))
            if isinstance(pattern, LocalePrefixPattern):
                pieces = [LANG, "/"]
            elif isinstance(pattern, RoutePattern):
                pieces = route_pieces(str(pattern._route), pattern.converters, before)
            elif isinstance(pattern, RegexPattern):
                pieces = regex_pieces(str(pattern._regex), before)
            else:
                raise AssertionError(f"A URL pattern this suite cannot fill: {pattern!r}")
            pieces = prefix + [piece for piece in pieces if piece != ""]
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, pieces)
            else:
                yield Template(entry.name or str(entry.lookup_str), ("/", *pieces))

    return list(walk(get_resolver().url_patterns, []))


TEMPLATES = url_templates()
READER_TEMPLATES = [template for template in TEMPLATES if not template.route.startswith("/admin/")]
ADMIN_TEMPLATES = [template for template in TEMPLATES if template.route.startswith("/admin/")]


def hostile_parameter(parameter):
    """Values for one URL parameter: real ones, ones its converter accepts, and anything at all."""
    fitting = st.from_regex(parameter.regex, fullmatch=True)
    options = [
        encoded(fitting.filter(lambda text: len(text) < 200)),
        encoded(hostile_text()),
        numbers(),
        st.text(st.sampled_from("-_aZ09"), min_size=1, max_size=600),
    ]
    if parameter.kind == "int":
        options.append(numbers())
    if parameter.real:
        options.insert(0, st.builds(Real, st.just(parameter.real), st.integers(0, 50)))
    return st.one_of(options)


def language_prefixes():
    return st.one_of(
        st.sampled_from(LANGUAGES),
        st.sampled_from(["", "zh", "zh-Hans", "ZH-HANS", "zh_hans", "zh-cn", "en-us", "xx", "fr", "en-"]),
        encoded(hostile_text()),
    )


def addresses(templates, hostile=True):
    """A path for one of the templates, its parameters filled (with real values only, if not `hostile`)."""

    def pieces(template):
        parts = []
        for piece in template.pieces:
            if piece == LANG:
                parts.append(language_prefixes() if hostile else st.sampled_from(LANGUAGES))
            elif isinstance(piece, Parameter):
                if hostile:
                    parts.append(hostile_parameter(piece))
                elif piece.real:
                    parts.append(st.builds(Real, st.just(piece.real), st.integers(0, 50)))
                else:
                    parts.append(st.from_regex(piece.regex, fullmatch=True).map(lambda text: quote(text, safe="")))
            else:
                parts.append(st.just(piece))
        return st.tuples(*parts)

    # Addresses with parameters twice as often: their values are what can go wrong.
    with_parameters = [t for t in templates if any(isinstance(piece, Parameter) for piece in t.pieces)]
    path = st.one_of(st.sampled_from(templates), st.sampled_from(with_parameters or templates)).flatmap(pieces)
    if hostile:
        # Slashes doubled or dropped, and a tail the pattern does not have.
        path = st.one_of(
            path,
            st.tuples(path, st.sampled_from(["/", "//", "/.", "/..", "%2F", ";x", "/index.php", "~"])).map(
                lambda pair: (*pair[0], pair[1])
            ),
        )
    return path


@dataclass(frozen=True)
class Slots:
    """Values for an address's parameters by position, drawn before the address is chosen (see at).

    A None value is the real value that fits (Real), a None language a real one.
    """

    values: tuple = ()
    lang: str | None = None
    index: int = 0
    tail: str = ""


TAILS = ["/", "//", "/.", "/..", "%2F", ";x", "/index.php", "~"]


def slots():
    value = st.one_of(
        st.none(),
        st.sampled_from(CALENDAR_EDGES),
        st.sampled_from(BEYOND_64_BITS),
        numbers(),
        encoded(hostile_text()),
        st.text(st.sampled_from("-_aZ09"), min_size=1, max_size=600),
    )
    return st.builds(
        Slots,
        values=st.lists(value, max_size=3).map(tuple),
        lang=st.one_of(st.none(), st.none(), language_prefixes()),
        index=st.integers(0, 50),
        tail=st.one_of(st.just(""), st.just(""), st.sampled_from(TAILS)),
    )


def at(template, slots):
    """The template's path with the slots' values in its parameters, as pieces for Request.path."""
    parts, position = [], 0
    for piece in template.pieces:
        if piece == LANG:
            parts.append(LANGUAGES[slots.index % len(LANGUAGES)] if slots.lang is None else slots.lang)
        elif isinstance(piece, Parameter):
            value = slots.values[position] if position < len(slots.values) else None
            position += 1
            parts.append(value if value is not None else Real(piece.real, slots.index) if piece.real else "1")
        else:
            parts.append(piece)
    return (*parts, slots.tail)


def template_id(template):
    return template.route


# --- Strategies: queries, headers, bodies ------------------------------------

QUERY_PARAMETERS = [
    # Read by views and template tags (grep request.GET).
    "q",
    "page",
    "a",
    "b",
    # The admin's change lists.
    "o",
    "p",
    "e",
    "all",
    "_popup",
    "_to_field",
    "_changelist_filters",
    "status",
    "status__exact",
    "language__exact",
    "category__id__exact",
    "translation",
    "published_at__year",
    "published_at__month",
    "published_at__day",
    "published_at__gte",
    "published_at__lt",
    "created_at__year",
    "created_at__gte",
    "is_staff__exact",
    "groups__id__exact",
    # Tracking parameters the page cache drops.
    "utm_source",
    "fbclid",
    # Names no view reads.
    "next",
    "format",
    "lang",
]


def read_parameters():
    """The query parameters the project's own code reads (request.GET["…"] and request.GET.get("…"))."""
    found = set()
    for app in ("articles", "comments", "search", "pagecache", "newsroom"):
        for source in (Path(django_settings.BASE_DIR) / app).rglob("*.py"):
            found.update(re.findall(r"""request\.GET(?:\.get\(|\.getlist\(|\[)\s*["'](\w+)["']""", source.read_text()))
    return sorted(found)


READ_PARAMETERS = read_parameters()
SEARCH_WORDS = ["疫苗", "新冠", "科技", "vaccine", "AI", "covid", "a", "的", "關心", "AND", "OR", "NOT", '"', "*", "^"]


def query_values():
    return st.one_of(
        encoded(hostile_text()),
        numbers(),
        st.sampled_from(SEARCH_WORDS).map(lambda word: quote(word)),
        st.builds(Real, st.sampled_from(["version_pk", "any_pk", "year", "month", "category_slug"]), st.integers(0, 9)),
    )


def query_strings(names=QUERY_PARAMETERS, read=READ_PARAMETERS):
    """A raw query string: known and unknown names, repeated, empty, without '=', with bytes that are not UTF-8.

    The parameters the code reads (`read`) come in every other query, after whatever else was drawn.
    """
    chosen = st.tuples(*(st.one_of(st.none(), st.tuples(st.just(name), st.just("="), query_values())) for name in read))
    return st.tuples(drawn_query(names), chosen).map(
        lambda both: join_pairs([*both[0], *(pair for pair in both[1] if pair is not None)])
    )


def join_pairs(pairs):
    pieces = []
    for index, pair in enumerate(pairs):
        if index:
            pieces.append("&")
        pieces.extend(pair)
    return tuple(pieces)


def drawn_query(names):
    name = st.one_of(st.sampled_from(names), st.sampled_from(names), encoded(st.text(max_size=12)))
    pair = st.one_of(
        st.tuples(name, st.just("="), query_values()),
        st.tuples(name),
        st.tuples(st.just("="), query_values()),
        st.sampled_from([("&",), (";",), ("%",), ("%FF=%FE",), ("q=%E7%96",), ("page[]=1",), ("a[b]=c",)]),
    )
    return st.lists(pair, max_size=6)


HEADER_VALUES = {
    "host": [
        "testserver",
        "localhost",
        "127.0.0.1",
        "evil.example",
        "testserver:99999",
        "testserver:abc",
        "[::1]",
        "[::1",
        "testserver.",
        "testserver@evil.example",
        "a" * 300,
        "",
        ":80",
    ],
    "accept-language": [
        "zh-CN,zh;q=0.9",
        "en-GB,en;q=0.9",
        "zh-TW",
        "zh-Hant-HK",
        "*",
        "en;q=abc",
        "en;q=1e309",
        "en;q=-1",
        ",,,",
        "x" * 1000,
        "zh-hans-" + "a" * 300,
        "de-DE-u-ca-buddhist",
        "i-klingon",
    ],
    "cookie": [
        "sessionid=garbage",
        "sessionid=",
        "messages=garbage",
        "messages=W1siX19qc29uX21lc3NhZ2UiLDAsMjUsIkhpIl1d:forged",
        "django_language=xx",
        "django_language=en",
        "csrftoken=" + "a" * 64,
        '=;;=;sessionid="\\"',
        "sessionid=" + "x" * 5000,
        "a=b; " * 200,
    ],
    "x-forwarded-for": [
        "203.0.113.9",
        "203.0.113.9, 198.51.100.7",
        "unknown",
        "::1",
        "999.999.999.999",
        "",
        ",,",
        "[::1]:80",
        "127.0.0.1" + ", 1.1.1.1" * 50,
        "fe80::1%eth0",
    ],
    "x-forwarded-proto": ["https", "http", "HTTPS", "https, http", "ftp", "", "javascript"],
    "x-forwarded-host": ["evil.example", "testserver", "testserver:1", "a" * 300, ""],
    "x-real-ip": ["203.0.113.9", "bogus"],
    "forwarded": ["for=203.0.113.9;proto=https", 'for="[::1]"', "garbage"],
    "origin": ["http://testserver", "https://evil.example", "null", ""],
    "referer": ["http://testserver/en/", "https://evil.example/", "not a url"],
    "sec-fetch-site": ["same-origin", "same-site", "cross-site", "none", "bogus"],
    "sec-fetch-mode": ["navigate", "cors", "no-cors", "bogus"],
    "sec-fetch-dest": ["document", "empty", "iframe"],
    "sec-purpose": ["prefetch;prerender", "prefetch"],
    "purpose": ["prefetch"],
    "user-agent": ["Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0", "curl/8.0", "Googlebot/2.1", ""],
    "if-none-match": ['"abc"', "*", 'W/"x", "y"', "garbage"],
    "if-modified-since": ["Sat, 29 Oct 1994 19:43:31 GMT", "garbage", "Fri, 31 Dec 99999 23:59:59 GMT"],
    "if-match": ["*", '"x"'],
    "if-unmodified-since": ["Sat, 29 Oct 1994 19:43:31 GMT", "0"],
    "range": ["bytes=0-10", "bytes=-1", "bytes=99999999999999999999-"],
    "accept": ["text/html", "application/json", "*/*;q=garbage"],
    "accept-encoding": ["gzip", "br", "identity;q=0"],
    "authorization": ["Basic Zm9vOmJhcg==", "Bearer x"],
    "x-requested-with": ["XMLHttpRequest"],
}


def headers():
    # Content-Length and -Type belong to the body (see bodies); a wrong length only confuses the test client.
    any_name = st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True).filter(
        lambda name: not name.startswith("content-")
    )
    name = st.one_of(st.sampled_from(sorted(HEADER_VALUES)), any_name)
    value = st.one_of(
        name.flatmap(lambda name: st.tuples(st.just(name), st.sampled_from(HEADER_VALUES.get(name, [""])))),
        st.tuples(name, latin1_text()),
    )
    return st.lists(value, max_size=6, unique_by=lambda pair: pair[0]).map(tuple)


# What a WSGI server may pass on: the peer's address, or nothing over a Unix socket.
REMOTE_ADDRESSES = ["127.0.0.1", "::1", "203.0.113.9", "10.0.0.1", "2001:db8::1", ""]


def methods():
    return st.one_of(
        st.sampled_from(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"]),
        st.sampled_from(["get", "PROPFIND", "MKCOL", "BREW", "QUERY", "X" * 100, "GET2", "M-SEARCH"]),
        st.from_regex(r"[!#$%&'*+.^_`|~0-9A-Za-z-]{1,20}", fullmatch=True),
    )


CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=utf-8",
    "application/x-www-form-urlencoded; charset=bogus",
    "application/x-www-form-urlencoded; charset=latin-1",
    "application/x-www-form-urlencoded; charset=utf-16",
    "application/x-www-form-urlencoded;;;=",
    "multipart/form-data",
    "multipart/form-data; boundary=",
    "multipart/form-data; boundary=fuzz",
    "multipart/form-data; boundary=" + "b" * 300,
    'multipart/form-data; boundary="',
    "multipart/form-data; boundary=fuzz; charset=bogus",
    "multipart/mixed; boundary=fuzz",
    "application/json",
    "application/json; charset=utf-32",
    "text/plain",
    "text/html; charset=\x7f",
    "application/octet-stream",
    "*/*",
    "",
    "garbage",
]


def multipart_bodies():
    """A multipart body with boundary `fuzz`, well formed or not, holding hostile field names, values and files."""
    part = st.one_of(
        st.builds(
            lambda name, value: f'Content-Disposition: form-data; name="{name}"\r\n\r\n{value}'.encode(),
            hostile_text(),
            hostile_text(),
        ),
        st.builds(
            lambda name, filename, data: (
                (
                    f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                    "Content-Type: application/octet-stream\r\n\r\n"
                ).encode()
                + data
            ),
            st.sampled_from(["image", "file", "figures-0-image"]),
            st.sampled_from(["../../x.png", "a" * 500 + ".jpg", "x\x00.gif", "疫苗.webp", ""]),
            st.binary(max_size=200),
        ),
        st.sampled_from(
            [
                b"Content-Disposition: form-data\r\n\r\nno name",
                b'Content-Disposition: form-data; name="q"\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!',
                b"Content-Disposition: form-data; name=\"q\"; filename*=UTF-8''%FF\r\n\r\nx",
                b"garbage without headers",
                b"",
            ]
        ),
        st.binary(max_size=100),
    )
    ending = st.sampled_from([b"--fuzz--\r\n", b"--fuzz--", b"", b"--fuzz\r\n", b"--other--\r\n"])
    return st.builds(
        lambda parts, end: b"".join(b"--fuzz\r\n" + part + b"\r\n" for part in parts) + end,
        st.lists(part, max_size=4),
        ending,
    )


def bodies():
    urlencoded = query_strings().map(lambda pieces: "".join(p if isinstance(p, str) else "1" for p in pieces).encode())
    return st.one_of(
        st.just(b""),
        st.binary(max_size=300),
        urlencoded,
        multipart_bodies(),
        hostile_text().map(lambda text: text.encode("utf-8")),
        st.sampled_from([b"{}", b"[]", b'{"q": "\\ud800"}', b"null", b"{" * 1000, b"\xff\xfe\x00\x00"]),
        st.sampled_from([1_000_000, 3_000_000]).map(lambda size: b"q=" + b"x" * size),
        st.sampled_from([b"a=1&" * 1500]),  # more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS
    )


def content_types():
    return st.one_of(st.none(), st.sampled_from(CONTENT_TYPES), latin1_text(max_size=80))


# --- The article's real address, for comments --------------------------------

COMMENT_FIELDS = ["name", "email", "message", "website", "issued"]
FRESH_STAMP = "<a stamp issued a minute ago>"
NEW_STAMP = "<a stamp issued just now>"


def stamp(value):
    from comments.forms import FORM_SALT, issue_stamp

    if value == FRESH_STAMP:
        return signing.TimestampSigner(salt=FORM_SALT).sign(str(time.time() - 60))
    if value == NEW_STAMP:
        return issue_stamp()
    return value


@dataclass(frozen=True)
class CommentPost:
    """A comment as a reader (or a program) may post it."""

    fields: tuple  # (name, value) pairs, in order; a name may repeat
    lang: str = "en"
    slug: object = Real("open_article_slug")
    encoding: str = "multipart"  # or "urlencoded", or "urlencoded-gb18030" (not UTF-8)
    headers: tuple = ()


def comment_posts():
    value = {
        "name": st.one_of(hostile_text(big=True), st.sampled_from(["李雷", "Han Meimei", "Eve\r\nBcc: x@example.com"])),
        "email": st.one_of(st.emails(), hostile_text(), st.sampled_from(["a@example.com", "a@b.example\r\nBcc: c@x"])),
        "message": st.one_of(hostile_text(big=True), st.text(min_size=1, max_size=300)),
        "website": st.one_of(st.just(""), st.just(""), hostile_text()),
        "issued": st.one_of(
            st.just(FRESH_STAMP), st.just(FRESH_STAMP), st.just(NEW_STAMP), hostile_text(), st.just("1.0:forged")
        ),
    }
    fields = st.fixed_dictionaries(
        {},
        optional={name: strategy for name, strategy in value.items()},
    ).map(lambda chosen: tuple(chosen.items()))
    # Names stay plain: encode_multipart does not quote them, and a name that breaks the body is bodies()'s job.
    extra_name = st.one_of(st.sampled_from(COMMENT_FIELDS), st.from_regex(r"[a-z_]{1,10}", fullmatch=True))
    extra = st.lists(st.tuples(extra_name, hostile_text()), max_size=3)
    cross_site = st.lists(
        st.sampled_from(
            [
                ("origin", "https://evil.example"),
                ("sec-fetch-site", "cross-site"),
                ("origin", "http://testserver"),
                ("sec-fetch-site", "same-origin"),
                ("origin", "null"),
            ]
        ),
        max_size=2,
        unique_by=lambda pair: pair[0],
    ).map(tuple)
    return st.builds(
        lambda fields, extra, lang, slug, encoding, headers: CommentPost(
            fields + tuple(extra), lang, slug, encoding, headers
        ),
        fields,
        extra,
        st.sampled_from(LANGUAGES),
        st.one_of(st.builds(Real, st.just("open_article_slug"), st.integers(0, 9)), encoded(hostile_text())),
        st.sampled_from(["multipart", "multipart", "urlencoded", "urlencoded-gb18030"]),
        cross_site,
    )


# --- Fixtures -------------------------------------------------------------------


def prepare(settings):
    """Production's comment checks, with an editor to notify; DEBUG off, so a 500 looks as it does in production."""
    assert not django_settings.DEBUG, "DEBUG must be off in tests (pytest-django turns it off)"
    settings.COMMENT_NOTIFY_EMAILS = ["desk@example.com"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def site(archive, settings):
    """The loaded archive, ready for attack; the values Real names."""
    prepare(settings)
    return real_values()


# --- The properties -----------------------------------------------------------


# Each address on its own, so that every one gets its share of the budget.
@pytest.mark.parametrize("template", READER_TEMPLATES, ids=template_id)
@settings(max_examples=budget(0.3))
@given(method=st.sampled_from(["GET", "GET", "HEAD"]), slots=slots())
@example(method="GET", slots=Slots(("9999", "12")))
@example(method="GET", slots=Slots(("1", "1"), lang="en"))
@example(method="GET", slots=Slots(("99999999999999999999999", "99999999999999999999999")))
@example(method="GET", slots=Slots(("2020", "99999999999999999999999")))
def test_no_value_in_an_address_makes_the_site_fail(site, template, method, slots):
    with rolled_back():
        send(Request(method, at(template, slots)), site)


@settings(max_examples=budget(2))
@given(request=st.builds(Request, method=st.sampled_from(["GET", "GET", "HEAD"]), path=addresses(READER_TEMPLATES)))
@example(request=Request(path=("/zh-hans/archive/9999/12/",)))
@example(request=Request(path=("/en/archive/1/1/",)))
@example(request=Request(path=("/zh-hant/archive/9999/",)))
@example(request=Request(path=("/en/category/", Real("category_slug"), "/", "?page=99999999999999999999999")))
def test_no_address_makes_the_site_fail(site, request):
    with rolled_back():
        send(request, site)


@pytest.mark.parametrize("template", READER_TEMPLATES, ids=template_id)
@settings(max_examples=budget(0.3))
@given(method=st.sampled_from(["GET", "GET", "HEAD"]), index=st.integers(0, 50), query=query_strings())
@example(method="GET", index=0, query=("q=%E7%96%AB%E8%8B%97&page=9223372036854775807",))
@example(method="GET", index=0, query=("q=vaccine&page=99999999999999999999999",))
@example(method="GET", index=0, query=("q=%FF%FE&page=-1",))
@example(method="GET", index=0, query=("page=9223372036854775808",))
def test_no_query_string_makes_a_reader_page_fail(site, template, method, index, query):
    with rolled_back():
        send(Request(method, at(template, Slots(index=index)), query), site)


@settings(max_examples=budget(3))
@given(
    request=st.builds(
        Request,
        method=methods(),
        path=addresses(READER_TEMPLATES, hostile=False),
        query=st.one_of(st.just(()), query_strings()),
        body=bodies(),
        content_type=content_types(),
        csrf_checks=st.booleans(),
    )
)
@example(request=Request("POST", ("/read/", Real("article_slug")), body=b"\xff", content_type="text/plain"))
@example(request=Request("PUT", ("/en/",), body=b"x", content_type="multipart/form-data; boundary="))
def test_no_method_or_body_makes_the_site_fail(site, request):
    with rolled_back():
        send(request, site)


@settings(max_examples=budget(2))
@given(
    request=st.builds(
        Request,
        method=st.sampled_from(["GET", "HEAD", "POST", "OPTIONS"]),
        path=addresses(READER_TEMPLATES, hostile=False),
        headers=headers(),
        remote_addr=st.sampled_from(REMOTE_ADDRESSES),
    )
)
@example(request=Request(path=("/en/",), headers=(("x-forwarded-for", "unknown"),)))
@example(request=Request(path=("/",), headers=(("accept-language", "x" * 1000),)))
def test_no_header_makes_the_site_fail(site, request):
    with rolled_back():
        send(request, site)


def comment_request(post):
    fields = [(name, stamp(value)) for name, value in post.fields]
    if post.encoding == "multipart":
        from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

        data = {}
        for name, value in fields:
            data.setdefault(name, []).append(value)
        body, content_type = encode_multipart(BOUNDARY, data), MULTIPART_CONTENT
    else:
        charset = "gb18030" if post.encoding == "urlencoded-gb18030" else "utf-8"
        body = "&".join(
            f"{quote(name.encode(charset, 'replace'), safe='')}={quote(value.encode(charset, 'replace'), safe='')}"
            for name, value in fields
        ).encode()
        content_type = "application/x-www-form-urlencoded"
    return Request(
        "POST",
        (f"/{post.lang}/articles/", post.slug, "/comments/"),
        headers=post.headers,
        body=body,
        content_type=content_type,
    )


ONE_LINE_BREAKS = {"Cc", "Zl", "Zp"}


def is_one_line(text):
    import unicodedata

    return not any(unicodedata.category(ch) in ONE_LINE_BREAKS for ch in text)


TEXTAREA = re.compile(rb'<textarea name="message"[^>]*>\n(.*?)</textarea>', re.DOTALL)


@settings(max_examples=budget(2))
@given(post=comment_posts())
@example(
    post=CommentPost(
        (
            ("name", "Eve\r\nBcc: victim@example.com"),
            ("email", "eve@example.com"),
            ("message", "Hello"),
            ("issued", FRESH_STAMP),
        )
    )
)
@example(
    post=CommentPost(
        (("name", "李雷"), ("email", "li@example.com"), ("message", '"><img src=x onerror=fuzz1>'), ("issued", ""))
    )
)
@example(
    post=CommentPost(
        (("name", "李雷"), ("email", "li@example.com"), ("message", "</textarea><x-fuzz-2>"), ("issued", FRESH_STAMP)),
        headers=(("origin", "https://evil.example"),),
    )
)
def test_a_comment_of_any_text_is_stored_one_line_per_field_or_refused_with_its_text_kept(site, post):
    from comments.models import Comment

    with rolled_back():
        request = comment_request(post)
        before = set(Comment.objects.values_list("pk", flat=True))
        response = send(request, site)
        stored = Comment.objects.exclude(pk__in=before)
        sent = dict(post.fields)
        utf8 = post.encoding != "urlencoded-gb18030"
        where = describe(request, fill(request.path, site), response)
        if stored:
            comment = stored.get()
            assert response.status_code == 302, where
            assert is_one_line(comment.name), f"Stored a name that is not one line: {comment.name!r}\n{where}"
            assert is_one_line(comment.email), f"Stored an email that is not one line: {comment.email!r}\n{where}"
            assert len(mail.outbox) == 1, f"The editors were not told of comment {comment.name!r}\n{where}"
            assert is_one_line(mail.outbox[0].subject), where
            if utf8:
                assert comment.message == sent["message"].strip(), where
        elif response.status_code in (200, 403) and isinstance(post.slug, Real):
            # Refused: the article again, with the reader's text in the form.
            html_body = response.content
            textarea = TEXTAREA.search(html_body)
            assert textarea, f"A refused comment came back without its form:\n{where}"
            if utf8 and "message" in sent:
                kept = html.escape(sent["message"]).encode()
                assert textarea[1] == kept, f"The refused comment's text was not kept as sent:\n{where}"
