"""Two editors change articles of one group at the same moment: every kept count ends right.

The month counts, the editors' tallies and the sitemap's block summaries are
each counted again after a change commits (articles.changes). Two changes
to one group are counted by two transactions at once. Each locks the
group's row before counting, so the later one waits and counts both
changes. Without the lock the first, counting before the second change
committed, could store its smaller count last.

Each test stalls the first editor's count after it has read, lets the
second editor's change commit and be counted meanwhile (or wait, when the
lock holds it), then checks the stored count against the articles.
"""

import datetime
import threading

import pytest
from django.db import connections

from articles import archive_months, sitemaps, tallies
from articles.models import ArchiveMonth, Article, SitemapBlock

from .factories import make_article, make_category

pytestmark = pytest.mark.django_db(transaction=True)

MOMENT = datetime.datetime(2020, 5, 10, 8, tzinfo=datetime.UTC)
# How long the first editor's count waits for the second's to finish. The
# lock makes the second wait for the first, so with the lock this runs out.
STALL_SECONDS = 1.5


def kept_months():
    return {row.month: row.published for row in ArchiveMonth.objects.filter(published__gt=0)}


def fresh_months():
    articles = archive_months.stored_articles(Article, "default")
    counted = archive_months.count_months(articles, archive_months.months_spanned(articles), "default")
    return {month: count for month, count in counted.items() if count}


def kept_tallies():
    return {group: count for group, count in tallies.tallied().items() if count}


def fresh_tallies():
    groups = set(Article.objects.values_list("category_id", "status"))
    return tallies.count_groups(Article.objects.all(), groups)


def kept_blocks():
    return dict(SitemapBlock.objects.filter(listed__gt=0).values_list("number", "listed"))


def fresh_blocks():
    numbers = {sitemaps.block_of(pk) for pk in Article.objects.values_list("pk", flat=True)}
    listed = {number: sitemaps.block_summary(Article.objects.published(), number)[0] for number in numbers}
    return {number: count for number, count in listed.items() if count}


KEPT = {
    "month counts": (archive_months, "count_months", kept_months, fresh_months),
    "tallies": (tallies, "count_groups", kept_tallies, fresh_tallies),
    "sitemap blocks": (sitemaps, "block_summary", kept_blocks, fresh_blocks),
}


@pytest.mark.parametrize("kind", KEPT)
def test_two_changes_to_one_group_at_the_same_moment_are_both_counted(monkeypatch, kind):
    module, counter, kept, fresh = KEPT[kind]
    category = make_category(slug="news")
    # The group's row is there already: a new row's insert would make the
    # second count wait anyway, lock or no lock.
    make_article(slug="earlier", category=category, published_at=MOMENT - datetime.timedelta(minutes=1))
    first_has_read, second_is_counted = threading.Event(), threading.Event()
    real = getattr(module, counter)

    def stalled(*args, **kwargs):
        counted = real(*args, **kwargs)
        if threading.current_thread().name == "first editor":
            first_has_read.set()
            second_is_counted.wait(STALL_SECONDS)
        return counted

    monkeypatch.setattr(module, counter, stalled)
    failures = []

    def first_editor():
        try:
            make_article(slug="first", category=category, published_at=MOMENT)
        except Exception as error:  # reported below, in the test's own thread
            failures.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=first_editor, name="first editor")
    thread.start()
    assert first_has_read.wait(10), failures
    # The second editor saves into the same month, category, status and
    # block while the first editor's count is stalled after its read.
    make_article(slug="second", category=category, published_at=MOMENT + datetime.timedelta(minutes=1))
    second_is_counted.set()
    thread.join(30)
    assert not thread.is_alive() and not failures, failures

    assert Article.objects.count() == 3
    assert kept() == fresh()
    assert sum(kept().values()) == 3
