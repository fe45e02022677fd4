"""Nothing an editor types is lost: one edit path per article, and images checked before anything is stored."""

import os
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from reversion.models import Version

from articles.models import Article, Figure, Section

from .admin_browser import LOCALES, in_language, logged_in_page
from .admin_forms import form_values
from .factories import make_article, make_category, make_figure, make_section
from .pages import page_text

SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", Path(django_settings.BASE_DIR) / "var" / "screenshots"))
PASSWORD = "a-long-test-password"

pytestmark = pytest.mark.django_db


def picture(width, height, kind="PNG", mode="RGB"):
    buffer = BytesIO()
    Image.new(mode, (width, height), "teal").save(buffer, kind)
    return buffer.getvalue()


def truncated_jpeg():
    whole = picture(800, 600, "JPEG")
    return whole[: len(whole) // 2]


SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><rect/></svg>'

# (file name, content, what the editor is told)
BAD_IMAGES = {
    "truncated": ("lab.jpg", truncated_jpeg, "This image file is cut short or damaged."),
    "too wide": ("strip.png", lambda: picture(30000, 20), "30000 × 20 pixels; no side may be longer than 16,383"),
    "too tall": ("scroll.png", lambda: picture(1000, 20000), "1000 × 20000 pixels; no side may be longer than 16,383"),
    "one pixel": ("pixel.png", lambda: picture(1, 1), "1 × 1 pixels; a figure needs at least 100 pixels on each"),
    "svg": ("chart.svg", lambda: SVG, "SVG drawings are not accepted; export it as PNG"),
    "svg named png": ("chart.png", lambda: SVG, "SVG drawings are not accepted; export it as PNG"),
}


def files_in(root):
    root = Path(root)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()) if root.exists() else []


@pytest.fixture
def article(db):
    article = make_article(slug="lab-story", title_en="A lab story", category=make_category())
    make_section(article, heading_en="The lab", body_en="What the lab does.")
    return article


def editor(name, language="en"):
    client = Client(headers={"accept-language": language})
    client.force_login(User.objects.create_superuser(name, f"{name}@example.com", PASSWORD))
    return client


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def with_new_figure(values, article, name, content):
    values = dict(values)
    values.update(
        {
            "title_en": "A title typed with the upload",
            "sections-0-body_en": "A paragraph typed with the upload.",
            "sections-0-figures-TOTAL_FORMS": "1",
            "sections-0-figures-0-id": "",
            "sections-0-figures-0-section": str(article.sections.get().pk),
            "sections-0-figures-0-position": "1",
            "sections-0-figures-0-label_en": "Figure 1",
            "sections-0-figures-0-caption_zh_hans": "实验室里的稀释制冷机",
            "sections-0-figures-0-caption_en": "A dilution refrigerator in the lab",
            "sections-0-figures-0-image": SimpleUploadedFile(name, content),
        }
    )
    return values


# 1. Sections and figures are changed with their article, on its one form.


def test_a_sections_own_address_leads_to_its_articles_form(article):
    section = article.sections.get()
    response = editor("wang").get(f"/admin/articles/section/{section.pk}/change/")
    assert response.status_code == 302
    assert response["Location"] == change_url(article)


def test_a_save_posted_to_a_sections_own_address_changes_nothing(article):
    section = article.sections.get()
    client = editor("li")
    response = client.post(
        f"/admin/articles/section/{section.pk}/change/",
        {"article": article.pk, "position": 1, "level": 2, "heading_en": "Li's heading", "body_en": "Li's text."},
    )
    assert response.status_code == 302
    assert "Nothing was saved" in page_text(client.get(response["Location"]).content.decode())
    section.refresh_from_db()
    assert section.body_en == "What the lab does."
    assert section.heading_en == "The lab"


@pytest.mark.parametrize("model", ["section", "figure"])
def test_sections_and_figures_cannot_be_added_or_deleted_apart_from_their_article(article, model):
    figure = make_figure(article.sections.get())
    row = {"section": article.sections.get(), "figure": figure}[model]
    client = editor("wang")
    assert client.get(f"/admin/articles/{model}/add/").status_code == 403
    assert client.post(f"/admin/articles/{model}/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(f"/admin/articles/{model}/", {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"})
    assert Section.objects.filter(pk=article.sections.get().pk).exists()
    assert Figure.objects.filter(pk=figure.pk).exists()


@pytest.mark.parametrize("model", ["section", "figure"])
def test_the_sections_and_figures_lists_find_rows_and_link_to_the_articles_form(article, model):
    make_figure(article.sections.get(), caption_en="A dilution refrigerator")
    query = {"section": "The lab", "figure": "dilution"}[model]
    html = editor("wang").get(f"/admin/articles/{model}/", {"q": query}).content.decode()
    assert f'href="{change_url(article)}"' in html
    assert f"/admin/articles/{model}/add/" not in html
    assert "delete_selected" not in html


def test_a_section_changed_on_the_article_form_is_in_the_articles_history(article):
    client = editor("li")
    values = form_values(client.get(change_url(article)).content.decode(), "article_form")
    values["sections-0-body_en"] = "Li's new paragraph."
    assert client.post(change_url(article), values).status_code == 302
    versions = Version.objects.get_for_object(article)
    assert versions.count() == 1
    assert versions.get().revision.user.username == "li"
    stored = {version.object_repr for version in versions.get().revision.version_set.all()}
    assert str(article.sections.get()) in stored


# 2. Images: decoded fully and their renditions made before anything is stored.


@pytest.mark.parametrize("bad", list(BAD_IMAGES))
def test_a_bad_image_comes_back_with_a_clear_message_every_input_kept_and_no_file_left(article, settings, bad):
    name, content, message = BAD_IMAGES[bad]
    client = editor("wang")
    values = with_new_figure(
        form_values(client.get(change_url(article)).content.decode(), "article_form"), article, name, content()
    )
    before = files_in(settings.MEDIA_ROOT)

    response = client.post(change_url(article), values)

    html = response.content.decode()
    assert response.status_code == 200
    assert message in page_text(html)
    kept = form_values(html, "article_form")
    assert kept["title_en"] == "A title typed with the upload"
    assert kept["sections-0-body_en"].replace("\r\n", "\n") == "A paragraph typed with the upload."
    assert kept["sections-0-figures-0-caption_en"] == "A dilution refrigerator in the lab"
    assert kept["sections-0-figures-0-caption_zh_hans"] == "实验室里的稀释制冷机"
    assert files_in(settings.MEDIA_ROOT) == before
    assert not Figure.objects.exists()
    assert Article.objects.get(pk=article.pk).title_en == "A lab story"
    assert not Version.objects.exists()


def test_a_new_article_with_a_bad_image_is_not_created_and_comes_back_whole(settings):
    make_category()
    client = editor("wang")
    values = form_values(client.get("/admin/articles/article/add/").content.decode(), "article_form")
    values.update(
        {
            "title_en": "A new story",
            "slug": "a-new-story",
            "category": "1",
            "sections-TOTAL_FORMS": "1",
            "sections-0-position": "1",
            "sections-0-level": "2",
            "sections-0-body_en": "Its first paragraph.",
            "sections-0-figures-TOTAL_FORMS": "1",
            "sections-0-figures-0-position": "1",
            "sections-0-figures-0-caption_en": "A tiny picture",
            "sections-0-figures-0-image": SimpleUploadedFile("pixel.png", picture(1, 1)),
        }
    )
    response = client.post("/admin/articles/article/add/", values)
    assert response.status_code == 200
    kept = form_values(response.content.decode(), "article_form")
    assert "1 × 1 pixels" in page_text(response.content.decode())
    assert kept["title_en"] == "A new story"
    assert kept["sections-0-figures-0-caption_en"] == "A tiny picture"
    assert not Article.objects.exists()
    assert files_in(settings.MEDIA_ROOT) == []


def test_the_image_messages_are_in_the_editors_language(article):
    client = editor("zhang", "zh-hans")
    values = with_new_figure(
        form_values(client.get(change_url(article)).content.decode(), "article_form"),
        article,
        "strip.png",
        picture(30000, 20),
    )
    text = page_text(client.post(change_url(article), values).content.decode())
    assert "30000 × 20" in text
    assert "16,383" in text
    assert "no side may be longer" not in text


def test_an_uploaded_image_shows_as_a_thumbnail_on_the_article_form(article, settings):
    client = editor("wang")
    values = with_new_figure(
        form_values(client.get(change_url(article)).content.decode(), "article_form"),
        article,
        "fridge.jpg",
        picture(1200, 800, "JPEG"),
    )
    assert client.post(change_url(article), values).status_code == 302
    figure = Figure.objects.get()
    html = client.get(change_url(article)).content.decode()
    thumbnail = figure.image_480.url
    assert f'<img src="{thumbnail}" width="160" height="107"' in html
    assert (Path(settings.MEDIA_ROOT) / figure.image_480.name).is_file()


def test_an_upload_whose_renditions_cannot_be_stored_leaves_no_file_behind(article, settings, monkeypatch):
    client = editor("wang")
    values = with_new_figure(
        form_values(client.get(change_url(article)).content.decode(), "article_form"),
        article,
        "fridge.png",
        picture(1200, 800),
    )
    store = FileSystemStorage._save

    def original_only(self, name, content):
        if "CACHE" in name:  # the renditions, written after the original
            raise OSError(28, "No space left on device")
        return store(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", original_only)
    response = client.post(change_url(article), values)

    assert response.status_code == 200
    assert "The image could not be stored" in page_text(response.content.decode())
    assert files_in(settings.MEDIA_ROOT) == []
    assert not Figure.objects.exists()


# 3. In Chromium: two editors in two contexts, and bad images chosen in the browser.

browser_test = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def editor_page(browser, live_server, name, language="en", width=1280):
    page = logged_in_page(browser, live_server, name, PASSWORD, LOCALES[language], width)
    # The media files, as nginx serves them in production (the test server serves none).
    page.route("**/media/**", lambda route: serve_media(route, live_server))
    return page


def serve_media(route, live_server):
    relative = route.request.url.split("/media/", 1)[1].split("?")[0]
    path = Path(django_settings.MEDIA_ROOT) / relative
    if path.is_file():
        route.fulfill(path=str(path))
    else:
        route.fulfill(status=404)


def save(page):
    with page.expect_navigation():
        page.click("input[name=_continue]")


def shoot(page, name, language, around=None):
    """The whole page, or the screenful around the element `around` (a long form's one part)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    if around:
        page.locator(around).first.evaluate("element => element.scrollIntoView({block: 'center'})")
    page.screenshot(path=SCREENSHOTS / f"{name}-{language}-{width}.png", full_page=not around)


def shoot_all(browser, live_server, name, address, around=None):
    """The screen at 1280 and 390 px, in the Chinese and the English admin."""
    for language in LOCALES:
        page = editor_page(browser, live_server, "wang", language)
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server.url}{address}")
            shoot(page, name, language, around)
        page.context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_section_edited_by_one_editor_is_never_overwritten_by_anothers_older_form(live_server, browser):
    User.objects.create_superuser("wang", "wang@example.com", PASSWORD)
    User.objects.create_superuser("li", "li@example.com", PASSWORD)
    article = make_article(slug="lab-story", title_en="A lab story", category=make_category())
    section = make_section(article, heading_en="The lab", body_en="What the lab does.")
    form = f"{live_server.url}{change_url(article)}"

    wang = editor_page(browser, live_server, "wang", "en")
    wang.goto(form)
    # Li follows an old bookmark to the section's own screen: it is the article's form.
    li = editor_page(browser, live_server, "li", "zh-hans")
    li.goto(f"{live_server.url}/admin/articles/section/{section.pk}/change/")
    assert li.url == form
    in_language(li, "en")
    li.fill("#id_sections-0-body_en", "What the lab does, corrected by Li.")
    save(li)
    assert li.locator(".messagelist .success").count() == 1
    assert li.locator(".errornote").count() == 0

    in_language(wang, "en")
    wang.fill("#id_title_en", "Wang's new title")
    save(wang)

    assert "li saved this article at" in " ".join(wang.locator(".errornote, .errorlist").all_inner_texts())
    assert wang.input_value("#id_title_en") == "Wang's new title"
    section.refresh_from_db()
    assert section.body_en == "What the lab does, corrected by Li."
    assert Article.objects.get(pk=article.pk).title_en == "A lab story"
    history = wang.context.new_page()
    history.goto(f"{form.removesuffix('change/')}history/")
    assert "li" in history.locator("#change-history").inner_text()
    shoot(wang, "desk-cross-screen-refused", "en")

    shoot_all(browser, live_server, "desk-sections-list", "/admin/articles/section/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_bad_images_chosen_in_the_browser_are_refused_with_everything_typed_kept(live_server, browser, tmp_path):
    User.objects.create_superuser("wang", "wang@example.com", PASSWORD)
    article = make_article(slug="lab-story", title_en="A lab story", category=make_category())
    make_section(article, heading_en="The lab", body_en="What the lab does.")
    files = {}
    for bad in ("truncated", "too wide", "too tall", "svg"):
        name, content, message = BAD_IMAGES[bad]
        files[bad] = tmp_path / name
        files[bad].write_bytes(content())
    good = tmp_path / "fridge.jpg"
    good.write_bytes(picture(1200, 800, "JPEG"))

    wang = editor_page(browser, live_server, "wang", "en")
    wang.goto(f"{live_server.url}{change_url(article)}")
    in_language(wang, "en")
    wang.fill("#id_title_en", "A title typed with the upload")
    wang.fill("#id_sections-0-body_en", "A paragraph typed with the upload.")
    wang.locator("a.djn-model-articles-figure:visible").first.click()
    wang.locator("textarea[name$='-figures-0-caption_zh_hans']:visible").fill("实验室里的稀释制冷机")
    wang.locator("textarea[name$='-figures-0-caption_en']:visible").fill("A dilution refrigerator in the lab")

    for bad, path in files.items():
        wang.locator("input[type=file][name$='-figures-0-image']").first.set_input_files(str(path))
        save(wang)
        errors = " ".join(wang.locator(".errorlist").all_inner_texts())
        assert BAD_IMAGES[bad][2] in errors, bad
        in_language(wang, "en")
        assert wang.input_value("#id_title_en") == "A title typed with the upload"
        assert wang.input_value("#id_sections-0-body_en") == "A paragraph typed with the upload."
        assert wang.input_value("textarea[name$='-figures-0-caption_en']") == "A dilution refrigerator in the lab"
        assert wang.input_value("textarea[name$='-figures-0-caption_zh_hans']") == "实验室里的稀释制冷机"
        assert files_in(django_settings.MEDIA_ROOT) == [], bad
        assert not Figure.objects.exists()
        if bad == "too wide":
            shoot(wang, "desk-image-refused", "en", around="input[type=file][name$='-figures-0-image']")
            wang.set_viewport_size({"width": 390, "height": 900})
            shoot(wang, "desk-image-refused", "en", around="input[type=file][name$='-figures-0-image']")
            wang.set_viewport_size({"width": 1280, "height": 900})

    wang.locator("input[type=file][name$='-figures-0-image']").first.set_input_files(str(good))
    save(wang)
    assert "was changed successfully" in wang.locator(".messagelist .success").inner_text()
    thumbnail = wang.locator(".figure-thumbnail img")
    assert thumbnail.get_attribute("width") == "160"
    thumbnail.scroll_into_view_if_needed()
    wang.wait_for_function("image => image.complete && image.naturalWidth > 0", arg=thumbnail.element_handle())
    assert thumbnail.evaluate("image => image.naturalWidth") == 480
    assert Article.objects.get(pk=article.pk).title_en == "A title typed with the upload"
    shoot_all(browser, live_server, "desk-figure-thumbnail", change_url(article), around=".figure-thumbnail")
