"""The editors' counts by category and status are kept, not counted per list, and stay right through every change."""

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import tallies
from articles.models import Article, ArticleTally

from .factories import make_article, make_category, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    client = Client(headers={"accept-language": "en"})
    client.force_login(User.objects.create_superuser("lin", "lin@example.com", "pw-long-enough-123"))
    return client


def kept():
    return {group: count for group, count in tallies.tallied().items() if count}


def counted_by_hand():
    counts = {}
    for article in Article.objects.all():
        group = (article.category_id, article.status)
        counts[group] = counts.get(group, 0) + 1
    return counts


def facet_passes(queries):
    """The queries that count filter choices Django's way: many conditional counts over the list in one pass."""
    return [sql for sql in queries if "COUNT(" in sql and ("FILTER (WHERE" in sql or "COUNT(CASE WHEN" in sql)]


def shown_counts(editor, query=""):
    """{choice's text: count} of every filter choice the list shows with "show counts", and the list's queries."""
    with CaptureQueriesContext(connection) as queries:
        response = editor.get(f"/admin/articles/article/?_facets=True{query}")
    assert response.status_code == 200
    html = response.content.decode()
    filters = html[html.index('id="changelist-filter"') :]
    choices = re.findall(r"<li[^>]*>\s*<a[^>]*>([^<]+?) \((\d+)\)</a>", filters)
    return {text.strip(): int(count) for text, count in choices}, [query["sql"] for query in queries]


def test_counts_follow_saves_moves_and_every_kind_of_delete():
    news, science = make_category(slug="news"), make_category(slug="science")
    first = make_article(slug="first", category=news)
    make_article(slug="second", category=news, status=Article.Status.DRAFT)
    third = make_article(slug="third", category=science)
    make_section(third)
    assert (
        kept() == counted_by_hand() == {(news.pk, "published"): 1, (news.pk, "draft"): 1, (science.pk, "published"): 1}
    )

    moved = Article.objects.get(slug="first")  # loaded from the database, as the admin does
    moved.category = science
    moved.status = Article.Status.DRAFT
    moved.save()
    assert (
        kept() == counted_by_hand() == {(news.pk, "draft"): 1, (science.pk, "published"): 1, (science.pk, "draft"): 1}
    )

    first.refresh_from_db()
    first.delete()  # one
    assert kept() == counted_by_hand()
    Article.objects.filter(slug="second").delete()  # the admin's bulk delete
    assert kept() == counted_by_hand() == {(science.pk, "published"): 1}
    Article.objects.all().delete()
    assert kept() == counted_by_hand() == {}


def test_a_change_rolled_back_leaves_the_counts_as_they_were():
    article = make_article(slug="kept")
    before = kept()
    with pytest.raises(RuntimeError), transaction.atomic():
        article.status = Article.Status.DRAFT
        article.save()
        raise RuntimeError
    assert kept() == before == counted_by_hand()


def test_counting_every_group_afresh_gives_what_the_change_path_kept():
    for number in range(6):
        make_article(
            slug=f"a{number}", status=["draft", "published"][number % 2], category=make_category(slug=f"c{number % 3}")
        )
    by_change_path = kept()
    ArticleTally.objects.all().delete()
    tallies.recount_all()
    assert kept() == by_change_path == counted_by_hand()


def test_generated_articles_are_tallied_and_their_deletion_untallied(settings):
    from django.core.management import call_command

    make_article(slug="own")
    call_command("generate_articles", 30, corpus="realistic", verbosity=0)
    assert kept() == counted_by_hand()
    assert sum(kept().values()) == 31
    call_command("generate_articles", 0, delete=True, verbosity=0)
    assert kept() == counted_by_hand()
    assert sum(kept().values()) == 1


def test_show_counts_gives_the_same_numbers_as_counting_the_list_and_reads_no_whole_table_pass(editor):
    news, science = make_category(slug="news", name_en="News"), make_category(slug="science", name_en="Science")
    for number in range(5):
        make_article(slug=f"n{number}", category=news, status="draft" if number < 2 else "published")
    make_article(slug="s0", category=science)
    make_article(slug="old", category=science, published_at=timezone.now() - datetime.timedelta(days=800))

    shown, queries = shown_counts(editor)
    assert shown["News"] == 5 and shown["Science"] == 2
    assert shown["draft"] == 2 and shown["published"] == 5
    assert shown["Any date"] == 7
    assert shown["Past 7 days"] == 6  # all but the old one
    # The counts come from the tallies and index ranges: no aggregate of
    # many conditional counts over every article (Django's facets).
    assert not facet_passes(queries)

    # Narrowed by a category, the status counts are that category's.
    shown, queries = shown_counts(editor, f"&category__id__exact={news.pk}")
    assert shown["draft"] == 2 and shown["published"] == 3 and shown["Any date"] == 5
    assert not facet_passes(queries)
    # And by a status, the category counts are that status's.
    shown, _queries = shown_counts(editor, "&status__exact=draft")
    assert shown["News"] == 2 and shown["Science"] == 0


def test_show_counts_narrowed_by_what_no_tally_holds_are_counted_by_django_and_right(editor):
    news = make_category(slug="news", name_en="News")
    make_article(slug="s0", category=make_category(slug="science", name_en="Science"), title_en="Stars")
    make_article(slug="n0", category=news, title_en="Tides of the river", status="draft")
    make_article(slug="n1", category=news, title_en="Tides again")
    make_article(slug="n2", category=news, title_en="Something else")
    make_article(
        slug="old", category=news, title_en="Old tides", published_at=timezone.now() - datetime.timedelta(days=800)
    )

    shown, queries = shown_counts(editor, "&q=tides")
    assert facet_passes(queries)  # Django's own counting, over the search's matches
    assert shown["News"] == 3 and shown["Science"] == 0 and shown["draft"] == 1 and shown["published"] == 2
    year = (timezone.now() - datetime.timedelta(days=800)).year
    shown, _queries = shown_counts(editor, f"&published_at__year={year}")
    assert shown["News"] == 1 and shown["Science"] == 0
    shown, _queries = shown_counts(editor, "&translation=complete")
    complete = Article.objects.filter(translation__complete=True)
    assert (
        shown["News"] == complete.filter(category=news).count() and shown["Science"] == complete.count() - shown["News"]
    )


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999999", "１２"])
def test_show_counts_with_a_category_that_is_no_id_answers_without_error(editor, value):
    make_article(slug="one")
    response = editor.get(f"/admin/articles/article/?_facets=True&category__id__exact={value}")
    assert response.status_code in (200, 302)


def test_the_tallies_agree_with_a_group_by_over_the_table():
    for number in range(9):
        make_article(
            slug=f"g{number}",
            status=["draft", "published", "published"][number % 3],
            category=make_category(slug=f"k{number % 2}"),
        )
    truth = {
        (row["category_id"], row["status"]): row["n"]
        for row in Article.objects.order_by().values("category_id", "status").annotate(n=Count("pk"))
    }
    assert kept() == truth
