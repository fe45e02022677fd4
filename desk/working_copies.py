"""Working copies of published articles (issue 14): kept aside, previewed, published in one change, or discarded.

A working copy is the article's change form as the editor sent it: every
field's values (`WorkingCopy.data`) and the images chosen in it, stored
under working-copies/<article>/ (`WorkingCopy.files`), never over the live
figure's file. Everything else follows from binding the same admin form and
formsets to it again:

- the change form of an article with a working copy shows the copy;
- its preview is the real article page (and side-by-side page) rendered
  from the unsaved instances the bound forms build, in any reading language;
- publishing it sends the form once more through the admin's own save, so
  it is one change through articles.changes, one entry in History, and the
  form's conflict check (`loaded_version`, the article's version the copy
  was started from) refuses it if the published article changed since.

A form also carries the copy's own version (`working_copy_version`): of two
editors, the one whose form is older than the copy is refused, input kept.
"""

import base64
import copy
import logging
import os

from django.conf import settings
from django.core.files.images import get_image_dimensions
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.forms.formsets import all_valid
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from modeltranslation.utils import build_localized_fieldname

from articles.markup import render_markdown
from articles.models import Article

from .models import WorkingCopy

logger = logging.getLogger(__name__)

STORED_UNDER = "working-copies"
KEEP = "_working_copy"
PREVIEW = "_preview"
VERSION_FIELD = "working_copy_version"
# The form showing the working copy carries its version after this mark; a
# form that only knew of it (a past version being restored) carries it bare.
# Only the first saves the copy's images with it and ends the copy.
SHOWN = "shown:"
# What a posted form holds beside its fields: the token and the button pressed.
NOT_KEPT = {"csrfmiddlewaretoken", "_save", "_continue", "_addanother", "_saveasnew", KEEP, PREVIEW, "preview_language"}
READING_LANGUAGES = [code for code, _name in settings.LANGUAGES]


def version_of(moment):
    return moment.isoformat() if moment else ""


def live_version(article):
    return version_of(Article.objects.filter(pk=article.pk).values_list("updated_at", flat=True).first())


def form_data(post):
    """The posted form's fields as {name: [values]}, without the token and the buttons."""
    return {key: post.getlist(key) for key in post if key not in NOT_KEPT}


def as_querydict(data):
    result = QueryDict(mutable=True)
    for key, values in data.items():
        result.setlist(key, [str(value) for value in values])
    return result


def opened_files(names):
    """The copy's stored images as uploads, so the form takes them as if they were chosen again.

    Each carries its stored name (kept, not stored again) and its address,
    which the form's file input shows as the image it holds.
    """
    files = MultiValueDict()
    for key, name in names.items():
        try:
            handle = default_storage.open(name, "rb")
            size = default_storage.size(name)
        except OSError:
            logger.warning("The working copy's image %s is missing", name)
            continue
        upload = UploadedFile(handle, name=os.path.basename(name), size=size)
        upload.stored_name = name
        upload.url = default_storage.url(name)
        files[key] = upload
    return files


def shows(post, working_copy):
    """Whether the posted form showed this working copy, as it still is."""
    return working_copy is not None and post.get(VERSION_FIELD) == SHOWN + working_copy.version


def with_copy_files(working_copy, post, files):
    """The copy's images, then the ones chosen now on top; an image the editor cleared is left out."""
    merged = opened_files(
        {key: name for key, name in working_copy.files.items() if f"{key}-clear" not in post and key not in files}
    )
    for key in files:
        merged.setlist(key, files.getlist(key))
    return merged


def posted(request, data, files):
    """The same request, as if the form had been sent with `data` and `files`."""
    fake = copy.copy(request)
    fake.method = "POST"
    fake.POST = data
    fake._files = files
    return fake


def keep(request, article):
    """Store what the form sent as the article's working copy (inside the admin's save transaction).

    The form was checked first, the article's row locked by its conflict
    check, so two editors keeping a copy at once are taken one after the other.
    """
    working_copy = WorkingCopy.objects.filter(article=article).first()
    before = set(working_copy.files.values()) if working_copy else set()
    names = {}
    for key, upload in request.FILES.items():
        stored = getattr(upload, "stored_name", None)
        if stored is None:
            upload.seek(0)
            stored = default_storage.save(f"{STORED_UNDER}/{article.pk}/{upload.name}", upload)
        names[key] = stored
    data = form_data(request.POST)
    if working_copy is None:
        working_copy = WorkingCopy(article=article, created_by=request.user)
    working_copy.data, working_copy.files, working_copy.updated_by = data, names, request.user
    working_copy.save()
    gone = before - set(names.values())
    transaction.on_commit(lambda: remove_files(gone))
    return working_copy


def remove_files(names):
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("Could not remove %s of a working copy", name, exc_info=True)


@receiver(post_delete, sender=WorkingCopy)
def remove_stored_images(sender, instance, using, **kwargs):
    """A copy published, discarded or deleted with its article takes its images with it, once that commits."""
    names = set(instance.files.values())
    if names:
        transaction.on_commit(lambda: remove_files(names), using=using)


def bind(model_admin, request, article, data, files):
    """The article's admin form and inline formsets bound to `data` and `files`, checked: (form, formsets, valid)."""
    from django.contrib.admin.utils import flatten_fieldsets

    fake = posted(request, data, files)
    fieldsets = model_admin.get_fieldsets(fake, article)
    form_class = model_admin.get_form(fake, article, change=True, fields=flatten_fieldsets(fieldsets))
    form = form_class(fake.POST, fake.FILES, instance=article)
    formsets, _inlines = model_admin._create_formsets(fake, form.instance, change=True)
    form_valid = form.is_valid()
    return form, formsets, all_valid(formsets) and form_valid


def for_preview(data, article, working_copy):
    """`data` with the versions set to the current ones: a preview shows the text whatever happened since."""
    data = data.copy()
    data[VERSION_FIELD] = [SHOWN + working_copy.version if working_copy else ""]
    data["loaded_version"] = [live_version(article)]
    return data


def kept_forms(formset):
    """The forms of a formset that stand for an object after the save: not deleted, not left empty."""
    for form in formset.forms:
        if formset.can_delete and formset._should_delete_form(form):
            continue
        if form.instance.pk is None and not form.has_changed():
            continue
        yield form


def assembled(form, formsets):
    """The article as the bound forms describe it, in memory: its sections and figures in order, as the page reads them.

    New sections get a stand-in negative id (a related manager needs one);
    nothing here is ever saved.
    """
    article = form.instance
    sections = []
    top = [formset for formset in formsets if not getattr(formset, "is_nested", False)]
    for rank, section_form in enumerate(kept_forms(top[0]) if top else [], 1):
        section = section_form.instance
        if section.pk is None:
            section.pk = -rank
        for lang in settings.MODELTRANSLATION_LANGUAGES:
            source = getattr(section, build_localized_fieldname("body", lang))
            setattr(
                section,
                build_localized_fieldname("body_html", lang),
                render_markdown(source, section.body_heading_level),
            )
        figures = []
        for figure_formset in getattr(section_form, "nested_formsets", []):
            for figure_form in kept_forms(figure_formset):
                show_chosen_image(figure_form.instance, figure_form.cleaned_data.get("image"))
                figures.append(figure_form.instance)
        figures.sort(key=lambda figure: (figure.position, figure.pk is None, figure.pk or 0))
        prefetched(section, "figures", figures)
        sections.append(section)
    sections.sort(key=lambda section: (section.position, section.pk < 0, abs(section.pk)))
    prefetched(article, "sections", sections)
    return article


def show_chosen_image(figure, upload):
    """A figure whose image was chosen in the form shows that file: the copy's stored one, or the upload itself."""
    if not isinstance(upload, UploadedFile):
        return
    stored = getattr(upload, "stored_name", None)
    upload.seek(0)
    width, height = get_image_dimensions(upload)
    if stored:
        address = default_storage.url(stored)
    else:
        upload.seek(0)
        kind = upload.content_type if (upload.content_type or "").startswith("image/") else "image/jpeg"
        address = f"data:{kind};base64,{base64.b64encode(upload.read()).decode()}"
    figure.image_width, figure.image_height = width, height
    # The page asks the figure for its renditions; the chosen file has none yet.
    figure.renditions = lambda: [(width, address, address)]


def prefetched(instance, name, items):
    """Make `instance.<name>.all()` answer `items` without a query, as prefetch_related would."""
    manager = getattr(type(instance), name).rel.related_model.objects
    queryset = manager.none()
    queryset._result_cache = list(items)
    queryset._prefetch_done = True
    instance._prefetched_objects_cache = {**getattr(instance, "_prefetched_objects_cache", {}), name: queryset}
