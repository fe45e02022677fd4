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
    rows = articles.order_by().with_translation_state()
    values = rows.values_list("pk", "lacks_english_text", "lacks_chinese_text", "misaligned_sections", "stale_pairs")
    return [
        state_of(pk, english, chinese, misaligned or 0, stale or 0)
        for pk, english, chinese, misaligned, stale in values
    ]


def state_of(pk, no_english, no_chinese, misaligned, stale):
    """One article's TranslationState (unsaved); complete is "none of the four"."""
    from .models import TranslationState

    return TranslationState(
        article_id=pk,
        lacks_english=no_english,
        lacks_chinese=no_chinese,
        misaligned_sections=misaligned,
        stale_pairs=stale,
        complete=not (no_english or no_chinese or misaligned or stale),
    )


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
    """Every article's state afresh, CHUNK articles (by id) at a time, after a bulk load.

    The same state as `states_of`, counted set-wise: each chunk's sections
    and figures are read once and grouped by article, where the per-article
    subqueries of `with_translation_state` took over a second a chunk on
    PostgreSQL at a million articles. (A test holds the two to each other.)
    """
    from .models import Article, TranslationState

    states = TranslationState.objects.using(using)
    with transaction.atomic(using=using):
        states.all().delete()
    last = 0
    while True:
        ids = list(Article.objects.using(using).filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:CHUNK])
        if not ids:
            return
        with transaction.atomic(using=using):
            states.bulk_create(states_between(ids[0], ids[-1], using))
        last = ids[-1]


def states_between(low, high, using):
    """TranslationState objects (unsaved) of the articles with ids from `low` to `high`, counted set-wise."""
    from django.db.models import Count, F, Q, Sum

    from .models import Article, Figure, Section

    def lacking(language, other):
        # Text in one language whose counterpart in the other is empty.
        return Count(
            "pk",
            filter=(~Q(**{f"body_{other}": ""}) & Q(**{f"body_{language}": ""}))
            | (~Q(**{f"heading_{other}": ""}) & Q(**{f"heading_{language}": ""})),
        )

    sections = {
        row["article_id"]: row
        for row in Section.objects.using(using)
        .filter(article_id__gte=low, article_id__lte=high)
        .order_by()
        .values("article_id")
        .annotate(
            no_english=lacking("en", "zh_hans"),
            no_chinese=lacking("zh_hans", "en"),
            misaligned=Count("pk", filter=~Q(paragraphs_zh=F("paragraphs_en"))),
            zh_changed=Sum("zh_changed_pairs"),
            en_changed=Sum("en_changed_pairs"),
        )
    }
    captions = set(
        Figure.objects.using(using)
        .filter(section__article_id__gte=low, section__article_id__lte=high)
        .filter(~Q(caption_zh_hans=""), caption_en="")
        .values_list("section__article_id", flat=True)
    )
    made = []
    articles = Article.objects.using(using).filter(pk__gte=low, pk__lte=high).order_by("pk")
    for pk, title_en, title_zh, original in articles.values_list(
        "pk", "title_en", "title_zh_hans", "original_language"
    ):
        counted = sections.get(pk, {})
        no_english = title_en == "" or bool(counted.get("no_english")) or pk in captions
        no_chinese = title_zh == "" or bool(counted.get("no_chinese"))
        misaligned = counted.get("misaligned") or 0
        changed = {Article.Original.CHINESE: "zh_changed", Article.Original.ENGLISH: "en_changed"}.get(original)
        stale = (counted.get(changed) or 0) if changed else 0
        made.append(state_of(pk, no_english, no_chinese, misaligned, stale))
    return made


def follow(sender, change, **kwargs):
    """Receiver of content_changed: the changed articles' states, stored again."""
    if change.articles:
        store(change.articles, using=change.using)
