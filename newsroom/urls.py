from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from articles import sitemaps, views
from comments import views as comment_views

# A failure gets the site's own page in the reader's language (no database needed).
handler500 = "articles.views.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots"),
    # Browsers ask for /favicon.ico on their own; the icon is the static SVG
    # (its URL looked up per request, once the static storage is ready).
    path("favicon.ico", RedirectView.as_view(url=lazy(static_url, str)("favicon.svg"), permanent=True)),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.sitemap_section, name="sitemap-section"),
    path("admin/", admin.site.urls),
    # Sent by the article page's script: one reading, counted outside the
    # cached page (articles.views.count_reading). No language prefix.
    path("read/<slug:slug>", views.count_reading, name="count-reading"),
    path("comment-stamp", comment_views.form_stamp, name="comment-stamp"),
]
# "/" and any address without a language prefix are redirected by
# LocaleMiddleware to the best match for the browser's Accept-Language.
urlpatterns += i18n_patterns(
    path("", include("articles.urls")),
    path("", include("search.urls")),
    path("", include("comments.urls")),
)

if settings.BENCH_FLOOR:
    urlpatterns.append(path("bench/floor", views.bench_floor))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
