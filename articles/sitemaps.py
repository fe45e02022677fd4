"""The sitemap index at /sitemap.xml and its child sitemaps, for an archive of any size.

`/sitemap.xml` lists the child sitemaps: `/sitemap-pages.xml` (the home and
category pages) and `/sitemap-articles.xml?p=N`, one for each block of
ARTICLES_PER_SITEMAP article ids that holds a published article. Child N
lists the published articles whose id is in its block, each once per reading
language, with hreflang alternates (every language and x-default) and the
article's last change as `lastmod`; the index gives each child the latest
`lastmod` of what it lists.

The blocks are id ranges, not pages of a count: a child is read with one
range scan of the primary key (no OFFSET, no COUNT), an article stays in the
same child for ever, and a new article changes only the last one. A block
holds at most ARTICLES_PER_SITEMAP articles, so a child holds at most three
times as many addresses: 7,500 (about 4 MB), well under the protocol's 50,000 addresses
and 50 MB. Django's own sitemap framework builds every address of every
item through `reverse()` under each language and pages by OFFSET; at a
million articles one of its files took seconds. Here each language's
address is one `reverse()` per file, completed with each slug, and the XML
is written directly.

The page cache (pagecache.middleware) keeps these files under the content
version like every reader page, so each is built once per change. The
index reads each block's summary from `SitemapBlock`, kept through the
change path (`follow`), so it is one small read however cold the cache.
"""

import datetime
import re
from urllib.parse import quote

from django.conf import settings
from django.db import transaction
from django.db.models import BigIntegerField, Count, ExpressionWrapper, F, Max
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from .links import absolute_url
from .models import Article, ArticleQuerySet, Category, SitemapBlock

# Ids per child sitemap; three addresses each (one per reading language).
# The kept summaries (SitemapBlock) are numbered by it: a change to it needs
# recount_all() (a data migration).
ARTICLES_PER_SITEMAP = 2500
# The sitemap protocol's limits for one file.
MAX_URLS = 50_000
MAX_BYTES = 50 * 1024 * 1024
SECTIONS = ("pages", "articles")
# The summary of what a block lists: its published articles and each of their change times.
SUMMARY = {
    "listed": Count("pk"),
    "updated": Max("updated_at"),
    "chinese": Max("chinese_changed_at"),
    "english": Max("english_changed_at"),
    "shown": Max("published_at"),
}
# A page number: digits only, no sign, no leading zero, small enough for any id column.
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,14}")
SAFE_SLUG = re.compile(r"[-A-Za-z0-9_]+")
HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'
URLSET = '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
SITEMAPINDEX = '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'


def reading_languages():
    return [code for code, _name in settings.LANGUAGES]


def w3c_datetime(moment):
    return moment.astimezone(datetime.UTC).isoformat()


def last_change(*moments):
    """The latest of an article's change times (updated, its text in each language, published), None-safe.

    A scheduled article's page appears when its time comes, later than its
    last save: then that time is its last change.
    """
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


class Addresses:
    """Absolute addresses of one kind of page in every reading language, and its x-default, for many slugs.

    One `reverse()` per language for the whole file; each slug is then put
    into the address at the place a sample slug took.
    """

    SAMPLE = "sitemap-sample-slug"

    def __init__(self, request, view_name, with_slug=True):
        base = escape(absolute_url(request, "/"))[:-1]
        args = [self.SAMPLE] if with_slug else []
        self.templates = []
        for code in [*reading_languages(), None]:
            with translation.override(code or settings.LANGUAGE_CODE):
                path = reverse(view_name, args=args)
            if code is None:
                # x-default: the address without a language prefix, which sends
                # each reader to their browser's language (LocaleMiddleware).
                path = path.replace(f"/{settings.LANGUAGE_CODE}/", "/", 1)
            head, _sample, tail = (base + path).partition(self.SAMPLE)
            self.templates.append((code or "x-default", head, tail))

    def entries(self, slug="", lastmod=None):
        """The <url> elements of one page: one per reading language, each naming all of them."""
        if slug and not SAFE_SLUG.fullmatch(slug):
            slug = escape(quote(slug))
        links = [(code, f"{head}{slug}{tail}") for code, head, tail in self.templates]
        alternates = "".join(f'<xhtml:link rel="alternate" hreflang="{code}" href="{href}"/>' for code, href in links)
        modified = f"<lastmod>{w3c_datetime(lastmod)}</lastmod>" if lastmod else ""
        return "".join(f"<url><loc>{href}</loc>{modified}{alternates}</url>\n" for _code, href in links[:-1])


def xml_response(body):
    response = HttpResponse(body, content_type="application/xml; charset=utf-8")
    # The sitemaps are for crawlers to read, not pages for search results.
    response["X-Robots-Tag"] = "noindex, noarchive"
    return response


def block_of(article_id):
    return (article_id - 1) // ARTICLES_PER_SITEMAP + 1


def visible(Article, using):
    """What readers may see (ArticleQuerySet.published), of a model that may be a historical one."""
    return ArticleQuerySet(model=Article, using=using).published()


def summaries(articles):
    """{block number: (published articles, latest change)} of the blocks `articles` (visible ones) fall in."""
    number = ExpressionWrapper((F("pk") - 1) / ARTICLES_PER_SITEMAP + 1, output_field=BigIntegerField())
    rows = articles.annotate(block=number).order_by().values("block").annotate(**SUMMARY)
    return {
        row["block"]: (row["listed"], last_change(row["updated"], row["chinese"], row["english"], row["shown"]))
        for row in rows
    }


def block_summary(articles, number):
    """(published articles, latest change) of one block: one range scan of the primary key."""
    first = (number - 1) * ARTICLES_PER_SITEMAP + 1
    found = articles.filter(pk__gte=first, pk__lt=first + ARTICLES_PER_SITEMAP).aggregate(**SUMMARY)
    return found.pop("listed"), last_change(*found.values())


def recount_all(using="default", Article=Article, SitemapBlock=SitemapBlock):
    """Summarise every block afresh, in one pass (after a bulk load). Models may be historical ones."""
    rows = SitemapBlock._base_manager.db_manager(using)
    with transaction.atomic(using=using):
        found = summaries(visible(Article, using))
        rows.all().delete()
        rows.bulk_create(
            (
                SitemapBlock(number=number, listed=listed, lastmod=lastmod)
                for number, (listed, lastmod) in found.items()
            ),
            batch_size=500,
        )


def recount(numbers, using="default"):
    """Summarise these blocks again and store them.

    Each block's row is locked before it is read, so of two changes to one
    block the later summary is the one kept (on SQLite the whole transaction
    holds the one write lock).
    """
    numbers = sorted(set(numbers))
    if not numbers:
        return
    rows = SitemapBlock.objects.using(using)
    articles = visible(Article, using)
    with transaction.atomic(using=using):
        rows.bulk_create([SitemapBlock(number=number) for number in numbers], ignore_conflicts=True)
        list(rows.select_for_update().filter(number__in=numbers).values_list("pk"))
        for number in numbers:
            listed, lastmod = block_summary(articles, number)
            rows.filter(number=number).update(listed=listed, lastmod=lastmod)


def follow(sender, change, **kwargs):
    """Receiver of content_changed: summarise again the blocks of the articles that changed.

    Added, edited, deleted or come due (pagecache records a scheduled
    article's coming as a change of it): an article's block is fixed by its
    id, so the blocks it was in and is in are the same.
    """
    recount({block_of(pk) for pk in change.articles}, using=change.using)


def article_blocks(using="default"):
    """[(page number, lastmod)] of the id blocks that hold a published article, in order: one read of the kept rows."""
    rows = SitemapBlock.objects.using(using).filter(listed__gt=0).order_by("number")
    return list(rows.values_list("number", "lastmod"))


def sitemap_index(request):
    """/sitemap.xml: the child sitemaps and when each last changed."""
    blocks = article_blocks()
    latest = last_change(*(lastmod for _number, lastmod in blocks))
    section_url = escape(absolute_url(request, reverse("sitemap-section", args=["articles"])))
    children = [(escape(absolute_url(request, reverse("sitemap-section", args=["pages"]))), latest)]
    children += [(f"{section_url}?p={number}", lastmod) for number, lastmod in blocks]
    parts = [HEADER, SITEMAPINDEX]
    for location, lastmod in children:
        modified = f"<lastmod>{w3c_datetime(lastmod)}</lastmod>" if lastmod else ""
        parts.append(f"<sitemap><loc>{location}</loc>{modified}</sitemap>\n")
    parts.append("</sitemapindex>\n")
    return xml_response("".join(parts))


def sitemap_section(request, section):
    """/sitemap-<section>.xml?p=N: one child sitemap. A page that lists nothing, or is no page, is 404."""
    if section not in SECTIONS:
        raise Http404("No such sitemap.")
    page = request.GET.get("p", "1")
    if not PAGE_NUMBER.fullmatch(page):
        raise Http404("No such sitemap page.")
    if section == "pages":
        if page != "1":
            raise Http404("No such sitemap page.")
        body = pages_urls(request)
    else:
        body = article_urls(request, int(page))
    return xml_response(f"{HEADER}{URLSET}{body}</urlset>\n")


def pages_urls(request):
    home = Addresses(request, "articles:index", with_slug=False)
    categories = Addresses(request, "articles:category")
    slugs = Category.objects.values_list("slug", flat=True)
    return home.entries() + "".join(categories.entries(slug) for slug in slugs)


def article_urls(request, page):
    first = (page - 1) * ARTICLES_PER_SITEMAP + 1
    rows = list(
        Article.objects.published()
        .filter(pk__gte=first, pk__lt=first + ARTICLES_PER_SITEMAP)
        .order_by("pk")
        .values_list("slug", "updated_at", "chinese_changed_at", "english_changed_at", "published_at")
    )
    if not rows:
        raise Http404("No such sitemap page.")
    articles = Addresses(request, "articles:detail")
    return "".join(articles.entries(slug, last_change(*moments)) for slug, *moments in rows)
