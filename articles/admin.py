import nested_admin
import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import date as format_date
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationAdmin, TranslationInlineModelAdmin
from reversion.admin import VersionAdmin
from reversion.models import Version

from .models import Article, Category, Figure, Section
from .uploads import KeepsFormWhenStorageFails
from .versions import compare as compare_versions


@admin.register(Category)
class CategoryAdmin(TranslationAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]


admin.site.site_header = _("S&T News Archive · editors' desk")
admin.site.site_title = _("S&T News Archive")
admin.site.index_title = _("Editing the archive")


# Every save of an article keeps a version of it with its sections and figures.
reversion.register(Figure)
reversion.register(Section, follow=["figures"])
reversion.register(Article, follow=["sections"])


class FigureInline(nested_admin.NestedStackedInline):
    """Figures inside their section, both languages shown one above the other.

    modeltranslation's language tabs do not work in a form added inside a
    form added on the page (the tabs are cloned with the wrong ids), so the
    figure's fields are listed per language instead of tabbed.
    """

    model = Figure
    extra = 0
    fields = [
        "position",
        "marker",
        ("label_zh_hans", "label_en"),
        "caption_zh_hans",
        "caption_en",
        ("alt_text_zh_hans", "alt_text_en"),
        "image",
    ]
    sortable_field_name = "position"
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})}}


class SectionInline(TranslationInlineModelAdmin, nested_admin.NestedStackedInline):
    model = Section
    extra = 0
    fields = ["position", "level", "heading", "body", "preview"]
    readonly_fields = ["preview"]
    sortable_field_name = "position"
    inlines = [FigureInline]

    @admin.display(description=_("rendered text (as last saved)"))
    def preview(self, section):
        # body_html is Markdown rendered and sanitised by us on save.
        return format_html(
            '<div class="markdown-preview" lang="zh"><h4>中文</h4>{}</div>'
            '<div class="markdown-preview" lang="en"><h4>English</h4>{}</div>',
            mark_safe(section.body_html_zh_hans or "—"),
            mark_safe(section.body_html_en or "—"),
        )


class ArticleAdminForm(forms.ModelForm):
    """Refuses a save made from a page opened before someone else's later save.

    The page carries the article's version (its last change time); if the
    article changed since, the save is refused with who changed it and when,
    and everything the editor typed stays in the form.
    """

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose the fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The stored article's version, not the instance's: when a past
            # version is being restored, the instance carries its old time.
            current = Article.objects.filter(pk=self.instance.pk).values_list("updated_at", flat=True).first()
            self.fields["loaded_version"].initial = version_of(current)

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        # The admin saves inside a transaction: lock the article's row until
        # it commits, so of two saves sent at the same moment from the same
        # version the second waits, sees the first, and is refused.
        # (SQLite's IMMEDIATE transactions already serialise writers.)
        stored = Article.objects.filter(pk=self.instance.pk)
        if transaction.get_connection(stored.db).in_atomic_block:
            stored = stored.select_for_update()
        current = stored.values_list("updated_at", "updated_by").first()
        if current and cleaned.get("loaded_version") != version_of(current[0]):
            editor = get_user_model().objects.filter(pk=current[1]).first()
            raise forms.ValidationError(
                gettext(
                    "%(editor)s saved this article at %(time)s, after you opened it. Your changes were not saved "
                    "and are still in the form: copy what you need, reload the page to see their version, "
                    "and make your changes again."
                )
                % {
                    "editor": editor.get_username() if editor else gettext("Someone"),
                    "time": format_date(localtime(current[0]), "DATETIME_FORMAT"),
                },
                code="stale",
            )
        return cleaned


def version_of(moment):
    return moment.isoformat() if moment else ""


class TranslationStateFilter(admin.SimpleListFilter):
    title = _("translation state")
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        return [
            ("complete", _("complete")),
            ("no-english", _("English missing")),
            ("no-chinese", _("Chinese missing")),
            ("misaligned", _("paragraph counts differ")),
            ("stale", _("translation older than original")),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "complete":
                return queryset.filter(
                    lacks_english_text=False,
                    lacks_chinese_text=False,
                    misaligned_sections__isnull=True,
                    translation_stale=False,
                )
            case "no-english":
                return queryset.filter(lacks_english_text=True)
            case "no-chinese":
                return queryset.filter(lacks_chinese_text=True)
            case "misaligned":
                return queryset.filter(misaligned_sections__gt=0)
            case "stale":
                return queryset.filter(translation_stale=True)
        return queryset


def version_ids(request):
    """The two version ids the compare view was asked for, or None if either is missing or not an id."""
    try:
        ids = [int(request.GET["a"]), int(request.GET["b"])]
    except (KeyError, ValueError):
        return None
    return ids if all(0 < pk < 2**63 for pk in ids) else None


@admin.register(Article)
class ArticleAdmin(KeepsFormWhenStorageFails, VersionAdmin, TabbedTranslationAdmin, nested_admin.NestedModelAdmin):
    form = ArticleAdminForm
    prepopulated_fields = {"slug": ["title_en"]}
    list_display = [
        "title",
        "category",
        "status",
        "published_at",
        "view_count",
        "translation_state",
    ]
    list_filter = ["status", "category", TranslationStateFilter, "published_at"]
    search_fields = ["title_zh_hans", "title_en", "slug"]
    readonly_fields = ["view_count", "created_at", "updated_at", "updated_by"]
    date_hierarchy = "published_at"
    inlines = [SectionInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "category", "summary", "loaded_version"]}),
        (
            _("Publishing"),
            {"fields": ["status", "published_at", "date_precision", "is_date_approximate", "is_full_text"]},
        ),
        (
            "Source",
            {
                "fields": [
                    "publisher",
                    "publication",
                    "issue",
                    "byline",
                    "source_note",
                    "chinese_script",
                    "original_language",
                ]
            },
        ),
        (_("Comments"), {"fields": ["comments_open"]}),
        (_("Counters"), {"fields": ["view_count", "created_at", "updated_at", "updated_by"]}),
    ]

    object_history_template = "admin/articles/article/object_history.html"

    class Media:
        css = {"all": ["css/admin.css"]}

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        compare = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.compare_view),
            name="articles_article_compare",
        )
        return [compare, *super().get_urls()]

    def history_view(self, request, object_id, extra_context=None):
        article = self.get_object(request, unquote(object_id))
        versions = Version.objects.get_for_object(article).select_related("revision__user") if article else []
        return super().history_view(request, object_id, {**(extra_context or {}), "versions": versions})

    def compare_view(self, request, object_id):
        """Two saved versions of an article side by side: what changed, in both languages."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404(gettext("There is no article with this number."))
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        ids = version_ids(request)
        versions = Version.objects.get_for_object(article)
        chosen = sorted(versions.filter(pk__in=ids), key=lambda v: v.pk) if ids else []
        if len(chosen) != 2:
            messages.error(request, gettext("Choose two different versions to compare."))
            return redirect(reverse("admin:articles_article_history", args=[article.pk]))
        older, newer = chosen
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": gettext("Compare versions"),
            "older": older,
            "newer": newer,
            "rows": compare_versions(older, newer),
        }
        return render(request, "admin/articles/article/compare.html", context)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("category").with_translation_state()

    @admin.display(description=_("translation"))
    def translation_state(self, article):
        notes = []
        if article.lacks_english_text:
            notes.append(gettext("English missing"))
        if article.lacks_chinese_text:
            notes.append(gettext("Chinese missing"))
        if article.misaligned_sections:
            notes.append(
                ngettext(
                    "paragraphs differ in %(count)d section",
                    "paragraphs differ in %(count)d sections",
                    article.misaligned_sections,
                )
                % {"count": article.misaligned_sections}
            )
        if article.translation_stale:
            notes.append(gettext("translation older than original"))
        return "; ".join(notes) or gettext("complete")


@admin.register(Figure)
class FigureAdmin(TabbedTranslationAdmin):
    list_display = ["__str__", "section", "position"]
    list_select_related = ["section__article"]
    search_fields = ["caption_zh_hans", "caption_en", "label_zh_hans"]
    autocomplete_fields = ["section"]


@admin.register(Section)
class SectionAdmin(TabbedTranslationAdmin):
    list_display = ["__str__", "article", "position", "level"]
    list_select_related = ["article"]
    search_fields = ["heading_zh_hans", "heading_en", "article__title_zh_hans"]
