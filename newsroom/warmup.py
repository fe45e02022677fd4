"""What every worker would otherwise load on its first requests, loaded once before gunicorn forks.

With `preload_app` (gunicorn.conf.py) the master imports the site and runs
warm_up(); each worker, first or recycled, starts as a copy of it with the
URLs resolved, the three languages' catalogs read, the templates compiled
and OpenCC's dictionaries loaded. Nothing here opens a database connection,
which must not be shared across the fork.
"""

from django.conf import settings
from django.template.loader import get_template
from django.urls import get_resolver
from django.utils import translation

from articles.scripts import CONVERSIONS, _converter

TEMPLATES = [
    "articles/home.html",
    "articles/article_list.html",
    "articles/article_detail.html",
    "articles/article_bilingual.html",
    "articles/archive.html",
    "search/search.html",
    "404.html",
]


def warm_up():
    get_resolver()._populate()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("S&T News Archive")
    for name in TEMPLATES:
        get_template(name)
    for config in CONVERSIONS.values():
        _converter(config).convert("预热")
