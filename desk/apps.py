from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "desk"
    verbose_name = _("Editors' desk")

    def ready(self):
        from django.contrib import admin

        from . import working_copies  # noqa: F401 - its receiver removes a deleted copy's images
        from .admin import add_working_copies

        add_working_copies(admin.site)
