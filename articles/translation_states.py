"""Each article's translation state, stored for the admin's filters and kept through the change path.

`Article.objects.with_translation_state()` works the state out from the
sections and figures: exact, and cheap for the hundred articles a page of
the list shows, but seconds when a filter asks it of every article. So the
state is also stored, one `TranslationState` row per article, written again
for the articles of each committed change (`follow`, a receiver of
`changes.content_changed`). Bulk loads call `store_all()`.
"""

from django.db import transaction

CHUNK = 5_000


def states_of(articles):
    """TranslationState objects (unsaved) for a queryset of articles, worked out by the database."""
    from .models import TranslationState

    rows = articles.order_by().with_translation_state()
    values = rows.values_list("pk", "lacks_english_text", "lacks_chinese_text", "misaligned_sections", "stale_pairs")
    states = []
    for pk, no_english, no_chinese, misaligned, stale in values:
        misaligned, stale = misaligned or 0, stale or 0
        states.append(
            TranslationState(
                article_id=pk,
                lacks_english=no_english,
                lacks_chinese=no_chinese,
                misaligned_sections=misaligned,
                stale_pairs=stale,
                complete=not (no_english or no_chinese or misaligned or stale),
            )
        )
    return states


FIELDS = ["lacks_english", "lacks_chinese", "misaligned_sections", "stale_pairs", "complete"]


def store(article_ids, using="default"):
    """Work out and store the state of these articles (ids of deleted ones are skipped)."""
    from .models import Article, TranslationState

    article_ids = sorted(set(article_ids))
    for start in range(0, len(article_ids), CHUNK):
        chunk = article_ids[start : start + CHUNK]
        states = states_of(Article.objects.using(using).filter(pk__in=chunk))
        with transaction.atomic(using=using):
            TranslationState.objects.using(using).bulk_create(
                states, update_conflicts=True, unique_fields=["article"], update_fields=FIELDS
            )


def store_all(using="default"):
    """Every article's state afresh, CHUNK articles at a time (after a bulk load)."""
    from .models import Article, TranslationState

    articles = Article.objects.using(using)
    with transaction.atomic(using=using):
        TranslationState.objects.using(using).all().delete()
    last = 0
    while True:
        ids = list(articles.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:CHUNK])
        if not ids:
            return
        with transaction.atomic(using=using):
            TranslationState.objects.using(using).bulk_create(states_of(articles.filter(pk__in=ids)))
        last = ids[-1]


def follow(sender, change, **kwargs):
    """Receiver of content_changed: the changed articles' states, stored again."""
    if change.articles:
        store(change.articles, using=change.using)
