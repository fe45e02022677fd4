from django.db import connection
from django.db.models import F, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView

from .models import Article, Category, Section

LATEST_ON_HOME = 10
RELATED_ARTICLES = 4


def home(request):
    published = Article.objects.published().select_related("category")
    lead = published.filter(is_full_text=True).first()
    latest = published.exclude(pk=lead.pk) if lead else published
    return render(
        request,
        "articles/home.html",
        {"lead": lead, "latest": latest[:LATEST_ON_HOME]},
    )


class CategoryArticleList(ListView):
    paginate_by = 10

    def get_queryset(self):
        self.category = get_object_or_404(Category, slug=self.kwargs["slug"])
        return Article.objects.published().in_category(self.category).select_related("category")

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, **kwargs)


class PublishedArticleMixin:
    """An article readers may see, with its sections and figures in three queries."""

    model = Article

    def get_queryset(self):
        sections = Section.objects.prefetch_related("figures")
        return (
            Article.objects.published()
            .select_related("category")
            .prefetch_related(Prefetch("sections", queryset=sections))
        )


class ArticleDetail(PublishedArticleMixin, DetailView):
    def get_object(self, queryset=None):
        article = super().get_object(queryset)
        # One UPDATE with F() so concurrent readings are all counted; the page
        # shows the count before this reading, as the source did (278).
        Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)
        return article

    def get_context_data(self, **kwargs):
        related = (
            Article.objects.published()
            .in_category(self.object.category_id)
            .exclude(pk=self.object.pk)
            .select_related("category")[:RELATED_ARTICLES]
        )
        return super().get_context_data(related=related, **kwargs)


class ArticleBilingual(PublishedArticleMixin, DetailView):
    """Chinese and English side by side, aligned by section, then by paragraph."""

    template_name = "articles/article_bilingual.html"


def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", "Allow: /", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain")


@never_cache
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok", content_type="text/plain")
