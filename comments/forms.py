import datetime
import hashlib
import hmac

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from articles.validators import no_control_characters, one_line

from .models import Comment, SenderQuota

FORM_SALT = "articles.comment-form"


def issue_stamp():
    """A signed 'form shown at' value: the minimum fill time cannot be forged."""
    return signing.TimestampSigner(salt=FORM_SALT).sign(str(timezone.now().timestamp()))


def sender_hash(address):
    return hmac.new(settings.SECRET_KEY.encode(), f"comment-sender:{address}".encode(), hashlib.sha256).hexdigest()


class CommentForm(forms.ModelForm):
    """The form under an article: 姓名 / 邮箱 / 留言, plus the abuse checks.

    The view passes the article and the sender's address; the form refuses,
    each with its own message, a filled honeypot, a post faster than the
    minimum fill time, a forged or expired form, a sender over the rate
    limit, and a duplicate of a comment already sent.
    """

    # Hidden from people by CSS; programs that fill every field fill it.
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    # When the reader began to write: a signed time the page's script asks
    # for (comments.views.form_stamp) once the form is first used. The page
    # itself carries none, so it is the same for every reader and may be
    # cached. Without the script the first post comes back with a stamp and
    # the text kept, and the second is accepted.
    issued = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Comment
        fields = ["name", "email", "message"]
        labels = {"name": _("Name"), "email": _("Email"), "message": _("Message")}
        help_texts = {"email": _("Never shown publicly.")}
        widgets = {"message": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, article=None, sender=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.article, self.sender = article, sender
        self.label_suffix = pgettext("form label suffix", ":")
        self.fields["name"].max_length = settings.COMMENT_NAME_MAX_LENGTH
        self.fields["message"].max_length = settings.COMMENT_MESSAGE_MAX_LENGTH
        for name in ("name", "message"):
            # The operator's limit replaces the column's (a longer name gets
            # one error, with the limit it must meet).
            field = self.fields[name]
            field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
            field.validators.append(MaxLengthValidator(field.max_length))
            field.widget.attrs["maxlength"] = str(field.max_length)
        for name in ("name", "email"):
            self.fields[name].validators.append(one_line)
        self.fields["message"].validators.append(no_control_characters)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["website"].widget.attrs.update(tabindex="-1", autocomplete="off")

    def clean(self):
        # The honeypot and the stamp are hidden fields: their refusals are
        # form-wide messages, shown above the fields the person can see.
        cleaned = super().clean()
        if cleaned.get("website"):
            raise ValidationError(
                gettext("This comment looks automated (a hidden field was filled in) and was not accepted."),
                code="honeypot",
            )
        self.check_stamp(cleaned.get("issued", ""))
        if self.errors:
            return cleaned
        if self.article is not None and not self.article.comments_open:
            raise ValidationError(gettext("Comments on this article are closed."), code="closed")
        duplicate = Comment.objects.filter(
            article=self.article, email__iexact=cleaned.get("email", ""), message=cleaned.get("message", "")
        )
        if self.article is not None and duplicate.exists():
            raise ValidationError(gettext("You have already sent this comment."), code="duplicate")
        # Last, once everything else has passed: a refused comment does not count.
        limit = settings.COMMENT_RATE_LIMIT
        window = datetime.timedelta(seconds=settings.COMMENT_RATE_WINDOW)
        if limit and self.sender and not SenderQuota.take(sender_hash(self.sender), limit, window):
            raise ValidationError(
                gettext("You have sent several comments in a short time. Please wait a few minutes."),
                code="rate_limited",
            )
        return cleaned

    def check_stamp(self, stamp):
        if not stamp:
            raise ValidationError(
                gettext("Please check your comment, wait a few seconds, then send it again."), code="unstamped"
            )
        signer = signing.TimestampSigner(salt=FORM_SALT)
        try:
            shown_at = float(signer.unsign(stamp, max_age=settings.COMMENT_FORM_MAX_AGE))
        except (signing.BadSignature, ValueError):
            raise ValidationError(
                gettext("This form has expired or was altered. Please send your comment again."), code="stale"
            ) from None
        if timezone.now().timestamp() - shown_at < settings.COMMENT_MIN_SECONDS:
            raise ValidationError(
                gettext("That was very fast. Please wait a few seconds, then send your comment again."),
                code="too_fast",
            )
