import datetime
import secrets

from django.db import connection, models
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles import changes
from articles.models import Article


class ContentVersion(models.Model):
    """One row: a counter raised by every change readers could see, shared by all processes.

    Cached pages are keyed by it, so a change shows on the next request
    through any server process. `next_publish_at` is when the next scheduled
    article becomes visible; passing it is a change too.
    """

    version = models.BigIntegerField(default=0)
    next_publish_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Kept from when this lived in the articles app: existing databases keep their row.
        db_table = "articles_contentversion"

    def __str__(self):
        return f"content version {self.version}"


def bump_content_version():
    upcoming = Article.objects.scheduled().order_by("published_at").values_list("published_at", flat=True).first()
    updated = ContentVersion.objects.filter(pk=1).update(version=models.F("version") + 1, next_publish_at=upcoming)
    if not updated:
        # A random start: pages cached for another database (a fresh one under
        # the same cache folder) can never carry this database's versions.
        start = secrets.randbelow(2**40) + 1
        ContentVersion.objects.get_or_create(pk=1, defaults={"version": start, "next_publish_at": upcoming})


def follow_changes(sender, change, **kwargs):
    """Any change readers could see: raise the version once."""
    bump_content_version()


def read_version():
    """(version, next_publish_at) or None, in one plain statement.

    This runs on every reader request, cached page or not; building the
    query through the ORM cost more than the rest of a cache hit, so the
    statement is written out once here.
    """
    table = connection.ops.quote_name(ContentVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version, next_publish_at FROM {table} WHERE id = 1")
        row = cursor.fetchone()
    if row is None:
        return None
    version, due = row
    if isinstance(due, str):  # SQLite hands back text
        due = parse_datetime(due)
    if due is not None and timezone.is_naive(due):
        due = timezone.make_aware(due, datetime.timezone.utc)
    return version, due


def content_version():
    """The current content version (one query).

    When a scheduled article's time has come, that is a change like any
    other: it goes through the change seam, which raises the version.
    """
    row = read_version()
    if row is not None and row[1] is not None and row[1] <= timezone.now():
        due = Article.objects.published().filter(published_at__gte=row[1]).values_list("pk", flat=True)
        changes.record(articles=list(due), site=True)
        row = read_version()
    if row is None:
        bump_content_version()
        row = read_version()
    return row[0]
