from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PageCacheConfig(AppConfig):
    name = "pagecache"
    verbose_name = _("Page cache")

    def ready(self):
        from articles.changes import content_changed

        from .models import follow_changes

        content_changed.connect(follow_changes, dispatch_uid="pagecache.follow_changes")
