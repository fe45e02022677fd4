"""Absolute links to the site's pages, from the configured address (settings.SITE_URL).

Canonical and hreflang links, Open Graph, JSON-LD, feeds, the sitemap and
robots.txt all name the site's own address. Built from the request's Host
header instead, one request with a forged Host would put that host into a
page that is then cached and served to every reader. Only when SITE_URL is
empty (a newcomer's machine) do links follow the request; `check --deploy`
warns about that.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks


def absolute_url(request, location):
    """`location` (a path, or an absolute URL left as it is) as an absolute URL of the site."""
    if urlsplit(location).scheme:
        return location
    if settings.SITE_URL:
        return settings.SITE_URL + location
    return request.build_absolute_uri(location)


def site_url(location):
    """`location` made absolute from SITE_URL, or left as a path when SITE_URL is empty."""
    if settings.SITE_URL and not urlsplit(location).scheme:
        return settings.SITE_URL + location
    return location


@checks.register(checks.Tags.security, deploy=True)
def check_site_url(app_configs, **kwargs):
    if settings.SITE_URL:
        return []
    return [
        checks.Warning(
            "SITE_URL is not set, so canonical links, feeds and the sitemap name whatever host a request says.",
            hint="Set SITE_URL to the site's public address, e.g. https://news.example.org.",
            id="articles.W001",
        )
    ]
