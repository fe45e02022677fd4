"""The sitemap index and its child sitemaps: every published article once per language, nothing else."""

import datetime
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import changes, sitemaps
from articles.models import Article

from .factories import make_article, make_category, make_section

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
LANGUAGES = ("zh-hans", "zh-hant", "en")
# Ids per child sitemap, as the site has it (tests below make it 2).
BLOCK = sitemaps.ARTICLES_PER_SITEMAP


def xml(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def children(client):
    """[(address, lastmod)] of the child sitemaps the index names."""
    root = xml(client.get("/sitemap.xml"))
    assert root.tag == f"{{{NS['s']}}}sitemapindex"
    return [(node.findtext("s:loc", namespaces=NS), node.findtext("s:lastmod", namespaces=NS)) for node in root]


def entries(client, address):
    """[(loc, lastmod, {hreflang: href})] of one child sitemap."""
    root = xml(client.get(address))
    assert root.tag == f"{{{NS['s']}}}urlset"
    found = []
    for node in root.findall("s:url", NS):
        links = {link.get("hreflang"): link.get("href") for link in node.findall("x:link", NS)}
        found.append((node.findtext("s:loc", namespaces=NS), node.findtext("s:lastmod", namespaces=NS), links))
    return found


def every_entry(client):
    return [entry for address, _lastmod in children(client) for entry in entries(client, address)]


def article_entries(client, slug):
    return [entry for entry in every_entry(client) if entry[0].endswith(f"/articles/{slug}/")]


def parse(lastmod):
    return datetime.datetime.fromisoformat(lastmod)


@pytest.fixture
def small_sitemaps(monkeypatch):
    """Two ids per child sitemap, so a handful of articles fills several."""
    monkeypatch.setattr(sitemaps, "ARTICLES_PER_SITEMAP", 2)


def test_the_index_names_the_pages_and_the_article_sitemaps_and_robots_txt_names_the_index(client):
    make_article(slug="one")
    addresses = [address for address, _lastmod in children(client)]
    assert addresses[0] == "http://testserver/sitemap-pages.xml"
    assert addresses[1:] == [f"http://testserver/sitemap-articles.xml?p={(Article.objects.get().pk - 1) // BLOCK + 1}"]
    assert "Sitemap: http://testserver/sitemap.xml" in client.get("/robots.txt").content.decode()


def test_the_pages_sitemap_lists_home_and_each_category_in_every_language(client):
    make_category(slug="news")
    make_category(slug="finance", name_zh_hans="财经", name_en="Finance")
    locs = [loc for loc, _lastmod, _links in entries(client, "/sitemap-pages.xml")]
    for path in ("/", "/category/news/", "/category/finance/"):
        assert sorted(loc for loc in locs if loc.split("/", 4)[-1] == path.lstrip("/")) == sorted(
            f"http://testserver/{language}{path}" for language in LANGUAGES
        ), path


def test_every_published_article_is_listed_once_per_language_and_drafts_and_scheduled_ones_never(
    client, small_sitemaps
):
    published = [make_article(slug=f"published-{number}") for number in range(7)]
    make_article(slug="a-draft", status=Article.Status.DRAFT)
    make_article(slug="scheduled", published_at=timezone.now() + datetime.timedelta(days=1))
    published.append(make_article(slug="last-published"))
    articles = [address for address, _lastmod in children(client) if "sitemap-articles" in address]
    # Two ids per file: ten articles in five or six files (blocks need not start at the first id).
    assert 5 <= len(articles) <= 6
    seen = Counter()
    for address in articles:
        listed = entries(client, address)
        assert 0 < len(listed) <= 2 * len(LANGUAGES)
        seen.update(loc for loc, _lastmod, _links in listed)
    expected = Counter(
        f"http://testserver/{language}/articles/{article.slug}/" for article in published for language in LANGUAGES
    )
    assert seen == expected


def test_each_entry_names_every_language_and_x_default(client):
    make_article(slug="paired")
    listed = article_entries(client, "paired")
    assert sorted(loc for loc, _lastmod, _links in listed) == [
        f"http://testserver/{language}/articles/paired/" for language in ("en", "zh-hans", "zh-hant")
    ]
    for _loc, _lastmod, links in listed:
        assert links == {
            "zh-hans": "http://testserver/zh-hans/articles/paired/",
            "zh-hant": "http://testserver/zh-hant/articles/paired/",
            "en": "http://testserver/en/articles/paired/",
            "x-default": "http://testserver/articles/paired/",
        }


def test_addresses_follow_site_url_not_the_request_host(settings):
    settings.SITE_URL = "https://news.example.org"
    settings.ALLOWED_HOSTS = ["evil.example"]
    make_article(slug="addressed")
    client = Client(HTTP_HOST="evil.example")
    addresses = [address for address, _lastmod in children(client)]
    assert all(address.startswith("https://news.example.org/sitemap-") for address in addresses)
    listed = article_entries(client, "addressed")
    assert {loc for loc, _lastmod, _links in listed} == {
        f"https://news.example.org/{language}/articles/addressed/" for language in LANGUAGES
    }


def test_lastmod_is_the_articles_last_change_and_the_index_gives_each_file_its_latest(client, small_sitemaps):
    first = make_article(slug="first")
    second = make_article(slug="second")
    for _loc, lastmod, _links in article_entries(client, "first"):
        assert parse(lastmod) == first.updated_at
    # Its text changed later, through a section only: that is its last change.
    later = timezone.now() + datetime.timedelta(minutes=5)
    section = make_section(second)
    Article.objects.filter(pk=second.pk).update(english_changed_at=later)
    changes.article_changed(second.pk)  # a bulk write records what it touched (articles.changes)
    for _loc, lastmod, _links in article_entries(client, "second"):
        assert parse(lastmod) == later
    assert section.article_id == second.pk
    # A scheduled article whose time has come changed when it appeared.
    shown = timezone.now() - datetime.timedelta(seconds=1)
    third = make_article(slug="third")
    saved = shown - datetime.timedelta(days=2)
    Article.objects.filter(pk=third.pk).update(
        published_at=shown, updated_at=saved, chinese_changed_at=saved, english_changed_at=saved
    )
    changes.article_changed(third.pk)
    for _loc, lastmod, _links in article_entries(client, "third"):
        assert parse(lastmod) == shown
    for address, lastmod in children(client):
        listed = entries(client, address)
        if "sitemap-articles" in address:
            assert parse(lastmod) == max(parse(modified) for _loc, modified, _links in listed)
        else:
            assert parse(lastmod) == later


def test_a_new_article_appears_in_the_sitemaps_at_once(client):
    make_article(slug="before")
    children(client)
    make_article(slug="just-published")
    assert len(article_entries(client, "just-published")) == len(LANGUAGES)


@pytest.mark.parametrize(
    "address",
    [
        "/sitemap-articles.xml?p=0",
        "/sitemap-articles.xml?p=-1",
        "/sitemap-articles.xml?p=abc",
        "/sitemap-articles.xml?p=1.5",
        "/sitemap-articles.xml?p=01",
        "/sitemap-articles.xml?p=%EF%BC%91",  # a full-width 1
        "/sitemap-articles.xml?p=",
        "/sitemap-articles.xml?p=99999999999999999999999999999",
        "/sitemap-articles.xml?p=999999999999999",
        "/sitemap-pages.xml?p=2",
        "/sitemap-comments.xml",
        "/sitemap-.xml",
    ],
)
def test_a_page_that_is_not_there_is_404_never_an_error(client, address):
    make_article(slug="only")
    assert client.get(address).status_code == 404


def test_a_block_with_no_published_article_is_404_and_not_in_the_index(client, small_sitemaps):
    articles = [make_article(slug=f"in-block-{number}") for number in range(6)]
    middle = next(article for article in articles if article.pk % 2 == 1 and article.pk + 1 <= articles[-1].pk)
    Article.objects.filter(pk__in=[middle.pk, middle.pk + 1]).update(status=Article.Status.DRAFT)
    page = (middle.pk - 1) // 2 + 1
    assert client.get(f"/sitemap-articles.xml?p={page}").status_code == 404
    addresses = [address for address, _lastmod in children(client)]
    assert f"http://testserver/sitemap-articles.xml?p={page}" not in addresses
    assert f"http://testserver/sitemap-articles.xml?p={page + 1}" in addresses


def test_a_full_file_stays_within_the_protocols_limits(client, settings, small_sitemaps):
    """The longest addresses there can be, in a full block, scaled to the real block size: under both limits."""
    settings.SITE_URL = "https://" + "n" * 200 + ".example.org:65535"
    for letter in "xyz":
        make_article(slug=letter * 100)
    full = [address for address, _lastmod in children(client) if len(entries(client, address)) == 2 * len(LANGUAGES)]
    per_article = len(client.get(full[0]).content) / 2
    assert per_article * BLOCK < sitemaps.MAX_BYTES
    assert BLOCK * len(LANGUAGES) <= sitemaps.MAX_URLS


def count_queries(address, afresh=False):
    client = Client()
    if afresh:  # a reader with a flash message waiting: never served from the page cache
        client.cookies["messages"] = "x"
    with CaptureQueriesContext(connection) as context:
        response = client.get(address)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_each_article_sitemap_and_the_pages_sitemap_take_two_queries_however_many_articles(small_sitemaps):
    """Fresh: the content version and one query (the categories, or one block's articles); cached: the version."""
    make_category(slug="finance", name_zh_hans="财经", name_en="Finance")
    for number in range(3):
        make_article(slug=f"few-{number}")
    first = (Article.objects.order_by("pk").first().pk - 1) // 2 + 1
    pages = ["/sitemap-pages.xml", f"/sitemap-articles.xml?p={first}"]
    assert [count_queries(address) for address in pages] == [2, 2]
    assert [count_queries(address) for address in pages] == [1, 1]
    for number in range(20):
        make_article(slug=f"more-{number}")
    assert [count_queries(address, afresh=True) for address in pages] == [1, 1]


def test_the_index_reads_again_only_the_blocks_that_changed(small_sitemaps):
    """Fresh: the content version, the last id, and one query per block not summarised since it changed.

    The first time that is every block up to the last id (ids a test database skipped included).
    """
    articles = [make_article(slug=f"block-{number}") for number in range(8)]
    every_block = sitemaps.block_of(articles[-1].pk)
    assert count_queries("/sitemap.xml") == 2 + every_block
    assert count_queries("/sitemap.xml", afresh=True) == 1
    articles[3].title_en = "Edited"
    articles[3].save()
    # The changed block again (in a long run's test database, with thousands of
    # blocks of two ids, a few more the cache let go), never every block.
    assert 2 + 1 <= count_queries("/sitemap.xml") < 2 + max(every_block, 8)
    Article.objects.filter(pk__in=[articles[0].pk, articles[5].pk]).delete()
    assert 2 + 2 <= count_queries("/sitemap.xml") < 2 + max(every_block, 8)
