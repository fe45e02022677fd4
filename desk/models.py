from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EditSessionQuerySet(models.QuerySet):
    def open_since(self, moment):
        """Sessions whose browser tab has said it is still there at or after `moment`."""
        return self.filter(last_seen_at__gte=moment)


class EditSession(models.Model):
    """One browser tab with an article's change form open, kept alive by the form's heartbeat."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="edit_sessions", verbose_name=_("article")
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, verbose_name=_("editor"))
    # A random name the tab gives itself, so one editor with the form open in
    # two tabs closing one of them does not end the other's session.
    tab = models.CharField(_("browser tab"), max_length=64)
    started_at = models.DateTimeField(_("opened at"))
    last_seen_at = models.DateTimeField(_("last seen at"), db_index=True)
    objects = EditSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("edit session")
        verbose_name_plural = _("edit sessions")
        constraints = [models.UniqueConstraint(fields=["article", "user", "tab"], name="desk_one_session_per_tab")]

    def __str__(self):
        return f"{self.user} · {self.article_id} · {self.tab}"


class WorkingCopy(models.Model):
    """Changes to a published article kept aside until they are published: readers see the article as it is.

    It is the article's change form as the editor sent it (`data`: every
    field's values; `files`: the images chosen, stored under
    working-copies/), so the same form, bound to it again, shows it for more
    editing, renders its preview and, sent once more, publishes it
    (desk.working_copies).
    """

    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, related_name="working_copy", verbose_name=_("article")
    )
    data = models.JSONField(_("form data"), default=dict)
    files = models.JSONField(_("stored images"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("last saved by"),
    )
    updated_at = models.DateTimeField(_("last saved at"), auto_now=True)

    class Meta:
        verbose_name = _("working copy")
        verbose_name_plural = _("working copies")

    def __str__(self):
        return f"{self.article_id} · {self.updated_at:%Y-%m-%d %H:%M}"

    @property
    def version(self):
        """What the form carries to tell whether the copy changed since it was opened."""
        return self.updated_at.isoformat() if self.updated_at else ""
