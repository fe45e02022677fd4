"""Markdown that does what editors type: headings in a body, the cheat-sheet, and the live preview."""

import os
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse
from django.utils import translation

from articles.markup import paragraphs, render_markdown

from .admin_browser import logged_in_page
from .factories import make_article, make_category, make_section
from .pages import page_text

pytestmark = pytest.mark.django_db

PREVIEW = "/admin/articles/article/markdown-preview/"


def page(client, name, article, lang="en"):
    with translation.override(lang):
        url = reverse(name, args=[article.slug])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def headings(html):
    """[(tag, text)] of the headings in `html`, in order."""
    return [
        (tag, re.sub(r"<[^>]+>", "", text).strip())
        for tag, text in re.findall(r"<(h[1-6])\b[^>]*>(.*?)</\1>", html, re.S)
    ]


def staff_client(language="en"):
    client = Client(headers={"accept-language": language})
    client.force_login(User.objects.create_superuser(f"desk-{language}", f"{language}@example.com", "pw-long-enough-1"))
    return client


def test_a_double_hash_heading_in_a_body_is_a_heading_one_level_below_its_section(client):
    article = make_article(slug="steps", category=make_category())
    make_section(article, heading_en="Results", body_en="We found it.\n\n## Next steps\nBuild a bigger one.")
    html = page(client, "articles:detail", article)
    assert ("h2", "Results") in headings(html)
    assert ("h3", "Next steps") in headings(html)
    assert "<p>Build a bigger one.</p>" in html
    assert "## Next steps" not in page_text(html)


def test_deeper_headings_follow_and_stop_at_h6():
    html = render_markdown("# One\n\n## Two\n\n### Three\n\n#### Four\n\n##### Five", heading_level=4)
    assert headings(html) == [("h4", "One"), ("h5", "Two"), ("h6", "Three"), ("h6", "Four"), ("h6", "Five")]


def test_headings_in_a_subsection_start_below_its_h3(client):
    article = make_article(slug="sub", category=make_category())
    make_section(article, level=3, heading_en="Detail", body_en="### Method\nWe measured.")
    assert ("h4", "Method") in headings(page(client, "articles:detail", article))


def test_a_heading_in_a_section_without_heading_is_a_section_heading(client):
    article = make_article(slug="lead", category=make_category())
    make_section(article, heading_zh_hans="", heading_en="", body_en="Lead.\n\n# Background\n\nMore.")
    assert ("h2", "Background") in headings(page(client, "articles:detail", article))


def test_an_underlined_heading_counts_too():
    assert headings(render_markdown("Next steps\n----------\n\nText.", heading_level=3)) == [("h3", "Next steps")]


def test_a_heading_is_its_own_block_even_without_a_blank_line():
    assert paragraphs("Intro.\n## Next steps\nBuild it.") == ["Intro.", "## Next steps", "Build it."]
    assert paragraphs("    # a comment in code\n\nText.") == ["    # a comment in code", "Text."]


def test_the_side_by_side_page_pairs_a_body_heading_with_its_translation(client):
    article = make_article(slug="pairs", category=make_category())
    make_section(
        article,
        heading_zh_hans="结果",
        heading_en="Results",
        body_zh_hans="我们找到了。\n## 下一步\n造一个更大的。",
        body_en="We found it.\n\n## Next steps\n\nBuild a bigger one.",
    )
    html = page(client, "articles:bilingual", article)
    rows = re.findall(
        r'<div class="pair">\s*<div class="col-zh"[^>]*>(.*?)</div>\s*<div class="col-en"[^>]*>(.*?)</div>', html, re.S
    )
    assert [(headings(zh), headings(en)) for zh, en in rows] == [
        ([], []),
        ([("h3", "下一步")], [("h3", "Next steps")]),
        ([], []),
    ]
    assert "paragraphs, so its pairs may not match" not in html


def test_the_preview_endpoint_renders_as_the_site_does():
    response = staff_client().post(
        PREVIEW,
        {
            "body_en": "## Next steps\n<script>alert(1)</script>**Go**",
            "body_zh_hans": "## 下一步",
            "level": "2",
            "heading": "x",
        },
    )
    assert response.status_code == 200
    html = response.json()["html"]
    assert headings(html["en"]) == [("h3", "Next steps")] and headings(html["zh_hans"]) == [("h3", "下一步")]
    assert "<strong>Go</strong>" in html["en"] and "<script>" not in html["en"]


@pytest.mark.parametrize("level", ["", "abc", "-5", "99999999999999999999", "3.5"])
def test_the_preview_endpoint_takes_any_level_without_failing(level):
    response = staff_client().post(PREVIEW, {"body_en": "# A", "level": level})
    assert response.status_code == 200
    assert re.fullmatch(r"<h[2-6]>A</h[2-6]>", response.json()["html"]["en"])


def test_the_preview_endpoint_wants_a_post_from_an_editor(client):
    assert staff_client().get(PREVIEW).status_code == 405
    anonymous = client.post(PREVIEW, {"body_en": "# A"})
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    reader = User.objects.create_user("reader", "r@example.com", "pw-long-enough-1", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_article"))
    nosy = Client()
    nosy.force_login(reader)
    assert nosy.post(PREVIEW, {"body_en": "# A"}).status_code == 403


def test_the_preview_endpoint_refuses_a_post_without_the_forms_token():
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.create_superuser("wang", "w@example.com", "pw-long-enough-1"))
    assert client.post(PREVIEW, {"body_en": "# A"}).status_code == 403


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-CN,zh", ["格式（Markdown）", "## 下一步", "段落之间空一行"]),
        ("en", ["Formatting (Markdown)", "## Next steps", "blank line"]),
    ],
)
def test_the_body_field_has_a_cheat_sheet_in_the_editors_language(language, expected):
    article = make_article(slug="sheet", category=make_category())
    make_section(article)
    text = page_text(staff_client(language).get(f"/admin/articles/article/{article.pk}/change/").content.decode())
    for words in expected:
        assert words in text


# --- In the browser ---------------------------------------------------------------------------------------

SHOTS = Path(os.environ.get("DESK_SCREENSHOTS", "/tmp/shots-c"))


def editor_page(browser, live_server, name, locale="en-US", width=1280):
    """A logged-in editor in a browser context of their own."""
    if not User.objects.filter(username=name).exists():
        User.objects.create_superuser(name, f"{name}@example.com", "a-long-test-password")
    return logged_in_page(browser, live_server, name, "a-long-test-password", locale, width)


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_heading_typed_in_a_body_shows_in_the_live_preview_and_on_the_site(live_server, browser):
    article = make_article(slug="live", title_en="Live", category=make_category())
    make_section(article, heading_zh_hans="结果", heading_en="Results")
    wang = editor_page(browser, live_server, "wang")
    wang.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")

    wang.click("a[href='#tab_id_sections-0-body_zh_hans']")
    wang.fill("#id_sections-0-body_zh_hans", "我们找到了。\n\n## 下一步\n造一个更大的。")
    first = wang.locator(".markdown-live").first
    first.locator('.markdown-preview[data-language="zh_hans"] h3', has_text="下一步").wait_for()
    assert "Shown as you type." in first.locator(".markdown-preview-note").inner_text()
    assert "##" not in first.locator(".markdown-preview").first.inner_text()

    # A section added on the page gets a live preview too, at its own level.
    wang.locator("a.djn-model-articles-section:visible").last.click()
    wang.click("a[href='#tab_id_sections-1-heading_zh_hans']")
    wang.fill("#id_sections-1-heading_zh_hans", "细节")
    wang.click("a[href='#tab_id_sections-1-body_zh_hans']")
    wang.select_option("#id_sections-1-level", "3")
    wang.fill("#id_sections-1-body_zh_hans", "# 方法\n我们测量了。")
    added = wang.locator(".djn-inline-form", has=wang.locator("#id_sections-1-body_zh_hans")).locator(".markdown-live")
    added.locator('.markdown-preview[data-language="zh_hans"] h4', has_text="方法").wait_for()
    shoot(wang, "markdown-live-preview-en-1280")
    wang.click("input[name=_continue]")
    wang.locator(".messagelist .success").wait_for()

    reader = browser.new_context(viewport={"width": 390, "height": 900}).new_page()
    reader.goto(f"{live_server.url}/zh-hans/articles/live/")
    assert reader.locator(".article-section h3", has_text="下一步").is_visible()
    assert reader.locator(".article-section h4", has_text="方法").is_visible()
    assert reader.locator("text=## 下一步").count() == 0
    reader.goto(f"{live_server.url}/en/articles/live/bilingual/")
    assert reader.locator(".pair .col-zh h3", has_text="下一步").is_visible()
    shoot(reader, "markdown-heading-bilingual-390")
