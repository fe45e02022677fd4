from django import template

from ..forms import CommentForm

register = template.Library()


@register.inclusion_tag("includes/_comments.html", takes_context=True)
def comments_for(context, article):
    """An article's approved comments and the form to add one.

    The form is the one the page was given as `comment_form` (a reader's
    refused comment, with its errors and text), else a new one.
    """
    return {
        "article": article,
        "comments": article.comments.approved(),
        "form": context.get("comment_form") or CommentForm(article=article),
        "messages": context.get("messages"),
    }
