"""What production needs: a clean deploy check, security headers, a locked door for guessers."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.test import Client

pytestmark = pytest.mark.django_db

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-production-secret-that-is-long-and-random-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "news.example.org",
    "SITE_URL": "https://news.example.org",
    "DJANGO_SETTINGS_MODULE": "newsroom.settings",
}


def manage(*args, env):
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=django_settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deploy_check_is_clean_with_the_production_environment():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_missing_secret_in_production_stops_start_up_with_a_clear_message():
    result = manage("check", env={**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize(
    "path",
    [
        "/en/",
        "/zh-hans/articles/china-science-global-covid-fight/",
        "/en/search/?q=ai",
        "/zh-hant/category/news/",
        "/en/feed/",
        "/healthz",
        "/admin/login/",
    ],
)
def test_every_page_type_carries_the_security_headers(client, archive, path):
    response = client.get(path, follow=False)
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_hsts_and_secure_cookies_over_https(settings, db):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    assert client.get("/en/", secure=False).status_code == 301
    response = client.get("/en/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_the_admin_login_locks_out_after_repeated_failures(db, settings):
    User.objects.create_superuser("editor", "editor@example.com", "the-right-password-123")
    client = Client()
    statuses = [
        client.post("/admin/login/", {"username": "editor", "password": "wrong"}).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    locked = client.post("/admin/login/", {"username": "editor", "password": "the-right-password-123"})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_an_unchanged_page_answers_a_conditional_request_with_304(client, archive):
    first = client.get("/en/category/news/")
    assert first.status_code == 200 and first["ETag"]
    again = client.get("/en/category/news/", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_a_saved_edit_appears_on_the_next_request(client, archive):
    from articles.models import Article

    before = client.get("/en/category/news/")
    article = Article.objects.get(slug="china-acts-on-covid-cooperation")
    article.title_en = "An edited headline"
    article.save()
    after = client.get("/en/category/news/", headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert "An edited headline" in after.content.decode()


def test_two_fresh_readers_get_byte_identical_article_pages_and_both_can_comment(archive, settings):
    from comments.models import Comment

    url = "/en/articles/china-science-global-covid-fight/"
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    one, two = first.get(url), second.get(url)
    assert one.content == two.content
    assert one["ETag"] == two["ETag"]
    assert not one.cookies and not two.cookies
    settings.COMMENT_MIN_SECONDS = 0
    for client, name in ((first, "A"), (second, "B")):
        stamp = client.get("/comment-stamp").json()["stamp"]
        data = {"issued": stamp, "name": name, "email": f"{name}@example.com", "message": "Hi", "website": ""}
        response = client.post(url + "comments/", data, headers={"origin": "http://testserver"})
        assert response.status_code == 302
    assert set(Comment.objects.values_list("name", flat=True)) == {"A", "B"}
