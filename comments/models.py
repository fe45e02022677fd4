from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles import changes
from articles.models import Article
from articles.validators import no_control_characters, one_line


class CommentQuerySet(models.QuerySet):
    def approved(self):
        """What readers see under an article: approved comments, oldest first."""
        return self.filter(status=Comment.Status.APPROVED).order_by("created_at", "pk")

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def moderate(self, status):
        """Give every comment in the queryset `status`; readers see the change at once. Returns how many."""
        article_ids = set(self.values_list("article_id", flat=True))
        count = self.update(status=status)
        changes.page_changed(*article_ids, using=self.db)
        return count


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        SPAM = "spam", _("spam")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments", verbose_name=_("article"))
    name = models.CharField(_("name"), max_length=100, validators=[one_line])
    email = models.EmailField(_("email"), help_text=_("Never shown publicly."))
    message = models.TextField(_("message"), validators=[no_control_characters])
    language = models.CharField(_("page language"), max_length=10)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now, db_index=True)
    # A keyed hash of the sender's address, for rate limits; never the address.
    sender_hash = models.CharField(_("sender"), max_length=64, db_index=True, editable=False)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        # Kept from when comments lived in the articles app: existing databases keep their rows.
        db_table = "articles_comment"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["article", "status", "created_at"], name="comment_article_status_idx")]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self):
        return f"{self.name}: {self.message[:40]}"

    def save(self, *args, **kwargs):
        # A new pending comment changes nothing readers see; keep the page
        # cache. Any approved comment, or a change to an existing one, does.
        is_new = self._state.adding
        super().save(*args, **kwargs)
        if not is_new or self.status == self.Status.APPROVED:
            changes.page_changed(self.article_id, using=self._state.db)


class PendingComment(Comment):
    """The moderation queue: comments awaiting a decision."""

    class Meta:
        proxy = True
        verbose_name = _("comment awaiting moderation")
        verbose_name_plural = _("comments awaiting moderation")


def comment_deleted(sender, instance, using, **kwargs):
    if instance.status == Comment.Status.APPROVED:
        changes.page_changed(instance.article_id, using=using)


class SenderQuota(models.Model):
    """How many comments one sender has sent in the current window: the rate limit, counted atomically.

    `take` is one UPDATE that both checks and counts, so forty posts from
    one address at the same moment cannot all see "four so far".
    """

    sender_hash = models.CharField(max_length=64, primary_key=True)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("sender quota")

    def __str__(self):
        return f"{self.sender_hash[:12]}: {self.count} since {self.window_start:%Y-%m-%d %H:%M}"

    @classmethod
    def take(cls, sender_hash, limit, window):
        """Count one comment for the sender; False (and nothing counted) if the window's limit is reached."""
        now = timezone.now()
        expired = models.Q(window_start__lt=now - window)
        for _attempt in range(2):
            taken = (
                cls.objects.filter(pk=sender_hash)
                .filter(expired | models.Q(count__lt=limit))
                .update(
                    count=models.Case(models.When(expired, then=1), default=models.F("count") + 1),
                    window_start=models.Case(models.When(expired, then=now), default=models.F("window_start")),
                )
            )
            if taken:
                return True
            try:
                with transaction.atomic():
                    cls.objects.create(sender_hash=sender_hash, window_start=now, count=1)
                return True
            except IntegrityError:
                # The row exists: either the limit is reached, or another
                # post created it a moment ago and the update may now count.
                continue
        return False
