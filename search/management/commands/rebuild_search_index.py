"""Rebuild the full-text search index from every article, section and figure.

Safe to run at any time: it empties the index and fills it again in batches.
Needed after bulk changes that bypass save() (QuerySet.update, bulk_create).
"""

from django.core.management.base import BaseCommand

from search import index as search


class Command(BaseCommand):
    help = "Rebuild the full-text search index."

    def handle(self, *args, **options):
        count = search.rebuild()
        self.stdout.write(f"Search index: {count} articles indexed.")
