from django.urls import path

from . import feeds, views
from .pagecache import count_reading, reader_page

app_name = "articles"
urlpatterns = [
    path("", reader_page(views.home), name="index"),
    path("feed/", reader_page(feeds.LatestArticlesFeed()), name="feed"),
    path("feed/atom/", reader_page(feeds.LatestArticlesAtomFeed()), name="feed-atom"),
    path("category/<slug:slug>/", reader_page(views.CategoryArticleList.as_view()), name="category"),
    path("category/<slug:slug>/feed/", reader_page(feeds.LatestArticlesFeed()), name="category-feed"),
    path("category/<slug:slug>/feed/atom/", reader_page(feeds.LatestArticlesAtomFeed()), name="category-feed-atom"),
    path("articles/<slug:slug>/", reader_page(views.ArticleDetail.as_view(), count_reading), name="detail"),
    path("articles/<slug:slug>/comments/", views.post_comment, name="comment"),
    path("articles/<slug:slug>/bilingual/", reader_page(views.ArticleBilingual.as_view()), name="bilingual"),
    path("search/", reader_page(views.search_page), name="search"),
    path("archive/", reader_page(views.archive_index), name="archive"),
    path("archive/<int:year>/", reader_page(views.ArchivePeriod.as_view()), name="archive-year"),
    path("archive/<int:year>/<int:month>/", reader_page(views.ArchivePeriod.as_view()), name="archive-month"),
]
