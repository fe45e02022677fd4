"""Reader pages any HTTP cache may keep: the same bytes for everyone, said so in HTTP, correct after changes."""

import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.models import Article

pytestmark = pytest.mark.django_db

ARTICLE = "/en/articles/china-science-global-covid-fight/"
READER_PAGES = {
    "home": "/zh-hans/",
    "home-hant": "/zh-hant/",
    "category": "/en/category/news/",
    "article": ARTICLE,
    "article-hant": "/zh-hant/articles/china-acts-on-covid-cooperation/",
    "side-by-side": "/zh-hans/articles/guangdong-open-letter-covid-science/bilingual/",
    "archive": "/en/archive/",
    "archive-year": "/en/archive/2020/",
    "archive-month": "/en/archive/2020/4/",
    "search": "/zh-hans/search/?q=%E7%96%AB%E8%8B%97",
    "search-nothing": "/en/search/?q=zzzzqqq",
    "feed": "/en/feed/",
    "feed-atom": "/zh-hans/feed/atom/",
    "category-feed": "/en/category/news/feed/",
    "sitemap": "/sitemap.xml",
    "robots": "/robots.txt",
}
# A change each page shows: (what to change, text the page then has).
EDITED_TITLE = "An edited headline for every page"


def assert_public(response, seconds=30):
    control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert "public" in control and f"s-maxage={seconds}" in control and "max-age=0" in control, control
    assert "private" not in control and "no-store" not in control
    assert not response.cookies, response.cookies
    assert "Set-Cookie" not in response.headers
    assert "cookie" not in response.get("Vary", "").lower()


def assert_private(response):
    control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= control, control
    assert "public" not in control


@pytest.mark.parametrize("name", sorted(READER_PAGES))
def test_every_reader_page_is_public_with_strong_validators_and_answers_304(client, archive, name):
    url = READER_PAGES[name]
    response = client.get(url)
    assert response.status_code == 200
    assert_public(response)
    assert re.fullmatch(r'"[0-9a-f]{16,}"', response["ETag"]), response["ETag"]  # strong: no W/
    assert response["Last-Modified"].endswith("GMT")
    again = Client().get(url, headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    since = Client().get(url, headers={"if-modified-since": response["Last-Modified"]})
    assert since.status_code == 304


@pytest.fixture
def edited_everywhere(archive):
    """Give the article that every tested page shows (newest, in 'news', April 2020, about 疫苗) a new title."""

    def edit(slug):
        article = Article.objects.get(slug=slug)
        article.title_en = EDITED_TITLE
        article.title_zh_hans = "编辑后的新标题"
        article.save()

    return edit


@pytest.mark.parametrize(
    "url,slug,text",
    [
        ("/en/", "china-science-global-covid-fight", EDITED_TITLE),
        ("/en/category/news/", "china-science-global-covid-fight", EDITED_TITLE),
        (ARTICLE, "china-science-global-covid-fight", EDITED_TITLE),
        (
            "/zh-hans/articles/guangdong-open-letter-covid-science/bilingual/",
            "guangdong-open-letter-covid-science",
            "编辑后的新标题",
        ),
        ("/en/archive/2020/4/", "china-science-global-covid-fight", EDITED_TITLE),
        ("/en/feed/", "china-science-global-covid-fight", EDITED_TITLE),
    ],
    ids=["home", "category", "article", "side-by-side", "archive-month", "feed"],
)
def test_if_none_match_gives_200_with_the_change_after_an_edit(client, edited_everywhere, url, slug, text):
    before = client.get(url)
    assert Client().get(url, headers={"if-none-match": before["ETag"]}).status_code == 304
    edited_everywhere(slug)
    after = Client().get(url, headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert text in after.content.decode()


def test_a_new_article_gives_the_sitemap_a_new_etag(client, archive):
    from .factories import make_article
    from .pages import sitemap_text

    before = client.get("/sitemap.xml")
    make_article(slug="just-published")
    after = Client().get("/sitemap.xml", headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert "/just-published/" in sitemap_text(Client())


def test_two_fresh_readers_get_the_same_bytes_on_every_reader_page(archive):
    for url in READER_PAGES.values():
        one, two = Client().get(url), Client().get(url)
        assert one.content == two.content, url
        assert one["ETag"] == two["ETag"], url


def test_a_missing_page_is_public_for_a_short_while_and_never_304(client, archive):
    response = client.get("/en/articles/no-such-article/")
    assert response.status_code == 404
    assert_public(response)
    again = client.get("/en/articles/no-such-article/", headers={"if-none-match": response.get("ETag", '"x"')})
    assert again.status_code == 404
    assert client.get("/en/no/such/page/").status_code == 404


def test_an_editor_gets_private_pages_never_a_cached_copy_and_never_fills_the_cache(archive):
    User.objects.create_superuser("desk", "desk@example.com", "a-long-test-password")
    editor = Client()
    editor.force_login(User.objects.get(username="desk"))
    reader = Client()

    # The editor's view does not go into the cache: a change that bypasses
    # every signal (so the content version stays) shows to the next reader.
    first = editor.get(ARTICLE)
    assert_private(first)
    Article.objects.filter(slug="china-science-global-covid-fight").update(title_en="Changed behind the cache")
    assert "Changed behind the cache" in reader.get(ARTICLE).content.decode()

    # A reader's cached copy is not served to the editor.
    Article.objects.filter(slug="china-science-global-covid-fight").update(title_en="Changed again")
    assert "Changed behind the cache" in reader.get(ARTICLE).content.decode()
    mine = editor.get(ARTICLE)
    assert "Changed again" in mine.content.decode()
    assert_private(mine)
    assert_private(editor.get("/zh-hans/"))


def test_a_reader_with_a_message_waiting_gets_a_private_page_with_it(archive, settings):
    settings.COMMENT_MIN_SECONDS = 0
    reader = Client()
    reader.get(ARTICLE)
    stamp = reader.get("/comment-stamp").json()["stamp"]
    data = {"name": "Reader", "email": "r@example.com", "message": "Thanks", "website": "", "issued": stamp}
    sent = reader.post(ARTICLE + "comments/", data)
    assert sent.status_code == 302 and "messages" in reader.cookies
    page = reader.get(sent["Location"])
    assert "once an editor has approved it" in page.content.decode()
    assert_private(page)
    # The message is shown once; the next page is everyone's again.
    assert_public(Client().get(ARTICLE))
    assert "once an editor has approved it" not in Client().get(ARTICLE).content.decode()


@pytest.mark.parametrize("url", ["/en/", ARTICLE, "/en/feed/", "/sitemap.xml", "/robots.txt", "/en/search/?q=x"])
def test_a_forged_host_never_changes_a_link_another_reader_sees(archive, settings, url):
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    settings.SITE_URL = ""
    poisoned = Client().get(url, headers={"host": "localhost:1337"})
    assert "localhost:1337" in poisoned.content.decode() or url.startswith("/en/search")
    ordinary = Client().get(url).content.decode()
    assert "localhost:1337" not in ordinary


@pytest.mark.parametrize("url", ["/en/", ARTICLE, "/en/feed/", "/zh-hans/feed/atom/", "/sitemap.xml", "/robots.txt"])
def test_with_a_site_url_every_link_names_it_whatever_the_host(archive, settings, url):
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    settings.SITE_URL = "https://news.example.org"
    html = Client().get(url, headers={"host": "localhost:1337"}).content.decode()
    assert "https://news.example.org/" in html
    assert "localhost" not in html and "testserver" not in html


def test_the_article_page_links_name_the_site_address(archive, settings):
    settings.SITE_URL = "https://news.example.org"
    html = Client().get(ARTICLE, headers={"host": "localhost"}).content.decode()
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html).group(1)
    assert canonical == "https://news.example.org" + ARTICLE
    assert f'<meta property="og:url" content="https://news.example.org{ARTICLE}">' in html
    assert f'"mainEntityOfPage": "https://news.example.org{ARTICLE}"' in html
    hreflangs = re.findall(r'<link rel="alternate" hreflang="[^"]+" href="([^"]+)"', html)
    assert len(hreflangs) == 4 and all(link.startswith("https://news.example.org/") for link in hreflangs)


def test_tracking_parameters_make_no_new_cache_entry_and_reach_no_link(client, archive):
    plain = client.get(ARTICLE)
    with CaptureQueriesContext(connection) as context:
        tracked = Client().get(ARTICLE + "?utm_source=newsletter&utm_medium=email&fbclid=abc")
    assert len(context.captured_queries) == 1  # the content version: served from the cache
    assert tracked.content == plain.content
    assert tracked["ETag"] == plain["ETag"]
    search = Client().get("/en/search/?q=vaccine&utm_campaign=x&gclid=1").content.decode()
    assert "utm_" not in search and "gclid" not in search
    assert "vaccine" in search


def test_head_is_served_from_the_cache_with_the_gets_headers_and_no_body(client, archive):
    got = client.get(ARTICLE)
    with CaptureQueriesContext(connection) as context:
        head = Client().head(ARTICLE)
    assert len(context.captured_queries) == 1
    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == got["ETag"]
    assert head["Content-Length"] == str(len(got.content))
    assert_public(head)
    assert Client().head(ARTICLE, headers={"if-none-match": got["ETag"]}).status_code == 304
    assert Article.objects.get(slug="china-science-global-covid-fight").view_count == 0


@pytest.mark.parametrize("url", ["/zh-hans/", ARTICLE, "/en/feed/", "/sitemap.xml", "/en/search/?q=x"])
def test_options_answers_allow_not_a_page(client, archive, url):
    response = client.options(url)
    assert response.status_code == 200
    assert response.content == b""
    assert {method.strip() for method in response["Allow"].split(",")} == {"GET", "HEAD", "OPTIONS"}


def test_a_scheduled_article_coming_due_changes_the_etag(client, archive):
    from datetime import timedelta

    from django.utils import timezone

    article = Article.objects.get(slug="china-science-global-covid-fight")
    article.published_at = timezone.now() + timedelta(seconds=1)
    article.title_en = "Due in a second"
    article.save()
    before = client.get("/en/")
    assert "Due in a second" not in before.content.decode()
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    from pagecache.models import ContentVersion

    ContentVersion.objects.update(next_publish_at=timezone.now() - timedelta(seconds=1))
    after = client.get("/en/", headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert "Due in a second" in after.content.decode()


def test_a_bulk_delete_and_a_cascade_change_the_etag(client, archive):
    before = client.get("/en/")
    Article.objects.filter(slug__in=["china-science-global-covid-fight", "china-acts-on-covid-cooperation"]).delete()
    after = Client().get("/en/", headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert "china-acts-on-covid-cooperation" not in after.content.decode()
    # A section deleted in bulk takes its figures with it (a cascade).
    from articles.models import Section

    url = "/zh-hans/articles/guangdong-open-letter-covid-science/"
    page = Client().get(url)
    Section.objects.filter(article__slug="guangdong-open-letter-covid-science").delete()
    assert Client().get(url, headers={"if-none-match": page["ETag"]}).status_code == 200


@pytest.mark.parametrize(
    "query", ["?utm_source=%FF%FE", "?q=%FF&utm_medium=%C0", "?page=99999999999999999999999&utm_x=1"]
)
def test_query_bytes_that_are_not_utf8_never_fail(client, archive, query):
    for path in ("/en/", "/en/search/", "/en/category/news/"):
        assert client.get(path + query).status_code in (200, 404)
