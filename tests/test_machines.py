"""What feed readers, search engines and link previews get."""

import json
import re
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.urls import reverse
from django.utils import translation

from articles.models import Article

from .factories import make_article

pytestmark = pytest.mark.django_db

LANGS = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant", "en": "en"}


def url(lang, name, *args):
    with translation.override(lang):
        return reverse(name, args=args)


@pytest.mark.parametrize("lang", sorted(LANGS))
@pytest.mark.parametrize("name", ["articles:feed", "articles:feed-atom"])
def test_each_language_feed_is_valid_and_lists_every_published_article(client, archive, lang, name):
    make_article(slug="draft-one", status=Article.Status.DRAFT, title_en="Draft story")
    response = client.get(url(lang, name))
    feed = feedparser.parse(response.content)
    assert response.status_code == 200
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.get("language", LANGS[lang]) == LANGS[lang]
    links = {entry.link for entry in feed.entries}
    published = Article.objects.published()
    assert len(feed.entries) == published.count() == 8
    assert all(f"/{lang}/articles/" in link for link in links)
    assert not any("draft-one" in link for link in links)
    assert all(entry.get("published") or entry.get("updated") for entry in feed.entries)
    assert all(entry.get("summary") for entry in feed.entries)


def test_the_rss_feed_declares_its_language(client, archive):
    root = ET.fromstring(client.get(url("zh-hant", "articles:feed")).content)
    assert root.find("channel/language").text == "zh-Hant"


def test_feeds_speak_the_readers_script(client, archive):
    traditional = feedparser.parse(client.get(url("zh-hant", "articles:feed")).content)
    english = feedparser.parse(client.get(url("en", "articles:feed")).content)
    titles = " ".join(entry.title for entry in traditional.entries)
    assert "合作抗疫，中國用行動說話" in titles
    assert "Fighting the epidemic together: China lets its actions speak" in [e.title for e in english.entries]


def test_a_category_feed_lists_only_that_category(client, archive):
    feed = feedparser.parse(client.get(url("en", "articles:category-feed", "finance")).content)
    assert not feed.bozo
    assert [entry.title for entry in feed.entries] == [
        Article.objects.get(slug="beijing-finance-cultural-industry").title_en
    ]


def test_sitemap_lists_each_article_in_every_language_with_alternates(client, archive):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    index = ET.fromstring(client.get("/sitemap.xml").content)
    children = [node.findtext("s:loc", namespaces=ns) for node in index.findall("s:sitemap", ns)]
    root = ET.Element("urls")
    for child in children:
        root.extend(ET.fromstring(client.get(child).content))
    locations = [node.findtext("s:loc", namespaces=ns) for node in root.findall("s:url", ns)]
    for slug in Article.objects.values_list("slug", flat=True):
        found = [loc for loc in locations if loc.endswith(f"/articles/{slug}/")]
        assert len(found) == 3, slug
    entry = next(
        node
        for node in root.findall("s:url", ns)
        if node.findtext("s:loc", namespaces=ns).endswith("/en/articles/china-acts-on-covid-cooperation/")
    )
    hreflangs = {link.get("hreflang") for link in entry.findall("x:link", ns)}
    assert {"zh-hans", "zh-hant", "en", "x-default"} <= {h.lower() for h in hreflangs}


def test_robots_txt_points_to_the_sitemap(client, db):
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Disallow: /admin/" in body


def json_ld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_article_json_ld_parses_and_carries_the_news_article_fields(client, archive):
    html = client.get(url("zh-hant", "articles:detail", "guangdong-open-letter-covid-science")).content.decode()
    data = json_ld(html)
    assert data["@type"] == "NewsArticle"
    assert data["headline"].startswith("致外國專家和朋友的公開信")
    assert data["inLanguage"] == "zh-Hant"
    assert data["datePublished"].startswith("2020-04-01")
    assert data["dateModified"]
    assert data["author"] == {"@type": "Person", "name": "王瑞軍 博士"}
    assert data["publisher"]["@type"] == "Organization"
    assert "image" not in data


def test_json_ld_escapes_markup_in_content(client, db):
    make_article(slug="tricky", title_en="</script><script>alert(1)</script>")
    html = client.get(url("en", "articles:detail", "tricky")).content.decode()
    assert "</script><script>alert(1)" not in html
    assert json_ld(html)["headline"] == "</script><script>alert(1)</script>"


def test_article_page_has_canonical_hreflang_and_open_graph(client, archive):
    html = client.get(url("en", "articles:detail", "china-acts-on-covid-cooperation")).content.decode()
    assert '<link rel="canonical" href="http://testserver/en/articles/china-acts-on-covid-cooperation/">' in html
    for lang, tag in LANGS.items():
        assert f'hreflang="{tag}" href="http://testserver/{lang}/articles/china-acts-on-covid-cooperation/"' in html
    assert 'hreflang="x-default" href="http://testserver/zh-hans/articles/china-acts-on-covid-cooperation/"' in html
    assert '<meta property="og:title" content="Fighting the epidemic together: China lets its actions speak">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:locale" content="en_US">' in html


@pytest.mark.parametrize("path", ["/zh-hant/", "/en/category/news/"])
def test_every_page_has_hreflang_alternates(client, archive, path):
    html = client.get(path).content.decode()
    assert html.count('rel="alternate" hreflang=') == 4
