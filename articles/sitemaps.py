from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Article, Category


class I18nSitemap(Sitemap):
    """Each page once per reading language, with hreflang alternates and x-default."""

    i18n = True
    alternates = True
    x_default = True

    # The site's configured address (articles.links), not the request's Host.
    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme if settings.SITE_URL else super().get_protocol(protocol)

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc if settings.SITE_URL else super().get_domain(site)


class ArticleSitemap(I18nSitemap):
    changefreq = "monthly"

    def items(self):
        return Article.objects.published().order_by("pk")

    def lastmod(self, article):
        return article.updated_at


class SectionPagesSitemap(I18nSitemap):
    changefreq = "daily"

    def items(self):
        return ["articles:index", *Category.objects.values_list("slug", flat=True)]

    def location(self, item):
        return reverse(item) if item == "articles:index" else reverse("articles:category", args=[item])


SITEMAPS = {"articles": ArticleSitemap, "pages": SectionPagesSitemap}
