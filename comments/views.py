import logging

from django.conf import settings
from django.contrib import messages
from django.core.mail import send_mail
from django.db import transaction
from django.forms.utils import ErrorDict
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import resolve
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from modern_csrf.decorators import csrf_protect as modern_csrf_protect

from articles.models import Article
from articles.views import ArticleDetail

from . import outage
from .forms import CommentForm, issue_stamp, sender_hash

logger = logging.getLogger(__name__)


STAMP_ERRORS = {"unstamped", "stale"}


def render_article(request, article, comment_form, status=200):
    """The article page with a comment form the reader sent back, errors and all.

    A missing or expired stamp is replaced by a fresh one, so sending the
    kept text again (after the minimum fill time) is accepted, with or
    without the page's script.
    """
    if any(error.code in STAMP_ERRORS for error in comment_form.non_field_errors().as_data()):
        comment_form.data = comment_form.data.copy()
        comment_form.data["issued"] = issue_stamp()
    view = ArticleDetail(request=request, args=(), kwargs={"slug": article.slug})
    view.object = article
    context = view.get_context_data(comment_form=comment_form)
    return render(request, "articles/article_detail.html", context, status=status)


def client_address(request):
    return request.META.get("REMOTE_ADDR", "")


@require_GET
@never_cache
def form_stamp(request):
    """A signed 'began writing at' time for the comment form, asked for by the page's script."""
    return JsonResponse({"stamp": issue_stamp()})


@csrf_exempt
@modern_csrf_protect
@require_POST
def post_comment(request, slug):
    """Store a comment as pending and redirect back (post, redirect, get); errors re-render the page.

    No CSRF token: the page carries nothing per visitor. A post from another
    site is refused by its Fetch metadata and Origin (django-modern-csrf),
    and comes back through csrf_failure with the text kept.
    """
    article = None
    try:
        article = get_object_or_404(Article.objects.published(), slug=slug)
        sender = client_address(request)
        form = CommentForm(request.POST, article=article, sender=sender)
        # The checks (which count the sender's quota) and the save are one
        # transaction: a database failing part-way through leaves nothing behind.
        with transaction.atomic():
            accepted = form.is_valid()
            if accepted:
                comment = form.save(commit=False)
                comment.article = article
                comment.language = get_language()
                comment.sender_hash = sender_hash(sender)
                comment.user_agent = request.META.get("HTTP_USER_AGENT", "")[:200]
                comment.save()
        if not accepted:
            return render_article(request, article, form)
    except outage.DATABASE_UNAVAILABLE:
        logger.warning("Could not save a comment on %s: the database is unavailable", slug, exc_info=True)
        return outage.not_saved(request, slug, article, render_article)
    notify_editors(comment)
    messages.success(
        request, _("Thank you. Your comment was received and will appear here once an editor has approved it.")
    )
    return redirect(f"{article.get_absolute_url()}#comments")


def notify_editors(comment):
    """Email the editors about a new comment; a failure is logged and never loses the comment."""
    if not settings.COMMENT_NOTIFY_EMAILS:
        return
    # The form refuses line breaks in a name; one stored by other means still
    # cannot break the header (BadHeaderError would stop the notification).
    name = " ".join(comment.name.split())
    subject = f"[{comment.article.slug}] new comment from {name}"
    body = f"{comment.name} <{comment.email}> wrote on {comment.article.title}:\n\n{comment.message}\n"
    try:
        send_mail(subject, body, None, settings.COMMENT_NOTIFY_EMAILS)
    except Exception:
        logger.exception("Could not send the notification for comment %s", comment.pk)


def csrf_failure(request, reason=""):
    """A comment refused as cross-site: the article again (403), with the text kept and a clear message."""
    try:
        match = resolve(request.path_info)
    except Http404:
        match = None
    if match is None or match.view_name != "comments:post":
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
            "Your comment was not accepted because it was sent from another website. "
            "Your text is still here: if you wrote it, please check it and send it from this page."
        ),
    )
    return render_article(request, article, form, status=403)
