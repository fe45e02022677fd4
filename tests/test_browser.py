"""What a reader does, in headless Chromium (Debian's package, driven by Playwright)."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from .admin_browser import MESSAGES, in_language, logged_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", Path(settings.BASE_DIR) / "var" / "screenshots"))
WIDTHS = {"phone": 390, "desktop": 1280}


@pytest.fixture(params=sorted(WIDTHS))
def page(request, browser):
    context = browser.new_context(viewport={"width": WIDTHS[request.param], "height": 900})
    page = context.new_page()
    page.width_name = request.param
    yield page
    context.close()


def shoot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}-{page.width_name}.png", full_page=True)


def test_reader_follows_teaser_and_lead_story_then_switches_to_english(live_server, loaded_archive, page):
    page.goto(f"{live_server.url}/zh-hans/")
    shoot(page, "home-zh-hans")

    page.locator(".sidebar").get_by_role("link", name="金融支持文化产业复苏主攻六方面").click()
    assert page.locator("h1").inner_text() == "金融支持文化产业复苏主攻六方面"
    assert "本文全文未收录" in page.locator(".notice").inner_text()

    page.goto(f"{live_server.url}/zh-hans/")
    page.locator(".latest").get_by_role("link", name="全球战“疫” 中国科技贡献“硬核”力量").click()
    assert page.locator("h1").inner_text() == "全球战“疫” 中国科技贡献“硬核”力量"
    assert page.get_by_role("heading", name="合作共享理念贯穿科技攻关全程").is_visible()

    page.goto(f"{live_server.url}/zh-hans/")
    page.locator(".card-lead .card-title a").click()
    assert page.locator("h1").inner_text() == "合作抗疫，中国用行动说话"
    caption = page.locator("figcaption").first
    assert caption.inner_text().startswith("图 1")
    assert "中国工作人员在演示新冠病毒 mRNA 疫苗实验过程" in caption.inner_text()
    shoot(page, "article-zh-hans")

    page.locator(".language-switcher").get_by_role("link", name="English").click()
    assert page.url.endswith("/en/articles/china-acts-on-covid-cooperation/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Fighting the epidemic together: China lets its actions speak"
    assert page.locator("figcaption").first.inner_text().startswith("Figure 1")
    shoot(page, "article-en")

    page.locator(".language-switcher").get_by_role("link", name="繁體中文").click()
    assert page.url.endswith("/zh-hant/articles/china-acts-on-covid-cooperation/")
    assert "國際科技合作" in page.locator("h2").nth(2).inner_text()
    shoot(page, "article-zh-hant")

    page.get_by_role("link", name="中英對照閱讀").click()
    assert page.url.endswith("/zh-hant/articles/china-acts-on-covid-cooperation/bilingual/")
    pair = page.locator(".pair-heading").nth(1)
    assert pair.locator(".col-zh").inner_text().startswith("一、深化國際科技合作")
    assert pair.locator(".col-en").inner_text().startswith("I. Deeper international cooperation")
    zh_box, en_box = pair.locator(".col-zh").bounding_box(), pair.locator(".col-en").bounding_box()
    if page.width_name == "phone":
        assert en_box["y"] > zh_box["y"]  # the pair stacks: Chinese, then its English
    else:
        assert abs(en_box["y"] - zh_box["y"]) < 2 and en_box["x"] > zh_box["x"]  # two columns
    shoot(page, "bilingual-zh-hant")

    page.goto(f"{live_server.url}/en/")
    shoot(page, "home-en")


def test_pages_fit_the_screen_without_sideways_scrolling(live_server, loaded_archive, page):
    for path in (
        "/zh-hans/",
        "/en/articles/guangdong-open-letter-covid-science/",
        "/en/articles/guangdong-open-letter-covid-science/bilingual/",
        "/zh-hant/articles/china-acts-on-covid-cooperation/",
        "/en/category/news/",
    ):
        page.goto(f"{live_server.url}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, path


def test_printing_an_article_leaves_out_navigation_and_sidebar(live_server, loaded_archive, browser):
    page = browser.new_page()
    page.goto(f"{live_server.url}/en/articles/china-acts-on-covid-cooperation/")
    assert page.locator(".sidebar").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".sidebar").is_visible()
    assert not page.locator(".language-switcher").is_visible()
    assert page.locator("h1").is_visible()
    page.close()


def test_reader_comments_editor_approves_reader_sees_it(live_server, loaded_archive, browser, settings):
    from django.contrib.auth.models import User

    settings.COMMENT_MIN_SECONDS = 1
    User.objects.create_superuser("editor", "editor@example.com", "a-long-test-password")
    # A person's browser: headless Chromium says "HeadlessChrome", which the
    # reading counter takes for a bot.
    agent = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Mobile Safari/537.36"
    reader = browser.new_context(viewport={"width": 390, "height": 900}, user_agent=agent).new_page()
    reader.width_name = "phone"
    article = f"{live_server.url}/zh-hans/articles/china-science-global-covid-fight/"
    reader.goto(article)
    # The page is the one every reader gets: no token in it, no cookie set.
    assert "csrfmiddlewaretoken" not in reader.content()
    assert reader.context.cookies() == []
    form = reader.locator("form.comment-form")
    form.get_by_label("姓名").fill("韩梅梅")
    form.get_by_label("邮箱").fill("meimei-at-example")
    form.get_by_label("留言").fill("感谢分享这篇报道。\n希望看到更多。")
    reader.wait_for_timeout(1200)
    form.get_by_role("button", name="发表留言").click()
    assert "有效" in reader.locator("#id_email-error").inner_text()
    assert form.get_by_label("留言").input_value() == "感谢分享这篇报道。\n希望看到更多。"
    assert form.get_by_label("姓名").input_value() == "韩梅梅"
    shoot(reader, "comment-error-zh-hans")

    form.get_by_label("邮箱").fill("meimei@example.com")
    reader.wait_for_timeout(1200)
    form.get_by_role("button", name="发表留言").click()
    assert "经编辑审核通过后将显示在这里" in reader.locator(".flash").inner_text()
    assert "感谢分享这篇报道" not in reader.locator("section#comments").inner_text()

    editor = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US").new_page()
    editor.goto(f"{live_server.url}/admin/comments/pendingcomment/")
    editor.fill("#id_username", "editor")
    editor.fill("#id_password", "a-long-test-password")
    editor.click("input[type=submit]")
    editor.locator("tr", has_text="韩梅梅").locator("input.action-select").check()
    editor.select_option("select[name=action]", "approve")
    editor.click("button[name=index]")
    assert "1 comment marked as approved" in editor.locator(MESSAGES).inner_text()

    with reader.expect_response(lambda response: "/read/" in response.url) as reading:
        reader.goto(article)
    comments = reader.locator("section#comments")
    assert "韩梅梅" in comments.inner_text()
    # Each of the four showings of the page (first, with the error, after
    # sending, now) counted one reading through its script, and the page
    # shows the fresh count, not the one cached with it.
    from articles.models import Article

    assert reading.value.json() == {"views": 3, "counted": True}
    reader.wait_for_function("document.querySelector('.view-count').textContent === '3'")
    assert Article.objects.get(slug="china-science-global-covid-fight").view_count == 4
    assert "感谢分享这篇报道。\n希望看到更多。" in comments.locator(".comment-message").inner_text()
    shoot(reader, "comment-approved-zh-hans")


def test_editor_writes_previews_and_publishes_an_article_and_a_stale_save_is_refused(
    live_server, loaded_archive, browser, tmp_path
):
    from io import BytesIO

    from django.contrib.auth.models import User
    from PIL import Image

    User.objects.create_superuser("wang", "wang@example.com", "a-long-test-password")
    User.objects.create_superuser("li", "li@example.com", "a-long-test-password")
    picture = tmp_path / "lab.jpg"
    buffer = BytesIO()
    Image.new("RGB", (1000, 600), (30, 90, 160)).save(buffer, "JPEG")
    picture.write_bytes(buffer.getvalue())

    def editor_page(name):
        page = logged_in_page(browser, live_server, name, "a-long-test-password")
        page.width_name = "desktop"
        return page

    wang = editor_page("wang")
    wang.goto(f"{live_server.url}/admin/articles/article/add/")
    in_language(wang, "zh-hans")
    wang.fill("#id_title_zh_hans", "量子计算实验室开放日")
    wang.fill("#id_summary_zh_hans", "实验室首次向公众开放。")
    in_language(wang, "en")
    wang.fill("#id_title_en", "Quantum computing lab opens its doors")
    wang.fill("#id_summary_en", "The lab opened to the public for the first time.")
    assert wang.input_value("#id_slug") == "quantum-computing-lab-opens-its-doors"
    wang.select_option("#id_category", label="News")
    for index, (zh, en) in enumerate([("开放日", "Open day"), ("展示的设备", "The equipment on show")]):
        wang.locator("a.djn-model-articles-section:visible").last.click()
        in_language(wang, "zh-hans")
        wang.fill(f"#id_sections-{index}-heading_zh_hans", zh)
        wang.fill(f"#id_sections-{index}-body_zh_hans", f"{zh}的第一段。\n\n{zh}的第二段。")
        in_language(wang, "en")
        wang.fill(f"#id_sections-{index}-heading_en", en)
        wang.fill(f"#id_sections-{index}-body_en", f"First paragraph on {en}.\n\nSecond paragraph on {en}.")
    wang.locator("a.djn-model-articles-figure:visible").first.click()
    wang.locator("textarea[name$='-figures-0-caption_zh_hans']:visible").fill("实验室里的稀释制冷机")
    wang.locator("textarea[name$='-figures-0-caption_en']:visible").fill("A dilution refrigerator in the lab")
    wang.locator("input[type=file][name$='-figures-0-image']").first.set_input_files(str(picture))
    shoot(wang, "admin-edit-new-article")
    wang.click("input[name=_continue]")
    assert "was added successfully" in wang.locator(MESSAGES).inner_text()
    shoot(wang, "admin-edit-saved-draft")

    wang.goto(f"{live_server.url}/en/articles/quantum-computing-lab-opens-its-doors/")
    assert "This article is a draft" in wang.locator(".preview-banner").inner_text()
    assert wang.locator("h2", has_text="The equipment on show").is_visible()
    assert wang.locator("figure img").get_attribute("width") == "1000"
    reader = browser.new_context(viewport={"width": 390, "height": 900}).new_page()
    reader.width_name = "phone"
    assert reader.goto(f"{live_server.url}/en/articles/quantum-computing-lab-opens-its-doors/").status == 404

    wang.go_back()
    wang.select_option("#id_status", "published")
    li = editor_page("li")
    li.goto(wang.url)
    wang.click("input[name=_continue]")
    assert "was changed successfully" in wang.locator(MESSAGES).inner_text()

    reader.goto(f"{live_server.url}/en/")
    assert reader.locator(".main-column").get_by_role("link", name="Quantum computing lab opens its doors").is_visible()
    reader.goto(f"{live_server.url}/zh-hans/category/news/")
    assert reader.locator(".main-column").get_by_role("link", name="量子计算实验室开放日").is_visible()
    reader.goto(f"{live_server.url}/en/articles/quantum-computing-lab-opens-its-doors/")
    assert reader.locator(".preview-banner").count() == 0
    shoot(reader, "published-by-editor-en")

    in_language(li, "en")
    li.fill("#id_title_en", "Li's late title")
    li.click("input[name=_continue]")
    assert "wang saved this article at" in li.locator(".errornote, .errorlist").first.inner_text() or (
        "wang saved this article at" in li.content()
    )
    assert li.input_value("#id_title_en") == "Li's late title"
    shoot(li, "admin-stale-save-refused")
