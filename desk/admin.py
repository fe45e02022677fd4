import copy

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms.forms import NON_FIELD_ERRORS
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import date as format_date
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.datastructures import MultiValueDict
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.admin import ArticleAdminForm
from articles.models import Article
from articles.uploads import stored_nothing
from articles.views import ArticleBilingual, ArticleDetail

from . import views
from . import working_copies as copies
from .models import EditSession, WorkingCopy

# Set on the request by WorkingCopies.change_view: this post keeps
# a working copy instead of saving; this rendering only shows the copy.
KEEPING = "_desk_keeping_working_copy"
SHOWING = "_desk_showing_working_copy"


@admin.register(EditSession)
class EditSessionAdmin(admin.ModelAdmin):
    """No screens of its own: only the heartbeat the article change form's script calls.

    Registered with the admin so the heartbeat lives under the admin's
    address (/admin/desk/editsession/heartbeat/), beside the form it serves.
    """

    def get_model_perms(self, request):
        return {}  # never listed on the admin's index

    def get_urls(self):
        return [path("heartbeat/", views.heartbeat, name="desk_editsession_heartbeat")]


class WorkingCopyForm(ArticleAdminForm):
    """The article form, refusing a save made from a page older than the article's working copy.

    Like `loaded_version` for the article: the page carries the version of
    the working copy it was opened with (empty when there was none).
    """

    working_copy_version = forms.CharField(widget=forms.HiddenInput, required=False, label=_("working copy opened"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            current = WorkingCopy.objects.filter(article=self.instance.pk).values_list("updated_at", flat=True).first()
            self.fields[copies.VERSION_FIELD].initial = copies.version_of(current)

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        # The article's row is locked by the check above, so a copy kept by
        # a colleague at the same moment is seen here once theirs commits.
        current = WorkingCopy.objects.filter(article=self.instance.pk).values_list("updated_at", "updated_by").first()
        opened = (cleaned.get(copies.VERSION_FIELD) or "").removeprefix(copies.SHOWN)
        if copies.version_of(current[0] if current else None) == opened:
            return cleaned
        if current is None:
            message = gettext(
                "The working copy you opened was published or discarded after you opened it. Nothing was saved "
                "and your changes are still in the form: copy what you need, reload the page, and make them again."
            )
        else:
            editor = get_user_model().objects.filter(pk=current[1]).first()
            message = gettext(
                "%(editor)s saved a working copy of this article at %(time)s, after you opened it. Nothing was "
                "saved and your changes are still in the form: copy what you need, reload the page to see their "
                "working copy, and make your changes again."
            ) % {
                "editor": editor.get_username() if editor else gettext("Someone"),
                "time": format_date(localtime(current[0]), "DATETIME_FORMAT"),
            }
        raise forms.ValidationError(message, code="working_copy_stale")


def shown_only(form):
    """`is_valid` of a form that only shows a working copy: its errors are shown, and it is never saved.

    The article changing since the copy was started is said by the notice
    above the form, in words for that case, not as a refused save.
    """
    errors = form.errors
    kept = [error for error in errors.get(NON_FIELD_ERRORS, form.error_class()).as_data() if error.code != "stale"]
    errors.pop(NON_FIELD_ERRORS, None)
    if kept:
        errors[NON_FIELD_ERRORS] = form.error_class(kept, error_class="nonfield")
    return False


class WorkingCopies:
    """The article admin's working copies: kept, shown, previewed, published, discarded (desk.working_copies).

    A mixin put in front of whichever admin the other apps left registered
    for articles (comments adds its counts the same way): see `add_working_copies`.
    """

    form = WorkingCopyForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = copy.deepcopy(list(super().get_fieldsets(request, obj)))
        name, options = fieldsets[0]
        fieldsets[0] = (name, {**options, "fields": [*options["fields"], copies.VERSION_FIELD]})
        return fieldsets

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if getattr(request, SHOWING, False):
            return type(form.__name__, (form,), {"is_valid": shown_only})
        return form

    def get_urls(self):
        def view(function, route, name):
            return path(route, self.admin_site.admin_view(function), name=f"articles_article_{name}")

        return [
            view(self.preview_view, "<path:object_id>/preview/", "preview"),
            view(self.working_copy_preview_view, "<path:object_id>/working-copy/<str:language>/", "working_copy"),
            view(
                self.working_copy_preview_view,
                "<path:object_id>/working-copy/<str:language>/bilingual/",
                "working_copy_bilingual",
            ),
            view(self.publish_working_copy_view, "<path:object_id>/working-copy-publish/", "working_copy_publish"),
            view(self.discard_working_copy_view, "<path:object_id>/working-copy-discard/", "working_copy_discard"),
            *super().get_urls(),
        ]

    # ---- The change form: shows the copy, keeps one, or saves (publishes) it ----

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, unquote(object_id))
        if article is None or not self.has_change_permission(request, article):
            return super().change_view(request, object_id, form_url, extra_context)
        working_copy = current_copy(article)
        extra_context = {
            **(extra_context or {}),
            **notice_context(article, working_copy),
            "working_copy_allowed": article.status == Article.Status.PUBLISHED,
        }
        if request.method == "POST":
            if copies.shows(request.POST, working_copy):
                files = copies.with_copy_files(working_copy, request.POST, request.FILES)
                request = copies.posted(request, request.POST, files)
            keeping = copies.KEEP in request.POST and article.status == Article.Status.PUBLISHED
            setattr(request, KEEPING, keeping)
        elif working_copy:
            data = {**working_copy.data, copies.VERSION_FIELD: [copies.SHOWN + working_copy.version]}
            request = copies.posted(request, copies.as_querydict(data), copies.opened_files(working_copy.files))
            setattr(request, SHOWING, True)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if getattr(request, KEEPING, False):
            try:
                copies.keep(request, obj)
            except OSError as error:  # the media storage refused an image: the form comes back, as on a save
                raise stored_nothing(obj, error) from error
            return
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if getattr(request, KEEPING, False):
            return
        super().save_related(request, form, formsets, change)
        if change and request.POST.get(copies.VERSION_FIELD, "").startswith(copies.SHOWN):
            # The form showed the working copy (its version checked in
            # clean): what it held is now the published article.
            WorkingCopy.objects.filter(article=form.instance).delete()

    def construct_change_message(self, request, form, formsets, add=False):
        if getattr(request, KEEPING, False):
            return []  # the formsets were checked, not saved: there is no change to describe
        return super().construct_change_message(request, form, formsets, add)

    def log_change(self, request, obj, message):
        if getattr(request, KEEPING, False):
            return None  # nothing readers see changed: History keeps published versions only
        return super().log_change(request, obj, message)

    def response_change(self, request, obj):
        if not getattr(request, KEEPING, False):
            return super().response_change(request, obj)
        messages.success(
            request,
            gettext(
                "Saved as a working copy. Readers still see the published article; preview the copy, "
                "and publish it when it is ready."
            ),
        )
        return redirect(reverse("admin:articles_article_change", args=[obj.pk]))

    # ---- Previews ----

    def preview_view(self, request, object_id):
        """The article page rendered from the form as it is now (POST), nothing saved: the form's Preview button."""
        article = self.changeable(request, object_id)
        if request.method != "POST":
            return redirect(reverse("admin:articles_article_change", args=[article.pk]))
        working_copy = current_copy(article)
        files = request.FILES
        if copies.shows(request.POST, working_copy):
            files = copies.with_copy_files(working_copy, request.POST, request.FILES)
        data = copies.for_preview(copies.form_data(request.POST), article, working_copy)
        language = request.POST.get("preview_language") or reading_language(article)
        if language not in copies.READING_LANGUAGES:
            language = reading_language(article)
        return self.render_preview(request, article, data, files, language, bilingual=False, working_copy=None)

    def working_copy_preview_view(self, request, object_id, language):
        """The working copy on the real article page (or the side-by-side page), in one reading language."""
        article = self.changeable(request, object_id)
        if language not in copies.READING_LANGUAGES:
            raise Http404(gettext("There is no reading language with this code."))
        working_copy = current_copy(article)
        if working_copy is None:
            messages.info(
                request, gettext("This article has no working copy (it may have been published or discarded).")
            )
            return redirect(reverse("admin:articles_article_change", args=[article.pk]))
        data = copies.for_preview(working_copy.data, article, working_copy)
        files = copies.opened_files(working_copy.files)
        bilingual = request.path.rstrip("/").endswith("/bilingual")
        return self.render_preview(request, article, data, files, language, bilingual, working_copy)

    def render_preview(self, request, article, data, files, language, bilingual, working_copy):
        form, formsets, valid = copies.bind(self, request, article, copies.as_querydict(data), files)
        context = {
            **copy_names(working_copy),
            "original": article,
            "working_copy": working_copy,
            "preview_language": language,
        }
        if not valid:
            context.update(self.admin_site.each_context(request), opts=self.opts)
            errors = [str(error) for error in form.non_field_errors()]
            errors += [
                f"{form.fields[name].label}: {' '.join(field_errors)}"
                for name, field_errors in form.errors.items()
                if name != NON_FIELD_ERRORS and name in form.fields
            ]
            errors += [
                str(error)
                for formset in formsets
                for error in [*formset.non_form_errors(), *(e for f in formset.errors for es in f.values() for e in es)]
            ]
            context.update(title=gettext("The preview cannot be shown"), errors=errors)
            response = render(request, "desk/preview_refused.html", context)
        else:
            shown = copies.assembled(form, formsets)
            view_class = ArticleBilingual if bilingual else ArticleDetail
            with translation.override(language):
                view = view_class()
                view.setup(request, slug=shown.slug)
                view.object = shown
                page = view.get_context_data(object=shown)
                page.update(
                    context,
                    preview=True,
                    preview_links=preview_links(article) if working_copy else [],
                    preview_bilingual=bilingual,
                )
                template = "desk/preview_bilingual.html" if bilingual else "desk/preview_detail.html"
                response = TemplateResponse(request, template, page)
                response.render()
        for upload in files.values():
            upload.close()
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    # ---- Publishing and discarding ----

    def copy_to_act_on(self, request, object_id, action):
        """(article, its working copy, None) for a POST of the copy's version; else an answer to send instead.

        No copy: back to the form with a word. A GET: the confirmation page.
        A version that is not the copy's: refused as changed since.
        """
        article = self.changeable(request, object_id)
        working_copy = current_copy(article)
        if working_copy is None:
            messages.info(
                request, gettext("This article has no working copy (it may have been published or discarded).")
            )
            return article, None, redirect(reverse("admin:articles_article_change", args=[article.pk]))
        if request.method != "POST":
            return article, working_copy, self.confirm(request, article, working_copy, action)
        if request.POST.get("version") != working_copy.version:
            return article, working_copy, self.changed_since(request, article)
        return article, working_copy, None

    def publish_working_copy_view(self, request, object_id):
        """Publish the working copy: the form it holds saved through the admin, checked as any save (POST)."""
        article, working_copy, answer = self.copy_to_act_on(request, object_id, "publish")
        if answer:
            return answer
        # The form the copy holds, sent once more through the change form:
        # its checks, its one transaction, its one version in History.
        data = {**working_copy.data, copies.VERSION_FIELD: [copies.SHOWN + working_copy.version]}
        sent = copies.posted(request, copies.as_querydict(data), MultiValueDict())
        with transaction.atomic():
            response = self.change_view(sent, str(article.pk))
        if response.status_code in (301, 302):
            messages.success(
                request,
                gettext("The working copy is published: readers see it now, and History has kept the version."),
            )
        else:
            messages.error(request, refusal(response, article))
        return redirect(reverse("admin:articles_article_change", args=[article.pk]))

    def discard_working_copy_view(self, request, object_id):
        article, working_copy, answer = self.copy_to_act_on(request, object_id, "discard")
        if answer:
            return answer
        working_copy.delete()
        messages.success(request, gettext("The working copy was discarded; the published article is unchanged."))
        return redirect(reverse("admin:articles_article_change", args=[article.pk]))

    def confirm(self, request, article, working_copy, action):
        context = {
            **self.admin_site.each_context(request),
            **notice_context(article, working_copy),
            "opts": self.opts,
            "original": article,
            "action": action,
            "title": gettext("Publish the working copy?")
            if action == "publish"
            else gettext("Discard the working copy?"),
        }
        return render(request, "desk/working_copy_confirm.html", context)

    def changed_since(self, request, article):
        messages.error(
            request,
            gettext("The working copy changed after you opened this page. Look at it again before you go on."),
        )
        return redirect(reverse("admin:articles_article_change", args=[article.pk]))

    def changeable(self, request, object_id):
        """The article for these views: 404 if there is none, 403 for an editor who may not change it."""
        try:
            article = self.get_object(request, unquote(object_id))
        except (ValueError, OverflowError):
            article = None
        if article is None:
            raise Http404(gettext("There is no article with this number."))
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        return article


def current_copy(article):
    return WorkingCopy.objects.filter(article=article).select_related("created_by", "updated_by").first()


def reading_language(article):
    """The reading language a preview opens in: the admin's, in the script the Chinese is kept in."""
    if (translation.get_language() or "").startswith("en"):
        return "en"
    return "zh-hant" if article.chinese_script == Article.Script.TRADITIONAL else "zh-hans"


def preview_links(article):
    """[(language name, code, article page, side-by-side page)] of the working copy's preview, per reading language."""
    names = {"zh-hans": "简体", "zh-hant": "繁體", "en": "English"}
    return [
        (
            names.get(code, code),
            code,
            reverse("admin:articles_article_working_copy", args=[article.pk, code]),
            reverse("admin:articles_article_working_copy_bilingual", args=[article.pk, code]),
        )
        for code in copies.READING_LANGUAGES
    ]


def notice_context(article, working_copy):
    if working_copy is None:
        return {"working_copy": None}
    base = working_copy.data.get("loaded_version", [""])[0]
    stale = base != copies.version_of(article.updated_at)
    return {
        **copy_names(working_copy),
        "working_copy": working_copy,
        "working_copy_links": preview_links(article),
        "working_copy_stale": stale,
        "working_copy_stale_by": (article.updated_by.get_username() if article.updated_by else "") if stale else "",
    }


def copy_names(working_copy):
    """Who last saved and who started the working copy, as colleagues are named on the form."""
    if working_copy is None:
        return {}
    return {
        "working_copy_editor": views.name_of(working_copy.updated_by) if working_copy.updated_by else "—",
        "working_copy_starter": views.name_of(working_copy.created_by) if working_copy.created_by else "—",
    }


def refusal(response, article):
    """Why the admin refused to save the working copy, in a sentence for the message list."""
    form = getattr(response, "context_data", {}).get("adminform")
    form = form.form if form is not None else None
    if form is not None and any(error.code == "stale" for error in form.non_field_errors().as_data()):
        return gettext(
            "The working copy was not published: the published article was changed by %(editor)s at %(time)s, "
            "after the working copy was started, and publishing it would undo that change. The working copy is "
            "kept: open it, copy what you need, discard it and make your changes again."
        ) % {
            "editor": article.updated_by.get_username() if article.updated_by else gettext("Someone"),
            "time": format_date(localtime(article.updated_at), "DATETIME_FORMAT"),
        }
    return gettext(
        "The working copy was not published, and it is kept: the form it holds has errors. Open it to see and "
        "correct them."
    )


def add_working_copies(site):
    """Register the article admin again with working copies in front (DeskConfig.ready).

    Called once every app's admin module is loaded (django.contrib.admin,
    which loads them, comes before desk in INSTALLED_APPS), so the comments
    app's replacement of the article admin is kept, not lost.
    """
    current = type(site._registry[Article])
    if issubclass(current, WorkingCopies):
        return
    site.unregister(Article)
    site.register(Article, type(f"WorkingCopies{current.__name__}", (WorkingCopies, current), {}))
