"""The translation desk in headless Chromium: translating pair by pair, and a typo fix confirmed (issue 14)."""

import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User

from articles.models import Article, Section

from .admin_browser import LOCALES, MESSAGES, logged_in_page
from .factories import make_article, make_category, make_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", Path(settings.BASE_DIR) / "var" / "screenshots"))
PASSWORD = "a-long-test-password"


@pytest.fixture
def letter(transactional_db):
    """A Traditional original with an untranslated section, as the open letter was before its translation."""
    article = make_article(
        slug="open-letter",
        title_zh_hans="致海外同仁的公開信",
        title_en="An open letter to colleagues abroad",
        chinese_script=Article.Script.TRADITIONAL,
        category=make_category(),
    )
    make_section(
        article,
        heading_zh_hans="一是共享數據",
        heading_en="First, sharing data",
        body_zh_hans="我們與世界衛生組織分享了病毒基因序列。\n\n實驗室之間的合作從未中斷。\n\n我們將繼續開放**全部**數據。",
        body_en="",
    )
    make_section(
        article,
        heading_zh_hans="二是聯合研究",
        heading_en="Second, joint research",
        body_zh_hans="多國科學家共同開展了疫苗研究。\n\n研究成果已經公開發表。",
        body_en="Scientists of many countries worked on vaccines together.\n\nThe results have been published.",
    )
    return article


@pytest.fixture
def open_as(live_server, browser, transactional_db):
    User.objects.create_superuser("zhang", "zhang@example.com", PASSWORD)

    def open_as(language="en", width=1280):
        return logged_in_page(browser, live_server, "zhang", PASSWORD, LOCALES[language], width)

    yield open_as
    for context in browser.contexts:
        for page in context.pages:
            page.on("dialog", lambda dialog: dialog.accept())
            page.goto("about:blank")
    time.sleep(0.2)


def desk(live_server, article):
    return f"{live_server.url}/admin/articles/article/{article.pk}/translate/"


def pair(page, section, number):
    return page.locator(f"#pair-{section.pk}-{number}")


def test_an_editor_translates_a_section_pair_by_pair_and_its_state_clears(live_server, open_as, letter):
    first = letter.sections.order_by("position").first()
    page = open_as("en")
    page.goto(desk(live_server, letter))
    # The original is shown as published, in Traditional characters.
    assert page.locator(f"#pair-{first.pk}-1 .tr-original").get_attribute("lang") == "zh-Hant"
    assert "世界衛生組織" in pair(page, first, 1).inner_text()
    assert "3 missing" in page.locator(f"#section-{first.pk} .tr-section-summary").inner_text()

    translations = [
        "We shared the virus's genome sequence with the World Health Organization.",
        "Cooperation between laboratories never stopped.",
        "We will keep **all** the data open.",
    ]
    for number, text in enumerate(translations, start=1):
        box = pair(page, first, number).locator("textarea")
        box.fill(text)
        assert "Changed, not saved yet" in pair(page, first, number).locator(".tr-badge").evaluate(
            "badge => badge.textContent + getComputedStyle(badge, '::after').content"
        )
        page.locator(f"#section-{first.pk} .tr-save button").click()
        page.wait_for_load_state()
        assert "The translation of 1 section was saved." in page.locator(MESSAGES).inner_text()
        assert pair(page, first, number).get_attribute("data-state") == "current"
        assert "Translated" in pair(page, first, number).locator(".tr-badge").inner_text()
        waiting = ["missing"] * (3 - number)
        states = [pair(page, first, n).get_attribute("data-state") for n in (1, 2, 3)]
        assert states == ["current"] * number + waiting
    assert "all pairs translated" in page.locator(f"#section-{first.pk} .tr-section-summary").inner_text()

    # Text typed and never saved survives a closed tab; the saved text is untouched meanwhile.
    pair(page, first, 2).locator("textarea").fill("Laboratories kept working together.")
    page.on("dialog", lambda dialog: dialog.accept())  # "leave the page?"
    page.goto("about:blank")
    page.goto(desk(live_server, letter))
    assert pair(page, first, 2).locator("textarea").input_value() == "Laboratories kept working together."
    assert "did not save is back" in page.locator(".tr-restored").inner_text()
    page.get_by_role("button", name="Discard that text").click()
    assert pair(page, first, 2).locator("textarea").input_value() == translations[1]
    page.goto(desk(live_server, letter))
    assert page.locator(".tr-restored").count() == 0
    assert Section.objects.get(pk=first.pk).body_en == "\n\n".join(translations)

    # Readers see the three pairs side by side, none marked.
    reader = page.context.browser.new_context(locale="en-US").new_page()
    reader.goto(f"{live_server.url}/en/articles/{letter.slug}/bilingual/")
    assert "We will keep all the data open." in reader.locator(f"#section-{first.position}").inner_text()
    assert reader.locator(".pair-stale").count() == 0
    reader.context.close()


def test_a_typo_fix_in_the_original_marks_only_its_pair_and_confirming_clears_it_and_the_readers_note(
    live_server, open_as, letter
):
    second = letter.sections.order_by("position").last()
    second.body_zh_hans = "多國科學家共同開展了疫苗研究！\n\n研究成果已經公開發表。"  # a typo fix, 。 → ！
    second.save()

    reader = open_as("en").context.browser.new_context(locale="en-US").new_page()
    reader.goto(f"{live_server.url}/en/articles/{letter.slug}/bilingual/")
    assert "the translation may be out of date" in reader.locator(".provenance").inner_text()
    assert reader.locator(".pair-stale").count() == 1
    assert "Scientists of many countries" in reader.locator(".pair-stale").inner_text()
    assert "this translation may be out of date" in reader.locator(".pair-stale .stale-pair").inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    reader.locator(".pair-stale").screenshot(path=SCREENSHOTS / "bilingual-stale-pair-en.png")

    page = open_as("en")
    # The article's form says the same per section and per pair, and leads to the desk.
    page.goto(f"{live_server.url}/admin/articles/article/{letter.pk}/change/")
    states = page.locator(".pair-states").last
    assert "Pair 1: Original changed since this translation was last edited" in states.inner_text()
    states.screenshot(path=SCREENSHOTS / "admin-form-pair-states-en.png")
    page.goto(f"{live_server.url}/admin/articles/article/")
    listed = page.locator("#result_list tbody tr").first
    assert "1 pair out of date, 3 missing" in listed.inner_text()
    listed.screenshot(path=SCREENSHOTS / "admin-list-pair-states-en.png")
    page.goto(desk(live_server, letter))
    assert [pair(page, second, n).get_attribute("data-state") for n in (1, 2)] == ["stale", "current"]
    badge = pair(page, second, 1).locator(".tr-badge")
    assert "Original changed since this translation was last edited" in badge.inner_text()
    assert "1 pair out of date" in page.locator(".tr-summary").inner_text()
    pair(page, second, 1).get_by_role("button", name="The translation still holds").click()
    page.wait_for_load_state()
    assert "marked as still translated" in page.locator(MESSAGES).inner_text()
    assert [pair(page, second, n).get_attribute("data-state") for n in (1, 2)] == ["current", "current"]

    reader.goto(f"{live_server.url}/en/articles/{letter.slug}/bilingual/")
    assert "may be out of date" not in reader.locator(".provenance").inner_text()
    assert reader.locator(".pair-stale").count() == 0
    reader.goto(f"{live_server.url}/en/articles/{letter.slug}/")
    assert "may be out of date" not in reader.locator("main").inner_text()
    reader.context.close()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("width", [1280, 390])
def test_the_desk_at_phone_and_desktop_widths(live_server, open_as, letter, language, width):
    second = letter.sections.order_by("position").last()
    second.body_zh_hans = "多國科學家共同開展了疫苗研究！\n\n研究成果已經公開發表。\n\n此外還有一段新的內容。"
    second.save()
    page = open_as(language, width)
    page.goto(desk(live_server, letter))
    original = pair(page, second, 1).locator(".tr-original").bounding_box()
    translation = pair(page, second, 1).locator(".tr-translation").bounding_box()
    if width >= 768:
        assert translation["x"] > original["x"] + original["width"] - 1  # side by side
    else:
        assert translation["y"] >= original["y"] + original["height"] - 1  # stacked
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"translation-desk-{language}-{width}.png", full_page=True)
