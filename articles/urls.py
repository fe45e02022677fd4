from django.urls import path

from . import feeds, views

# Readers' pages: the page cache (pagecache.middleware) serves this namespace.
app_name = "articles"
urlpatterns = [
    path("", views.home, name="index"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed-atom"),
    path("category/<slug:slug>/", views.CategoryArticleList.as_view(), name="category"),
    path("category/<slug:slug>/feed/", feeds.LatestArticlesFeed(), name="category-feed"),
    path("category/<slug:slug>/feed/atom/", feeds.LatestArticlesAtomFeed(), name="category-feed-atom"),
    path("articles/<slug:slug>/", views.ArticleDetail.as_view(), name="detail"),
    path("articles/<slug:slug>/bilingual/", views.ArticleBilingual.as_view(), name="bilingual"),
    path("archive/", views.archive_index, name="archive"),
    path("archive/<int:year>/", views.ArchivePeriod.as_view(), name="archive-year"),
    path("archive/<int:year>/<int:month>/", views.ArchivePeriod.as_view(), name="archive-month"),
]
