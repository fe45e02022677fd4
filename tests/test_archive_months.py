"""The archive's month counts are kept, not counted per page: they follow every kind of change (issue 15)."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles import archive_months
from articles.models import ArchiveMonth, Article

from .factories import make_article, make_section

pytestmark = pytest.mark.django_db


def at(year, month, day=10, hour=12):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def counts_on_the_page():
    """{(year, month): count} as the archive index shows them to a reader, afresh."""
    client = Client()
    client.cookies["messages"] = "afresh"  # the page cache neither serves nor keeps such a request
    body = client.get("/en/archive/").content.decode()
    months = re.findall(r'archive/(\d+)/(\d+)/"[^>]*>[^<]+</a> <span class="count">\((\d+)\)', body)
    return {(int(year), int(month)): int(count) for year, month, count in months}


def counted_by_hand():
    """The same counts, from every article readers may see, one by one."""
    counts = {}
    now = timezone.now()
    for article in Article.objects.filter(status=Article.Status.PUBLISHED, published_at__lte=now):
        local = timezone.localtime(article.published_at)
        counts[(local.year, local.month)] = counts.get((local.year, local.month), 0) + 1
    return counts


def test_an_article_moved_to_another_month_leaves_one_and_joins_the_other():
    moved = make_article(slug="moved", published_at=at(2020, 3))
    make_article(slug="stays", published_at=at(2020, 3))
    assert counts_on_the_page() == {(2020, 3): 2}
    moved.published_at = at(2019, 11)
    moved.save()
    assert counts_on_the_page() == {(2020, 3): 1, (2019, 11): 1}


def test_an_article_fetched_again_and_moved_is_still_counted_once():
    make_article(slug="moved", published_at=at(2020, 3))
    article = Article.objects.get(slug="moved")  # loaded from the database, as the admin does
    article.published_at = at(2021, 1)
    article.save()
    article.published_at = at(2022, 2)  # a second save of the same object
    article.save()
    assert counts_on_the_page() == {(2022, 2): 1}


def test_deletes_one_in_bulk_and_by_cascade_all_leave_the_counts():
    for number in range(5):
        make_article(slug=f"a{number}", published_at=at(2020, 3 + number % 2))
    Article.objects.get(slug="a0").delete()
    assert counts_on_the_page() == {(2020, 3): 2, (2020, 4): 2}
    Article.objects.filter(slug__in=["a1", "a2"]).delete()  # the admin's "Delete selected"
    assert counts_on_the_page() == {(2020, 3): 1, (2020, 4): 1}


def test_a_draft_and_an_unpublished_article_are_not_counted_and_count_again_once_published():
    article = make_article(slug="draft", published_at=at(2020, 5), status=Article.Status.DRAFT)
    assert counts_on_the_page() == {}
    article.status = Article.Status.PUBLISHED
    article.save()
    assert counts_on_the_page() == {(2020, 5): 1}
    article.status = Article.Status.DRAFT
    article.save()
    assert counts_on_the_page() == {}


def test_a_change_rolled_back_leaves_the_counts_as_they_were():
    article = make_article(slug="kept", published_at=at(2020, 5))
    with pytest.raises(RuntimeError), transaction.atomic():
        article.published_at = at(2010, 1)
        article.save()
        raise RuntimeError("the editor's save failed halfway")
    assert counts_on_the_page() == {(2020, 5): 1}
    assert set(ArchiveMonth.objects.filter(published__gt=0).values_list("month", flat=True)) == {
        datetime.date(2020, 5, 1)
    }


def test_a_section_saved_does_not_disturb_the_counts():
    article = make_article(slug="with-section", published_at=at(2020, 5))
    make_section(article)
    assert counts_on_the_page() == {(2020, 5): 1}


def test_the_months_are_the_newsrooms_months_at_their_edges():
    # 2020-12-31 17:00 UTC is already 2021-01-01 in Beijing (the newsroom's zone).
    make_article(slug="new-year", published_at=datetime.datetime(2020, 12, 31, 17, tzinfo=datetime.UTC))
    make_article(slug="old-year", published_at=datetime.datetime(2020, 12, 31, 15, 59, tzinfo=datetime.UTC))
    assert counts_on_the_page() == {(2021, 1): 1, (2020, 12): 1}


def test_the_ends_of_the_calendar_are_counted_without_error():
    make_article(slug="year-one", published_at=datetime.datetime(1, 1, 1, 0, 0, tzinfo=datetime.UTC))
    make_article(slug="year-9999", published_at=datetime.datetime(9999, 12, 31, 15, 0, tzinfo=datetime.UTC))
    archive_months.recount_all()
    stored = dict(ArchiveMonth.objects.values_list("month", "published"))
    assert stored == {datetime.date(1, 1, 1): 1, datetime.date(9999, 12, 1): 1}
    assert counts_on_the_page() == {(1, 1): 1}  # the far future is scheduled, not yet visible


def test_generated_articles_are_counted_and_their_deletion_uncounted(settings):
    make_article(slug="mine", published_at=at(2020, 5))
    call_command("generate_articles", "60", "--corpus", "realistic", "--no-index", verbosity=0)
    assert counts_on_the_page() == counted_by_hand()
    assert sum(counts_on_the_page().values()) == Article.objects.published().count() > 1
    call_command("generate_articles", "0", "--delete", "--no-index", verbosity=0)
    assert counts_on_the_page() == {(2020, 5): 1}


def test_counting_every_month_afresh_gives_what_the_change_path_kept():
    for number in range(12):
        make_article(slug=f"m{number}", published_at=at(2000 + number % 3, 1 + number % 12))
    kept = dict(ArchiveMonth.objects.values_list("month", "published"))
    archive_months.recount_all()
    assert dict(ArchiveMonth.objects.filter(published__gt=0).values_list("month", "published")) == {
        month: count for month, count in kept.items() if count
    }


MONTHS = st.tuples(st.integers(2018, 2021), st.integers(1, 12))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("add"), MONTHS, st.booleans()),
            st.tuples(st.just("move"), st.integers(0, 20), MONTHS),
            st.tuples(st.just("status"), st.integers(0, 20), st.booleans()),
            st.tuples(st.just("delete"), st.integers(0, 20), st.integers(1, 3)),
            st.tuples(st.just("rollback"), st.integers(0, 20), MONTHS),
        ),
        max_size=12,
    )
)
def test_any_sequence_of_changes_leaves_the_counts_a_reader_sees_exact(steps):
    Article.objects.all().delete()
    made = 0
    for step in steps:
        kind = step[0]
        articles = list(Article.objects.order_by("pk"))
        if kind == "add":
            made += 1
            status = Article.Status.PUBLISHED if step[2] else Article.Status.DRAFT
            make_article(slug=f"p{made}", published_at=at(*step[1]), status=status)
        elif not articles:
            continue
        elif kind == "move":
            article = articles[step[1] % len(articles)]
            article.published_at = at(*step[2])
            article.save()
        elif kind == "status":
            article = articles[step[1] % len(articles)]
            article.status = Article.Status.PUBLISHED if step[2] else Article.Status.DRAFT
            article.save()
        elif kind == "delete":
            chosen = articles[step[1] % len(articles) :][: step[2]]
            Article.objects.filter(pk__in=[article.pk for article in chosen]).delete()
        else:
            article = articles[step[1] % len(articles)]
            with pytest.raises(RuntimeError), transaction.atomic():
                article.published_at = at(*step[2])
                article.save()
                raise RuntimeError("rolled back")
        assert counts_on_the_page() == counted_by_hand(), step
