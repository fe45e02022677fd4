"""The sitemap index and its child sitemaps: every published article once per language, nothing else."""

import datetime
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import changes, sitemaps
from articles.models import Article, SitemapBlock

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
    """Two ids per child sitemap, so a handful of articles fills several (the kept blocks numbered again)."""
    monkeypatch.setattr(sitemaps, "ARTICLES_PER_SITEMAP", 2)
    sitemaps.recount_all()


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
    changes.article_changed(middle.pk, middle.pk + 1)  # a bulk write records what it touched
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


def test_the_index_is_one_read_of_the_kept_blocks_however_many_and_however_cold_the_cache(small_sitemaps):
    """Fresh: the content version and one read of the kept summaries, never a read of the articles.

    Before the summaries were kept, an emptied cache made the index read
    every block again: 19 s at a million articles on SQLite.
    """
    articles = [make_article(slug=f"block-{number}") for number in range(8)]
    assert count_queries("/sitemap.xml") == 2
    assert count_queries("/sitemap.xml", afresh=True) == 1  # past the page cache: no version read
    cache.clear()
    assert count_queries("/sitemap.xml") == 2
    articles[3].title_en = "Edited"
    articles[3].save()
    Article.objects.filter(pk__in=[articles[0].pk, articles[5].pk]).delete()
    for number in range(20):
        make_article(slug=f"more-{number}")
    cache.clear()
    assert count_queries("/sitemap.xml") == 2


def kept_blocks():
    """{block: (listed, lastmod)} as the index will read them."""
    return {
        number: (listed, lastmod)
        for number, listed, lastmod in SitemapBlock.objects.filter(listed__gt=0).values_list(
            "number", "listed", "lastmod"
        )
    }


def summarised_afresh():
    """{block: (listed, lastmod)} read from the articles themselves, block by block."""
    found = {}
    for number in {sitemaps.block_of(pk) for pk in Article.objects.values_list("pk", flat=True)}:
        listed, lastmod = sitemaps.block_summary(Article.objects.published(), number)
        if listed:
            found[number] = (listed, lastmod)
    return found


def test_the_kept_blocks_follow_every_kind_of_change_and_equal_a_fresh_summary(client, small_sitemaps):
    articles = [make_article(slug=f"kept-{number}") for number in range(9)]
    assert kept_blocks() == summarised_afresh()
    assert sum(listed for listed, _lastmod in kept_blocks().values()) == 9
    # An edit moves its block's lastmod.
    articles[4].title_en = "Edited later"
    articles[4].save()
    assert kept_blocks()[sitemaps.block_of(articles[4].pk)][1] == Article.objects.get(pk=articles[4].pk).updated_at
    # One delete, then "Delete selected" of a whole block and a half.
    articles[0].delete()
    Article.objects.filter(pk__in=[article.pk for article in articles[1:4]]).delete()
    assert kept_blocks() == summarised_afresh()
    assert sum(listed for listed, _lastmod in kept_blocks().values()) == 5
    # A bulk unpublish that records what it touched.
    Article.objects.filter(pk__in=[articles[5].pk, articles[6].pk]).update(status=Article.Status.DRAFT)
    changes.article_changed(articles[5].pk, articles[6].pk)
    assert kept_blocks() == summarised_afresh()
    # A rolled-back change leaves them as they were.
    before = kept_blocks()
    with pytest.raises(RuntimeError), transaction.atomic():
        articles[7].delete()
        raise RuntimeError
    assert kept_blocks() == before == summarised_afresh()
    # Summarising every block afresh, in one pass, gives what the change path kept.
    SitemapBlock.objects.all().delete()
    sitemaps.recount_all()
    assert kept_blocks() == before
    # Everything deleted: the index names no article sitemap.
    Article.objects.all().delete()
    assert kept_blocks() == {}
    assert [address for address, _lastmod in children(client) if "sitemap-articles" in address] == []


def test_a_scheduled_article_enters_the_index_when_its_time_comes_without_any_save(client, small_sitemaps):
    import time

    make_article(slug="now")
    soon = make_article(slug="soon", published_at=timezone.now() + datetime.timedelta(seconds=2))
    block = f"http://testserver/sitemap-articles.xml?p={sitemaps.block_of(soon.pk)}"
    # Alone in its block (blocks of two ids may pair it with the one before).
    if sitemaps.block_of(soon.pk) != sitemaps.block_of(soon.pk - 1):
        assert block not in [address for address, _lastmod in children(client)]
    assert not article_entries(client, "soon")
    time.sleep(2.1)
    assert len(article_entries(client, "soon")) == len(LANGUAGES)
    assert block in [address for address, _lastmod in children(client)]
    assert kept_blocks() == summarised_afresh()


def test_generated_articles_are_in_the_index_and_gone_with_their_deletion():
    from django.core.management import call_command

    make_article(slug="own")
    call_command("generate_articles", 30, corpus="realistic", verbosity=0)
    assert kept_blocks() == summarised_afresh()
    assert sum(listed for listed, _lastmod in kept_blocks().values()) == Article.objects.published().count()
    call_command("generate_articles", 0, delete=True, verbosity=0)
    assert kept_blocks() == summarised_afresh()
    assert sum(listed for listed, _lastmod in kept_blocks().values()) == 1


def test_a_double_submit_lists_the_article_once_with_its_latest_save(small_sitemaps):
    article = make_article(slug="twice")
    article.title_en = "Saved twice"
    article.save()
    once = kept_blocks()
    article.save()
    # Listed once, as after one save; its lastmod is the second save's.
    assert kept_blocks().keys() == once.keys()
    assert kept_blocks() == summarised_afresh()
    assert [listed for listed, _lastmod in kept_blocks().values()] == [1]
