"""A paginator that counts no further than its last page: lists stay fast over a million articles.

Django's Paginator counts every row of the list to number its pages; over a
category of hundreds of thousands of articles that count, and the OFFSET of
its deepest pages, cost more than the rest of the page. This one counts at
most `max_pages` pages' worth (and one row more, to know there are more):
the list then offers those pages and says "more than"; older articles are
reached through the archive by month, search and the sitemaps.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    max_pages = 1000

    @cached_property
    def count(self):
        # Only the primary key, in no order: columns worked out per row are not
        # computed, and the database may count from whichever index fits the filter.
        return self.object_list.order_by().values("pk")[: self.max_pages * self.per_page + 1].count()

    @cached_property
    def num_pages(self):
        return min(super().num_pages, self.max_pages)

    @property
    def is_capped(self):
        """More rows than the pages offered show."""
        return self.count > self.max_pages * self.per_page
