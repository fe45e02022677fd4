import collections
import datetime
from functools import partial

import nested_admin
import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import date as format_date
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime, make_aware
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationAdmin, TranslationInlineModelAdmin
from reversion.admin import VersionAdmin
from reversion.errors import RevertError
from reversion.models import Version

from . import tallies
from .admin_labels import ARTICLE_HELP, SectionForm
from .admin_widgets import ThumbnailFileWidget
from .images import CheckedImageField
from .markup import body_heading_level, render_markdown
from .models import Article, Category, Figure, Section
from .paging import CappedPaginator
from .pairs import CURRENT, EXTRA, MISSING, STALE
from .translation_desk import STATE_LABELS, translation_desk_view
from .translation_desk import summary as pair_summary
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
        "alt_text_zh_hans",
        "alt_text_en",
        "image",
    ]
    sortable_field_name = "position"
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})},
        # Decoded, and its renditions made, while the form is checked: a bad
        # image comes back with a message, before anything is stored.
        models.ImageField: {
            "form_class": CheckedImageField,
            "model": Figure,
            "field_name": "image",
            "widget": ThumbnailFileWidget,
        },
    }


class SectionInline(TranslationInlineModelAdmin, nested_admin.NestedStackedInline):
    model = Section
    form = SectionForm
    extra = 0
    fields = ["position", "level", "heading", "body", "preview", "pair_states"]
    readonly_fields = ["preview", "pair_states"]
    sortable_field_name = "position"
    inlines = [FigureInline]

    class Media:
        # The live preview of the body (static/js/admin-markdown.js).
        js = ["js/admin-markdown.js"]

    @admin.display(description=_("preview"))
    def preview(self, section):
        """The body as readers will see it, with a short guide to Markdown.

        The page shows it as last saved; static/js/admin-markdown.js renders
        it again as the editor types, through ArticleAdmin.markdown_preview_view.
        """
        # body_html is Markdown rendered and sanitised by us on save.
        previews = format_html_join(
            "",
            '<div class="markdown-preview" lang="{}" data-language="{}"><p class="markdown-preview-label">{}</p>'
            '<div class="markdown-preview-body">{}</div></div>',
            [
                ("zh", "zh_hans", "中文", mark_safe(section.body_html_zh_hans or "—")),
                ("en", "en", "English", mark_safe(section.body_html_en or "—")),
            ],
        )
        return format_html(
            '<div class="markdown-live" data-preview-url="{}" data-live-note="{}" data-failed-note="{}">'
            '<div class="markdown-previews"><p class="markdown-preview-note" role="status">{}</p>{}</div>{}</div>',
            reverse("admin:articles_article_markdown_preview"),
            gettext("Shown as you type."),
            gettext("The preview could not be updated; your text is safe in the form."),
            gettext("Shown as last saved; it follows your typing once you change the text."),
            previews,
            markdown_help(),
        )

    @admin.display(description=_("paragraph pairs"))
    def pair_states(self, section):
        """Each paragraph pair's translation state (articles.pairs), as on the translation desk, with a link to it."""
        if not section.pk:
            return gettext("Shown once the section is saved.")
        return pair_state_list(section)


class ArticleAdminForm(forms.ModelForm):
    """Refuses a save made from a page opened before someone else's later save.

    The page carries the article's version (its last change time); if the
    article changed since, the save is refused with who changed it and when,
    and everything the editor typed stays in the form.
    """

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False, label=_("version opened"))

    class Meta:
        model = Article
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose the fields
        help_texts = ARTICLE_HELP

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


def pair_state_list(section):
    """A section's paragraph pairs that need a translator, each with its state, and a link to the desk."""
    found = section.translation_pairs()
    url = reverse("admin:articles_article_translate", args=[section.article_id]) + f"#section-{section.pk}"
    waiting = [pair for pair in found if pair.state != CURRENT]
    if not found:
        note = gettext("No paragraphs yet.")
    elif not waiting:
        note = ngettext("Its %(count)d pair is translated.", "All %(count)d pairs are translated.", len(found)) % {
            "count": len(found)
        }
    else:
        note = pair_summary({state: sum(1 for pair in waiting if pair.state == state) for state in STATE_LABELS})
    items = format_html_join(
        "",
        '<li class="pair-state pair-{}">{}</li>',
        (
            (pair.state, gettext("Pair %(number)d: %(state)s") % {"number": pair.number, "state": label})
            for pair in waiting
            for label in [gettext(STATE_LABELS[pair.state])]
        ),
    )
    return format_html(
        '<div class="pair-states"><p>{}</p>{}<p><a href="{}">{}</a></p></div>',
        note,
        format_html("<ul>{}</ul>", items) if waiting else "",
        url,
        gettext("Translate on the desk"),
    )


def markdown_help():
    """A short guide to the Markdown a section body takes, in the editor's language."""
    rows = [
        (gettext("Heading inside the section"), "## " + gettext("Next steps")),
        (gettext("A smaller heading under it"), "### " + gettext("Details")),
        (gettext("Bold"), "**" + gettext("key point") + "**"),
        (gettext("Italic"), "*" + gettext("emphasis") + "*"),
        (gettext("Link"), "[" + gettext("the ministry") + "](https://www.most.gov.cn/)"),
        (gettext("List"), "- " + gettext("one item") + "\n- " + gettext("another item")),
        (gettext("Numbered list"), "1. " + gettext("first") + "\n2. " + gettext("second")),
    ]
    return format_html(
        '<aside class="markdown-help"><p class="markdown-help-title">{}</p><dl>{}</dl><p>{}</p></aside>',
        gettext("Formatting (Markdown)"),
        format_html_join("", "<dt>{}</dt><dd><code>{}</code></dd>", rows),
        gettext(
            "Leave a blank line between paragraphs. Headings you type come out one level below the section's heading."
        ),
    )


def keep_untranslated(entry):
    """Keep the version's note in Django's untranslated form, like the LogEntry it comes from.

    reversion keeps it as text in the saving editor's language, so History
    showed an English editor's save in English to a Chinese editor (and the
    other way round); in this form it is shown in each reader's language.
    """
    if reversion.is_active():
        reversion.set_comment(entry.change_message)
    return entry


def version_of(moment):
    return moment.isoformat() if moment else ""


# The list's parameters that a kept tally (articles.tallies) can answer for.
TALLIED = {"status__exact": "status", "category__id__exact": "category_id"}


def tallied_narrowing(changelist, own):
    """The {status, category_id} the list is narrowed to besides the parameters `own`; None if anything else narrows it.

    Then the counts beside a filter's choices can be read from the tallies;
    otherwise (a search, a date, a translation state) Django counts them.
    """
    if changelist.query:
        return None
    fixed = {}
    for name, values in changelist.get_filters_params().items():
        if name in own:
            continue
        value = values[-1] if isinstance(values, list) else values
        if name not in TALLIED or (name == "category__id__exact" and not is_id(value)):
            return None
        fixed[TALLIED[name]] = value
    return fixed


def is_id(value):
    return value.isascii() and value.isdigit() and 0 < int(value) < 2**63


def tally_by(field, fixed, changelist):
    """{value of `field`: articles} from the tallies, narrowed to `fixed`.

    The tallies (a row per category and status) are read once per list, not
    once per filter that counts its choices.
    """
    every = changelist.__dict__.get("_tallies")
    if every is None:
        every = changelist._tallies = tallies.tallied(changelist.queryset.db)
    counts = collections.Counter()
    for (category_id, status), count in every.items():
        if fixed.get("status", status) == status and int(fixed.get("category_id", category_id)) == category_id:
            counts[{"status": status, "category_id": category_id}[field]] += count
    return counts


class TalliedFacets:
    """A filter whose "show counts" reads the kept tallies where they answer (else Django counts them)."""

    tally_field = None

    def get_facet_queryset(self, changelist):
        fixed = tallied_narrowing(changelist, self.expected_parameters())
        if fixed is None:
            return super().get_facet_queryset(changelist)
        counts = tally_by(self.tally_field, fixed, changelist)
        return {key: counts.get(value, 0) for key, value in self.facet_keys()}


class StatusFilter(TalliedFacets, admin.ChoicesFieldListFilter):
    tally_field = "status"

    def facet_keys(self):
        # As Django's ChoicesFieldListFilter names its counts.
        return [(f"{i}__c", value) for i, (value, _label) in enumerate(self.field.flatchoices)]


class CategoryFilter(TalliedFacets, admin.RelatedFieldListFilter):
    tally_field = "category_id"

    def facet_keys(self):
        # As Django's RelatedFieldListFilter names its counts.
        return [(f"{pk}__c", pk) for pk, _name in self.lookup_choices]


class PublishedFilter(admin.DateFieldListFilter):
    """The publish-date filter; "show counts" counts each period over its index range, the total from the tallies."""

    def get_facet_queryset(self, changelist):
        fixed = tallied_narrowing(changelist, self.expected_parameters())
        if fixed is None:
            return super().get_facet_queryset(changelist)
        listed = changelist.get_queryset(self.request, exclude_parameters=self.expected_parameters()).order_by()
        counts = {}
        for i, (_title, period) in enumerate(self.links):
            if period:
                counts[f"{i}__c"] = listed.filter(**period).count()
            else:
                counts[f"{i}__c"] = sum(tally_by("status", fixed, changelist).values())
        return counts


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

    def get_facet_counts(self, pk_attname, filtered_qs):
        """No counts beside these choices ("show counts"): each would work out every article's translation state."""
        return {}

    def queryset(self, request, queryset):
        # The states stored per article (articles.translation_states).
        match self.value():
            case "complete":
                return queryset.filter(translation__complete=True)
            case "no-english":
                return queryset.filter(translation__lacks_english=True)
            case "no-chinese":
                return queryset.filter(translation__lacks_chinese=True)
            case "misaligned":
                return queryset.filter(translation__misaligned_sections__gt=0)
            case "stale":
                return queryset.filter(translation__stale_pairs__gt=0)
        return queryset


def version_ids(request):
    """The two version ids the compare view was asked for, or None if either is missing or not an id."""
    try:
        ids = [int(request.GET["a"]), int(request.GET["b"])]
    except (KeyError, ValueError):
        return None
    return ids if all(0 < pk < 2**63 for pk in ids) else None


class ArticlePaginator(CappedPaginator):
    """The article list counts ten pages of a hundred at most (articles.paging), and says "more than" past them.

    Counting every article (with a filter that works out each one's
    translation state, every section of it) took seconds on each page of
    the list; the search box and the filters narrow it.
    """

    max_pages = 10
    # Every page is read through its ids (articles.paging): the rows' columns
    # worked out per article (comment counts) are then worked out for the
    # hundred shown, not for every article a search or filter matched.
    deep_offset = 0


class ProbedPeriods(type(Article.objects.all())):
    """The list's queryset, whose date drill-down probes the published_at index period by period.

    Django's drill-down asks for the distinct years (months, days) of every
    article, which reads each row and converts its time; here each candidate
    period between the first and the last article is one indexed EXISTS.
    A list of few articles (a search's matches) is asked Django's way: each
    probe would test every article of a period against the matches.
    """

    few_rows = 20_000

    def aggregate(self, *args, **kwargs):
        """The first and last publish times (the drill-down's "first=Min, last=Max") as two index look-ups.

        SQLite answers MIN and MAX together by reading every row: 90 ms over
        a million articles, asked twice per list.
        """
        wanted = kwargs if not args else None
        if wanted and set(wanted) == {"first", "last"}:
            first, last = wanted["first"], wanted["last"]
            if first == models.Min("published_at") and last == models.Max("published_at"):
                times = self.order_by().values_list("published_at", flat=True)
                return {
                    "first": times.order_by("published_at", "pk").first(),
                    "last": times.order_by("-published_at", "-pk").first(),
                }
        return super().aggregate(*args, **kwargs)

    def datetimes(self, field_name, kind, order="ASC", tzinfo=None):
        if kind not in ("year", "month", "day"):
            return super().datetimes(field_name, kind, order, tzinfo)
        if self.order_by().values("pk")[: self.few_rows + 1].count() <= self.few_rows:
            return super().datetimes(field_name, kind, order, tzinfo)
        bounds = self.aggregate(first=models.Min(field_name), last=models.Max(field_name))
        if bounds["first"] is None:
            return []
        start = truncate(localtime(bounds["first"]), kind)
        last = localtime(bounds["last"])
        found = []
        while start is not None and start <= last:
            after = following(start, kind)
            # The period's bounds come first: SQLite bounds its index scan by
            # the first bound it is given on a column, and a list filtered by
            # "since 2000" would make each probe read every article since then.
            period = self.model._base_manager.filter(**{f"{field_name}__gte": start})
            if after is not None:
                period = period.filter(**{f"{field_name}__lt": after})
            if (period & self.order_by()).exists():
                found.append(start)
            start = after
        return found if order == "ASC" else found[::-1]


def truncate(moment, kind):
    moment = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if kind in ("year", "month"):
        moment = moment.replace(day=1)
    if kind == "year":
        moment = moment.replace(month=1)
    return make_aware(moment.replace(tzinfo=None))


def following(moment, kind):
    """The start of the next year, month or day after `moment` (local midnight), or None past year 9999."""
    day = moment.date()
    try:
        if kind == "year":
            day = day.replace(year=day.year + 1)
        elif kind == "month":
            day = day.replace(year=day.year + day.month // 12, month=day.month % 12 + 1)
        else:
            day = day + datetime.timedelta(days=1)
    except (ValueError, OverflowError):
        return None
    return make_aware(datetime.datetime.combine(day, datetime.time()))


class ArticleChangeList(ChangeList):
    """The article list, its translation state worked out for the rows on the page only."""

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        queryset.__class__ = ProbedPeriods
        return queryset

    def get_results(self, request):
        super().get_results(request)
        rows = list(self.result_list)
        annotated = Article.objects.filter(pk__in=[row.pk for row in rows]).with_translation_state()
        names = list(annotated.query.annotations)
        states = {values["pk"]: values for values in annotated.values("pk", *names)}
        for article in rows:
            for name in names:
                setattr(article, name, states[article.pk][name])
        self.result_list = rows


@admin.register(Article)
class ArticleAdmin(KeepsFormWhenStorageFails, VersionAdmin, TabbedTranslationAdmin, nested_admin.NestedModelAdmin):
    form = ArticleAdminForm
    prepopulated_fields = {"slug": ["title_en"]}
    # Few and narrow columns, so that the comments app's two more fit a
    # 1280 px screen beside the navigation and the filters (views are on the form).
    list_display = [
        "title",
        "category",
        "publishing",
        "translation_state",
    ]
    list_filter = [
        ("status", StatusFilter),
        ("category", CategoryFilter),
        TranslationStateFilter,
        ("published_at", PublishedFilter),
    ]
    # The list counts once (CappedPaginator), not the whole table again for "N total".
    show_full_result_count = False
    search_fields = ["title_zh_hans", "title_en", "slug"]
    readonly_fields = ["view_count", "created_at", "updated_at", "updated_by", "translation_desk"]
    date_hierarchy = "published_at"
    inlines = [SectionInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "category", "summary", "loaded_version"]}),
        (
            _("Publishing"),
            {"fields": ["status", "published_at", "date_precision", "is_date_approximate", "is_full_text"]},
        ),
        (
            _("Source and translation"),
            {
                "fields": [
                    "publisher",
                    "publication",
                    "issue",
                    "byline",
                    "source_note",
                    "chinese_script",
                    "original_language",
                    "translator",
                    "translation_desk",
                ]
            },
        ),
        (_("Comments"), {"fields": ["comments_open"]}),
        (_("Counters"), {"fields": ["view_count", "created_at", "updated_at", "updated_by"]}),
    ]

    object_history_template = "admin/articles/article/object_history.html"

    class Media:
        css = {"all": ["css/admin.css"]}
        # Keeps typed text in the browser, asks before leaving unsaved edits,
        # and shows who else has the article open (the desk app's heartbeat).
        # Names the language tabs 中文 (繁體) / English and opens a new
        # section on the tab in view (static/js/admin-tabs.js).
        js = ["js/admin-desk.js", "js/admin-tabs.js"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def log_addition(self, request, obj, message):
        return keep_untranslated(super().log_addition(request, obj, message))

    def log_change(self, request, obj, message):
        return keep_untranslated(super().log_change(request, obj, message))

    def get_urls(self):
        compare = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.compare_view),
            name="articles_article_compare",
        )
        preview = path(
            "markdown-preview/",
            self.admin_site.admin_view(self.markdown_preview_view),
            name="articles_article_markdown_preview",
        )
        translate = path(
            "<path:object_id>/translate/",
            self.admin_site.admin_view(partial(translation_desk_view, self)),
            name="articles_article_translate",
        )
        return [preview, compare, translate, *super().get_urls()]

    def markdown_preview_view(self, request):
        """A section body rendered as on the site, for the form's live preview (POST, with the form's CSRF token)."""
        if request.method != "POST":
            return JsonResponse({"error": gettext("Send the text to preview with POST.")}, status=405)
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        level = body_heading_level(request.POST.get("level"), request.POST.get("heading", "").strip())
        html = {
            language: render_markdown(request.POST[f"body_{language}"], level)
            for language in ("zh_hans", "en")
            if f"body_{language}" in request.POST
        }
        return JsonResponse({"html": html})

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
        try:
            groups = compare_versions(older, newer)
        except RevertError:
            # A version saved before a change of the models that it cannot be read back into.
            messages.error(request, gettext("One of these versions can no longer be read, so it cannot be compared."))
            return redirect(reverse("admin:articles_article_history", args=[article.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": gettext("Compare versions"),
            "older": older,
            "newer": newer,
            "groups": groups,
        }
        return render(request, "admin/articles/article/compare.html", context)

    def get_queryset(self, request):
        # The translation state is worked out for the rows shown (ArticleChangeList),
        # or by its filter: over a million articles it costs seconds.
        return super().get_queryset(request).select_related("category")

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return ArticlePaginator(queryset, per_page, orphans, allow_empty_first_page)

    @admin.display(description=_("publishing"), ordering="published_at")
    def publishing(self, article):
        """Draft, published or scheduled (published, its time still to come), and the publish time."""
        scheduled = article.status == Article.Status.PUBLISHED and not article.is_visible
        state = gettext("scheduled") if scheduled else article.get_status_display()
        return format_html("{}<br>{}", state, format_date(localtime(article.published_at), "Y-m-d H:i"))

    @admin.display(description=_("translation"))
    def translation_state(self, article):
        notes = []
        if article.lacks_english_text:
            notes.append(gettext("English missing"))
        if article.lacks_chinese_text:
            notes.append(gettext("Chinese missing"))
        # Paragraph pairs (articles.pairs), linked to the translation desk.
        counts = {STALE: article.stale_pairs, MISSING: article.missing_pairs, EXTRA: article.extra_pairs}
        if any(counts.values()):
            url = reverse("admin:articles_article_translate", args=[article.pk])
            notes.append(format_html('<a href="{}">{}</a>', url, pair_summary(counts)))
        # One note a line, so the column stays narrow.
        return format_html_join(mark_safe("<br>"), "{}", ((note,) for note in notes)) or gettext("complete")

    @admin.display(description=_("translation desk"))
    def translation_desk(self, article):
        """The paragraph pairs' state over the whole article, and the way to the desk."""
        if not article.pk:
            return gettext("The translation desk opens once the article is saved.")
        if hasattr(article, "stale_pairs"):  # annotated by the admin's queryset
            counts = {STALE: article.stale_pairs, MISSING: article.missing_pairs, EXTRA: article.extra_pairs}
        else:
            counts = {STALE: 0, MISSING: 0, EXTRA: 0}
            for section in article.sections.all():
                for state, count in section.pair_counts(article.original_language).items():
                    counts[state] += count
        return format_html(
            '<p class="pair-summary">{}</p><p><a class="button" href="{}">{}</a></p>',
            pair_summary(counts),
            reverse("admin:articles_article_translate", args=[article.pk]),
            gettext("Open the translation desk"),
        )


class ChangedWithItsArticle:
    """Sections and figures are listed on their own, and changed only on their article's form.

    A save on a screen of their own passed by the article's conflict check
    and its History: a colleague's later save of the article, opened
    before, put the old text back unseen. So these lists only find things
    and lead to the article.
    """

    list_display_links = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    # Deleting stays allowed (an article deleted takes its sections and
    # figures with it, and the admin asks this of each) but only there.
    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        raise PermissionDenied

    def change_view(self, request, object_id, form_url="", extra_context=None):
        found = self.get_object(request, unquote(object_id))
        if found is None:
            return super().change_view(request, object_id, form_url, extra_context)
        if request.method == "POST":  # a form opened before these screens became lists
            messages.error(
                request,
                gettext(
                    "Nothing was saved: sections and figures are changed on their article's form, below. "
                    "Your browser's Back button shows what you typed."
                ),
            )
        return redirect(reverse("admin:articles_article_change", args=[self.article_of(found).pk]))

    @admin.display(description=_("article (edit it there)"))
    def article_link(self, obj):
        article = self.article_of(obj)
        return format_html('<a href="{}">{}</a>', reverse("admin:articles_article_change", args=[article.pk]), article)


@admin.register(Figure)
class FigureAdmin(ChangedWithItsArticle, admin.ModelAdmin):
    list_display = ["__str__", "section", "article_link", "position"]
    list_select_related = ["section__article"]
    search_fields = ["caption_zh_hans", "caption_en", "label_zh_hans", "label_en"]

    def article_of(self, figure):
        return figure.section.article


@admin.register(Section)
class SectionAdmin(ChangedWithItsArticle, admin.ModelAdmin):
    list_display = ["__str__", "article_link", "position", "level"]
    list_select_related = ["article"]
    search_fields = ["heading_zh_hans", "heading_en", "article__title_zh_hans", "article__title_en"]

    def article_of(self, section):
        return section.article
