from django.apps import AppConfig
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        from django.contrib import admin

        from . import archive_months, changes, links, sitemaps, tallies, translation_states  # noqa: F401 (links registers its system check)
        from .admin_guards import guard_every_admin
        from .models import Article, Category, Figure, Section

        # QuerySet.delete() — the admin's "Delete selected", an article's
        # cascade to its sections and figures — calls no model's delete();
        # post_delete is how Django lets us see each of those rows go.
        receivers = {
            Article: lambda instance, using: changes.article_changed(
                instance.pk,
                using=using,
                earlier_times=[instance.published_at],
                earlier_groups=[(instance.category_id, instance.status)],
            ),
            Section: lambda instance, using: changes.article_changed(instance.article_id, using=using),
            Figure: lambda instance, using: changes.section_changed(instance.section_id, using=using),
            Category: lambda instance, using: changes.site_changed(using=using),
        }
        for model, record in receivers.items():
            post_delete.connect(
                deleted(record), sender=model, weak=False, dispatch_uid=f"articles.deleted.{model.__name__}"
            )
        # The archive's month counts follow every change.
        changes.content_changed.connect(archive_months.follow, dispatch_uid="articles.archive_months.follow")
        # So do the editors' counts by category and status.
        changes.content_changed.connect(tallies.follow, dispatch_uid="articles.tallies.follow")
        # So do the stored translation states the admin's filters read.
        changes.content_changed.connect(translation_states.follow, dispatch_uid="articles.translation_states.follow")
        # So do the sitemap index's summaries of its blocks.
        changes.content_changed.connect(sitemaps.follow, dispatch_uid="articles.sitemaps.follow")
        # Every admin screen, ours and the libraries', answers impossible
        # ids and dates as bad input (the admin has registered them all by now).
        guard_every_admin(admin.site)


def deleted(record):
    def receiver(sender, instance, using, **kwargs):
        record(instance, using)

    return receiver
