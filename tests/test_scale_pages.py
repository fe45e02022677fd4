"""Pages that stay fast over a million articles: fixed query counts, capped counts, the admin's list.

No timings here (bench/scale_site.py measures them); what is checked is
what makes them hold: each page's queries do not grow with the archive,
lists count no further than the pages they offer and say so, and the
admin's list works out translation state and dates without reading every
article.
"""

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import paging
from articles.admin import ArticleAdmin, ArticlePaginator, ProbedPeriods
from articles.models import Article
from comments.models import Comment

from .factories import make_article, make_category, make_section

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture(autouse=True)
def portal_categories(db):
    for slug in ("news", "finance", "innovation"):
        make_category(slug=slug, name_en=slug.title())


def at(year, month, day, hour=12):
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def afresh():
    """A reader with a flash message waiting: the page is made for them, never taken from the page cache."""
    client = Client()
    client.cookies["messages"] = "x"
    return client


def editor():
    client = Client(headers={"accept-language": "en"})
    client.force_login(User.objects.create_superuser("scale-editor", "scale@example.com", "pw-long-enough-123"))
    return client


def queries(client, url, status=200):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return len(context.captured_queries)


def many(count, start=0, **fields):
    for number in range(start, start + count):
        make_article(slug=f"many-{number}", published_at=at(2020, 1 + number % 12, 1 + number % 28), **fields)


READER_PAGES = [
    "/en/",
    "/en/category/news/",
    "/en/category/news/?page=2",
    "/en/archive/",
    "/en/archive/2020/",
    "/en/archive/2020/3/",
    "/en/articles/many-2/",
    "/en/articles/many-2/bilingual/",
    "/en/feed/",
    "/zh-hant/feed/atom/",
    "/en/category/news/feed/",
]


def test_every_reader_page_takes_as_many_queries_with_many_articles_as_with_few():
    many(24)
    few = {url: queries(afresh(), url) for url in READER_PAGES}
    # Years and months apart: the archive's counts are one statement however many months there are.
    for year in range(2001, 2012):
        make_article(slug=f"old-{year}", published_at=at(year, 6, 1))
    many(40, start=24)
    assert {url: queries(afresh(), url) for url in READER_PAGES} == few
    # Fresh, each with the category navigation and the sidebar (its categories, three blocks):
    # the category page its category, one capped count and its articles; the archive its
    # bounds and one count of all its months.
    assert few["/en/category/news/"] == 1 + 4 + 3
    assert few["/en/archive/"] == 1 + 4 + 2


def test_a_category_offers_only_the_pages_it_counted_and_says_there_are_more(monkeypatch):
    monkeypatch.setattr(paging.CappedPaginator, "max_pages", 2)
    many(25)
    first = afresh().get("/en/category/news/")
    assert "Page 1 of more than 2" in first.content.decode()
    last = afresh().get("/en/category/news/?page=2")
    assert last.status_code == 200
    assert 'rel="next"' not in last.content.decode()
    assert afresh().get("/en/category/news/?page=3").status_code == 404
    chinese = afresh().get("/zh-hans/category/news/").content.decode()
    assert "第 1 页，共逾 2 页" in chinese


def test_a_list_within_its_cap_counts_exactly(monkeypatch):
    monkeypatch.setattr(paging.CappedPaginator, "max_pages", 2)
    many(15)
    body = afresh().get("/en/category/news/").content.decode()
    assert "Page 1 of 2" in body and "more than" not in body
    assert 'rel="next"' in body


def test_an_archive_year_offers_only_the_pages_it_counted(monkeypatch):
    monkeypatch.setattr(paging.CappedPaginator, "max_pages", 2)
    many(45)
    body = afresh().get("/en/archive/2020/").content.decode()
    assert "Page 1 of more than 2" in body
    assert afresh().get("/en/archive/2020/?page=2").status_code == 200
    assert afresh().get("/en/archive/2020/?page=3").status_code == 404
    # The year's count beside it is still the whole year.
    assert re.search(r"2020</a> <span class=\"count\">\(45\)", body), body


def test_archive_counts_follow_the_newsrooms_calendar_across_many_years():
    make_article(slug="new-year", published_at=datetime.datetime(2020, 12, 31, 17, tzinfo=datetime.UTC))
    make_article(slug="april", published_at=at(2020, 4, 30, 23))
    make_article(slug="long-ago", published_at=at(1995, 7, 1))
    make_article(slug="a-draft", published_at=at(2020, 4, 2), status=Article.Status.DRAFT)
    make_article(slug="tomorrow", published_at=timezone.now() + datetime.timedelta(days=1))
    body = afresh().get("/en/archive/").content.decode()
    counts = dict(re.findall(r'archive/(\d+)/">\d+</a> <span class="count">\((\d+)\)', body))
    assert counts == {"2021": "1", "2020": "1", "1995": "1"}
    months = re.findall(r'archive/(\d+/\d+)/"[^>]*>[^<]+</a> <span class="count">\((\d+)\)', body)
    assert months == [("2021/1", "1"), ("2020/4", "1"), ("1995/7", "1")]


ADMIN_LISTS = [
    "",
    "?q=many",
    "?status__exact=draft",
    "?category__id__exact={category}",
    "?published_at__gte=2000-01-01+00%3A00%3A00%2B08%3A00",
    "?published_at__year=2020",
    "?published_at__year=2020&published_at__month=3",
    "?_facets=True",
    "?translation=complete",
    "?translation=no-english",
    "?translation=no-chinese",
    "?translation=misaligned",
    "?translation=stale",
]


def test_the_admin_list_takes_as_many_queries_with_many_articles_as_with_few():
    client = editor()
    # The year's first and last months: the drill-down probes each month in that span once.
    # A complete translation and one lacking English at each end of the year and of March.
    days = [at(2020, 1, 1), at(2020, 3, 1), at(2020, 3, 28), at(2020, 12, 28)]
    for number, day in enumerate(days * 2):
        make_section(make_article(slug=f"few-{number}", published_at=day), **({"body_en": ""} if number % 2 else {}))
    category = Article.objects.first().category_id
    urls = ["/admin/articles/article/" + query.format(category=category) for query in ADMIN_LISTS]
    few = {url: queries(client, url) for url in urls}
    for number in range(30):
        article = make_article(slug=f"more-{number}", published_at=at(2020, 1 + number % 12, 1 + number % 28))
        make_section(article, **({"body_en": ""} if number % 3 else {}))
    more = {url: queries(client, url) for url in urls}
    plain = [url for url in urls if "translation=" not in url]
    assert {url: more[url] for url in plain} == {url: few[url] for url in plain}
    # A translation filter's drill-down probes only the months its matches span: at most a year's.
    for url in set(urls) - set(plain):
        assert more[url] <= few["/admin/articles/article/"] + 12, url


def test_the_admin_list_says_more_than_when_it_counts_no_further(monkeypatch):
    monkeypatch.setattr(ArticleAdmin, "list_per_page", 2)
    monkeypatch.setattr(ArticlePaginator, "max_pages", 2)
    many(7)
    client = editor()
    body = client.get("/admin/articles/article/").content.decode()
    assert "more than 4 articles" in body
    assert client.get("/admin/articles/article/?p=2").status_code == 200
    many(1, start=20)
    body = client.get("/admin/articles/article/?q=many-20").content.decode()
    assert "1 article" in body and "more than" not in body


def test_the_admin_list_shows_and_filters_translation_state_worked_out_for_its_rows():
    complete = make_article(slug="complete")
    make_section(complete)
    untranslated = make_article(slug="untranslated")
    make_section(untranslated, body_en="")
    client = editor()
    listed = client.get("/admin/articles/article/?translation=no-english").content.decode()
    assert "/untranslated/" not in listed  # admin rows link by id
    assert f"/admin/articles/article/{untranslated.pk}/change/" in listed
    assert f"/admin/articles/article/{complete.pk}/change/" not in listed
    assert re.findall(r'field-translation_state">([^<]*)<', listed) == ["English missing"]
    everything = client.get("/admin/articles/article/").content.decode()
    assert sorted(re.findall(r'field-translation_state">([^<]*)<', everything)) == ["English missing", "complete"]


def test_the_admin_list_counts_each_articles_comments():
    article = make_article(slug="discussed")
    for number, status in enumerate(["approved", "approved", "pending"]):
        Comment.objects.create(article=article, name=f"N{number}", email="n@example.com", message="M", status=status)
    body = editor().get("/admin/articles/article/").content.decode()
    assert re.search(r'field-approved_comments">2<', body), body
    assert re.search(r'field-pending_comments">1<', body), body


@pytest.mark.parametrize("few_rows", [0, 20_000], ids=["probed period by period", "asked Django's way"])
def test_the_date_drill_down_offers_only_periods_that_have_articles_in_the_newsrooms_calendar(monkeypatch, few_rows):
    monkeypatch.setattr(ProbedPeriods, "few_rows", few_rows)
    make_article(slug="y2018", published_at=at(2018, 5, 1))
    # 31 December 2019, 20:00 UTC is already 2020 in Shanghai.
    make_article(slug="y2020", published_at=datetime.datetime(2019, 12, 31, 20, tzinfo=datetime.UTC))
    make_article(slug="y2020-march", published_at=at(2020, 3, 9))
    client = editor()
    years = re.findall(r"published_at__year=(\d+)", client.get("/admin/articles/article/").content.decode())
    assert sorted(set(years)) == ["2018", "2020"]
    months = client.get("/admin/articles/article/?published_at__year=2020").content.decode()
    assert sorted(set(re.findall(r"published_at__month=(\d+)", months))) == ["1", "3"]
    days = client.get("/admin/articles/article/?published_at__year=2020&published_at__month=1").content.decode()
    assert sorted(set(re.findall(r"published_at__day=(\d+)", days))) == ["1"]
