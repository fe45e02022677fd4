from django.apps import AppConfig
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Comments")

    def ready(self):
        from .models import Comment, PendingComment, comment_deleted

        # QuerySet.delete() (the admin's bulk delete, an article's cascade)
        # calls no Comment.delete(); post_delete sees every one of them.
        for model in (Comment, PendingComment):
            post_delete.connect(comment_deleted, sender=model, dispatch_uid=f"comments.deleted.{model.__name__}")
