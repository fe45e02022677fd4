"""Comments that never lose a word: the form, its refusals, moderation, notification."""

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from comments.forms import FORM_SALT, issue_stamp
from comments.models import Comment

from .factories import make_article
from .pages import page_text

pytestmark = pytest.mark.django_db

LANGS = ["zh-hans", "zh-hant", "en"]


@pytest.fixture(autouse=True)
def no_wait(settings):
    settings.COMMENT_MIN_SECONDS = 0
    settings.COMMENT_RATE_LIMIT = 5


@pytest.fixture
def article(db):
    return make_article(slug="commented", title_en="A story to discuss")


def url(lang, name, slug="commented"):
    with translation.override(lang):
        return reverse(name, args=[slug])


def form_data(**overrides):
    data = {
        "name": "李雷",
        "email": "lilei@example.com",
        "message": "很好的文章。\nThanks!",
        "website": "",
        "issued": issue_stamp(),
    }
    data.update(overrides)
    return data


def post(client, lang="en", **overrides):
    return client.post(url(lang, "comments:post"), form_data(**overrides))


def test_a_comment_is_stored_pending_and_the_reader_is_told_after_a_redirect(client, article):
    response = post(client)
    assert response.status_code == 302
    assert response["Location"] == "/en/articles/commented/#comments"
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.language == "en"
    assert len(comment.sender_hash) == 64 and "127.0.0.1" not in comment.sender_hash
    page = page_text(client.get(response["Location"]).content.decode())
    assert "will appear here once an editor has approved it" in page
    assert "很好的文章" not in page


def test_an_approved_comment_shows_oldest_first_with_line_breaks_and_no_email(client, article):
    Comment.objects.create(article=article, name="Second", email="b@example.com", message="Later", status="approved")
    Comment.objects.filter(name="Second").update(created_at=timezone.now())
    first = Comment.objects.create(
        article=article, name="First", email="a@example.com", message="一行\n二行", status="approved"
    )
    Comment.objects.filter(pk=first.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))
    html = client.get(url("en", "articles:detail")).content.decode()
    text = page_text(html, "section#comments")
    assert "2 comments" in text
    assert text.index("First") < text.index("Second")
    assert "一行<br>二行" in html
    assert "a@example.com" not in html and "b@example.com" not in html


def test_html_in_a_message_is_shown_as_text(client, article):
    Comment.objects.create(
        article=article,
        name="<b>Eve</b>",
        email="e@example.com",
        message="<script>alert(1)</script>",
        status="approved",
    )
    html = client.get(url("en", "articles:detail")).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Eve&lt;/b&gt;" in html


@pytest.mark.parametrize("status", ["pending", "rejected", "spam"])
def test_comments_not_approved_are_not_shown(client, article, status):
    Comment.objects.create(article=article, name="Hidden", email="h@example.com", message="Not yet", status=status)
    assert "Not yet" not in page_text(client.get(url("en", "articles:detail")).content.decode())


# Each refusal: (overrides, field or None, message per language)
REFUSALS = {
    "empty name": (
        {"name": ""},
        "name",
        {"zh-hans": "这个字段是必填项。", "zh-hant": "這個欄位是必須的。", "en": "This field is required."},
    ),
    "invalid email": (
        {"email": "not-an-email"},
        "email",
        {
            "zh-hans": "输入一个有效的 Email 地址。",
            "zh-hant": "輸入有效的電子郵件地址。",
            "en": "Enter a valid email address.",
        },
    ),
    "message too long": (
        {"message": "字" * 2001},
        "message",
        {"zh-hans": "2000", "zh-hant": "2000", "en": "at most 2000 characters"},
    ),
    "control characters": (
        {"message": "hello\x07world"},
        "message",
        {
            "zh-hans": "请删除此栏中的控制字符。",
            "zh-hant": "請刪除此欄中的控制字符。",
            "en": "Please remove the control characters",
        },
    ),
    "honeypot": (
        {"website": "http://spam.example"},
        "website",
        {"zh-hans": "看似由程序自动提交", "zh-hant": "看似由程序自動提交", "en": "looks automated"},
    ),
    "forged stamp": (
        {"issued": "1700000000.0:forged"},
        "issued",
        {"zh-hans": "表单已过期或被改动", "zh-hant": "表單已過期或被改動", "en": "expired or was altered"},
    ),
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_each_bad_input_gets_its_own_message_with_the_text_kept_and_nothing_stored(client, article, case, lang):
    overrides, _field, messages = REFUSALS[case]
    response = post(client, lang=lang, **overrides)
    html = response.content.decode()
    assert response.status_code == 200
    assert messages[lang] in page_text(html, "section#comments")
    kept = form_data(**overrides)
    if case != "message too long":
        assert kept["message"].split("\n")[0] in html
    assert 'value="李雷"' in html or case == "empty name"
    assert Comment.objects.count() == 0


def test_the_control_character_message_names_the_field_and_keeps_the_rest(client, article):
    html = post(client, message="hello\x07world", name="Han Meimei").content.decode()
    assert 'value="Han Meimei"' in html
    assert 'class="field has-error"' in html


@pytest.mark.parametrize("lang", LANGS)
def test_a_post_faster_than_the_minimum_fill_time_is_refused(client, article, settings, lang):
    settings.COMMENT_MIN_SECONDS = 60
    html = post(client, lang=lang).content.decode()
    expected = {"zh-hans": "提交得太快了", "zh-hant": "提交得太快了", "en": "That was very fast"}[lang]
    assert expected in page_text(html)
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("lang", LANGS)
def test_the_rate_limit_refuses_the_next_post_from_the_same_address(client, article, settings, lang):
    settings.COMMENT_RATE_LIMIT = 2
    for number in range(2):
        assert post(client, lang=lang, message=f"Comment {number}").status_code == 302
    html = post(client, lang=lang, message="One too many").content.decode()
    expected = {
        "zh-hans": "短时间内发送了多条留言",
        "zh-hant": "短時間內發送了多條留言",
        "en": "several comments in a short time",
    }
    assert expected[lang] in page_text(html)
    assert "One too many" in html
    assert Comment.objects.count() == 2


@pytest.mark.parametrize("lang", LANGS)
def test_a_duplicate_is_refused(client, article, lang):
    assert post(client, lang=lang).status_code == 302
    html = post(client, lang=lang).content.decode()
    expected = {"zh-hans": "您已经发送过这条留言", "zh-hant": "您已經發送過這條留言", "en": "already sent this comment"}
    assert expected[lang] in page_text(html)
    assert Comment.objects.count() == 1


CROSS_SITE = {"HTTP_ORIGIN": "https://evil.example", "HTTP_SEC_FETCH_SITE": "cross-site"}


@pytest.mark.parametrize("lang", LANGS)
def test_a_cross_site_post_is_refused_with_the_text_kept(article, lang):
    client = Client(enforce_csrf_checks=True)
    response = client.post(url(lang, "comments:post"), form_data(), **CROSS_SITE)
    html = response.content.decode()
    assert response.status_code == 403
    expected = {"zh-hans": "从其他网站发送", "zh-hant": "從其他網站發送", "en": "sent from another website"}[lang]
    assert expected in page_text(html)
    assert "很好的文章" in html and "lilei@example.com" in html
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "http://sub.testserver"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
    ],
    ids=["foreign-origin", "same-site-other-origin", "cross-site-no-origin"],
)
def test_every_kind_of_foreign_post_is_refused(article, headers):
    response = Client(enforce_csrf_checks=True).post(url("en", "comments:post"), form_data(), **headers)
    assert response.status_code == 403
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"},
        {"HTTP_ORIGIN": "http://testserver"},
        {},
    ],
    ids=["same-origin-browser", "origin-only", "no-browser-headers"],
)
def test_a_post_from_the_page_needs_no_token(article, headers):
    client = Client(enforce_csrf_checks=True)
    page = client.get(url("en", "articles:detail"))
    assert "csrfmiddlewaretoken" not in page.content.decode()
    assert "csrftoken" not in client.cookies
    response = client.post(url("en", "comments:post"), form_data(), **headers)
    assert response.status_code == 302
    assert Comment.objects.count() == 1


def test_the_page_carries_no_stamp_and_the_stamp_comes_from_its_own_request(client, article):
    html = client.get(url("en", "articles:detail")).content.decode()
    assert 'name="issued"' in html and 'name="issued" value=' not in html
    response = client.get(reverse("comment-stamp"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    stamp = response.json()["stamp"]
    assert post(client, issued=stamp).status_code == 302


def test_without_the_script_a_first_post_comes_back_stamped_and_the_second_is_accepted(client, article, settings):
    settings.COMMENT_MIN_SECONDS = 3
    first = client.post(url("en", "comments:post"), form_data(issued=""))
    html = first.content.decode()
    assert first.status_code == 200
    assert "wait a few seconds, then send it again" in page_text(html)
    assert "很好的文章" in html
    stamp = re.search(r'name="issued" value="([^"]+)"', html).group(1)
    assert Comment.objects.count() == 0
    with pytest.MonkeyPatch.context() as patch:
        later = timezone.now() + datetime.timedelta(seconds=4)
        patch.setattr("django.utils.timezone.now", lambda: later)
        second = client.post(url("en", "comments:post"), form_data(issued=stamp))
    assert second.status_code == 302
    assert Comment.objects.count() == 1


def test_an_old_form_stamp_is_refused(client, article, settings):
    settings.COMMENT_FORM_MAX_AGE = 60
    signer = signing.TimestampSigner(salt=FORM_SALT)
    # The signature carries its own signing time, so sign "an hour ago".
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("time.time", lambda: timezone.now().timestamp() - 3600)
        old = signer.sign(str(timezone.now().timestamp() - 3600))
    assert "expired or was altered" in page_text(post(client, issued=old).content.decode())


def test_closed_comments_show_no_form_and_refuse_posts(client, article):
    article.comments_open = False
    article.save()
    html = client.get(url("en", "articles:detail")).content.decode()
    assert "Comments on this article are closed." in page_text(html)
    assert 'class="comment-form"' not in html
    post(client)
    assert Comment.objects.count() == 0


def test_a_draft_article_takes_no_comments(client, db):
    make_article(slug="draft", status="draft")
    assert client.post(url("en", "comments:post", "draft"), form_data()).status_code == 404


def test_editors_are_emailed_about_a_new_comment(client, article, settings):
    settings.COMMENT_NOTIFY_EMAILS = ["desk@example.com"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    post(client)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["desk@example.com"]
    assert "很好的文章" in mail.outbox[0].body


def test_a_failing_email_backend_still_stores_the_comment(client, article, settings, caplog):
    settings.COMMENT_NOTIFY_EMAILS = ["desk@example.com"]
    settings.EMAIL_BACKEND = "tests.failing_mail.EmailBackend"
    response = post(client)
    assert response.status_code == 302
    assert Comment.objects.count() == 1
    assert "Could not send the notification" in caplog.text


def test_moderation_actions_change_status_in_bulk(client, article):
    for number in range(3):
        Comment.objects.create(article=article, name=f"N{number}", email=f"{number}@example.com", message=f"M{number}")
    editor = User.objects.create_superuser("editor", "editor@example.com", "pw")
    client.force_login(editor)
    ids = list(Comment.objects.values_list("pk", flat=True))
    response = client.post(
        "/admin/comments/pendingcomment/", {"action": "approve", "_selected_action": ids[:2]}, follow=True
    )
    assert response.status_code == 200
    assert Comment.objects.filter(status="approved").count() == 2
    client.post("/admin/comments/comment/", {"action": "mark_spam", "_selected_action": ids[2:]})
    assert Comment.objects.get(pk=ids[2]).status == "spam"
    queue = page_text(client.get("/admin/comments/pendingcomment/").content.decode())
    assert "M0" not in queue and "M2" not in queue


def test_the_article_list_shows_comment_counts(client, article):
    Comment.objects.create(article=article, name="A", email="a@example.com", message="x", status="approved")
    Comment.objects.create(article=article, name="B", email="b@example.com", message="y")
    client.force_login(User.objects.create_superuser("editor", "editor@example.com", "pw"))
    html = client.get("/admin/articles/article/").content.decode()
    assert 'class="field-approved_comments">1<' in html
    assert 'class="field-pending_comments">1<' in html


def test_the_form_is_labelled_in_the_page_language(client, article):
    for lang, labels in {
        "zh-hans": ("姓名", "邮箱", "留言"),
        "zh-hant": ("姓名", "郵箱", "留言"),
        "en": ("Name", "Email", "Message"),
    }.items():
        html = client.get(url(lang, "articles:detail")).content.decode()
        for label in labels:
            assert f">{label}" in html, (lang, label)
