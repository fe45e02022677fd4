from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        from articles.changes import content_changed

        from .index import follow_changes

        # Connected before the page cache's receiver (INSTALLED_APPS lists
        # search first): a page rendered after the version is raised must
        # find the index already up to date.
        content_changed.connect(follow_changes, dispatch_uid="search.follow_changes")
