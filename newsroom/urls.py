from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from articles import views
from articles.sitemaps import SITEMAPS

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("admin/", admin.site.urls),
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
