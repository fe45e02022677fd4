import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Article

from .factories import make_article
from .pages import page_text

pytestmark = pytest.mark.django_db


def at(year, month, day):
    return timezone.make_aware(datetime.datetime(year, month, day, 12))


@pytest.fixture
def dated(db):
    make_article(slug="a", title_en="March story one", published_at=at(2020, 3, 2))
    make_article(slug="b", title_en="March story two", published_at=at(2020, 3, 20))
    make_article(slug="c", title_en="April story", published_at=at(2020, 4, 4))
    make_article(slug="d", title_en="Story of 2024", published_at=at(2024, 4, 20))
    make_article(slug="e", title_en="Draft of 2020", published_at=at(2020, 4, 5), status=Article.Status.DRAFT)


def get(client, name, *args):
    with translation.override("en"):
        return client.get(reverse(name, args=args))


def test_archive_index_lists_years_and_months_with_counts(client, dated):
    text = page_text(get(client, "articles:archive").content.decode(), "main")
    assert "2024 (1)" in text
    assert "2020 (3)" in text
    assert "March 2020 (2)" in text and "April 2020 (1)" in text
    assert text.index("2024 (1)") < text.index("2020 (3)")


def test_a_year_page_lists_its_published_articles(client, dated):
    text = page_text(get(client, "articles:archive-year", 2020).content.decode(), "section#archive-list")
    for title in ("March story one", "March story two", "April story"):
        assert title in text
    assert "Story of 2024" not in text and "Draft of 2020" not in text


def test_a_month_page_lists_that_month_only(client, dated):
    text = page_text(get(client, "articles:archive-month", 2020, 3).content.decode(), "section#archive-list")
    assert "March story one" in text and "March story two" in text
    assert "April story" not in text


def test_a_year_without_articles_is_not_found(client, dated):
    assert get(client, "articles:archive-year", 2031).status_code == 404


def test_the_article_date_links_to_its_month(client, archive):
    with translation.override("en"):
        html = client.get(reverse("articles:detail", args=["china-science-global-covid-fight"])).content.decode()
    assert 'href="/en/archive/2020/4/"' in html


def test_archive_counts_follow_a_new_article_at_once(client, dated):
    assert "2020 (3)" in page_text(get(client, "articles:archive").content.decode(), "main")
    make_article(slug="f", title_en="Another April story", published_at=at(2020, 4, 9))
    assert "2020 (4)" in page_text(get(client, "articles:archive").content.decode(), "main")


def test_a_scheduled_article_is_counted_once_its_time_comes_without_any_save(client, dated):
    import time

    make_article(slug="soon", title_en="Scheduled", published_at=timezone.now() + datetime.timedelta(seconds=2))
    this_year = str(timezone.localtime().year)
    assert f"{this_year} (1)" not in page_text(get(client, "articles:archive").content.decode(), "main")
    time.sleep(2.5)
    assert f"{this_year} (1)" in page_text(get(client, "articles:archive").content.decode(), "main")
