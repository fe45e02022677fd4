import datetime
import logging

from django.conf import settings
from django.db import connection
from django.db.models import F, Prefetch
from django.http import Http404, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView
from modern_csrf.decorators import csrf_protect as modern_csrf_protect

from .archive_months import instant, next_day, visible_month_counts
from .links import absolute_url
from .models import Article, Category, Section
from .paging import CappedPaginator
from .readings import is_reader

logger = logging.getLogger(__name__)

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
    paginator_class = CappedPaginator

    def get_queryset(self):
        self.category = get_object_or_404(Category, slug=self.kwargs["slug"])
        return Article.objects.published().in_category(self.category).select_related("category")

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, **kwargs)


def staff(request):
    """Whether an editor is asking. Without a session cookie the session is not even looked at,
    so an anonymous reader's page does not vary by cookie and any cache may keep it."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_staff


class PublishedArticleMixin:
    """An article readers may see, with its sections and figures in three queries.

    Staff may also open drafts and scheduled articles: the page is then a
    preview, marked as such, never cached, and not counted as a reading.
    """

    model = Article

    def get_queryset(self):
        sections = Section.objects.prefetch_related("figures")
        request = getattr(self, "request", None)
        articles = Article.objects.all() if request and staff(request) else Article.objects.published()
        return articles.select_related("category").prefetch_related(Prefetch("sections", queryset=sections))

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if getattr(self, "object", None) is not None and not self.object.is_visible:
            add_never_cache_headers(response)
        return response


class ArticleDetail(PublishedArticleMixin, DetailView):
    """The article page; also re-rendered by the comment views with the reader's form (`comment_form`).

    It shows the view count as it was when the page was made; the page's
    script counts the reading (count_reading) and shows the fresh count.
    """

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
    paginator_class = CappedPaginator
    allow_empty = False
    template_name = "articles/archive.html"

    def get_queryset(self):
        year, month = self.kwargs["year"], self.kwargs.get("month")
        if not 1 <= year <= 9999 or (month is not None and not 1 <= month <= 12):
            raise Http404
        first = datetime.date(year, month or 1, 1)
        if month:
            after = next_day(first, years=month == 12, month=month % 12 + 1)
        else:
            after = next_day(first, years=1)
        self.period = {"year": first, "month": first if month else None}
        # The period in the newsroom's time zone, as instants. At the ends of
        # the calendar (year 1, year 9999) a bound may not exist as an instant
        # in UTC; the period is then open on that side.
        # The period's bounds come before published()'s "up to now", so that
        # SQLite bounds its index scan by the period (see archive_months.count_months).
        articles = Article.objects.all()
        if (start := instant(first)) is not None:
            articles = articles.filter(published_at__gte=start)
        if after is not None and (end := instant(after)) is not None:
            articles = articles.filter(published_at__lt=end)
        return articles.published().select_related("category")

    def get_context_data(self, **kwargs):
        return super().get_context_data(archive_years=archive_counts(self.request), **self.period, **kwargs)


def archive_index(request):
    return render(request, "articles/archive.html", {"archive_years": archive_counts(request)})


def archive_counts(request):
    """[(year, total, [(month, count), …]), …] of what readers may see, newest first (articles.archive_months)."""
    years = {}
    for month, count in visible_month_counts():
        years.setdefault(month.year, []).append((month, count))
    return [(year, sum(count for _month, count in months), months) for year, months in years.items()]


def robots_txt(request):
    sitemap = absolute_url(request, reverse("sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", "Allow: /", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain")


@csrf_exempt
@modern_csrf_protect
@require_POST
@never_cache
def count_reading(request, slug):
    """Count one reading of a published article; answer the count from before it, as the page shows it.

    The article page's script sends it once the page is shown to a person
    (not while a browser prerenders it), so a cached page is counted all the
    same, and HEAD requests, link previews and crawlers that do not run
    scripts are not. It is a POST, refused across sites by Fetch metadata,
    and answers JSON that no cache keeps. Behind nginx the proxy answers it
    and logs it instead (articles.readings).
    """
    articles = Article.objects.published().filter(slug=slug)
    agent = request.META.get("HTTP_USER_AGENT", "")
    purpose = request.META.get("HTTP_SEC_PURPOSE", "") or request.META.get("HTTP_PURPOSE", "")
    if is_reader(agent, purpose):
        if not articles.update(view_count=F("view_count") + 1):
            raise Http404
        counted = 1
    else:
        counted = 0
    views = articles.values_list("view_count", flat=True).first()
    if views is None:
        raise Http404
    return JsonResponse({"views": views - counted, "counted": bool(counted)})


@never_cache
def server_error(request):
    """The styled 500 page in the reader's language; it reads nothing from the database.

    If even that cannot be rendered, a plain page says the same, so the
    reader never gets a second error instead of an answer.
    """
    # The error may have come before the language was chosen (a failure in
    # the page cache, say): the address still says which one the reader reads.
    language = translation.get_language_from_path(request.path_info) or translation.get_language()
    try:
        with translation.override(language):
            return render(request, "500.html", status=500)
    except Exception:
        logger.exception("The styled error page could not be rendered")
        return HttpResponseServerError(
            "<!DOCTYPE html><title>500</title><h1>Something went wrong · 出错了</h1>"
            "<p>Please try again in a moment. 请稍后再试。</p>",
        )


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok", content_type="text/plain")


def bench_floor(request):
    """bench/http.sh's floor: Django rendering a 20 KB template, nothing else (mounted only with BENCH_FLOOR).

    A reader page served from the cache must cost less than this.
    """
    return render(request, "bench/floor.html")
