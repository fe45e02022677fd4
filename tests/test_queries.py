"""Pages cost a fixed number of queries, however many sections, figures or articles they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from comments.models import Comment

from .factories import make_article, make_category, make_figure, make_section

pytestmark = pytest.mark.django_db

# Rendered afresh: the content version, article + category, sections,
# figures, related articles, approved comments, the category navigation and
# the sidebar (its categories and one query for each of its three blocks).
# Readings are counted by a request of their own (count_reading).
ARTICLE_PAGE_QUERIES = 11
# From the page cache: the content version only.
CACHED_ARTICLE_PAGE_QUERIES = 1
# Counting a reading: one UPDATE, and the count read back.
COUNT_READING_QUERIES = 2


@pytest.fixture(autouse=True)
def portal_categories(db):
    for category in ("news", "finance", "innovation"):
        make_category(slug=category)


def article_with(sections):
    article = make_article(slug=f"long-{sections}")
    for position in range(sections):
        section = make_section(article, position=position, level=2 if position % 3 == 0 else 3)
        make_figure(section)
    return article


def queries_for(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("sections", [3, 30])
def test_article_page_query_count_is_fixed(client, sections):
    article = article_with(sections)
    for number in range(sections):
        Comment.objects.create(
            article=article, name=f"N{number}", email="n@example.com", message=f"M{number}", status="approved"
        )
    with translation.override("en"):
        url = reverse("articles:detail", args=[article.slug])
    assert queries_for(client, url) == ARTICLE_PAGE_QUERIES
    assert queries_for(client, url) == CACHED_ARTICLE_PAGE_QUERIES
    with CaptureQueriesContext(connection) as context:
        response = client.post(reverse("count-reading", args=[article.slug]), headers={"user-agent": "Mozilla/5.0"})
    assert response.json() == {"views": 0, "counted": True}
    assert len(context.captured_queries) == COUNT_READING_QUERIES


def test_home_and_category_query_counts_do_not_grow_with_articles(client):
    with translation.override("en"):
        home, news = reverse("articles:index"), reverse("articles:category", args=["news"])
    make_article(slug="one")
    few = queries_for(client, home), queries_for(client, news)
    for number in range(25):
        make_article(slug=f"more-{number}")
    assert (queries_for(client, home), queries_for(client, news)) == few


@pytest.mark.parametrize(
    ("page", "fresh", "cached"),
    [
        # version, nav, lead, latest, sidebar (its categories + 3 blocks)
        ("articles:index", 8, 1),
        # version, category, count, page of articles, nav, sidebar (4)
        ("articles:category", 9, 1),
        # version, article, sections, figures, nav (the side-by-side page has no sidebar)
        ("articles:bilingual", 5, 1),
        # version, title/summary and whole-document counts, best title/summary
        # matches, best body matches, which of them readers may see, articles,
        # their sections, nav, sidebar (4); PostgreSQL one more (search.index
        # PostgresBackend.plan keeps its planner on the indexes)
        ("search:results", 13, 1),
    ],
)
def test_each_page_type_takes_a_fixed_number_of_queries(client, page, fresh, cached):
    article = article_with(5)
    for number in range(10):
        make_article(slug=f"extra-{number}", title_en=f"Extra {number}")
    args = {"articles:category": ["news"], "articles:bilingual": [article.slug]}.get(page, [])
    with translation.override("en"):
        url = reverse(page, args=args) + ("?q=Heading" if page == "search:results" else "")
    if page == "search:results" and connection.vendor == "postgresql":
        fresh += 1
    assert (queries_for(client, url), queries_for(client, url)) == (fresh, cached)
