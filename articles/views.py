import datetime

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Prefetch
from django.db.models.functions import TruncMonth
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.timezone import make_aware
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView

from .models import Article, Category, Section

LATEST_ON_HOME = 10
RELATED_ARTICLES = 4
ARCHIVE_COUNTS_SECONDS = 300


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
    """An article readers may see, with its sections and figures in three queries.

    Staff may also open drafts and scheduled articles: the page is then a
    preview, marked as such, never cached, and not counted as a reading.
    """

    model = Article

    def get_queryset(self):
        sections = Section.objects.prefetch_related("figures")
        request = getattr(self, "request", None)
        articles = Article.objects.all() if request and request.user.is_staff else Article.objects.published()
        return articles.select_related("category").prefetch_related(Prefetch("sections", queryset=sections))

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if getattr(self, "object", None) is not None and not self.object.is_visible:
            add_never_cache_headers(response)
        return response


class ArticleDetail(PublishedArticleMixin, DetailView):
    """The article page; also re-rendered by the comment views with the reader's form (`comment_form`)."""

    def get_object(self, queryset=None):
        article = super().get_object(queryset)
        # One UPDATE with F() so concurrent readings are all counted; the page
        # shows the count before this reading, as the source did (278).
        # Through the page cache, the cache counts instead (it marks the request).
        if article.is_visible and not getattr(self.request, "served_from_page_cache", False):
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


class ArchivePeriod(ListView):
    """Published articles of a year or a month (in the newsroom's time zone), newest first."""

    paginate_by = 20
    allow_empty = False
    template_name = "articles/archive.html"

    def get_queryset(self):
        year, month = self.kwargs["year"], self.kwargs.get("month")
        if not 1 <= year <= 9999 or (month is not None and not 1 <= month <= 12):
            raise Http404
        first = datetime.date(year, month or 1, 1)
        if month:
            after = first.replace(year=year + (month == 12), month=month % 12 + 1)
        else:
            after = first.replace(year=year + 1) if year < 9999 else datetime.date.max
        self.period = {"year": first, "month": first if month else None}
        start, end = (make_aware(datetime.datetime.combine(day, datetime.time())) for day in (first, after))
        return (
            Article.objects.published().filter(published_at__gte=start, published_at__lt=end).select_related("category")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(archive_years=archive_counts(self.request), **self.period, **kwargs)


def archive_index(request):
    return render(request, "articles/archive.html", {"archive_years": archive_counts(request)})


def archive_counts(request):
    """[(year, total, [(month, count), …]), …] of what readers may see, newest first.

    Counting every article by month is the archive's one costly query. When a
    page cache serves the request it says which content version the page is
    for (`request.content_version`); the counts are then kept under that
    version, which every change raises. Otherwise they are counted afresh.
    """
    version = getattr(request, "content_version", None)
    key = f"articles:archive-counts:{version}"
    cached = cache.get(key) if version is not None else None
    if cached is not None:
        return cached
    rows = (
        Article.objects.published()
        .annotate(month=TruncMonth("published_at"))
        .values("month")
        .annotate(count=Count("id"))
        .order_by("-month")
    )
    years = {}
    for row in rows:
        years.setdefault(row["month"].year, []).append((row["month"], row["count"]))
    counts = [(year, sum(count for _month, count in months), months) for year, months in years.items()]
    if version is not None:
        cache.set(key, counts, ARCHIVE_COUNTS_SECONDS)
    return counts


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


FLOOR_PAGE = ("<!DOCTYPE html><title>floor</title>" + "<p>" + "x" * 196 + "</p>\n" * 100).encode()[: 20 * 1024]


def bench_floor(request):
    """bench/http.sh's floor: Django's least work for a 20 KB page (mounted only when BENCH_FLOOR is on)."""
    return HttpResponse(FLOOR_PAGE)
