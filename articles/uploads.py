"""An upload the media storage refuses (read-only, full, gone): the editor's form comes back, nothing saved.

Django's admin writes uploaded files while it saves the object and its
inlines, inside one transaction; a storage failure there would be a 500
and the editor's typing lost. `KeepsFormWhenStorageFails` (first among a
ModelAdmin's bases) turns it into a refusal: the transaction and the
revision roll back, and the change form is shown again from what was
posted, every input kept, with a message saying what happened. File
inputs cannot be refilled by a page, so the message asks for the images
again. Files this save had already written (an image stored before its
renditions failed to be) are removed, since no row will point at them.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from .images import rendition_names

logger = logging.getLogger(__name__)

FAILURE = "_upload_storage_failure"


class StorageFailed(Exception):
    pass


class KeepsFormWhenStorageFails:
    def add_view(self, request, form_url="", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except StorageFailed:
            setattr(request, FAILURE, True)
            return super().add_view(request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        try:
            return super().change_view(request, object_id, form_url, extra_context)
        except StorageFailed:
            # Everything was rolled back; the same post, shown again with the message.
            setattr(request, FAILURE, True)
            return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        try:
            super().save_model(request, obj, form, change)
        except OSError as error:
            raise stored_nothing(obj, error) from error

    def save_related(self, request, form, formsets, change):
        try:
            super().save_related(request, form, formsets, change)
        except OSError as error:
            remove_stored_uploads(form for formset in formsets for form in formset.forms)
            raise stored_nothing(form.instance, error) from error

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not getattr(request, FAILURE, False):
            return form

        def clean(self):
            super(refused, self).clean()
            raise ValidationError(
                _(
                    "The image could not be stored just now, so nothing was saved. Everything you typed is "
                    "still in the form: choose the image again and save once more."
                ),
                code="storage",
            )

        refused = type(form.__name__, (form,), {"clean": clean})
        return refused


def stored_nothing(obj, error):
    logger.warning("Could not store an upload for %r; nothing was saved", obj, exc_info=error)
    return StorageFailed()


def remove_stored_uploads(forms):
    """Delete the files, and their imagekit renditions, that these forms' uploads wrote before the save failed."""
    for form in forms:
        instance = form.instance
        for field in instance._meta.get_fields():
            if not isinstance(field, models.FileField) or field.name not in form.changed_data:
                continue
            stored = getattr(instance, field.attname)
            if not stored or not stored._committed:
                continue
            renditions = [getattr(instance, name) for name in rendition_names(type(instance), field.name)]
            for file in [stored, *renditions]:
                try:
                    if file.name and file.storage.exists(file.name):
                        file.storage.delete(file.name)
                except OSError:
                    logger.warning("Could not remove %s after a failed save", file.name, exc_info=True)
