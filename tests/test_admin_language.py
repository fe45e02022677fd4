"""The admin speaks the editor's language: Chinese in the Chinese admin, English in the English one."""

import datetime
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation
from reversion.models import Version

from articles.admin_labels import HISTORY_LABELS
from articles.models import Article, Category
from comments.models import Comment

from .admin_forms import form_values
from .factories import make_article, make_category, make_figure, make_section

pytestmark = pytest.mark.django_db

SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", Path(settings.BASE_DIR) / "var" / "screenshots"))

# Interface text: what the admin itself says, not what editors wrote.
INTERFACE = {"label", "legend", "h1", "h2", "h3", "h4", "button", "title", "caption"}
INTERFACE_CLASSES = {"help", "helptext", "object-tools", "submit-row", "messagelist", "errornote", "paginator"}
# Editors' content shown inside interface elements.
CONTENT_CLASSES = {"inline_label", "markdown-preview", "markdown-preview-body"}

# English allowed in the Chinese admin, each for a reason.
ENGLISH_IN_CHINESE = [
    "Markdown",  # the name of the format section bodies are written in
    "ASCII",  # what a slug is made of
    "JPEG",  # image formats, by their names
    "PNG",
    "WebP",
    "GIF",
    "SVG",
    "English",  # the English tab and preview, named in English in both admins
    "Asia/Shanghai",  # the time zone's name (TIME_ZONE), as the settings spell it
    # Help texts show what to type in an English field with examples in English:
    "Ministry of Science and Technology",
    "China S&T Newsletter",
    "No. 2, 2020",
    "Dr. Ruijun Wang",
    "Source:",
    "Figure 1",
    # django-nested-admin writes the remove link of a section not yet saved in
    # English, in the hidden template of a new one; static/js/admin-tabs.js
    # names it in the editor's language when the section is added.
    "Remove",
]
# Chinese allowed in the English admin, each for a reason.
CHINESE_IN_ENGLISH = [
    "中文",  # the Chinese tab and preview, named in Chinese in both admins
    "繁體",
    # Help texts show what to type in a Chinese field with examples in Chinese:
    "中华人民共和国科学技术部",
    "中国科技通讯",
    "2020 年第 2 期",
    "王瑞軍 博士",
    "来源：科技部",
    "图 1",
]


class _InterfaceText(HTMLParser):
    """Text of labels, headings, help, buttons, legends, column headers and filter titles."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.texts = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").split())
        parent = self.stack[-1] if self.stack else (False, False, False)
        in_thead = parent[2] or tag == "thead"
        interface = parent[0] or tag in INTERFACE or bool(classes & INTERFACE_CLASSES) or (in_thead and tag == "th")
        content = parent[1] or bool(classes & CONTENT_CLASSES) or tag in {"script", "style", "textarea", "select"}
        if tag == "input" and attrs.get("type") in {"submit", "button"} and not content:
            self.texts.append(attrs.get("value", ""))
        if tag not in {"input", "br", "img", "meta", "link", "hr"}:
            self.stack.append((interface, content, in_thead, tag))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][3] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] and not self.stack[-1][1] and data.strip():
            self.texts.append(data.strip())


def interface_text(html, content=()):
    parser = _InterfaceText()
    parser.feed(html)
    text = "\n".join(parser.texts)
    for item in sorted(content, key=len, reverse=True):
        text = re.sub(rf"(?<![A-Za-z]){re.escape(item)}(?![A-Za-z])", " ", text)
    return text


def english_words(text):
    for allowed in ENGLISH_IN_CHINESE:
        text = text.replace(allowed, " ")
    return sorted(set(re.findall(r"[A-Za-z]{2,}", text)))


def chinese_words(text):
    for allowed in CHINESE_IN_ENGLISH:
        text = text.replace(allowed, " ")
    return sorted(set(re.findall(r"[\u3400-\u9fff\uf900-\ufaff]+", text)))


class Desk:
    """An editors' desk with one of everything, and the data shown on its pages."""

    def __init__(self):
        self.category = make_category(slug="news", name_zh_hans="新闻", name_en="News")
        self.article = make_article(category=self.category, slug="desk-story")
        self.section = make_section(self.article)
        self.figure = make_figure(self.section)
        self.pending = Comment.objects.create(
            article=self.article, name="王小明", email="w@example.com", message="写得好。", language="zh-hans"
        )
        self.approved = Comment.objects.create(
            article=self.article,
            name="Mary Reader",
            email="m@example.com",
            message="Well written.",
            language="en",
            status=Comment.Status.APPROVED,
        )

    def content(self):
        """What editors and readers wrote: shown as it is in either admin."""
        self.article.refresh_from_db()
        return [
            "desk-story",
            "news",
            "desk",
            "w@example.com",
            "m@example.com",
            *[
                value
                for obj in (self.category, self.article, self.section, self.figure, self.pending, self.approved)
                for field in ("name", "title", "heading", "label", "caption", "message")
                for suffix in ("", "_zh_hans", "_en")
                if isinstance(value := getattr(obj, field + suffix, None), str) and value
            ],
        ]


@pytest.fixture
def desk(monkeypatch):
    monkeypatch.setenv("EDITOR_PASSWORD", "correct-horse-battery-staple")
    call_command("create_editor", "desk", "desk@example.com")
    return Desk()


def editor(accept_language):
    client = Client(headers={"accept-language": accept_language})
    client.force_login(User.objects.get(username="desk"))
    return client


def save_article(client, article, **changes):
    url = f"/admin/articles/article/{article.pk}/change/"
    data = form_values(client.get(url).content.decode(), "article_form")
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, interface_text(response.content.decode())


def admin_pages(desk):
    article, comment = desk.article, desk.pending
    versions = Version.objects.get_for_object(article).order_by("pk")
    older, newer = versions.first().pk, versions.last().pk
    return [
        "/admin/",
        "/admin/articles/",
        "/admin/comments/",
        "/admin/articles/article/",
        "/admin/articles/article/add/",
        f"/admin/articles/article/{article.pk}/change/",
        f"/admin/articles/article/{article.pk}/history/",
        f"/admin/articles/article/{article.pk}/history/compare/?a={older}&b={newer}",
        f"/admin/articles/article/{article.pk}/history/{older}/",
        f"/admin/articles/article/{article.pk}/delete/",
        "/admin/articles/article/recover/",
        "/admin/articles/category/",
        f"/admin/articles/category/{desk.category.pk}/change/",
        f"/admin/articles/category/{desk.category.pk}/history/",
        "/admin/articles/section/",
        f"/admin/articles/section/{desk.section.pk}/change/",
        "/admin/articles/figure/",
        f"/admin/articles/figure/{desk.figure.pk}/change/",
        "/admin/comments/comment/",
        f"/admin/comments/comment/{desk.approved.pk}/change/",
        f"/admin/comments/comment/{desk.approved.pk}/history/",
        "/admin/comments/pendingcomment/",
        f"/admin/comments/pendingcomment/{comment.pk}/change/",
        "/admin/password_change/",
    ]


def filter_links(url, html):
    """Every filter and date drill-down link of a list, so that each filtered list is seen too."""
    region = html.split('id="changelist-filter"', 1)[-1] if 'id="changelist-filter"' in html else ""
    hierarchy = re.findall(r'<nav class="toplinks">(.*?)</nav>', html, re.S)
    links = re.findall(r'href="(\?[^"]*)"', region + "".join(hierarchy))
    return sorted({urljoin(url, link.replace("&amp;", "&")) for link in links})


def walk(client, desk):
    """(address, interface text) of every admin page an editor reaches, the lists with each filter."""
    seen = {}
    queue = admin_pages(desk)
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url, follow=True)
        assert response.status_code == 200, (url, response.status_code)
        html = response.content.decode()
        seen[url] = interface_text(html, desk.content())
        if url.endswith(("/article/", "/category/", "/section/", "/figure/", "/comment/", "/pendingcomment/")):
            queue.extend(filter_links(url, html))
    return seen


@pytest.fixture
def history(desk):
    """Saves by a Chinese and an English editor, so History and compare have something to show."""
    save_article(editor("zh-CN,zh;q=0.9"), desk.article, title_zh_hans="测试文章（修订）", status="draft")
    save_article(editor("en-US,en"), desk.article, publisher_en="Xinhua", translator_en="Li Ming")
    client = editor("en-US,en")
    client.post(f"/admin/comments/comment/{desk.approved.pk}/change/", {"status": "rejected"})
    return desk


def test_no_admin_page_shows_an_english_label_in_the_chinese_admin(history):
    pages = walk(editor("zh-CN,zh;q=0.9"), history)
    pages["/admin/login/"] = interface_text(
        Client(headers={"accept-language": "zh-CN"}).get("/admin/login/").content.decode()
    )
    assert len(pages) > 40
    english = {url: words for url, text in pages.items() if (words := english_words(text))}
    assert english == {}


def test_no_admin_page_shows_a_chinese_label_in_the_english_admin(history):
    pages = walk(editor("en-US,en"), history)
    pages["/admin/login/"] = interface_text(
        Client(headers={"accept-language": "en"}).get("/admin/login/").content.decode()
    )
    chinese = {url: words for url, text in pages.items() if (words := chinese_words(text))}
    assert chinese == {}


@pytest.mark.parametrize(
    ("accept", "expected", "absent"),
    [
        (
            "zh-CN,zh;q=0.9",
            ["标题（中文）", "状态", "出版机构（英文）", "译者（英文）"],
            ["[zh-hans]", "Title", "Status"],
        ),
        ("en-US,en", ["Title (Chinese)", "Status", "Publisher (English)", "Translator (English)"], ["标题", "状态"]),
    ],
)
def test_history_names_the_changed_fields_in_the_readers_language_whoever_saved(history, accept, expected, absent):
    html = editor(accept).get(f"/admin/articles/article/{history.article.pk}/history/").content.decode()
    messages = " ".join(re.findall(r"<td>(.*?)</td>", html, re.S))
    for content in history.content():
        messages = messages.replace(f"“{content}”", "")
    for label in expected:
        assert label in messages
    for label in absent:
        assert label not in messages


def form_labels(model_admin, request):
    """The untranslated labels of every field of an admin's form and of its inlines' forms, nested ones too."""
    if hasattr(model_admin, "get_formset"):
        form = model_admin.get_formset(request).form
    else:
        form = model_admin.get_form(request)
    labels = {str(field.label) for field in form.base_fields.values() if field.label and not field.widget.is_hidden}
    for inline in model_admin.get_inline_instances(request):
        labels |= form_labels(inline, request)
    return labels


def test_every_field_label_history_keeps_is_in_the_chinese_catalog(desk, rf):
    request = rf.get("/admin/")
    request.user = User.objects.create_superuser("chief", "chief@example.com", "pw-long-enough-123")
    with translation.override(None):
        labels = set().union(*(form_labels(admin.site._registry[model], request) for model in (Article, Category)))
        labels |= {"Status"}  # a comment's only field that changes
    # The parent's key in an inline form never changes.
    labels -= {"Article", "Section"}
    assert labels - set(HISTORY_LABELS) == set()
    with translation.override("zh-hans"):
        untranslated = [label for label in HISTORY_LABELS if translation.gettext(label) == label]
    assert untranslated == []


def test_the_moderation_queue_lists_the_oldest_comment_first(desk):
    Comment.objects.filter(pk=desk.pending.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))
    Comment.objects.create(article=desk.article, name="后来者", email="l@example.com", message="后来的留言。")
    Comment.objects.create(
        article=desk.article,
        name="最早的人",
        email="e@example.com",
        message="最早的留言。",
        created_at=timezone.now() - datetime.timedelta(days=2),
    )
    html = editor("zh-CN").get("/admin/comments/pendingcomment/").content.decode()
    names = re.findall(r'<th class="field-name"><a [^>]*>([^<]*)</a>', html)
    assert names == ["最早的人", "王小明", "后来者"]


def test_the_translator_credit_is_edited_in_the_article_form_and_shown_to_readers(desk, client):
    save_article(editor("en-US,en"), desk.article, translator_en="Li Ming")
    with translation.override("en"):
        page = client.get(f"/en/articles/{desk.article.slug}/").content.decode()
    assert "English translation by Li Ming." in page


def test_the_source_fields_are_explained_and_the_time_zone_named(desk, settings):
    html = editor("en-US,en").get(f"/admin/articles/article/{desk.article.pk}/change/").content.decode()
    text = interface_text(html)
    for explained in ("issued the source", "periodical or site", "credit line", "scheduled", settings.TIME_ZONE):
        assert explained in text
    assert "Source and translation" in text


# In the browser: the tabs, a new section's tab, the date picker.


@pytest.fixture
def desk_page(request, browser, live_server, transactional_db):
    # A transactional test starts without the Editors group its migration made.
    User.objects.create_superuser("desk", "desk@example.com", "correct-horse-battery-staple")
    article = make_article(category=make_category(), slug="open-letter", chinese_script="hant")
    make_section(article, heading_zh_hans="一是加強合作", body_zh_hans="第一段。")

    def open_page(locale, width=1280):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale=locale)
        request.addfinalizer(context.close)
        page = context.new_page()
        page.goto(f"{live_server.url}/admin/login/?next=/admin/articles/article/{article.pk}/change/")
        page.fill("#id_username", "desk")
        page.fill("#id_password", "correct-horse-battery-staple")
        page.click("input[type=submit]")
        page.wait_for_selector(".ui-tabs-nav a")
        return page

    return open_page


def tab_names(page, scope="#article_form"):
    return page.eval_on_selector_all(
        f"{scope} .ui-tabs-nav li",
        "items => items.map(li => li.textContent + (li.classList.contains('ui-tabs-active') ? '*' : ''))",
    )


def newest_section_tabs(page):
    return page.evaluate(
        """() => {
          const forms = [...document.querySelectorAll('[id^=sections-]')].filter(e => /^sections-\\d+$/.test(e.id));
          return [...forms.pop().querySelectorAll('.ui-tabs-nav li')].map(
            li => li.textContent + (li.classList.contains('ui-tabs-active') ? '*' : ''));
        }"""
    )


@pytest.mark.django_db(transaction=True)
def test_tabs_are_named_in_words_and_a_new_section_opens_on_the_language_in_view(desk_page):
    chinese = desk_page("zh-CN")
    # A Traditional article: its Chinese tab says so, in the Chinese admin as in the English one.
    assert tab_names(chinese)[:2] == ["繁體*", "English"]
    chinese.locator(".ui-tabs-nav a", has_text="English").first.click()
    chinese.click("a.djn-add-handler.djn-model-articles-section")
    assert newest_section_tabs(chinese)[:2] == ["繁體", "English*"]
    chinese.select_option("#id_chinese_script", "hans")
    assert tab_names(chinese)[:2] == ["中文", "English*"]
    chinese.screenshot(path=SCREENSHOTS / "admin-tabs-zh-1280.png")

    english = desk_page("en-US")
    assert tab_names(english)[:2] == ["繁體", "English*"]
    # Before, modeltranslation's switch stayed on the first language and gave a new section its tab.
    english.click("a.djn-add-handler.djn-model-articles-section")
    assert newest_section_tabs(english)[:2] == ["繁體", "English*"]
    english.screenshot(path=SCREENSHOTS / "admin-tabs-en-1280.png")


@pytest.mark.django_db(transaction=True)
def test_the_date_picker_names_weekdays_in_the_editors_language(desk_page):
    page = desk_page("zh-CN")
    page.click("#calendarlink0")
    weekdays = page.eval_on_selector_all(
        ".calendarbox table tr:first-child th", "cells => cells.map(c => c.textContent)"
    )
    assert weekdays == ["一", "二", "三", "四", "五", "六", "日"]
    page.screenshot(path=SCREENSHOTS / "admin-calendar-zh-1280.png")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_the_article_list_and_the_queue_fit_a_1280_px_screen(desk_page, live_server, locale):
    page = desk_page(locale)
    for number in range(3):
        Comment.objects.create(
            article=Article.objects.get(slug="open-letter"),
            name=f"Alexandra Konstantinopoulou {number}",
            email=f"a{number}@example.com",
            message="A long message about the translation of the second paragraph and its sources. " * 4,
            language="en",
        )
    for path, name in [("/admin/articles/article/", "articles"), ("/admin/comments/pendingcomment/", "queue")]:
        page.goto(live_server.url + path)
        results = page.locator(".results")
        assert results.evaluate("r => r.scrollWidth <= r.clientWidth"), path
        page.screenshot(path=SCREENSHOTS / f"admin-{name}-{locale}-1280.png", full_page=True)
