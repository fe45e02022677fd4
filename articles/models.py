import math
import re
from itertools import zip_longest

from django.conf import settings
from django.db import models
from django.db.models import Count
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from imagekit.models import ImageSpecField
from imagekit.processors import ResizeToFit
from modeltranslation.utils import build_localized_fieldname

from . import changes, pairs
from .images import validate_image_file
from .markup import body_heading_level, paragraphs, render_blocks, render_markdown
from .scripts import lang_tag
from .validators import one_line

RENDITION_WIDTHS = (480, 960, 1600)

# Reading speeds for the reading-time estimate: Chinese characters and
# English words a minute for an ordinary reader of news.
CHINESE_CHARS_PER_MINUTE = 400
ENGLISH_WORDS_PER_MINUTE = 220
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


class ArchiveMonth(models.Model):
    """How many published articles (scheduled ones too) a month of the newsroom's calendar holds.

    Kept by articles.archive_months through the change path; the archive pages read it.
    """

    month = models.DateField(primary_key=True, verbose_name=_("month"))
    published = models.PositiveIntegerField(default=0, verbose_name=_("published articles"))

    class Meta:
        verbose_name = _("archive month")
        verbose_name_plural = _("archive months")

    def __str__(self):
        return f"{self.month:%Y-%m}: {self.published}"


class Category(models.Model):
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=50, validators=[one_line])
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        changes.site_changed(using=self._state.db)

    def get_absolute_url(self):
        return reverse("articles:category", args=[self.slug])


class ArticleTally(models.Model):
    """How many articles of a category are in a status (drafts and published, scheduled ones too).

    Kept by articles.tallies through the change path; the editors' list reads it for "show counts".
    """

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+", verbose_name=_("category"))
    status = models.CharField(_("status"), max_length=10)
    articles = models.PositiveIntegerField(_("articles"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["category", "status"], name="article_tally_group")]
        verbose_name = _("article tally")
        verbose_name_plural = _("article tallies")

    def __str__(self):
        return f"{self.category_id} {self.status}: {self.articles}"


class SitemapBlock(models.Model):
    """What one child sitemap of articles lists: a block of article ids, its published articles and their last change.

    Kept by articles.sitemaps through the change path; the sitemap index reads it.
    """

    number = models.PositiveBigIntegerField(_("block"), primary_key=True)
    listed = models.PositiveIntegerField(_("published articles"), default=0)
    lastmod = models.DateTimeField(_("last change"), null=True, blank=True)

    class Meta:
        verbose_name = _("sitemap block")
        verbose_name_plural = _("sitemap blocks")

    def __str__(self):
        return f"sitemap block {self.number}: {self.listed}"


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What readers may see: published, and its publish time has come.

        The one place this rule is written. Raw SQL that needs it (search,
        the page cache's reading counter) is built from this queryset.
        """
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def scheduled(self):
        """Published, but its publish time has not come: readers will see it by itself at that time."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())

    def with_translation_state(self):
        """Annotate lacks_english_text, lacks_chinese_text, misaligned_sections, translation_stale and the pair counts.

        stale_pairs, missing_pairs and extra_pairs count the paragraph pairs
        of all sections in each state (articles.pairs), from the counts each
        section keeps; translation_stale is "some pair is stale".
        """
        sections = Section.objects.filter(article=models.OuterRef("pk"))
        captions = Figure.objects.filter(section__article=models.OuterRef("pk"))
        return self.annotate(
            lacks_english_text=models.Q(title_en="")
            | models.Exists(sections.filter(~models.Q(body_zh_hans=""), body_en=""))
            | models.Exists(sections.filter(~models.Q(heading_zh_hans=""), heading_en=""))
            | models.Exists(captions.filter(~models.Q(caption_zh_hans=""), caption_en="")),
            lacks_chinese_text=models.Q(title_zh_hans="")
            | models.Exists(sections.filter(~models.Q(body_en=""), body_zh_hans=""))
            | models.Exists(sections.filter(~models.Q(heading_en=""), heading_zh_hans="")),
            misaligned_sections=models.Subquery(
                sections.filter(~models.Q(paragraphs_zh=models.F("paragraphs_en")))
                .order_by()
                .values("article")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
        ).annotate(
            stale_pairs=models.Case(
                models.When(original_language=Article.Original.CHINESE, then=section_sum(sections, "zh_changed_pairs")),
                models.When(original_language=Article.Original.ENGLISH, then=section_sum(sections, "en_changed_pairs")),
                default=models.Value(0),
            ),
            missing_pairs=models.Case(
                models.When(original_language=Article.Original.ENGLISH, then=section_sum(sections, "en_more")),
                default=section_sum(sections, "zh_more"),
            ),
            extra_pairs=models.Case(
                models.When(original_language=Article.Original.ENGLISH, then=section_sum(sections, "zh_more")),
                default=section_sum(sections, "en_more"),
            ),
            translation_stale=models.Q(stale_pairs__gt=0),
        )

    def in_category(self, category):
        return self.filter(category=category)


def section_sum(sections, column):
    """The sum over an article's sections of `column` ("zh_more": paragraphs Chinese has beyond English)."""
    zh, en = models.F("paragraphs_zh"), models.F("paragraphs_en")
    more = {
        "zh_more": models.Case(models.When(paragraphs_zh__gt=en, then=zh - en), default=models.Value(0)),
        "en_more": models.Case(models.When(paragraphs_en__gt=zh, then=en - zh), default=models.Value(0)),
    }
    value = more.get(column, models.F(column))
    total = sections.order_by().values("article").annotate(n=models.Sum(value)).values("n")[:1]
    return Coalesce(models.Subquery(total, output_field=models.IntegerField()), models.Value(0))


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    class Script(models.TextChoices):
        SIMPLIFIED = "hans", _("Simplified Chinese")
        TRADITIONAL = "hant", _("Traditional Chinese")

    class Original(models.TextChoices):
        CHINESE = "zh", _("Chinese")
        ENGLISH = "en", _("English")
        BOTH = "both", _("Chinese and English")

    class Precision(models.TextChoices):
        DAY = "day", _("day")
        MONTH = "month", _("month")
        YEAR = "year", _("year")

    title = models.CharField(_("title"), max_length=200, validators=[one_line])
    slug = models.SlugField(_("slug"), max_length=100, unique=True, help_text=_("ASCII words that form the address."))
    summary = models.TextField(_("summary"), blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="articles", verbose_name=_("category")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published at"), default=timezone.now, db_index=True)
    date_precision = models.CharField(
        _("date precision"),
        max_length=5,
        choices=Precision,
        default=Precision.DAY,
        help_text=_("How much of the publish date the source gives."),
    )
    is_date_approximate = models.BooleanField(
        _("date is approximate"),
        default=False,
        help_text=_("The source only suggests the date; readers see it marked as approximate."),
    )
    view_count = models.PositiveIntegerField(
        _("views here"), default=0, help_text=_("Readings counted by the archive itself, from 0.")
    )
    source_view_count = models.PositiveIntegerField(
        _("views at the source"),
        null=True,
        blank=True,
        help_text=_("The view count the source page showed when it was captured; empty when it showed none."),
    )
    chinese_script = models.CharField(
        _("script of the Chinese text"), max_length=4, choices=Script, default=Script.SIMPLIFIED
    )
    original_language = models.CharField(
        _("original language"), max_length=4, choices=Original, default=Original.CHINESE
    )
    comments_open = models.BooleanField(
        _("comments open"), default=True, help_text=_("Readers may leave comments under the article.")
    )
    is_full_text = models.BooleanField(
        _("full text archived"),
        default=True,
        help_text=_("Off for teasers whose full text the archive does not hold."),
    )
    publisher = models.CharField(_("publisher"), max_length=200, blank=True, validators=[one_line])
    publication = models.CharField(_("publication"), max_length=200, blank=True, validators=[one_line])
    issue = models.CharField(_("issue"), max_length=100, blank=True, validators=[one_line])
    byline = models.CharField(_("byline"), max_length=200, blank=True, validators=[one_line])
    source_note = models.CharField(_("source line"), max_length=200, blank=True, validators=[one_line])
    # Who wrote what (templates/includes/_provenance.html): what the archive
    # added to a source, beyond the translation named by original_language.
    title_by_archive = models.BooleanField(
        _("title written by the archive"),
        default=False,
        help_text=_("The source has no title of its own: readers are told the title is the archive's."),
    )
    archive_translated = models.CharField(
        _("parts translated by the archive"),
        max_length=200,
        blank=True,
        help_text=_(
            "For a source published in both languages: the parts it gives in one language only, which the "
            "archive translated, as field names with the language added, e.g. caption_en, source_note_en."
        ),
    )
    translator = models.CharField(
        _("translator"),
        max_length=200,
        blank=True,
        help_text=_("Who translated it; leave empty for the archive's editors."),
        validators=[one_line],
    )
    # When the text of each language last changed (article, sections and
    # figures together): a translation older than its original is flagged.
    chinese_changed_at = models.DateTimeField(_("Chinese text changed at"), null=True, editable=False)
    english_changed_at = models.DateTimeField(_("English text changed at"), null=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("last changed by"),
    )
    # Set by load_archive: the digest of the fixture file it last loaded, and
    # of the article as it left the loader, so that an editor's later change
    # can be told apart from an unchanged load.
    fixture_digest = models.CharField(max_length=64, blank=True, editable=False)
    loaded_digest = models.CharField(max_length=64, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        # The lists' order is (published_at, id), newest first; with the id in
        # the index a page's ids are read from the index alone, in order.
        indexes = [
            models.Index(fields=["status", "published_at", "id"], name="article_visible_order_idx"),
            models.Index(fields=["category", "status", "published_at", "id"], name="article_category_order_idx"),
            # The editors' list, which shows drafts too, and its date drill-down.
            models.Index(fields=["published_at", "id"], name="article_published_order_idx"),
            models.Index(fields=["category", "published_at", "id"], name="article_category_all_order_idx"),
        ]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        stamp_changes(self, self, ARTICLE_TEXT)
        super().save(*args, **kwargs)
        changes.article_changed(
            self.pk,
            using=self._state.db,
            earlier_times=[getattr(self, "_stored_published_at", None)],
            earlier_groups=[getattr(self, "_stored_group", None)],
        )
        self._stored_published_at = self.published_at
        self._stored_group = (self.category_id, self.status)

    def get_absolute_url(self):
        return reverse("articles:detail", args=[self.slug])

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        # The publish time as stored: a save that moves the article to another
        # month has the archive count both months (articles.archive_months).
        article._stored_published_at = article.__dict__.get("published_at")
        # Its category and status as stored, for the same reason (articles.tallies).
        if "category_id" in article.__dict__ and "status" in article.__dict__:
            article._stored_group = (article.category_id, article.status)
        return article

    def get_bilingual_url(self):
        return reverse("articles:bilingual", args=[self.slug])

    @property
    def chinese_lang(self):
        """The BCP 47 tag of the stored Chinese text."""
        return "zh-Hant" if self.chinese_script == self.Script.TRADITIONAL else "zh-Hans"

    def lang_of(self, field):
        return text_lang(self, field, self.chinese_lang)

    @property
    def is_visible(self):
        """Whether published() selects this article, for an instance already in memory.

        tests/test_changes.py checks that the two agree in every state.
        """
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()

    # The parts archive_translated may name, as readers call them.
    TRANSLATABLE_PARTS = {
        "caption": _("Photo captions"),
        "source_note": _("Source line"),
        "byline": _("Byline"),
        "summary": _("Summary"),
        "heading": _("Headings"),
    }

    @property
    def translated_parts(self):
        """[(part as readers call it, its language, the language it was translated from)] of archive_translated."""
        languages = {"en": _("English"), "zh": _("Chinese")}
        parts = []
        for name in filter(None, (item.strip() for item in self.archive_translated.split(","))):
            part, _sep, language = name.rpartition("_")
            if part in self.TRANSLATABLE_PARTS and language in languages:
                other = languages["zh" if language == "en" else "en"]
                parts.append((self.TRANSLATABLE_PARTS[part], languages[language], other))
        return parts

    @property
    def title_pair(self):
        return self.title_zh_hans, self.title_en

    @property
    def is_translation_stale(self):
        """Some paragraph of the original changed since its translation was last edited or confirmed.

        Per paragraph pair (articles.pairs), from the prefetched sections: a
        typo fix confirmed on the translation desk no longer marks the article.
        """
        if self.original_language == self.Original.BOTH:
            return False
        return any(section.has_untranslated_change for section in self.sections.all())

    @property
    def lacks_english(self):
        """Some text shown on the page has no English yet (uses the prefetched sections)."""
        if not self.title_en:
            return True
        return any(
            (section.body_zh_hans and not section.body_en) or (section.heading_zh_hans and not section.heading_en)
            for section in self.sections.all()
        )

    def reading_minutes(self):
        """Minutes to read the body in the active language, at least one."""
        bodies = [section.body for section in self.sections.all()]
        if (get_language() or "").startswith("en") and not self.lacks_english:
            words = sum(len(body.split()) for body in bodies)
            return max(1, math.ceil(words / ENGLISH_WORDS_PER_MINUTE))
        chars = sum(len(HAN.findall(body)) for body in bodies)
        return max(1, math.ceil(chars / CHINESE_CHARS_PER_MINUTE))

    @property
    def is_long(self):
        return len(self.headed_sections) >= 4

    @property
    def headed_sections(self):
        return [section for section in self.sections.all() if section.heading]

    def contents(self):
        """Headed sections as (section, subsections) pairs, for the contents list."""
        entries = []
        for section in self.headed_sections:
            if section.level == Section.Level.SUBSECTION and entries:
                entries[-1][1].append(section)
            else:
                entries.append((section, []))
        return entries


class TranslationState(models.Model):
    """An article's translation state as the admin's filters ask for it, kept by articles.translation_states.

    Worked out per article from its sections and figures; a narrow table
    beside the articles, so that each filter is an index look-up rather than
    working out every article's state on each request.
    """

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="translation", verbose_name=_("article")
    )
    lacks_english = models.BooleanField(default=False)
    lacks_chinese = models.BooleanField(default=False)
    misaligned_sections = models.PositiveIntegerField(default=0)
    stale_pairs = models.PositiveIntegerField(default=0)
    # None of the above.
    complete = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("translation state")
        verbose_name_plural = _("translation states")
        # The list's order (newest first) finds the articles of a common
        # state soonest by walking the articles' own index and looking each
        # one's state up; an index of the state's articles made SQLite gather
        # and sort them all (0.4–0.8 s for one article in twelve at a
        # million). Only stale pairs are rare enough to list.
        indexes = [
            models.Index(fields=["article"], condition=models.Q(stale_pairs__gt=0), name="translation_stale_idx"),
        ]

    def __str__(self):
        return f"{self.article_id}: {'complete' if self.complete else 'incomplete'}"


class Section(models.Model):
    class Level(models.IntegerChoices):
        SECTION = 2, _("section")
        SUBSECTION = 3, _("subsection")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sections", verbose_name=_("article"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    level = models.PositiveSmallIntegerField(_("heading level"), choices=Level, default=Level.SECTION)
    heading = models.CharField(
        _("heading"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty for a lead or closing part."),
        validators=[one_line],
    )
    body = models.TextField(_("body"), blank=True, help_text=_("Markdown; a blank line starts a paragraph."))
    body_html = models.TextField(editable=False, blank=True)
    # Paragraph counts of each language, kept on save so the editors' list can
    # find sections whose two languages do not pair up.
    paragraphs_zh = models.PositiveSmallIntegerField(default=0, editable=False)
    paragraphs_en = models.PositiveSmallIntegerField(default=0, editable=False)
    # Each paragraph pair as last agreed (articles.pairs): the fingerprints
    # [Chinese, English] of its paragraphs when the translation was last
    # edited or confirmed; and how many pairs' Chinese and English paragraphs
    # changed since, so that lists count out-of-date pairs in SQL.
    translation_basis = models.JSONField(default=list, blank=True, editable=False)
    zh_changed_pairs = models.PositiveSmallIntegerField(default=0, editable=False)
    en_changed_pairs = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.heading or f"§{self.position}"

    def save(self, *args, **kwargs):
        for lang in settings.MODELTRANSLATION_LANGUAGES:
            source = getattr(self, build_localized_fieldname("body", lang))
            html = render_markdown(source, self.body_heading_level)
            setattr(self, build_localized_fieldname("body_html", lang), html)
        self.paragraphs_zh, self.paragraphs_en = len(paragraphs(self.body_zh_hans)), len(paragraphs(self.body_en))
        self.update_translation_basis(self.article.original_language)
        changed = stamp_changes(self, self.article, SECTION_TEXT)
        super().save(*args, **kwargs)
        save_change_stamps(self.article, changed)
        changes.article_changed(self.article_id, using=self._state.db)

    @property
    def anchor(self):
        return f"section-{self.position}"

    @property
    def heading_pair(self):
        return self.heading_zh_hans, self.heading_en

    def paragraph_pairs(self):
        """The section's Chinese and English paragraphs side by side, as HTML.

        Pairs are made within the section only, so a section whose two
        languages have different paragraph counts cannot shift the next one.
        """
        chinese = render_blocks(self.body_zh_hans, self.body_heading_level)
        english = render_blocks(self.body_en, self.body_heading_level)
        return list(zip_longest(chinese, english, fillvalue=""))

    @property
    def body_heading_level(self):
        """The level headings typed in the body start at: one below the section's heading (articles.markup)."""
        return body_heading_level(self.level, self.heading_zh_hans or self.heading_en)

    @property
    def paragraph_counts(self):
        return self.paragraphs_zh, self.paragraphs_en

    @property
    def is_aligned(self):
        return self.paragraphs_zh == self.paragraphs_en

    def update_translation_basis(self, original_language):
        """Record the pairs whose translation this save changes or makes (articles.pairs); bulk writes call it too."""
        zh, en = paragraphs(self.body_zh_hans), paragraphs(self.body_en)
        self.translation_basis = pairs.next_basis(zh, en, self.translation_basis, original_language)
        self.zh_changed_pairs, self.en_changed_pairs = pairs.changed_counts(zh, en, self.translation_basis)

    def confirm_pair(self, index):
        """Record that pair `index`'s translation still holds for its original as it is now (saved by the caller)."""
        zh, en = paragraphs(self.body_zh_hans), paragraphs(self.body_en)
        self.translation_basis = pairs.confirmed(self.translation_basis, zh, en, index)

    def translation_pairs(self, original_language=None):
        """[articles.pairs.Pair] of the section's paragraphs, with the state of each."""
        original = original_language or self.article.original_language
        zh, en = paragraphs(self.body_zh_hans), paragraphs(self.body_en)
        return pairs.pairs(zh, en, self.translation_basis, original)

    def paired_blocks_with_state(self):
        """paragraph_pairs() with the state of each: [(Chinese HTML, English HTML, state)], for side by side."""
        states = [pair.state for pair in self.translation_pairs()]
        return [(zh, en, state) for (zh, en), state in zip(self.paragraph_pairs(), states, strict=False)]

    def pair_counts(self, original_language=None):
        """{"stale": n, "missing": n, "extra": n} from the stored counts, without reading the text."""
        original = original_language or self.article.original_language
        translation, source = self.paragraphs_en, self.paragraphs_zh
        stale = self.zh_changed_pairs
        if original == Article.Original.ENGLISH:
            translation, source, stale = source, translation, self.en_changed_pairs
        elif original == Article.Original.BOTH:
            stale = 0
        return {
            pairs.STALE: stale,
            pairs.MISSING: max(0, source - translation),
            pairs.EXTRA: max(0, translation - source),
        }

    @property
    def has_untranslated_change(self):
        """Readers' "may be out of date": a pair's original changed, or the translation lacks a paragraph of it."""
        counts = self.pair_counts()
        original = self.article.original_language
        translation = self.body_zh_hans if original == Article.Original.ENGLISH else self.body_en
        return bool(counts[pairs.STALE] or (counts[pairs.MISSING] and translation.strip()))


class Figure(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="figures", verbose_name=_("section"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    marker = models.CharField(
        _("marker"),
        max_length=10,
        blank=True,
        help_text=_("How the source numbers the picture, e.g. ①."),
        validators=[one_line],
    )
    label = models.CharField(
        _("label"), max_length=50, blank=True, help_text=_("e.g. 图 1 / Figure 1"), validators=[one_line]
    )
    caption = models.TextField(_("caption"), blank=True)
    alt_text = models.CharField(
        _("alt text"), max_length=300, blank=True, help_text=_("Leave empty to use the caption."), validators=[one_line]
    )
    image = models.ImageField(
        _("image"),
        upload_to="figures/%Y/",
        blank=True,
        width_field="image_width",
        height_field="image_height",
        validators=[validate_image_file],
        help_text=_("JPEG, PNG, WebP or GIF."),
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # Resized renditions, made when the image is saved (IMAGEKIT's Optimistic
    # strategy), so pages link them without touching the files.
    image_480 = ImageSpecField(source="image", processors=[ResizeToFit(width=480, upscale=False)])
    image_960 = ImageSpecField(source="image", processors=[ResizeToFit(width=960, upscale=False)])
    image_1600 = ImageSpecField(source="image", processors=[ResizeToFit(width=1600, upscale=False)])
    image_480_webp = ImageSpecField(
        source="image", processors=[ResizeToFit(width=480, upscale=False)], format="WEBP", options={"quality": 80}
    )
    image_960_webp = ImageSpecField(
        source="image", processors=[ResizeToFit(width=960, upscale=False)], format="WEBP", options={"quality": 80}
    )
    image_1600_webp = ImageSpecField(
        source="image", processors=[ResizeToFit(width=1600, upscale=False)], format="WEBP", options={"quality": 80}
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("figure")
        verbose_name_plural = _("figures")

    def __str__(self):
        return self.label or self.caption[:40]

    def save(self, *args, **kwargs):
        changed = stamp_changes(self, self.section.article, FIGURE_TEXT)
        super().save(*args, **kwargs)
        save_change_stamps(self.section.article, changed)
        changes.article_changed(self.section.article_id, using=self._state.db)

    def renditions(self):
        """[(width, fallback URL, WebP URL)] of the image's resized versions, narrowest first."""
        if not self.image or not self.image_width:
            return []
        seen, result = set(), []
        for width in RENDITION_WIDTHS:
            actual = min(width, self.image_width)
            if actual not in seen:
                seen.add(actual)
                result.append((actual, getattr(self, f"image_{width}").url, getattr(self, f"image_{width}_webp").url))
        return result

    @property
    def caption_pair(self):
        return self.caption_zh_hans, self.caption_en

    @property
    def label_pair(self):
        return self.label_zh_hans, self.label_en


ARTICLE_TEXT = ("title", "summary", "publisher", "publication", "issue", "byline", "source_note")
SECTION_TEXT = ("heading", "body")
FIGURE_TEXT = ("label", "caption", "alt_text")


def stamp_changes(instance, article, fields):
    """Note on `article` which languages of `instance`'s text this save changes.

    Returns the changed stamp fields, for saving when the article is not the
    instance itself.
    """
    columns = {"chinese_changed_at": "zh_hans", "english_changed_at": "en"}
    stored = None
    if instance.pk:
        names = [f"{field}_{suffix}" for field in fields for suffix in columns.values()]
        stored = type(instance).objects.filter(pk=instance.pk).values(*names).first()
    now = timezone.now()
    changed = []
    for stamp, suffix in columns.items():
        values = {field: getattr(instance, f"{field}_{suffix}") for field in fields}
        if stored is None:
            differs = any(values.values())
        else:
            differs = any(stored[f"{field}_{suffix}"] != value for field, value in values.items())
        if differs:
            setattr(article, stamp, now)
            changed.append(stamp)
    return changed


def save_change_stamps(article, changed):
    if changed:
        Article.objects.filter(pk=article.pk).update(**{stamp: getattr(article, stamp) for stamp in changed})


def text_lang(obj, field, chinese_lang):
    """The language tag of what `obj.<field>` shows in the active language.

    Chinese pages show Chinese in the page's script. English pages fall back
    to the Chinese original where the English is missing, so there the tag
    follows the text actually shown, in the script it was published in.
    """
    if not (get_language() or "").startswith("en"):
        return lang_tag()
    if getattr(obj, build_localized_fieldname(field, "en")):
        return "en"
    return chinese_lang


class ReadingLog(models.Model):
    """How far `manage.py count_readings` has read a proxy's log of readings (articles.readings)."""

    path = models.CharField(max_length=500, unique=True)
    inode = models.BigIntegerField(default=0)
    offset = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.path} at {self.offset}"
