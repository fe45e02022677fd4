"""History compare: every field, sections by identity and heading, figures with their images, and the order."""

import datetime
import os
import re
from io import BytesIO
from pathlib import Path

import pytest
import reversion
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.test import Client
from PIL import Image
from reversion.models import Version

from articles.models import Article

from .admin_browser import logged_in_page
from .factories import make_article, make_category, make_figure, make_section
from .pages import page_text

pytestmark = pytest.mark.django_db


def jpeg(colour):
    buffer = BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, "JPEG")
    return ContentFile(buffer.getvalue())


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def keep_version(article):
    with reversion.create_revision():
        article.save()


def compared(article, language="en"):
    """The compare page of the article's two newest versions, as HTML, in the admin's `language`."""
    client = Client(headers={"accept-language": language})
    editor = User.objects.filter(username="desk").first()
    client.force_login(editor or User.objects.create_superuser("desk", "desk@example.com", "pw-long-enough-1"))
    newer, older = Version.objects.get_for_object(article)[:2]
    response = client.get(f"/admin/articles/article/{article.pk}/history/compare/", {"a": older.pk, "b": newer.pk})
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def article(db):
    article = make_article(slug="history", title_en="History", category=make_category())
    for heading_zh, heading_en in [("开头", "Opening"), ("中段", "Middle"), ("结尾", "Closing")]:
        make_section(article, heading_zh_hans=heading_zh, heading_en=heading_en)
    keep_version(article)
    return article


def test_a_moved_section_is_named_by_its_heading_and_said_to_have_moved(article):
    first, _middle, closing = article.sections.all()
    closing.position, first.position = 0, 4
    closing.save()
    first.save()
    keep_version(article)
    text = page_text(compared(article))
    assert "Section “Closing” — moved from 3rd to 1st" in text
    assert "Section “Opening” — moved from 1st to 3rd" in text
    assert "Middle" not in text
    assert "§" not in text


def test_adding_a_section_does_not_make_the_others_look_moved(article):
    make_section(article, position=0, heading_zh_hans="", heading_en="", body_en="A new lead.", body_zh_hans="新导语。")
    keep_version(article)
    text = page_text(compared(article))
    assert "Untitled section 1 — added as the 1st section" in text
    assert "A new lead." in text
    assert "moved from" not in text


def test_a_deleted_section_and_its_figure_are_shown_with_what_was_lost(article):
    middle = article.sections.get(heading_en="Middle")
    make_figure(middle, label_en="Figure 2", caption_en="A lab bench")
    keep_version(article)
    middle.delete()
    keep_version(article)
    html = compared(article)
    text = page_text(html)
    assert "Section “Middle” — deleted (it was the 2nd section)" in text
    assert "Figure “Figure 2” in section “Middle” — deleted (it was the 1st figure of the section)" in text
    assert "<del>A lab bench</del>" in html
    assert "<del>First paragraph.\n\nSecond paragraph.</del>".replace("\n", "<br>") in html


def test_a_changed_figure_shows_its_caption_alt_text_and_both_images(article):
    middle = article.sections.get(heading_en="Middle")
    figure = make_figure(middle, caption_en="A lab bench", alt_text_en="")
    figure.image.save("bench.jpg", jpeg((200, 30, 30)))
    keep_version(article)
    figure.caption_en = "A long lab bench"
    figure.alt_text_en = "Two people at a bench"
    figure.marker = "①"
    figure.image.save("bench-new.jpg", jpeg((30, 30, 200)))
    keep_version(article)
    html = compared(article)
    text = page_text(html)
    assert "Figure “Figure 1” in section “Middle”" in text
    assert "A<ins> long</ins> lab bench" in html
    assert "<ins>Two people at a bench</ins>" in html
    assert "Marker" in text and "<ins>①</ins>" in html
    images = re.findall(r'<(del|ins) class="version-image"><a href="([^"]+)"><img src="([^"]+)"', html)
    assert [(tag, href.rsplit("/", 1)[-1]) for tag, href, _src in images] == [
        ("del", "bench.jpg"),
        ("ins", "bench-new.jpg"),
    ]


def test_a_figure_moved_within_its_section_is_said_to_have_moved(article):
    middle = article.sections.get(heading_en="Middle")
    one = make_figure(middle, label_en="Figure 1", position=1)
    make_figure(middle, label_en="Figure 2", position=2)
    keep_version(article)
    one.position = 3
    one.save()
    keep_version(article)
    text = page_text(compared(article))
    assert "Figure “Figure 1” in section “Middle” — moved from 1st to 2nd" in text
    assert "Figure 2" not in text


def test_status_publish_time_category_slug_and_comments_are_compared(article, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    article.status = Article.Status.DRAFT
    article.published_at = datetime.datetime(2030, 5, 1, 1, 30, tzinfo=datetime.UTC)
    article.category = make_category(slug="finance", name_en="Finance", name_zh_hans="财经")
    article.slug = "history-renamed"
    article.comments_open = False
    keep_version(article)
    text = page_text(compared(article))
    assert "Category News → Finance" in text
    assert "Status published → draft" in text
    assert "→ May 1, 2030, 9:30 a.m." in text
    assert "Slug history -renamed" in text
    assert "Comments open yes → no" in text


def test_the_chinese_admin_labels_every_row_in_chinese(article):
    first, _middle, closing = article.sections.all()
    closing.position, first.position = 0, 4
    closing.save()
    first.save()
    make_figure(closing, label_zh_hans="图 3", caption_zh_hans="新照片")
    article.status = Article.Status.DRAFT
    article.comments_open = False
    keep_version(article)
    text = page_text(compared(article, "zh-CN,zh"))
    assert "状态 已发布 → 草稿" in text
    assert "开放留言 是 → 否" in text
    assert "章节“结尾”——从第 3 节移到第 1 节" in text
    assert "图片“图 3”（章节“结尾”）——新增，为本节第 1 幅图" in text
    assert "图片说明 · 中文" in text
    for english in ("Section", "moved", "added", "Status", "yes"):
        assert english not in text


def test_comparing_a_version_with_itself_or_a_stranger_is_refused_with_a_message(article):
    client = Client(headers={"accept-language": "en"})
    client.force_login(User.objects.create_superuser("wang", "w@example.com", "pw-long-enough-1"))
    other = make_article(slug="other")
    keep_version(other)
    mine = Version.objects.get_for_object(article).first()
    theirs = Version.objects.get_for_object(other).first()
    url = f"/admin/articles/article/{article.pk}/history/compare/"
    for a, b in [(mine.pk, mine.pk), (mine.pk, theirs.pk)]:
        response = client.get(url, {"a": a, "b": b}, follow=True)
        assert response.status_code == 200
        assert "Choose two different versions to compare." in page_text(response.content.decode())


def test_a_version_that_can_no_longer_be_read_is_refused_with_a_message(article):
    article.title_en = "Later"
    keep_version(article)
    newer = Version.objects.get_for_object(article).first()
    Version.objects.filter(pk=newer.pk).update(serialized_data="not json")
    client = Client(headers={"accept-language": "en"})
    client.force_login(User.objects.create_superuser("wang", "w@example.com", "pw-long-enough-1"))
    older = Version.objects.get_for_object(article).last()
    response = client.get(
        f"/admin/articles/article/{article.pk}/history/compare/", {"a": older.pk, "b": newer.pk}, follow=True
    )
    assert response.status_code == 200
    assert "can no longer be read" in page_text(response.content.decode())


# --- In the browser ---------------------------------------------------------------------------------------

SHOTS = Path(os.environ.get("DESK_SCREENSHOTS", "/tmp/shots-c"))


def editor_page(browser, live_server, name, locale, width=1280, height=900):
    if not User.objects.filter(username=name).exists():
        User.objects.create_superuser(name, f"{name}@example.com", "a-long-test-password")
    return logged_in_page(browser, live_server, name, "a-long-test-password", locale, width, height)


def drag(page, source, target):
    """Drag `source` above `target` with the mouse, in steps, as jQuery UI's sortable wants."""
    start, end = source.bounding_box(), target.bounding_box()
    page.mouse.move(start["x"] + 20, start["y"] + start["height"] / 2)
    page.mouse.down()
    for step in range(1, 21):
        page.mouse.move(start["x"] + 20, start["y"] + (end["y"] - 10 - start["y"]) * step / 20)
    page.mouse.up()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_history_compares_a_deleted_figure_and_a_moved_section_in_the_browser(live_server, browser):
    article = make_article(slug="browser-history", title_en="Browser history", category=make_category())
    for heading_zh, heading_en in [("开头", "Opening"), ("中段", "Middle"), ("结尾", "Closing")]:
        make_section(article, heading_zh_hans=heading_zh, heading_en=heading_en)
    make_figure(article.sections.get(heading_en="Middle"), label_en="Figure 1", caption_en="A lab bench")
    keep_version(article)

    # Tall enough to hold the whole form: jQuery UI's sortable drags within what is on screen.
    wang = editor_page(browser, live_server, "wang", "en-US", height=9000)
    wang.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    wang.check("#id_sections-1-figures-0-DELETE")
    drag(wang, wang.locator("#sections-2 > h3.djn-drag-handler"), wang.locator("#sections-0 > h3.djn-drag-handler"))
    wang.click("input[name=_continue]")
    wang.locator(".messagelist .success").wait_for()
    assert [s.heading_en for s in article.sections.all()] == ["Closing", "Opening", "Middle"]

    wang.click("a.historylink")
    wang.click("#content-main button[type=submit]")
    text = wang.locator("#content-main").inner_text()
    assert "Section “Closing” — moved from 3rd to 1st" in text
    assert "Figure “Figure 1” in section “Middle” — deleted (it was the 1st figure of the section)" in text
    shoot(wang, "history-compare-en-1280")
    assert "Opening" not in text
