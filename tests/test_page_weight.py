"""An article page is light: little to transfer, nothing from other hosts, no blocking script."""

import gzip
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

BUDGET = 60 * 1024


def test_the_article_page_weighs_under_60_kb_compressed_with_no_third_party_or_blocking_script(client, archive):
    html = client.get("/zh-hans/articles/china-acts-on-covid-cooperation/").content
    text = html.decode()
    assets = re.findall(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"', text)
    total = len(gzip.compress(html))
    for url in assets:
        assert url.startswith(settings.STATIC_URL), url
        total += len(gzip.compress(open(finders.find(url.removeprefix(settings.STATIC_URL)), "rb").read()))
    assert total < BUDGET, total
    # Nothing the page loads comes from another host (links to sources are fine).
    assert not re.search(r'\ssrc(?:set)?="(?:https?:)?//', text)
    assert not re.search(r'<link[^>]+rel="(?:stylesheet|icon|preload|modulepreload)"[^>]+href="(?:https?:)?//', text)
    # Its one script is the site's own and deferred: it never holds up the page.
    scripts = re.findall(r"<script\b[^>]*>", text)
    executable = [tag for tag in scripts if 'type="application/ld+json"' not in tag]
    assert executable == ['<script src="/static/js/article.js" defer>'], executable
