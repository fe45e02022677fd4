"""The one change seam: what readers could see has changed, told once per transaction, after commit.

Everything that follows the archive's content — the search index, the page
cache — learns of changes here and nowhere else. Code that changes content
records what it changed (`article_changed`, `section_changed`,
`page_changed`, `site_changed`); the records of one transaction are merged,
and when it commits `content_changed` is sent once, naming each article at
most once. A rolled-back transaction sends nothing. Outside a transaction
(autocommit) the notification goes at once.

Saves record themselves in `save()`. Deletes — one by one, the admin's
"Delete selected", and cascades — are seen through Django's `post_delete`
(registered in `ArticlesConfig.ready`), because `QuerySet.delete()` calls no
model's `delete()`. Bulk writes made by the project's own code
(`QuerySet.update`, `bulk_create`) record what they touched explicitly.
"""

import logging
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

# Sent with `change`, a Change. The one signal this project defines.
content_changed = Signal()


@dataclass(frozen=True)
class Change:
    """What one committed transaction changed."""

    # Articles whose text, metadata or visibility changed, deleted ones
    # included: the search index follows these.
    articles: frozenset = frozenset()
    # Articles whose page changed in another way (their comments).
    pages: frozenset = frozenset()
    # Something shown on every page changed: a category's name, the set of
    # categories, a scheduled article's time coming.
    site: bool = False
    # The publish times the changed articles had before the change (a
    # deleted article's, a moved one's): the archive's month counts follow
    # these months as well as the articles' present ones.
    earlier_times: frozenset = frozenset()
    # The (category id, status) the changed articles had before the change:
    # the editors' counts by category and status follow these as well.
    earlier_groups: frozenset = frozenset()
    # The database the change was committed to.
    using: str = DEFAULT_DB_ALIAS


@dataclass
class Batch:
    """The records of one transaction, sent as one Change when it commits."""

    using: str
    articles: set = field(default_factory=set)
    sections: set = field(default_factory=set)
    pages: set = field(default_factory=set)
    site: bool = False
    earlier_times: set = field(default_factory=set)
    earlier_groups: set = field(default_factory=set)

    def __call__(self):
        articles = set(self.articles)
        if self.sections:
            # A figure names its section; the section still in the database
            # names its article (a deleted section recorded its own).
            from .models import Section

            articles |= set(
                Section.objects.using(self.using).filter(pk__in=self.sections).values_list("article_id", flat=True)
            )
        change = Change(
            articles=frozenset(articles),
            pages=frozenset(self.pages - articles),
            site=self.site,
            earlier_times=frozenset(self.earlier_times),
            earlier_groups=frozenset(self.earlier_groups),
            using=self.using,
        )
        for receiver, result in content_changed.send_robust(sender=Change, change=change):
            if isinstance(result, Exception):
                logger.error("%s failed after a content change", receiver, exc_info=result)


def pending_batch(using):
    """The batch already registered for the commit of the transaction in progress, if any.

    Looked up among the connection's commit callbacks rather than kept aside,
    so a batch dropped by a rollback (of the transaction or of the savepoint
    it was registered in) is never reused.
    """
    for _savepoints, callback, _robust in connections[using].run_on_commit:
        if isinstance(callback, Batch):
            return callback
    return None


def record(using=None, *, articles=(), sections=(), pages=(), site=False, earlier_times=(), earlier_groups=()):
    using = using or DEFAULT_DB_ALIAS
    batch = pending_batch(using)
    registered = batch is not None
    batch = batch or Batch(using)
    batch.articles.update(articles)
    batch.sections.update(sections)
    batch.pages.update(pages)
    batch.site = batch.site or site
    batch.earlier_times.update(moment for moment in earlier_times if moment is not None)
    batch.earlier_groups.update(group for group in earlier_groups if group is not None)
    if not registered:
        # Outside a transaction this runs the batch at once: fill it first.
        transaction.on_commit(batch, using=using)


def article_changed(*article_ids, using=None, earlier_times=(), earlier_groups=()):
    """The text, metadata or visibility of these articles changed (or they were deleted).

    `earlier_times`: the publish times they had before, where the change may
    have moved them (a save that changed the time, a delete); `earlier_groups`:
    likewise their (category id, status).
    """
    record(using, articles=article_ids, earlier_times=earlier_times, earlier_groups=earlier_groups)


def section_changed(*section_ids, using=None):
    """Something inside these sections changed (a figure): their articles changed."""
    record(using, sections=section_ids)


def page_changed(*article_ids, using=None):
    """These articles' pages changed without their text changing (e.g. their comments)."""
    record(using, pages=article_ids)


def site_changed(using=None):
    """Something every page shows changed (categories; a scheduled article coming due)."""
    record(using, site=True)
