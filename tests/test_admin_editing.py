"""Editing safely in the admin: stale saves refused, images checked, Markdown previewed."""

import re
from io import BytesIO

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import modelform_factory
from django.test import Client
from django.utils import translation
from PIL import Image

from articles.models import Article, Figure

from .admin_forms import form_values
from .factories import make_article, make_category, make_section
from .pages import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(db):
    article = make_article(slug="shared", title_en="Shared story", category=make_category())
    make_section(article, body_en="**Bold** move.")
    return article


def editor_client(name):
    client = Client(headers={"accept-language": "en"})
    client.force_login(User.objects.create_superuser(name, f"{name}@example.com", "pw-long-enough-123"))
    return client


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def test_a_stale_save_is_refused_names_the_other_editor_and_changes_nothing(article):
    first, second = editor_client("wang"), editor_client("li")
    first_form = form_values(first.get(change_url(article)).content.decode(), "article_form")
    second_form = form_values(second.get(change_url(article)).content.decode(), "article_form")

    first_form["title_en"] = "Wang's title"
    assert first.post(change_url(article), first_form).status_code == 302

    second_form["title_en"] = "Li's title"
    response = second.post(change_url(article), second_form)
    html = response.content.decode()
    assert response.status_code == 200
    assert "wang saved this article at" in page_text(html)
    assert 'value="Li&#x27;s title"' in html or 'value="Li\'s title"' in html
    assert Article.objects.get(pk=article.pk).title_en == "Wang's title"


def test_a_fresh_save_goes_through_and_records_the_editor(article):
    first = editor_client("wang")
    values = form_values(first.get(change_url(article)).content.decode(), "article_form")
    values["title_en"] = "New title"
    assert first.post(change_url(article), values).status_code == 302
    article.refresh_from_db()
    assert article.title_en == "New title"
    assert article.updated_by.username == "wang"


def test_the_change_form_previews_the_rendered_markdown(article):
    html = editor_client("wang").get(change_url(article)).content.decode()
    assert "<strong>Bold</strong> move." in html


def png(width, height):
    buffer = BytesIO()
    Image.new("1", (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


def upload(name, content, article):
    form = modelform_factory(Figure, fields=["section", "position", "image"])(
        {"section": article.sections.first().pk, "position": 1},
        {"image": SimpleUploadedFile(name, content)},
    )
    with translation.override("en"):
        form.full_clean()
    return form


def test_a_jpg_name_with_text_inside_is_refused(article):
    form = upload("photo.jpg", b"this is not a picture at all", article)
    assert not form.is_valid()
    assert "image" in form.errors


def test_an_oversized_image_is_refused(article, settings):
    settings.IMAGE_MAX_BYTES = 100
    form = upload("big.png", png(200, 200) + b"\0" * 200, article)
    assert not form.is_valid()
    assert "the limit is 100" in form.errors["image"][0]


def test_a_decompression_bomb_is_refused_with_a_message(article):
    bomb = png(12000, 12000)  # 144 million pixels in a few kilobytes
    assert len(bomb) < 100_000
    form = upload("bomb.png", bomb, article)
    assert not form.is_valid()
    message = form.errors["image"][0]
    assert "pixels" in message


def test_a_valid_image_is_accepted(article):
    form = upload("ok.png", png(640, 480), article)
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("page", ["article/{pk}/change/", "article/add/"])
def test_the_edit_screens_load_nothing_from_other_hosts(article, page):
    import re

    html = editor_client("wang").get("/admin/articles/" + page.format(pk=article.pk)).content.decode()
    assert "tabbed_translation_fields.js" in html
    assert "/static/vendor/jquery-ui/jquery-ui.min.js" in html
    external = re.findall(r'(?:src|href)="((?:https?:)?//[^"]+)"', html)
    assert external == []


def test_the_article_list_shows_and_filters_translation_state(article):
    complete = make_article(slug="complete", title_en="Complete one", category=article.category)
    make_section(complete)
    make_article(slug="no-en", title_en="", title_zh_hans="只有中文", category=complete.category)
    misaligned = make_article(slug="uneven", title_en="Uneven", category=complete.category)
    make_section(misaligned, body_zh_hans="一。\n\n二。\n\n三。", body_en="One.\n\nTwo.")
    stale = make_article(slug="stale", title_en="Stale", category=complete.category)
    section = make_section(stale)
    section.body_zh_hans = "第一段，已修改。\n\n第二段。"  # only the original changes
    section.save()
    client = editor_client("wang")

    def listed(query=""):
        html = client.get("/admin/articles/article/" + query).content.decode()
        return html

    html = page_text(listed(), "table")
    assert "English missing" in html, html
    assert "1 missing" in html  # the Chinese has a third paragraph the English lacks
    assert "1 pair out of date" in html  # only the changed paragraph's pair (tests/test_translation_desk.py)
    for state, expected, absent in [
        ("no-english", "只有中文", "Uneven"),
        ("misaligned", "Uneven", "只有中文"),
        ("stale", "Stale", "Uneven"),
        ("complete", "Complete one", "Stale"),
    ]:
        page = page_text(listed(f"?translation={state}"), "table")
        assert expected in page, state
        assert absent not in page, state


def test_every_save_keeps_a_version_and_an_earlier_one_can_be_restored_in_both_languages(article):
    from reversion.models import Version

    client = editor_client("wang")

    def save(title_zh, title_en, body_zh, body_en):
        values = form_values(client.get(change_url(article)).content.decode(), "article_form")
        values.update(title_zh_hans=title_zh, title_en=title_en)
        values.update({"sections-0-body_zh_hans": body_zh, "sections-0-body_en": body_en})
        response = client.post(change_url(article), values)
        assert response.status_code == 302, page_text(response.content.decode())[:2000]

    save("第一版标题", "First title", "第一版正文。", "First body.")
    save("第二版标题", "Second title", "第二版正文。", "Second body.")
    versions = Version.objects.get_for_object(article)
    assert versions.count() == 2
    history = page_text(client.get(change_url(article).replace("change/", "history/")).content.decode())
    assert history.count("wang") >= 2

    first = versions.last()
    revision_url = change_url(article).replace("change/", f"history/{first.pk}/")
    values = form_values(client.get(revision_url).content.decode(), "article_form")
    assert values["title_en"] == "First title"
    assert client.post(revision_url, values).status_code == 302

    article.refresh_from_db()
    section = article.sections.get()
    assert (article.title_zh_hans, article.title_en) == ("第一版标题", "First title")
    assert (section.body_zh_hans, section.body_en) == ("第一版正文。", "First body.")


def test_two_versions_can_be_compared_in_both_languages(article):
    client = editor_client("wang")
    for title_zh, title_en in [("旧标题", "Old title"), ("新标题", "New title")]:
        values = form_values(client.get(change_url(article)).content.decode(), "article_form")
        values.update(title_zh_hans=title_zh, title_en=title_en)
        assert client.post(change_url(article), values).status_code == 302
    history = client.get(change_url(article).replace("change/", "history/")).content.decode()
    ids = [int(v) for v in re.findall(r'name="a" value="(\d+)"', history)]
    assert len(ids) == 2
    html = client.get(
        change_url(article).replace("change/", "history/compare/"), {"a": ids[1], "b": ids[0]}
    ).content.decode()
    assert "<del>旧</del><ins>新</ins>标题" in html
    assert "<del>Old</del><ins>New</ins> title" in html
