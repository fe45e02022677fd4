"""The article list's search box, answered by the search index.

Django's admin searches with LIKE '%…%' over each listed field: every
article's title read on every search, seconds over a million articles.
Here the box finds words in titles and summaries (both languages, both
scripts, as the site's search does) through the index's head, and an
article's exact slug; of a common word's matches, the thousand that match
best, ranked as the site's search ranks them, are listed by date. The articles app knows nothing of search, so this app
extends the article admin registered before it (as the comments app does).
"""

from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.models import Article

from .index import QueryError, best_head_matches

Registered = type(admin.site.get_model_admin(Article))

# The most matches the list holds: an editor reads ten pages of a hundred.
MOST_MATCHES = 1000


class ArticleFoundByIndexAdmin(Registered):
    search_help_text = _("Words of the title or summary, in either language or script, or an article's exact slug.")

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        # The list asks once for its rows and once more per filter whose
        # choices it counts ("show counts"): the index is asked once a request.
        asked = request.__dict__.setdefault("_index_matches", {})
        if term not in asked:
            asked[term] = self.matches(request, term)
        return queryset.filter(pk__in=asked[term]), False

    def matches(self, request, term):
        """The ids of the articles whose slug is `term` and of the best of those that match it in the index."""
        by_slug = list(Article.objects.filter(slug=term).values_list("pk", flat=True))
        try:
            best = best_head_matches(term, MOST_MATCHES)
        except QueryError:
            # Nothing the index can look for (punctuation, a query too long): the slug only.
            best = []
        if len(best) > MOST_MATCHES:
            best = best[:MOST_MATCHES]
            messages.info(
                request,
                gettext(
                    "More than %(count)s articles match; the %(count)s that match best are listed, newest first. "
                    "Add words to narrow the search."
                )
                % {"count": f"{MOST_MATCHES:,}"},
            )
        # The ids once, as a list: every query of the page (the count, the
        # rows, the date drill-down) then reads a thousand ids at most, where
        # a subquery made each of them match the index again.
        return [*by_slug, *best]


admin.site.unregister(Article)
admin.site.register(Article, ArticleFoundByIndexAdmin)
