"""The admin's answers to numbers and ids no editor would type: a clear refusal, never a 500.

Django's admin turns most bad list filters into "incorrect lookup" (the
list again, with ?e=1), but some values escape it: a drill-down year too
large for a C long or before the time zone's first instant, a filter id
past 64 bits (SQLite cannot even bind it), a selected row id that is not a
number, an autocomplete field posted with something that is not an id.
`guard_every_admin` (run once the admin modules are loaded) puts
`GuardedAdmin` first among the bases of every registered ModelAdmin —
ours and those of django-axes and django.contrib.auth alike — so each of
these is answered as the bad input it is.
"""

from django.contrib import messages
from django.contrib.admin import helpers, widgets
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _

SIGNED_64_BITS = range(-(2**63), 2**63)


class GuardedChangeList(ChangeList):
    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except OverflowError as error:  # a drill-down year no date can hold
            raise IncorrectLookupParameters(error) from error

    def get_results(self, request):
        try:
            return super().get_results(request)
        except OverflowError as error:  # a filter id the database cannot bind
            raise IncorrectLookupParameters(error) from error


def is_stored_key(field, value):
    """Whether `value` (as posted) could be a value of `field`, the key of a row."""
    try:
        value = field.to_python(value)
    except ValidationError:
        return False
    if value in (None, ""):
        return False
    return not isinstance(field, models.IntegerField) or value in SIGNED_64_BITS


class GuardedAutocompleteMixin:
    def optgroups(self, name, value, attr=None):
        # The widget looks up the chosen rows to show them; a posted value that
        # cannot be a key is not a row (the form already says "choose a valid
        # option").
        to_field = self.field.remote_field.model._meta.get_field(self.field.remote_field.field_name)
        return super().optgroups(name, [v for v in value if is_stored_key(to_field, v)], attr)


class GuardedAutocompleteSelect(GuardedAutocompleteMixin, widgets.AutocompleteSelect):
    pass


class GuardedAutocompleteSelectMultiple(GuardedAutocompleteMixin, widgets.AutocompleteSelectMultiple):
    pass


GUARDED_WIDGETS = {
    widgets.AutocompleteSelect: GuardedAutocompleteSelect,
    widgets.AutocompleteSelectMultiple: GuardedAutocompleteSelectMultiple,
}


class GuardedAdmin:
    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)
        if issubclass(changelist, GuardedChangeList):
            return changelist
        return type(f"Guarded{changelist.__name__}", (GuardedChangeList, changelist), {})

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(is_stored_key(self.model._meta.pk, value) for value in selected):
            messages.warning(request, _("Some of the selected items do not exist; no action was taken."))
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        inner = getattr(widget, "widget", widget)  # inside RelatedFieldWidgetWrapper
        if type(inner) in GUARDED_WIDGETS:
            inner.__class__ = GUARDED_WIDGETS[type(inner)]
        return formfield


def guard_every_admin(site):
    for model_admin in site._registry.values():
        cls = type(model_admin)
        if not issubclass(cls, GuardedAdmin):
            model_admin.__class__ = type(cls.__name__, (GuardedAdmin, cls), {"__module__": cls.__module__})
