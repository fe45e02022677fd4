from django.contrib import admin
from django.urls import path

from . import views
from .models import EditSession


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
