"""What an attacker's review found, each pinned: server errors, forged proxy headers, escaping, line breaks.

Every test here failed before its fix (issue 12). The fuzzing suite
(tests/test_fuzz.py) looks for the next case of each kind.
"""

import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from articles.models import Article
from articles.views import ArticleDetail
from comments.forms import issue_stamp
from comments.models import Comment

from .factories import make_article, make_section

pytestmark = pytest.mark.django_db

HOSTILE = '"><img src=x onerror=alert(1)>'


def anonymous():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    "path",
    [
        "/zh-hans/search/?q=疫苗&page=9223372036854775807",
        "/zh-hans/search/?q=疫苗&page=99999999999999999999999",
        "/zh-hans/archive/9999/12/",
        "/zh-hans/archive/9999/",
        "/en/archive/1/1/",
        "/en/archive/1/",
        "/en/archive/0/",
        "/en/archive/2020/13/",
        "/en/archive/99999999999999999999999/",
        "/en/archive/2020/?page=99999999999999999999",
    ],
)
def test_out_of_range_numbers_in_reader_addresses_get_a_404_not_a_server_error(archive, path):
    response = anonymous().get(path)
    assert response.status_code == 404
    assert '<p class="error-code">404</p>' in response.text  # the site's own page


@pytest.mark.parametrize("page", ["100", "9" * 5000, "-3", "x"])
def test_the_last_search_page_that_can_exist_and_unreadable_numbers_still_answer(archive, page):
    assert anonymous().get(f"/zh-hans/search/?q=疫苗&page={page}").status_code == 200


def test_an_article_of_the_first_day_of_year_one_is_listed_under_year_one(archive):
    article = Article.objects.published().first()
    assert anonymous().get(f"/en/archive/{article.published_at.year}/").status_code == 200


@pytest.mark.parametrize(
    ("lang", "heading"), [("zh-hans", "出错了"), ("zh-hant", "出錯了"), ("en", "Something went wrong")]
)
def test_a_server_error_gets_the_styled_page_in_the_readers_language_without_the_database(
    archive, monkeypatch, lang, heading
):
    def broken(*args, **kwargs):
        raise OperationalError("the database is gone")

    monkeypatch.setattr(ArticleDetail, "get_object", broken)
    # Anything the error page tried to read would fail the same way.
    monkeypatch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.cursor", broken)
    response = anonymous().get(f"/{lang}/articles/china-science-global-covid-fight/")
    assert response.status_code == 500
    assert f"<h1>{heading}</h1>" in response.text
    assert 'rel="stylesheet"' in response.text
    assert f'lang="{ {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant", "en": "en"}[lang] }"' in response.text


@pytest.fixture
def editor(db):
    user = User.objects.create_superuser("desk", "desk@example.com", "the-right-password-123")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_comparing_versions_with_an_id_past_64_bits_asks_again(archive, editor):
    article = Article.objects.first()
    url = reverse("admin:articles_article_compare", args=[article.pk])
    response = editor.get(url, {"a": "1", "b": "99999999999999999999999"})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:articles_article_history", args=[article.pk])
    assert "请选择两个不同的版本进行比较" in editor.get(response["Location"]).text


def test_comparing_versions_of_a_missing_article_is_not_found(archive, editor):
    url = reverse("admin:articles_article_compare", args=[999999])
    assert editor.get(url, {"a": "1", "b": "2"}).status_code == 404


@pytest.mark.parametrize("year", ["99999999999999999999", "0", "-1", "abc"])
@pytest.mark.parametrize(
    ("changelist", "field"),
    [
        ("/admin/articles/article/", "published_at"),
        ("/admin/comments/comment/", "created_at"),
        ("/admin/comments/pendingcomment/", "created_at"),
    ],
)
def test_a_date_drill_down_refuses_an_impossible_year_like_any_bad_filter(archive, editor, changelist, field, year):
    response = editor.get(changelist, {f"{field}__year": year})
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def rss_and_atom_summaries(client):
    rss = ET.fromstring(client.get("/en/feed/").content)
    atom = ET.fromstring(client.get("/en/feed/atom/").content)
    namespace = {"a": "http://www.w3.org/2005/Atom"}
    return [item.findtext("description") for item in rss.iter("item")] + [
        entry.findtext("a:summary", namespaces=namespace) for entry in atom.iterfind("a:entry", namespace)
    ]


def test_a_summary_with_markup_reaches_feed_readers_as_text_not_as_an_element(db):
    make_article(slug="hostile-summary", summary_en=f"Price < cost & {HOSTILE}")
    summaries = rss_and_atom_summaries(anonymous())
    assert len(summaries) == 2
    for html in summaries:
        # What a feed reader renders as HTML: the characters, escaped once.
        assert "<img" not in html
        assert html == "Price &lt; cost &amp; &quot;&gt;&lt;img src=x onerror=alert(1)&gt;"


def post_comment(client, slug, headers=None, **fields):
    data = {"name": "Eve", "email": "eve@example.com", "message": "Hello", "website": "", "issued": issue_stamp()}
    data.update(fields)
    with translation.override("en"):
        return client.post(reverse("comments:post", args=[slug]), data, **(headers or {}))


@pytest.mark.parametrize("name", ["Eve\r\nBcc: victim@example.com", "Eve\nBcc: x@example.com", "Eve\u2028x", "Eve\x00"])
def test_a_line_break_or_control_character_in_a_name_is_refused_with_the_text_kept(settings, db, name):
    settings.COMMENT_MIN_SECONDS = 0
    article = make_article(slug="line-breaks")
    response = post_comment(anonymous(), article.slug, name=name, message="我的留言还在")
    assert response.status_code == 200
    assert "This field takes one line" in response.text
    assert "我的留言还在" in response.text
    assert not Comment.objects.exists()


def test_editors_are_told_of_a_comment_whose_name_was_stored_with_a_line_break(settings, db):
    """Stored by other means (an import, an old row): the notification still goes out, on one line."""
    from comments.views import notify_editors

    settings.COMMENT_NOTIFY_EMAILS = ["desk@example.com"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    article = make_article(slug="notify")
    comment = Comment.objects.create(article=article, name="Eve\r\nBcc: victim@example.com", email="e@example.com")
    notify_editors(comment)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "[notify] new comment from Eve Bcc: victim@example.com"
    assert mail.outbox[0].bcc == []


@pytest.mark.parametrize(
    ("model_field", "value"),
    [("title_zh_hans", "两行\n标题"), ("title_en", "Two\r\nlines"), ("byline", "A\tB"), ("source_note", "x\x1b[31m")],
)
def test_every_one_line_field_of_an_article_refuses_line_breaks_and_control_characters(db, model_field, value):
    article = make_article(slug="one-line")
    setattr(article, model_field, value)
    with pytest.raises(ValidationError) as refused:
        article.full_clean()
    assert model_field in refused.value.message_dict


def test_a_megabyte_name_gets_one_error_with_the_limit_it_must_meet(settings, db):
    settings.COMMENT_MIN_SECONDS = 0
    article = make_article(slug="long-name")
    response = post_comment(anonymous(), article.slug, name="x" * 1_000_000)
    assert response.status_code == 200
    errors = re.findall(r"Ensure this value has at most (\d+) characters", response.text)
    assert errors == [str(settings.COMMENT_NAME_MAX_LENGTH)]


def test_a_link_in_a_simplified_body_keeps_its_address_on_the_traditional_page(db):
    article = make_article(slug="wiki-link")
    make_section(article, body_zh_hans='请看[说明书](https://example.com/wiki/说明书 "说明书")。')
    page = anonymous().get("/zh-hant/articles/wiki-link/").text
    link = re.search(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', page[page.index("section-body") :])
    assert link.group(1) == "https://example.com/wiki/说明书"
    assert link.group(2) == "說明書"
    assert 'title="說明書"' in page
    assert "請看" in page
    bilingual = anonymous().get("/zh-hant/articles/wiki-link/bilingual/").text
    assert 'href="https://example.com/wiki/说明书"' in bilingual
    assert "請看" in bilingual


def test_the_csrf_cookie_is_http_only_as_the_readme_says(db):
    response = Client().get("/admin/login/")
    assert response.cookies["csrftoken"]["httponly"] is True


# Behind the proxy: REMOTE_ADDR is the proxy's; the client is in X-Forwarded-For.
PROXY = {"REMOTE_ADDR": "127.0.0.1"}


def forwarded_for(client_address, spoofed=None):
    chain = f"{spoofed}, {client_address}" if spoofed else client_address
    return {**PROXY, "HTTP_X_FORWARDED_FOR": chain}


def test_two_clients_behind_the_proxy_have_their_own_comment_limits(settings, db):
    settings.COMMENT_MIN_SECONDS, settings.COMMENT_RATE_LIMIT = 0, 2
    article = make_article(slug="two-clients")
    first = [
        post_comment(anonymous(), article.slug, message=f"first {n}", headers=forwarded_for("203.0.113.1")).status_code
        for n in range(3)
    ]
    assert first == [302, 302, 200]
    # A second client is not refused by the first one's limit...
    second = post_comment(anonymous(), article.slug, message="second", headers=forwarded_for("203.0.113.2"))
    assert second.status_code == 302
    # ...and the first cannot escape its own by writing another address into the header.
    spoofed = post_comment(
        anonymous(), article.slug, message="spoofed", headers=forwarded_for("203.0.113.1", spoofed="198.51.100.9")
    )
    assert spoofed.status_code == 200
    assert "several comments in a short time" in spoofed.text


def login(client, password, **headers):
    return client.post("/admin/login/", {"username": "desk", "password": password}, **headers)


def test_a_stranger_behind_the_proxy_cannot_lock_an_editor_out(settings, db):
    User.objects.create_superuser("desk", "desk@example.com", "the-right-password-123")
    stranger = [login(anonymous(), "wrong", **forwarded_for("203.0.113.66")).status_code for _ in range(5)]
    assert stranger[-1] == 429
    editor = anonymous()
    assert login(editor, "the-right-password-123", **forwarded_for("198.51.100.20")).status_code == 302
    assert "_auth_user_id" in editor.session
    # The stranger naming the editor's address in the header is still the stranger.
    spoof = login(anonymous(), "the-right-password-123", **forwarded_for("203.0.113.66", spoofed="198.51.100.20"))
    assert spoof.status_code == 429


def test_a_client_that_reaches_the_server_directly_cannot_choose_its_address(settings, db):
    settings.COMMENT_MIN_SECONDS, settings.COMMENT_RATE_LIMIT = 0, 1
    article = make_article(slug="direct")
    direct = {"REMOTE_ADDR": "198.51.100.50"}
    assert post_comment(anonymous(), article.slug, message="one", headers=direct).status_code == 302
    again = post_comment(
        anonymous(), article.slug, message="two", headers={**direct, "HTTP_X_FORWARDED_FOR": "203.0.113.99"}
    )
    assert again.status_code == 200  # still 198.51.100.50, over its limit


def test_a_proxy_header_that_is_not_an_address_is_not_believed(settings, db):
    settings.COMMENT_MIN_SECONDS, settings.COMMENT_RATE_LIMIT = 0, 1
    article = make_article(slug="junk-header")
    junk = {**PROXY, "HTTP_X_FORWARDED_FOR": "<script>, not-an-address"}
    assert post_comment(anonymous(), article.slug, message="one", headers=junk).status_code == 302
    assert post_comment(anonymous(), article.slug, message="two", headers=junk).status_code == 200


def test_https_is_believed_only_from_the_proxy(settings, db):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    make_article(slug="https")
    claim = {"HTTP_X_FORWARDED_PROTO": "https"}
    assert anonymous().get("/en/", **PROXY, **claim).status_code == 200
    stranger = anonymous().get("/en/", REMOTE_ADDR="198.51.100.7", **claim)
    assert stranger.status_code == 301
    assert stranger["Location"].startswith("https://")
