import json

from django import template
from django.conf import settings
from django.template.defaultfilters import date as format_date
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

from ..links import absolute_url
from ..models import Article, Category, text_lang
from ..scripts import lang_tag, to_reader_script

register = template.Library()

SIDEBAR_CATEGORIES = ("news", "finance", "innovation")
SIDEBAR_ITEMS = 3


@register.simple_tag
def html_lang():
    """The active language as a BCP 47 tag for `lang` attributes."""
    return lang_tag()


@register.simple_tag
def chinese_lang(article):
    """The `lang` of an article's Chinese as shown: the page's script, or the original on English pages."""
    return article.chinese_lang if (get_language() or "").startswith("en") else lang_tag()


@register.filter
def zh(text, source=None):
    """Stored Chinese in the reader's script; `source` is the Article it comes from
    (its chinese_script), or nothing for text stored in Simplified."""
    return to_reader_script(text, getattr(source, "chinese_script", None) or "hans")


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

    One small query per sidebar block (there are always three), each served
    by the (category, status, published_at) index however large the archive.
    """
    categories = Category.objects.filter(slug__in=SIDEBAR_CATEGORIES).order_by("position")
    blocks = []
    for category in categories:
        items = (
            Article.objects.published()
            .in_category(category)
            .exclude(pk=getattr(exclude, "pk", None))
            .order_by("-published_at", "-pk")[:SIDEBAR_ITEMS]
        )
        blocks.append((category, items))
    return {"blocks": blocks}


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
            {"code": code, "lang": lang_tag(code), "name": info["name_local"], "url": url, "active": code == current}
        )
    return {"links": links}


@register.inclusion_tag("includes/_alternates.html", takes_context=True)
def alternates(context):
    """Canonical URL and hreflang alternates of the current page in every language."""
    request = context["request"]
    path = request.path
    page = request.GET.get("page", "")
    query = f"?page={page}" if page.isdigit() and page != "1" else ""
    links = [
        {"lang": lang_tag(code), "url": absolute_url(request, translate_url(path, code) + query)}
        for code, _name in settings.LANGUAGES
    ]
    default = absolute_url(request, translate_url(path, settings.LANGUAGE_CODE) + query)
    return {"canonical": absolute_url(request, path + query), "links": links, "default": default}


JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def news_article_json_ld(context, article):
    """schema.org NewsArticle data for the article page, as a JSON-LD script element."""
    request = context["request"]
    site = _("S&T News Archive")
    author = (
        {"@type": "Person", "name": to_reader_script(article.byline, article.chinese_script)}
        if article.byline
        else {"@type": "Organization", "name": to_reader_script(article.publisher, article.chinese_script) or site}
    )
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": to_reader_script(article.title, article.chinese_script),
        "description": to_reader_script(article.summary, article.chinese_script),
        "datePublished": localtime(article.published_at).isoformat(),
        "dateModified": localtime(article.updated_at).isoformat(),
        "inLanguage": article.lang_of("title"),
        "author": author,
        "publisher": {"@type": "Organization", "name": site},
        "articleSection": to_reader_script(article.category.name),
        "mainEntityOfPage": absolute_url(request, article.get_absolute_url()),
    }
    images = [
        absolute_url(request, figure.image.url)
        for section in article.sections.all()
        for figure in section.figures.all()
        if figure.image
    ]
    if images:
        data["image"] = images
    payload = json.dumps(data, ensure_ascii=False).translate(JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))


@register.simple_tag(name="absolute_url", takes_context=True)
def absolute_url_tag(context, location):
    """`location` as an absolute URL of the site (articles.links: from SITE_URL, not the request's Host)."""
    return absolute_url(context["request"], location)


@register.simple_tag
def og_locale():
    return {"zh-hans": "zh_CN", "zh-hant": "zh_TW", "en": "en_US"}.get(get_language(), "zh_CN")
