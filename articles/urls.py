from django.urls import path

from . import views

app_name = "articles"
urlpatterns = [
    path("", views.home, name="index"),
    path("category/<slug:slug>/", views.CategoryArticleList.as_view(), name="category"),
    path("articles/<slug:slug>/", views.ArticleDetail.as_view(), name="detail"),
]
