"""The article list's search box, answered by the search index.

Django's admin searches with LIKE '%…%' over each listed field: every
article's title read on every search, seconds over a million articles.
Here the box finds words in titles and summaries (both languages, both
scripts, as the site's search does) through the index's head, and an
article's exact slug. The articles app knows nothing of search, so this app
extends the article admin registered before it (as the comments app does).
"""

from django.contrib import admin
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from articles.models import Article

from .index import QueryError, head_matches

Registered = type(admin.site.get_model_admin(Article))


class ArticleFoundByIndexAdmin(Registered):
    search_help_text = _("Words of the title or summary, in either language or script, or an article's exact slug.")

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        try:
            sql, params = head_matches(term)
        except QueryError:
            # Nothing the index can look for (punctuation, a query too long): the slug only.
            return queryset.filter(slug=term), False
        # One set of ids (not "in the matches OR this slug"): the database can
        # then join the matches to the articles, where an OR made it test
        # every article against them.
        by_slug = Article.objects.filter(slug=term).order_by().values("pk").query.sql_with_params()
        ids = RawSQL(f"{sql} UNION {by_slug[0]}", [*params, *by_slug[1]])
        return queryset.filter(pk__in=ids), False


admin.site.unregister(Article)
admin.site.register(Article, ArticleFoundByIndexAdmin)
