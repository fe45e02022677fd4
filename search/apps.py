from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from articles.changes import content_changed

        from .index import follow_changes, learn_ranking, relearn_ranking

        # Connected before the page cache's receiver (INSTALLED_APPS lists
        # search first): a page rendered after the version is raised must
        # find the index already up to date.
        content_changed.connect(follow_changes, dispatch_uid="search.follow_changes")
        connection_created.connect(learn_ranking, dispatch_uid="search.learn_ranking")
        # Sent for every app with models (this one has none).
        post_migrate.connect(relearn_ranking, dispatch_uid="search.relearn_ranking")
