from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from .links import site_url
from .models import Article, Category
from .scripts import lang_tag, to_reader_script

FEED_ITEMS = 20


class LatestArticlesFeed(Feed):
    """The latest published articles, in the reader's language and script.

    Links are absolute from SITE_URL (articles.links); Django's syndication
    completes a path with the request's host only when SITE_URL is empty.
    """

    url_names = ("articles:feed", "articles:category-feed")

    def get_object(self, request, slug=None):
        return get_object_or_404(Category, slug=slug) if slug else None

    def title(self, category):
        site = _("S&T News Archive")
        return f"{to_reader_script(category.name)} · {site}" if category else site

    def link(self, category):
        return site_url(category.get_absolute_url() if category else reverse("articles:index"))

    def feed_url(self, category):
        site_feed, category_feed = self.url_names
        return site_url(reverse(category_feed, args=[category.slug]) if category else reverse(site_feed))

    def item_link(self, item):
        return site_url(item.get_absolute_url())

    def description(self, category):
        return _("The latest articles of the archive.")

    @property
    def language(self):
        return lang_tag()

    def items(self, category):
        articles = Article.objects.published().select_related("category")
        if category:
            articles = articles.in_category(category)
        return articles[:FEED_ITEMS]

    def item_title(self, item):
        return to_reader_script(item.title, item.chinese_script)

    def item_description(self, item):
        # RSS <description> and Atom <summary type="html"> hold HTML; the
        # summary is plain text, so it goes in escaped and every reader
        # shows it as the text it is, markup characters and all.
        return escape(to_reader_script(item.summary, item.chinese_script))

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [to_reader_script(item.category.name)]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    url_names = ("articles:feed-atom", "articles:category-feed-atom")

    def subtitle(self, category):
        return self.description(category)
