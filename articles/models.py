from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from .markup import render_markdown


class Category(models.Model):
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=50)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:category", args=[self.slug])


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What readers may see: published, and its publish time has come."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def in_category(self, category):
        return self.filter(category=category)


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

    title = models.CharField(_("title"), max_length=200)
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
    view_count = models.PositiveIntegerField(_("views"), default=0)
    chinese_script = models.CharField(
        _("script of the Chinese text"), max_length=4, choices=Script, default=Script.SIMPLIFIED
    )
    original_language = models.CharField(
        _("original language"), max_length=4, choices=Original, default=Original.CHINESE
    )
    is_full_text = models.BooleanField(
        _("full text archived"),
        default=True,
        help_text=_("Off for teasers whose full text the archive does not hold."),
    )
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    publication = models.CharField(_("publication"), max_length=200, blank=True)
    issue = models.CharField(_("issue"), max_length=100, blank=True)
    byline = models.CharField(_("byline"), max_length=200, blank=True)
    source_note = models.CharField(_("source line"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Set by load_archive: the digest of the fixture file it last loaded, and
    # of the article as it left the loader, so that an editor's later change
    # can be told apart from an unchanged load.
    fixture_digest = models.CharField(max_length=64, blank=True, editable=False)
    loaded_digest = models.CharField(max_length=64, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:detail", args=[self.slug])

    @property
    def chinese_lang(self):
        """The BCP 47 tag of the stored Chinese text."""
        return "zh-Hant" if self.chinese_script == self.Script.TRADITIONAL else "zh-Hans"

    def lang_of(self, field):
        return text_lang(self, field, self.chinese_lang)

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


class Section(models.Model):
    class Level(models.IntegerChoices):
        SECTION = 2, _("section")
        SUBSECTION = 3, _("subsection")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sections", verbose_name=_("article"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    level = models.PositiveSmallIntegerField(_("heading level"), choices=Level, default=Level.SECTION)
    heading = models.CharField(
        _("heading"), max_length=200, blank=True, help_text=_("Leave empty for a lead or closing part.")
    )
    body = models.TextField(_("body"), blank=True, help_text=_("Markdown; a blank line starts a paragraph."))
    body_html = models.TextField(editable=False, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.heading or f"§{self.position}"

    def save(self, *args, **kwargs):
        for lang in settings.MODELTRANSLATION_LANGUAGES:
            source = getattr(self, build_localized_fieldname("body", lang))
            setattr(self, build_localized_fieldname("body_html", lang), render_markdown(source))
        super().save(*args, **kwargs)

    @property
    def anchor(self):
        return f"section-{self.position}"


class Figure(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="figures", verbose_name=_("section"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    marker = models.CharField(
        _("marker"), max_length=10, blank=True, help_text=_("How the source numbers the picture, e.g. ①.")
    )
    label = models.CharField(_("label"), max_length=50, blank=True, help_text=_("e.g. 图 1 / Figure 1"))
    caption = models.TextField(_("caption"), blank=True)
    alt_text = models.CharField(
        _("alt text"), max_length=300, blank=True, help_text=_("Leave empty to use the caption.")
    )
    image = models.ImageField(_("image"), upload_to="figures/%Y/", blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("figure")
        verbose_name_plural = _("figures")

    def __str__(self):
        return self.label or self.caption[:40]


def text_lang(obj, field, chinese_lang):
    """The language tag of what `obj.<field>` shows in the active language.

    English pages fall back to the Chinese text where the English is missing,
    so the tag follows the text actually shown, not the page.
    """
    if (get_language() or "").startswith("en") and getattr(obj, build_localized_fieldname(field, "en")):
        return "en"
    return chinese_lang
