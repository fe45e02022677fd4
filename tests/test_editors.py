"""The Editors group: exactly what editing needs."""

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from comments.models import Comment

from .factories import make_article, make_category, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(monkeypatch):
    monkeypatch.setenv("EDITOR_PASSWORD", "correct-horse-battery-staple")
    call_command("create_editor", "desk", "desk@example.com")
    return User.objects.get(username="desk")


def test_an_editor_can_add_and_change_articles_sections_figures_and_moderate_comments(client, editor):
    client.force_login(editor)
    assert client.get("/admin/articles/article/add/").status_code == 200
    article = make_article(category=make_category())
    section = make_section(article)
    html = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    # Sections and their figures are added and changed on the article's form.
    assert 'name="sections-0-body_en"' in html
    assert "djn-model-articles-figure" in html
    assert client.get("/admin/articles/section/").status_code == 200
    assert client.get(f"/admin/articles/section/{section.pk}/change/")["Location"].endswith(
        f"/admin/articles/article/{article.pk}/change/"
    )
    comment = Comment.objects.create(article=article, name="A", email="a@example.com", message="m")
    client.post("/admin/comments/pendingcomment/", {"action": "approve", "_selected_action": [comment.pk]})
    comment.refresh_from_db()
    assert comment.status == "approved"


def test_an_editor_cannot_manage_users(client, editor):
    client.force_login(editor)
    assert client.get("/admin/auth/user/add/").status_code == 403
    assert client.get("/admin/auth/user/").status_code == 403
    assert not editor.has_perm("auth.add_user")


def test_create_editor_refuses_a_weak_password(monkeypatch, db):
    monkeypatch.setenv("EDITOR_PASSWORD", "123")
    with pytest.raises(CommandError, match="too short"):
        call_command("create_editor", "weak", "weak@example.com")
    assert not User.objects.filter(username="weak").exists()


@pytest.mark.parametrize(
    ("accept", "expected"), [("zh-CN,zh;q=0.9", "科技新闻档案 · 编辑部"), ("en-US,en", "editors' desk")]
)
def test_the_admin_speaks_the_editors_browser_language(client, db, accept, expected):
    html = client.get("/admin/login/", headers={"accept-language": accept}).content.decode()
    assert expected in html.replace("&#x27;", "'")
