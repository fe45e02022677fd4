"""The article form's safety net, in headless Chromium: kept drafts, leaving asks first, who else is editing."""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User

from articles.models import Article

from .admin_browser import MESSAGES, in_language, pages_of_editors
from .factories import make_article, make_figure, make_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", Path(settings.BASE_DIR) / "var" / "screenshots"))
PASSWORD = "a-long-test-password"


@pytest.fixture
def article(transactional_db):
    article = make_article(title_en="Tides of the Pearl River", title_zh_hans="珠江的潮汐")
    section = make_section(article, heading_en="Measuring", body_en="The gauges were read hourly.")
    make_figure(section, caption_en="A tide gauge at Humen")
    return article


@pytest.fixture
def editors(transactional_db):
    User.objects.create_superuser("zhang", "zhang@example.com", PASSWORD, first_name="张三")
    User.objects.create_superuser("lisi", "lisi@example.com", PASSWORD, first_name="李四")


@pytest.fixture
def quick_heartbeat(monkeypatch):
    import desk.views

    monkeypatch.setattr(desk.views, "HEARTBEAT_SECONDS", 1)


@pytest.fixture
def open_as(live_server, browser, editors):
    with pages_of_editors(browser, live_server, PASSWORD) as open_as:
        yield open_as


def change_url(live_server, article):
    return f"{live_server.url}/admin/articles/article/{article.pk}/change/"


def wait_for_kept_draft(page, text):
    page.wait_for_function(
        "text => Object.keys(localStorage)"
        "  .some(k => k.startsWith('newsroom.draft.') && localStorage[k].includes(text))",
        arg=text,
    )


def typed_in_english_then_tab_closed(page, live_server, article, fields, new_section_heading):
    """An editor types into the English tabs and a new section, then the tab closes unsaved."""
    page.goto(change_url(live_server, article))
    in_language(page, "en")
    for selector, text in fields.items():
        page.fill(selector, text)
    page.locator("a.djn-model-articles-section:visible").last.click()  # the drag-and-drop renumbers
    in_language(page, "en")
    page.fill("#id_sections-1-heading_en", new_section_heading)
    wait_for_kept_draft(page, new_section_heading)
    context = page.context
    page.close()
    return context


def test_text_lost_to_a_closed_tab_is_offered_back_and_restored(live_server, article, open_as):
    typed = {
        "#id_title_en": "Tides of the Pearl River, measured",
        "#id_sections-0-body_en": "The gauges were read every ten minutes.",
        "#id_sections-0-figures-0-caption_en": "The tide gauge at Humen, 1998",
    }
    context = typed_in_english_then_tab_closed(open_as("zhang"), live_server, article, typed, "What the gauges showed")

    again = context.new_page()
    again.goto(change_url(live_server, article))
    notice = again.locator("#desk-draft")
    assert re.search(r"Restore the text you typed at \d\d:\d\d", notice.inner_text())
    assert again.input_value("#id_title_en") == "Tides of the Pearl River"
    again.get_by_role("button", name=re.compile("Restore the text")).click()
    assert again.input_value("#id_title_en") == "Tides of the Pearl River, measured"
    assert again.input_value("#id_sections-0-body_en") == "The gauges were read every ten minutes."
    assert again.input_value("#id_sections-0-figures-0-caption_en") == "The tide gauge at Humen, 1998"
    assert again.input_value("#id_sections-1-heading_en") == "What the gauges showed"
    assert "Your text is back in the form" in notice.inner_text()

    in_language(again, "zh-hans")
    again.fill("#id_sections-1-heading_zh_hans", "潮位计显示了什么")
    again.click("input[name=_continue]")
    assert "was changed successfully" in again.locator(MESSAGES).inner_text()
    article.refresh_from_db()
    assert article.title_en == "Tides of the Pearl River, measured"
    assert [s.heading_en for s in article.sections.order_by("position")] == ["Measuring", "What the gauges showed"]
    again.reload()
    assert again.locator("#desk-draft").count() == 0
    assert again.evaluate("Object.keys(localStorage).filter(k => k.startsWith('newsroom.draft.'))") == []


def test_a_draft_the_save_already_holds_is_not_offered_even_if_the_saved_page_never_cleared_it(
    live_server, article, open_as
):
    # The editor reloads (or the browser dies) before the saved page's script
    # has let the draft go: what is kept matches the form, so nothing is offered.
    typed = {"#id_title_en": "Tides of the Pearl River, measured"}
    context = typed_in_english_then_tab_closed(open_as("zhang"), live_server, article, typed, "What the gauges showed")
    again = context.new_page()
    again.goto(change_url(live_server, article))
    again.get_by_role("button", name=re.compile("Restore the text")).click()
    in_language(again, "zh-hans")
    again.fill("#id_sections-1-heading_zh_hans", "潮位计显示了什么")
    wait_for_kept_draft(again, "潮位计显示了什么")
    kept = again.evaluate(
        "JSON.stringify(Object.fromEntries(Object.entries(localStorage)"
        "  .filter(([k]) => k.startsWith('newsroom.draft.'))))"
    )
    again.click("input[name=_continue]")
    assert "was changed successfully" in again.locator(MESSAGES).inner_text()
    again.evaluate(
        "kept => { for (const [k, v] of Object.entries(JSON.parse(kept))) localStorage.setItem(k, v); }", kept
    )
    again.reload()
    again.wait_for_function("() => document.querySelector('#article_form') && window.__deskStarted")
    assert again.locator("#desk-draft").count() == 0
    assert again.evaluate("Object.keys(localStorage).filter(k => k.startsWith('newsroom.draft.'))") == []


def test_a_kept_draft_can_be_discarded_and_is_not_offered_again(live_server, article, open_as):
    zhang = open_as("zhang")
    zhang.goto(change_url(live_server, article))
    in_language(zhang, "en")
    zhang.fill("#id_title_en", "A title I did not want")
    wait_for_kept_draft(zhang, "A title I did not want")
    context = zhang.context
    zhang.close()
    page = context.new_page()
    page.goto(change_url(live_server, article))
    page.get_by_role("button", name="Discard").click()
    assert page.locator("#desk-draft").count() == 0
    page.reload()
    assert page.locator("#desk-draft").count() == 0
    assert page.input_value("#id_title_en") == "Tides of the Pearl River"


def test_a_draft_from_a_refused_save_is_not_offered_over_itself(live_server, article, open_as):
    zhang = open_as("zhang")
    zhang.goto(change_url(live_server, article))
    Article.objects.filter(pk=article.pk).update(title_en="Someone else's title")
    article.save()  # and a new version
    in_language(zhang, "en")
    zhang.fill("#id_summary_en", "My summary, typed before the refusal.")
    zhang.click("input[name=_continue]")
    assert "after you opened it" in zhang.locator(".errorlist").first.inner_text()
    assert zhang.locator("#desk-draft").count() == 0
    assert zhang.input_value("#id_summary_en") == "My summary, typed before the refusal."


def test_the_second_editor_sees_who_has_the_article_open_until_they_leave(
    live_server, article, open_as, quick_heartbeat
):
    lisi = open_as("lisi")
    lisi.goto(change_url(live_server, article))
    lisi.wait_for_function("() => !!document.querySelector('input[name=loaded_version]')")
    zhang = open_as("zhang")
    zhang.goto(change_url(live_server, article))
    notice = zhang.locator("#desk-presence")
    notice.wait_for()
    assert re.fullmatch(r"李四 is also editing this article \(since \d\d:\d\d\)\.", notice.inner_text().strip())
    lisi.locator("#desk-presence", has_text="张三 is also editing this article").wait_for()

    lisi.locator(".breadcrumbs a").first.click()  # Li leaves the form
    notice.wait_for(state="detached", timeout=5000)
    assert zhang.locator("#desk-presence").count() == 0


def test_a_colleague_who_closes_the_tab_is_no_longer_listed(live_server, article, open_as, quick_heartbeat):
    lisi = open_as("lisi")
    lisi.goto(change_url(live_server, article))
    zhang = open_as("zhang")
    zhang.goto(change_url(live_server, article))
    zhang.locator("#desk-presence", has_text="李四").wait_for()
    lisi.close(run_before_unload=True)
    zhang.locator("#desk-presence").wait_for(state="detached", timeout=5000)


def test_leaving_a_changed_form_asks_first_and_saving_it_does_not(live_server, article, open_as):
    zhang = open_as("zhang")
    dialogs = []

    def stay(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    zhang.on("dialog", stay)
    zhang.goto(change_url(live_server, article))
    zhang.locator("a.viewsitelink").click()  # nothing typed: no question
    zhang.wait_for_url(re.compile(r"/articles/"))
    assert dialogs == []

    zhang.goto(change_url(live_server, article))
    in_language(zhang, "en")
    zhang.fill("#id_title_en", "Tides, unsaved")
    zhang.locator("a.viewsitelink").click()
    zhang.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert zhang.url == change_url(live_server, article)
    assert zhang.input_value("#id_title_en") == "Tides, unsaved"

    zhang.click("input[name=_save]")
    assert "was changed successfully" in zhang.locator(MESSAGES).inner_text()
    assert dialogs == ["beforeunload"]


@pytest.mark.parametrize(
    ("language", "restore", "colleague"),
    [
        ("en", "Restore the text you typed at", "李四 is also editing this article (since"),
        ("zh-hans", "恢复你在", "李四也在编辑这篇文章（"),
    ],
)
def test_the_notices_speak_the_editors_language_at_both_widths(
    live_server, article, open_as, quick_heartbeat, language, restore, colleague
):
    lisi = open_as("lisi")
    lisi.goto(change_url(live_server, article))
    zhang = open_as("zhang", language)
    zhang.goto(change_url(live_server, article))
    zhang.fill("#id_sections-0-figures-0-caption_en", "The tide gauge at Humen, 1998")
    wait_for_kept_draft(zhang, "Humen, 1998")
    context = zhang.context
    zhang.close()
    again = context.new_page()
    again.goto(change_url(live_server, article))
    again.locator("#desk-presence").wait_for()
    assert restore in again.locator("#desk-draft").inner_text()
    assert colleague in again.locator("#desk-presence").inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        again.set_viewport_size({"width": width, "height": 900})
        again.screenshot(path=SCREENSHOTS / f"admin-desk-notices-{language}-{width}.png")


def test_a_draft_typed_before_a_colleagues_save_of_the_same_field_is_restored_but_cannot_overwrite_it(
    live_server, article, open_as
):
    zhang = open_as("zhang")
    zhang.goto(change_url(live_server, article))
    in_language(zhang, "en")
    zhang.fill("#id_title_en", "Zhang's title")
    wait_for_kept_draft(zhang, "Zhang's title")
    context = zhang.context
    zhang.close()
    article.title_en = "Li's title"
    article.save()  # a colleague's save (a new version), while the closed tab's beacon is served

    again = context.new_page()
    again.goto(change_url(live_server, article))
    assert "The article has been saved again since." in again.locator("#desk-draft").inner_text()
    again.get_by_role("button", name=re.compile("Restore the text")).click()
    assert again.input_value("#id_title_en") == "Zhang's title"
    assert "Someone else has since changed the same fields" in again.locator("#desk-draft").inner_text()
    again.click("input[name=_continue]")
    assert "after you opened it" in again.locator(".errorlist").first.inner_text()
    assert again.input_value("#id_title_en") == "Zhang's title"
    article.refresh_from_db()
    assert article.title_en == "Li's title"
