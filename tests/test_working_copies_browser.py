"""Working copies in headless Chromium: two editors, a reader who sees the published text until it is published."""

import os
import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from reversion.models import Version

from articles.models import Article
from desk.models import WorkingCopy

from .admin_browser import MESSAGES, in_language, pages_of_editors
from .factories import make_article, make_figure, make_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", Path(settings.BASE_DIR) / "var" / "screenshots"))
PASSWORD = "a-long-test-password"


@pytest.fixture
def article(transactional_db):
    article = make_article(title_en="Tides of the Pearl River", title_zh_hans="珠江的潮汐", slug="pearl-river-tides")
    section = make_section(
        article, heading_en="Measuring", body_en="The gauges were read hourly.", body_zh_hans="潮位计每小时读一次。"
    )
    make_figure(section, caption_en="A tide gauge at Humen")
    return article


@pytest.fixture
def open_as(live_server, browser, transactional_db):
    User.objects.create_superuser("zhang", "zhang@example.com", PASSWORD, first_name="张三")
    User.objects.create_superuser("lisi", "lisi@example.com", PASSWORD, first_name="李四")
    with pages_of_editors(browser, live_server, PASSWORD) as open_as:
        yield open_as


@pytest.fixture
def reader(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    yield page
    page.goto("about:blank")
    context.close()


def change_url(live_server, article):
    return f"{live_server.url}/admin/articles/article/{article.pk}/change/"


def keep_a_working_copy(page, live_server, article, title, body):
    page.goto(change_url(live_server, article))
    page.wait_for_function("window.__deskStarted === true")
    in_language(page, "en")
    page.fill("#id_title_en", title)
    page.fill("#id_sections-0-body_en", body)
    page.click("input[name=_working_copy]")
    assert "Saved as a working copy" in page.locator(MESSAGES).inner_text()


def test_a_working_copy_is_previewed_while_readers_see_the_published_text_then_published(
    live_server, article, open_as, reader
):
    zhang = open_as("zhang")
    keep_a_working_copy(zhang, live_server, article, "Tides of the Pearl River, corrected", "Read every ten minutes.")

    reader.goto(f"{live_server.url}/en/articles/{article.slug}/")
    assert reader.locator("h1").inner_text() == "Tides of the Pearl River"
    assert "Read every ten minutes." not in reader.locator("article").inner_text()

    with zhang.expect_popup() as opened:
        zhang.locator(".working-copy-links a", has_text="English").first.click()
    preview = opened.value
    preview.wait_for_load_state()
    assert preview.locator("h1").inner_text() == "Tides of the Pearl River, corrected"
    assert "Read every ten minutes." in preview.locator("article").inner_text()
    assert "The working copy saved by 张三" in preview.locator(".working-copy-preview").inner_text()

    lisi = open_as("lisi")
    lisi.goto(change_url(live_server, article))
    assert "last saved by 张三" in lisi.locator(".working-copy-notice").inner_text()
    in_language(lisi, "en")
    assert lisi.input_value("#id_title_en") == "Tides of the Pearl River, corrected"
    lisi.click("text=Publish the working copy")
    lisi.click("input[type=submit][value='Publish the working copy']")
    assert "The working copy is published" in lisi.locator(MESSAGES).inner_text()

    reader.reload()
    assert reader.locator("h1").inner_text() == "Tides of the Pearl River, corrected"
    assert "Read every ten minutes." in reader.locator("article").inner_text()
    assert Version.objects.get_for_object(article).count() == 1
    assert not WorkingCopy.objects.exists()


def test_a_discarded_working_copy_changes_nothing(live_server, article, open_as, reader):
    zhang = open_as("zhang")
    keep_a_working_copy(zhang, live_server, article, "A title nobody will see", "Nor this.")
    before = Article.objects.get(pk=article.pk).updated_at
    lisi = open_as("lisi")
    lisi.goto(change_url(live_server, article))
    lisi.click(".working-copy-notice >> text=Discard the working copy")
    lisi.click("input[type=submit][value='Discard the working copy']")
    assert "The working copy was discarded" in lisi.locator(MESSAGES).inner_text()
    in_language(lisi, "en")
    assert lisi.input_value("#id_title_en") == "Tides of the Pearl River"

    reader.goto(f"{live_server.url}/en/articles/{article.slug}/")
    assert reader.locator("h1").inner_text() == "Tides of the Pearl River"
    assert Article.objects.get(pk=article.pk).updated_at == before
    assert Version.objects.get_for_object(article).count() == 0


def test_the_preview_button_shows_unsaved_changes_in_a_new_tab_and_saves_nothing(live_server, article, open_as):
    zhang = open_as("zhang")
    zhang.goto(change_url(live_server, article))
    zhang.wait_for_function("window.__deskStarted === true")
    in_language(zhang, "en")
    zhang.fill("#id_title_en", "Typed but not saved")
    zhang.select_option("select[name=preview_language]", "en")
    with zhang.expect_popup() as opened:
        zhang.click("button[name=_preview]")
    preview = opened.value
    preview.wait_for_load_state()
    assert preview.locator("h1").inner_text() == "Typed but not saved"
    assert "Unsaved changes from the edit form" in preview.locator(".preview-banner").first.inner_text()
    # The form stays as typed, still guarded against leaving it unsaved.
    assert zhang.input_value("#id_title_en") == "Typed but not saved"
    asked = []
    zhang.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))
    zhang.close(run_before_unload=True)
    deadline = time.monotonic() + 5
    while not asked and time.monotonic() < deadline:
        preview.wait_for_timeout(100)
    assert asked == ["beforeunload"]
    assert Article.objects.get(pk=article.pk).title_en == "Tides of the Pearl River"
    assert not WorkingCopy.objects.exists()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_of_the_working_copy_notice_and_its_preview(live_server, article, open_as, language, width):
    keep_a_working_copy(
        open_as("lisi"), live_server, article, "Tides of the Pearl River, corrected", "Every ten minutes."
    )
    page = open_as("zhang", language, width)
    page.goto(change_url(live_server, article))
    notice = page.locator(".working-copy-notice")
    assert re.search("李四|lisi", notice.inner_text())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"working-copy-form-{language}-{width}.png")
    buttons = page.locator(".working-copy-row")
    assert buttons.locator("input[name=_working_copy]").is_visible()
    buttons.screenshot(path=SCREENSHOTS / f"working-copy-buttons-{language}-{width}.png")
    reading = "zh-hans" if language == "zh-hans" else "en"
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/working-copy/{reading}/")
    assert page.locator(".working-copy-preview").is_visible()
    page.screenshot(path=SCREENSHOTS / f"working-copy-preview-{language}-{width}.png")
