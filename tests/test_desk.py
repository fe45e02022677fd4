"""The change form's heartbeat: who else has an article open (desk.views.heartbeat)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from desk.models import EditSession

from .factories import make_article

pytestmark = pytest.mark.django_db

URL = "/admin/desk/editsession/heartbeat/"


def editor(username, **fields):
    client = Client()
    client.force_login(
        User.objects.create_superuser(username, f"{username}@example.com", "pw-long-enough-123", **fields)
    )
    return client


def beat(client, article, tab="tab-one-1234", **extra):
    return client.post(URL, {"article": article.pk, "tab": tab, **extra}, headers={"accept-language": "en"})


def test_the_heartbeat_names_each_colleague_with_the_article_open_once():
    article = make_article()
    beat(editor("lisi", first_name="李四"), article, tab="li-first-tab")
    li_again = Client()
    li_again.force_login(User.objects.get(username="lisi"))
    beat(li_again, article, tab="li-second-tab")
    answer = beat(editor("zhang"), article).json()
    assert [other["name"] for other in answer["others"]] == ["李四"]
    assert answer["notices"][0].startswith("李四 is also editing this article (since ")


def test_the_heartbeat_leaves_out_the_editor_and_colleagues_gone_quiet():
    article = make_article()
    beat(editor("lisi"), article)
    EditSession.objects.update(last_seen_at=timezone.now() - timedelta(seconds=61))
    assert beat(editor("zhang"), article).json()["others"] == []


def test_leaving_ends_the_session_at_once():
    article = make_article()
    li = editor("lisi")
    beat(li, article)
    beat(li, article, leave="1")
    assert beat(editor("zhang"), article).json()["others"] == []


def test_the_heartbeat_speaks_chinese_to_a_chinese_admin():
    article = make_article()
    beat(editor("lisi", first_name="李四"), article)
    answer = editor("zhang").post(
        URL, {"article": article.pk, "tab": "tab-one-1234"}, headers={"accept-language": "zh-CN"}
    )
    assert answer.json()["notices"][0].startswith("李四也在编辑这篇文章（")


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"article": "", "tab": "tab-one-1234"}, 400),
        ({"article": "1x", "tab": "tab-one-1234"}, 400),
        ({"article": str(2**64), "tab": "tab-one-1234"}, 400),
        ({"article": "٣", "tab": "tab-one-1234"}, 400),
        ({"article": "{pk}", "tab": "short"}, 400),
        ({"article": "{pk}", "tab": "<script>" * 3}, 400),
        ({"article": "999999", "tab": "tab-one-1234"}, 404),
    ],
)
def test_a_heartbeat_with_bad_input_gets_a_clear_refusal(fields, status):
    article = make_article()
    fields = {key: value.format(pk=article.pk) for key, value in fields.items()}
    answer = editor("zhang").post(URL, fields)
    assert answer.status_code == status
    assert answer.json()["error"]
    assert not EditSession.objects.exists()


def test_only_staff_may_send_a_heartbeat(client):
    article = make_article()
    reader = User.objects.create_user("reader", "reader@example.com", "pw-long-enough-123")
    client.force_login(reader)
    assert client.post(URL, {"article": article.pk, "tab": "tab-one-1234"}).status_code == 403
    assert Client().post(URL, {"article": article.pk, "tab": "tab-one-1234"}).status_code == 403
    assert not EditSession.objects.exists()


def test_a_heartbeat_without_the_admins_csrf_token_is_refused():
    article = make_article()
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.create_superuser("zhang", "z@example.com", "pw-long-enough-123"))
    assert client.post(URL, {"article": article.pk, "tab": "tab-one-1234"}).status_code == 403
    assert not EditSession.objects.exists()


def test_the_heartbeat_answers_only_post():
    assert editor("zhang").get(URL).status_code == 405


def test_the_desk_has_no_screens_of_its_own_in_the_admin():
    client = editor("zhang")
    assert "editsession" not in client.get("/admin/").content.decode()
    assert client.get("/admin/desk/editsession/").status_code == 404


def test_deleting_an_article_ends_its_sessions():
    article = make_article()
    beat(editor("lisi"), article)
    article.delete()
    assert not EditSession.objects.exists()


def test_deleting_articles_in_bulk_from_the_list_ends_their_sessions_and_keeps_the_others():
    """The admin's "Delete selected" (one QuerySet.delete(), a cascade to the sessions), with a colleague in each."""
    gone, kept = make_article(slug="gone-one"), make_article(slug="kept-one")
    also_gone = make_article(slug="gone-two")
    lisi = editor("lisi")
    for article in (gone, kept, also_gone):
        beat(lisi, article, tab=f"tab-{article.slug}")
    zhang = editor("zhang")
    response = zhang.post(
        "/admin/articles/article/",
        {"action": "delete_selected", "_selected_action": [gone.pk, also_gone.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert list(EditSession.objects.values_list("article__slug", flat=True)) == ["kept-one"]
    assert beat(zhang, kept).json()["others"][0]["name"] == "lisi"
    assert beat(zhang, gone).status_code == 404
