"""Drafts, scheduled articles and staff previews."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Article

from .factories import make_article
from .pages import page_text, sitemap_text

pytestmark = pytest.mark.django_db


def in_one_hour():
    return timezone.now() + datetime.timedelta(hours=1)


def urls(slug):
    with translation.override("en"):
        return {
            "page": reverse("articles:detail", args=[slug]),
            "home": reverse("articles:index"),
            "news": reverse("articles:category", args=["news"]),
            "feed": reverse("articles:feed"),
            "search": reverse("search:results") + "?q=Embargoed",
        }


def reader_sees(client, slug):
    found = {}
    for name, url in urls(slug).items():
        response = client.get(url)
        found[name] = response.status_code == 200 and "Embargoed launch" in response.content.decode()
    found["sitemap"] = f"/articles/{slug}/" in sitemap_text(client)
    return found


def test_a_scheduled_article_appears_everywhere_once_its_time_comes_without_any_command(client, db):
    import time

    soon = timezone.now() + datetime.timedelta(seconds=2)
    make_article(slug="embargoed", title_en="Embargoed launch", published_at=soon)
    assert not any(reader_sees(client, "embargoed").values())
    time.sleep(max(0, (soon - timezone.now()).total_seconds()) + 0.2)
    assert all(reader_sees(client, "embargoed").values())


def test_staff_preview_a_draft_with_a_banner_and_readers_get_404(client, db):
    make_article(slug="draft", title_en="Draft title", status=Article.Status.DRAFT)
    assert client.get(urls("draft")["page"]).status_code == 404
    client.force_login(User.objects.create_user("desk", password="pw", is_staff=True))
    response = client.get(urls("draft")["page"])
    assert response.status_code == 200
    assert "Preview This article is a draft: readers cannot see it." in page_text(response.content.decode())
    assert "no-cache" in response["Cache-Control"]
    assert Article.objects.get(slug="draft").view_count == 0


def test_staff_preview_of_a_scheduled_article_says_when_it_appears(client, db):
    make_article(slug="later", title_en="Later", published_at=in_one_hour())
    client.force_login(User.objects.create_user("desk", password="pw", is_staff=True))
    text = page_text(client.get(urls("later")["page"]).content.decode())
    assert "This article is scheduled: readers will see it from" in text


def test_a_published_article_has_no_preview_banner_for_staff(client, db):
    make_article(slug="live", title_en="Live")
    client.force_login(User.objects.create_user("desk", password="pw", is_staff=True))
    assert "Preview" not in page_text(client.get(urls("live")["page"]).content.decode(), "main")
