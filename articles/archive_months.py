"""The archive's calendar: how many articles each month of the newsroom's calendar holds.

The archive pages show every year and month with its count of articles.
Counting a million articles by month on every page is seconds, so the counts
are kept in `ArchiveMonth`, one row per month, and follow the one change
path: when a change commits (`changes.content_changed`), the months of the
changed articles' publish times, before and after, are counted again — each
a short range of the (status, published_at) index. A row counts the
published articles of its month whatever their time, scheduled ones too; the
month in progress is counted live up to now, so a scheduled article is
counted once its time comes, with no save.

Bulk loads that bypass the change path (`generate_articles`) call
`recount_all()`; so does the migration that made the table. Months follow
settings.TIME_ZONE: after changing it, run `recount_all()` again.
"""

import datetime

from django.db import connections, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.timezone import localtime, make_aware

# Months counted by one statement (SQLite allows 500 parts in a compound SELECT).
MONTHS_PER_STATEMENT = 400


def next_day(day, years, month=1):
    """The first day of the next period after `day`, or None past the calendar's end (year 9999)."""
    try:
        return day.replace(year=day.year + years, month=month)
    except ValueError:
        return None


def next_month(day):
    return next_day(day, years=day.month == 12, month=day.month % 12 + 1)


def instant(day):
    """Midnight at the start of `day` in the newsroom's time zone, or None where UTC cannot hold it."""
    moment = make_aware(datetime.datetime.combine(day, datetime.time()))
    try:
        moment.astimezone(datetime.UTC)
    except OverflowError:
        return None
    return moment


def month_of(moment):
    """The first day of the newsroom's month that holds the instant `moment`."""
    return localtime(moment).date().replace(day=1)


def count_months(articles, months, using):
    """{month: count} of `articles` (a queryset) in each of `months` (first days), one range scan each.

    Each month is counted over its own range of the (status, published_at)
    index. Truncating every article's time to its month instead made the
    database convert each of a million times (on SQLite in Python): seconds.
    The queryset's own SQL is written once and counted over each month's
    range, MONTHS_PER_STATEMENT months to a statement (building a queryset
    per month cost more than counting).
    """
    months = sorted(set(months))
    if not months:
        return {}
    sentinels = (datetime.datetime(1, 1, 2, tzinfo=datetime.UTC), datetime.datetime(1, 1, 3, tzinfo=datetime.UTC))
    # The month's range comes first: SQLite bounds its index scan by the first
    # upper bound it is given, and a later "up to now" would make each
    # month's count read every later article too.
    period = articles.filter(published_at__gte=sentinels[0], published_at__lt=sentinels[1]).order_by().values("pk")
    sql, params = period.query.sql_with_params()
    connection = connections[using]
    adapt = connection.ops.adapt_datetimefield_value
    slots = [params.index(adapt(sentinel)) for sentinel in sentinels]
    floor = datetime.datetime(1, 1, 1, tzinfo=datetime.UTC)
    ceiling = datetime.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.UTC)
    counted = {}
    for start in range(0, len(months), MONTHS_PER_STATEMENT):
        parts, values = [], []
        for number, day in enumerate(months[start : start + MONTHS_PER_STATEMENT], start):
            after = next_month(day)
            filled = list(params)
            filled[slots[0]] = adapt(instant(day) or floor)
            filled[slots[1]] = adapt((instant(after) if after is not None else None) or ceiling)
            parts.append(f"SELECT {number}, COUNT(*) FROM ({sql}) AS month_{number}")
            values += filled
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), values)
            counted.update(cursor.fetchall())
    return {months[number]: count for number, count in counted.items()}


def months_spanned(articles):
    """Every month of the calendar from the first to the last of `articles`' publish times."""
    bounds = articles.aggregate(first=Min("published_at"), last=Max("published_at"))
    if bounds["first"] is None:
        return []
    day, last = month_of(bounds["first"]), month_of(bounds["last"])
    months = []
    while day is not None and day <= last:
        months.append(day)
        day = next_month(day)
    return months


def stored_articles(Article, using):
    """What a month's row counts: the published articles, whatever their time."""
    return Article._base_manager.db_manager(using).filter(status="published")


def recount_all(using="default", Article=None, ArchiveMonth=None):
    """Count every month afresh (after a bulk load, or a change of TIME_ZONE). Models may be historical ones."""
    if Article is None:
        from .models import ArchiveMonth, Article
    articles = stored_articles(Article, using)
    with transaction.atomic(using=using):
        counts = count_months(articles, months_spanned(articles), using)
        ArchiveMonth._base_manager.db_manager(using).all().delete()
        ArchiveMonth._base_manager.db_manager(using).bulk_create(
            ArchiveMonth(month=month, published=count) for month, count in counts.items() if count
        )


def recount(months, using="default"):
    """Count these months again and store the counts.

    Each month's row is locked before it is counted, so of two changes
    counting one month at once the later count is the one kept (on SQLite
    the whole transaction holds the one write lock).
    """
    from .models import ArchiveMonth, Article

    months = sorted(set(months))
    if not months:
        return
    rows = ArchiveMonth.objects.using(using)
    with transaction.atomic(using=using):
        rows.bulk_create([ArchiveMonth(month=month, published=0) for month in months], ignore_conflicts=True)
        list(rows.select_for_update().filter(month__in=months).values_list("month", flat=True))
        counts = count_months(stored_articles(Article, using), months, using)
        for month in months:
            rows.filter(month=month).update(published=counts.get(month, 0))


def follow(sender, change, **kwargs):
    """Receiver of content_changed: count again the months the change's articles were and are in."""
    from .models import Article

    times = set(change.earlier_times)
    if change.articles:
        times.update(
            Article._base_manager.using(change.using)
            .filter(pk__in=change.articles)
            .exclude(published_at=None)
            .values_list("published_at", flat=True)
        )
    recount({month_of(moment) for moment in times if moment is not None}, using=change.using)


def visible_month_counts(using="default"):
    """[(first day of a month, articles readers may see in it)], newest first, months with none left out.

    Months before the present one come from the stored counts; the present
    month is counted live up to now (its scheduled articles are not yet
    visible); later months hold nothing readers may see.
    """
    from .models import ArchiveMonth, Article

    this_month = month_of(timezone.now())
    live = Article.objects.using(using)
    if (start := instant(this_month)) is not None:
        live = live.filter(published_at__gte=start)
    present = live.published().count()
    earlier = (
        ArchiveMonth.objects.using(using)
        .filter(month__lt=this_month, published__gt=0)
        .order_by("-month")
        .values_list("month", "published")
    )
    return ([(this_month, present)] if present else []) + list(earlier)
