import datetime
import logging

from django.conf import settings
from django.contrib import messages
from django.core.mail import send_mail
from django.db import connection
from django.db.models import F, Prefetch
from django.forms.utils import ErrorDict
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import resolve, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.timezone import make_aware
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView

from . import search as article_search
from .forms import CommentForm, issue_stamp, sender_hash
from .models import Article, Category, Section, archive_counts
from .scripts import to_reader_script

logger = logging.getLogger(__name__)

LATEST_ON_HOME = 10
RELATED_ARTICLES = 4
SEARCH_RESULTS_PER_PAGE = 10


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
    """The article page; also re-rendered by the comment views with the reader's form."""

    def get_object(self, queryset=None):
        article = super().get_object(queryset)
        # One UPDATE with F() so concurrent readings are all counted; the page
        # shows the count before this reading, as the source did (278).
        # Through the page cache, pagecache.count_reading counts instead.
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
        kwargs.setdefault("comment_form", CommentForm(article=self.object))
        return super().get_context_data(related=related, comments=self.object.comments.approved(), **kwargs)


def render_article(request, article, comment_form):
    """The article page with a comment form the reader sent back, errors and all."""
    view = ArticleDetail(request=request, args=(), kwargs={"slug": article.slug})
    view.object = article
    return render(request, "articles/article_detail.html", view.get_context_data(comment_form=comment_form))


def client_address(request):
    return request.META.get("REMOTE_ADDR", "")


@require_POST
def post_comment(request, slug):
    """Store a comment as pending and redirect back (post, redirect, get); errors re-render the page."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    sender = client_address(request)
    form = CommentForm(request.POST, article=article, sender=sender)
    if not form.is_valid():
        return render_article(request, article, form)
    comment = form.save(commit=False)
    comment.article = article
    comment.language = get_language()
    comment.sender_hash = sender_hash(sender)
    comment.user_agent = request.META.get("HTTP_USER_AGENT", "")[:200]
    comment.save()
    notify_editors(comment)
    messages.success(
        request, _("Thank you. Your comment was received and will appear here once an editor has approved it.")
    )
    return redirect(f"{article.get_absolute_url()}#comments")


def notify_editors(comment):
    """Email the editors about a new comment; a failure is logged and never loses the comment."""
    if not settings.COMMENT_NOTIFY_EMAILS:
        return
    subject = f"[{comment.article.slug}] new comment from {comment.name}"
    body = f"{comment.name} <{comment.email}> wrote on {comment.article.title}:\n\n{comment.message}\n"
    try:
        send_mail(subject, body, None, settings.COMMENT_NOTIFY_EMAILS)
    except Exception:
        logger.exception("Could not send the notification for comment %s", comment.pk)


def csrf_failure(request, reason=""):
    """A comment refused by the CSRF check: the article again, with the text kept and a clear message."""
    try:
        match = resolve(request.path_info)
    except Http404:
        match = None
    if match is None or match.url_name != "comment":
        return django_csrf_failure(request, reason)
    article = get_object_or_404(Article.objects.published(), slug=match.kwargs["slug"])
    data = request.POST.copy()
    data["issued"] = issue_stamp()
    form = CommentForm(data, article=article)
    form.full_clean()
    form._errors = ErrorDict()
    form.add_error(
        None,
        _(
            "Your comment could not be accepted because the page had expired or cookies are blocked. "
            "Your text is still here: please send it again."
        ),
    )
    return render_article(request, article, form)


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
        return super().get_context_data(archive_years=archive_counts(), **self.period, **kwargs)


def archive_index(request):
    return render(request, "articles/archive.html", {"archive_years": archive_counts()})


def search_page(request):
    query = request.GET.get("q", "").strip()
    context = {"query": query, "results": [], "total": 0}
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    if query:
        try:
            total, ids = article_search.search(
                query, limit=SEARCH_RESULTS_PER_PAGE, offset=(page - 1) * SEARCH_RESULTS_PER_PAGE
            )
        except article_search.QueryError as error:
            context["error"] = str(error)
        else:
            articles = Article.objects.filter(pk__in=ids).select_related("category").prefetch_related("sections")
            by_id = {article.pk: article for article in articles}
            context["results"] = [search_result(by_id[pk], query) for pk in ids if pk in by_id]
            context["capped"] = total > article_search.COUNT_CAP
            context["total"] = total = min(total, article_search.COUNT_CAP)
            pages = (total + SEARCH_RESULTS_PER_PAGE - 1) // SEARCH_RESULTS_PER_PAGE
            context.update(page=page, pages=pages, has_next=page < pages, has_previous=page > 1)
    return render(request, "articles/search.html", context)


def search_result(article, query):
    """An article with its title and a snippet highlighted, in the reader's language and script.

    The snippet comes from the reader's language where the match is there,
    else from the other language, so a Chinese query on an English page
    still shows where it matched.
    """
    sections = article.sections.all()
    # The body holds the summary's sentences too (it is an excerpt): use the
    # summary only where there is no body, as for teasers.
    chinese = " ".join(section.body_zh_hans for section in sections) or article.summary_zh_hans
    english = " ".join(section.body_en for section in sections) or article.summary_en
    chinese = to_reader_script(chinese, article.chinese_script)
    reads_english = (get_language() or "").startswith("en") and article.title_en
    candidates = [english, chinese] if reads_english else [chinese, english]
    snippets = [article_search.highlight(text, query) for text in candidates if text.strip()]
    return {
        "article": article,
        "title": article_search.highlight(to_reader_script(article.title, article.chinese_script), query, width=200),
        "snippet": next((snippet for snippet in snippets if "<mark>" in snippet), snippets[0] if snippets else ""),
    }


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
