"""A comment the database could not take: the reader gets their text back and is asked to send it again.

A locked SQLite file (another writer holding it past the busy timeout), a
PostgreSQL restart or a dropped connection surface as OperationalError or
InterfaceError anywhere in the comment's request. Nothing is stored (the
save is one transaction), and the answer is 503 with Retry-After: the
article page with the form as the reader filled it, or, when the database
cannot even give the article, a page with the form alone that reads
nothing from it.
"""

from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError
from django.forms.utils import ErrorDict
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from .forms import CommentForm

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10


def returned_form(data, article=None):
    """The reader's form, unchecked (checking reads the database), with the one message that matters."""
    form = CommentForm(data, article=article)
    form.cleaned_data, form._errors = {}, ErrorDict()
    form.add_error(
        None,
        ValidationError(
            _(
                "The site could not save your comment just now. "
                "Your text is still here: please send it again in a moment."
            ),
            code="unavailable",
        ),
    )
    return form


def not_saved(request, slug, article, render_article):
    """503 with the reader's text: on the article page if the database still gives it, else on a page of its own."""
    form = returned_form(request.POST, article)
    response = None
    if article is not None:
        try:
            response = render_article(request, article, form, status=503)
        except DATABASE_UNAVAILABLE:
            response = None
    if response is None:
        response = render(request, "comments/comment_not_saved.html", {"form": form, "slug": slug}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response
