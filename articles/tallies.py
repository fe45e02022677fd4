"""How many articles each category holds in each status: the counts the editors' list shows beside its filters.

"Show counts" in the admin counts every filter's choices over every article,
one pass over the table per filter: a third of a second each at a million
articles. The counts by category and status are kept in `ArticleTally`
instead, one row per (category, status), and follow the one change path as
the archive's month counts do (articles.archive_months): when a change
commits, the groups its articles were in before and are in now are counted
again, each a range of the (category, status, published_at) index. The
admin's status, category and date filters read them (articles.admin).

Bulk loads that bypass the change path (`generate_articles`) call
`recount_all()`; so does the migration that made the table.
"""

from django.db import transaction
from django.db.models import Count


def count_groups(articles, groups):
    """{(category_id, status): count} of `articles` (a queryset) in each of `groups`, one index range each."""
    counted = {}
    for category_id, status in sorted(set(groups)):
        counted[category_id, status] = articles.filter(category_id=category_id, status=status).count()
    return counted


def recount_all(using="default", Article=None, ArticleTally=None):
    """Count every group afresh (after a bulk load). Models may be historical ones."""
    if Article is None:
        from .models import Article, ArticleTally
    rows = ArticleTally._base_manager.db_manager(using)
    counts = (
        Article._base_manager.db_manager(using)
        .order_by()
        .values_list("category_id", "status")
        .annotate(articles=Count("pk"))
    )
    with transaction.atomic(using=using):
        rows.all().delete()
        rows.bulk_create(
            ArticleTally(category_id=category_id, status=status, articles=count)
            for category_id, status, count in counts
        )


def recount(groups, using="default"):
    """Count these groups again and store the counts.

    Each group's row is locked before it is counted, so of two changes
    counting one group at once the later count is the one kept (on SQLite
    the whole transaction holds the one write lock).
    """
    from .models import Article, ArticleTally

    groups = sorted(set(groups))
    if not groups:
        return
    rows = ArticleTally.objects.using(using)
    with transaction.atomic(using=using):
        rows.bulk_create(
            [ArticleTally(category_id=category_id, status=status, articles=0) for category_id, status in groups],
            ignore_conflicts=True,
        )
        for category_id, status in groups:
            list(rows.select_for_update().filter(category_id=category_id, status=status).values_list("pk"))
        counts = count_groups(Article._base_manager.using(using), groups)
        for (category_id, status), count in counts.items():
            rows.filter(category_id=category_id, status=status).update(articles=count)


def follow(sender, change, **kwargs):
    """Receiver of content_changed: count again the groups the change's articles were and are in."""
    from .models import Article

    groups = set(change.earlier_groups)
    if change.articles:
        groups.update(
            Article._base_manager.using(change.using)
            .filter(pk__in=change.articles)
            .values_list("category_id", "status")
            .distinct()
        )
    recount(groups, using=change.using)


def tallied(using="default"):
    """{(category_id, status): articles} of every group."""
    from .models import ArticleTally

    rows = ArticleTally.objects.using(using).values_list("category_id", "status", "articles")
    return {(category_id, status): count for category_id, status, count in rows}
