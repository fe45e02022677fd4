from django.contrib import admin, messages
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.admin import ArticleAdmin
from articles.models import Article

from .models import Comment, PendingComment


def mark(modeladmin, request, queryset, status):
    changed = queryset.moderate(status)
    modeladmin.message_user(
        request,
        ngettext("%(count)d comment marked as %(label)s.", "%(count)d comments marked as %(label)s.", changed)
        % {"count": changed, "label": Comment.Status(status).label},
        messages.SUCCESS,
    )


@admin.action(description=_("Approve selected comments"))
def approve(modeladmin, request, queryset):
    mark(modeladmin, request, queryset, Comment.Status.APPROVED)


@admin.action(description=_("Reject selected comments"))
def reject(modeladmin, request, queryset):
    mark(modeladmin, request, queryset, Comment.Status.REJECTED)


@admin.action(description=_("Mark selected comments as spam"))
def mark_spam(modeladmin, request, queryset):
    mark(modeladmin, request, queryset, Comment.Status.SPAM)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["name", "article_title", "status", "created_at", "short_message", "language"]
    list_filter = ["status", "language", "created_at"]
    list_select_related = ["article"]
    search_fields = ["name", "email", "message", "article__title_zh_hans", "article__title_en"]
    readonly_fields = ["article", "name", "email", "message", "language", "created_at", "user_agent"]
    fields = ["article", "status", "name", "email", "message", "language", "created_at", "user_agent"]
    date_hierarchy = "created_at"
    actions = [approve, reject, mark_spam]

    class Media:
        css = {"all": ["css/admin.css"]}

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("article"), ordering="article")
    def article_title(self, comment):
        title = str(comment.article)
        return format_html('<span title="{}">{}</span>', title, Truncator(title).chars(40))

    @admin.display(description=_("message"))
    def short_message(self, comment):
        # The list shows the start of each message (the whole of it on hover
        # and on the comment's page), so the columns fit a 1280 px screen.
        return format_html('<span title="{}">{}</span>', comment.message, Truncator(comment.message).chars(60))


@admin.register(PendingComment)
class PendingCommentAdmin(CommentAdmin):
    """The moderation queue: oldest first, so nobody waits longest."""

    # Every comment here is pending, so no status column.
    list_display = ["name", "article_title", "created_at", "short_message", "language"]
    list_filter = ["language", "created_at"]
    # The changelist orders by this (or the model's newest-first ordering),
    # not by the queryset's order_by.
    ordering = ["created_at", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=Comment.Status.PENDING)


def comment_count(status):
    counted = (
        Comment.objects.filter(article=OuterRef("pk"), status=status)
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


class ArticleWithCommentsAdmin(ArticleAdmin):
    """The articles' list with each article's approved and pending comments counted.

    The articles app knows nothing of comments, so this app replaces its
    admin with one that adds the two columns (as apps extend UserAdmin).
    """

    list_display = [*ArticleAdmin.list_display, "approved_comments", "pending_comments"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            # Counted per article shown (subqueries), not by joining every
            # comment to every article and grouping a million rows.
            .annotate(
                approved_count=comment_count(Comment.Status.APPROVED),
                pending_count=comment_count(Comment.Status.PENDING),
            )
        )

    @admin.display(description=_("approved comments"), ordering="approved_count")
    def approved_comments(self, article):
        return article.approved_count

    @admin.display(description=_("pending comments"), ordering="pending_count")
    def pending_comments(self, article):
        return article.pending_count


admin.site.unregister(Article)
admin.site.register(Article, ArticleWithCommentsAdmin)
