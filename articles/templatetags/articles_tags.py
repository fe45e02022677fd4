from django import template
from django.conf import settings
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.template.defaultfilters import date as format_date
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

from ..models import Article, Category, text_lang

register = template.Library()

SIDEBAR_CATEGORIES = ("news", "finance", "innovation")
SIDEBAR_ITEMS = 3
BCP47 = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant", "en": "en"}


@register.simple_tag
def html_lang():
    """The active language as a BCP 47 tag for `lang` attributes."""
    return BCP47.get(get_language(), get_language())


@register.simple_tag
def lang_of(obj, field, article):
    """The `lang` tag of the text `obj.<field>` shows, given its article's script."""
    return text_lang(obj, field, article.chinese_lang)


@register.inclusion_tag("includes/_category_nav.html")
def category_nav(current=None):
    return {"categories": Category.objects.all(), "current": current}


@register.inclusion_tag("includes/_sidebar.html")
def sidebar(exclude=None):
    """The portal's sidebar: the latest few articles of each sidebar category.

    One query for all blocks: a window function ranks each category's
    articles by date and keeps the first few.
    """
    ranked = (
        Article.objects.published()
        .filter(category__slug__in=SIDEBAR_CATEGORIES)
        .exclude(pk=getattr(exclude, "pk", None))
        .select_related("category")
        .annotate(
            rank=Window(RowNumber(), partition_by=F("category"), order_by=[F("published_at").desc(), F("pk").desc()])
        )
        .filter(rank__lte=SIDEBAR_ITEMS)
        .order_by("category__position", "rank")
    )
    blocks = {}
    for article in ranked:
        blocks.setdefault(article.category, []).append(article)
    return {"blocks": list(blocks.items())}


@register.simple_tag
def article_date(article):
    """The publish date to the precision the source supports, marked when approximate."""
    formats = {
        Article.Precision.DAY: "DATE_FORMAT",
        Article.Precision.MONTH: "YEAR_MONTH_FORMAT",
        Article.Precision.YEAR: "Y",
    }
    machine = {Article.Precision.DAY: "Y-m-d", Article.Precision.MONTH: "Y-m", Article.Precision.YEAR: "Y"}
    local = localtime(article.published_at)
    shown = format_date(local, formats[article.date_precision])
    if article.is_date_approximate:
        return format_html(
            '<time datetime="{}" title="{}">{}</time>',
            format_date(local, machine[article.date_precision]),
            _("approximate date: the source does not state it exactly"),
            _("c. %(date)s") % {"date": shown},
        )
    return format_html('<time datetime="{}">{}</time>', format_date(local, machine[article.date_precision]), shown)


@register.inclusion_tag("includes/_language_switcher.html", takes_context=True)
def language_switcher(context):
    request = context["request"]
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(request.get_full_path(), code)
        if url == request.get_full_path() and code != current:
            url = f"/{code}/"
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "lang": BCP47.get(code, code),
                "name": info["name_local"],
                "url": url,
                "active": code == current,
            }
        )
    return {"links": links}
