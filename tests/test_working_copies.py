"""Working copies of published articles: kept aside, previewed, published in one change, or discarded (issue 14)."""

import concurrent.futures
import re
import threading
import urllib.error
from io import BytesIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from reversion.models import Version

from articles import changes
from articles.models import Article, Figure
from desk.models import WorkingCopy

from . import test_multiprocess
from .admin_forms import form_values
from .factories import make_article, make_figure, make_section
from .test_multiprocess import editor_on, save_at_once

pytestmark = pytest.mark.django_db

# Two server processes on one database (the fixture of tests/test_multiprocess.py).
servers = test_multiprocess.servers

PASSWORD = "a-long-test-password"


def picture(width=400, height=300, colour="teal"):
    buffer = BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


def editor(username="zhang", language="en"):
    user = User.objects.filter(username=username).first() or User.objects.create_superuser(
        username, f"{username}@example.com", PASSWORD
    )
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def opened_form(client, article):
    response = client.get(change_url(article))
    assert response.status_code == 200
    return form_values(response.content.decode(), "article_form")


@pytest.fixture
def article(db):
    article = make_article(slug="lab-story", title_en="A lab story", title_zh_hans="实验室的故事")
    section = make_section(article, body_en="The published text.", body_zh_hans="已发表的文字。")
    make_figure(section)
    return Article.objects.get(pk=article.pk)


@pytest.fixture
def notices(monkeypatch):
    sent = []

    def receiver(sender, change, **kwargs):
        sent.append(change)

    changes.content_changed.connect(receiver)
    yield sent
    changes.content_changed.disconnect(receiver)


def keep_copy(client, article, **changed):
    values = opened_form(client, article)
    values.update(changed)
    return client.post(change_url(article), {**values, "_working_copy": "1"})


def reader_page(article, language="en"):
    return Client().get(f"/{language}/articles/{article.slug}/").content.decode()


def test_a_working_copy_keeps_the_changes_while_readers_see_the_published_article(article, notices):
    response = keep_copy(editor(), article, title_en="A corrected lab story", **{"sections-0-body_en": "Corrected."})
    assert response.status_code == 302
    assert "A lab story" in reader_page(article)
    assert "Corrected." not in reader_page(article)
    assert Article.objects.get(pk=article.pk).title_en == "A lab story"
    assert WorkingCopy.objects.get(article=article).data["title_en"] == ["A corrected lab story"]
    assert notices == []  # nothing reached search or the page cache
    assert Version.objects.get_for_object(article).count() == 0


def test_the_change_form_of_an_article_with_a_working_copy_edits_the_copy_and_says_whose_it_is(article):
    keep_copy(editor("lisi"), article, title_en="A corrected lab story")
    html = editor("zhang").get(change_url(article)).content.decode()
    assert form_values(html, "article_form")["title_en"] == "A corrected lab story"
    assert "last saved by lisi" in html
    assert f"/admin/articles/article/{article.pk}/working-copy/zh-hant/" in html
    assert "Publish the working copy" in html
    assert "errornote" not in html


def test_the_preview_shows_the_working_copy_on_the_real_page_marked_and_never_cached(article):
    client = editor()
    keep_copy(client, article, title_en="A corrected lab story", **{"sections-0-body_en": "Corrected text."})
    response = client.get(f"/admin/articles/article/{article.pk}/working-copy/en/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Corrected text." in html and "A corrected lab story" in html
    assert "The working copy saved by zhang (at " in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "data-read-url" not in html  # a preview is not a reading
    assert "Corrected text." not in reader_page(article)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "更正后的文字。"), ("zh-hant", "更正後的文字。"), ("en", "Corrected text.")],
)
def test_the_side_by_side_preview_shows_the_copy_in_each_reading_language(article, language, expected):
    client = editor()
    keep_copy(client, article, **{"sections-0-body_zh_hans": "更正后的文字。", "sections-0-body_en": "Corrected text."})
    html = client.get(f"/admin/articles/article/{article.pk}/working-copy/{language}/bilingual/").content.decode()
    assert expected in html
    assert f'<html lang="{ {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant", "en": "en"}[language] }"' in html


def test_publishing_the_working_copy_is_one_change_and_one_history_entry(article, notices):
    client = editor()
    keep_copy(client, article, title_en="A corrected lab story", **{"sections-0-body_en": "Corrected."})
    copy = WorkingCopy.objects.get(article=article)
    response = client.post(f"/admin/articles/article/{article.pk}/working-copy-publish/", {"version": copy.version})
    assert response.status_code == 302
    assert "A corrected lab story" in reader_page(article) and "Corrected." in reader_page(article)
    assert Version.objects.get_for_object(article).count() == 1
    assert [change.articles for change in notices] == [frozenset({article.pk})]
    assert not WorkingCopy.objects.filter(article=article).exists()


def test_publishing_is_refused_when_the_article_changed_since_the_copy_was_started(article):
    client = editor()
    keep_copy(client, article, title_en="A corrected lab story")
    copy = WorkingCopy.objects.get(article=article)
    article.summary_en = "Changed by the loader meanwhile."
    article.save()
    response = client.post(
        f"/admin/articles/article/{article.pk}/working-copy-publish/", {"version": copy.version}, follow=True
    )
    html = response.content.decode()
    assert "The working copy was not published" in html
    assert "can no longer be published" in html
    assert Article.objects.get(pk=article.pk).title_en == "A lab story"
    assert WorkingCopy.objects.filter(article=article).exists()


def test_a_second_editors_working_copy_over_a_newer_one_is_refused_with_the_input_kept(article):
    zhang, lisi = editor("zhang"), editor("lisi")
    zhang_form, lisi_form = opened_form(zhang, article), opened_form(lisi, article)
    lisi.post(change_url(article), {**lisi_form, "title_en": "Lisi's correction", "_working_copy": "1"})
    response = zhang.post(change_url(article), {**zhang_form, "title_en": "Zhang's correction", "_working_copy": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "lisi saved a working copy of this article at" in html
    assert form_values(html, "article_form")["title_en"] == "Zhang's correction"
    assert WorkingCopy.objects.get(article=article).data["title_en"] == ["Lisi's correction"]


def test_saving_the_form_of_an_older_page_over_a_working_copy_is_refused(article):
    zhang, lisi = editor("zhang"), editor("lisi")
    zhang_form = opened_form(zhang, article)
    keep_copy(lisi, article, title_en="Lisi's correction")
    response = zhang.post(change_url(article), {**zhang_form, "title_en": "Zhang's edit", "_save": "1"})
    assert response.status_code == 200
    assert "lisi saved a working copy" in response.content.decode()
    assert Article.objects.get(pk=article.pk).title_en == "A lab story"


def test_saving_the_form_that_shows_the_copy_publishes_it(article):
    client = editor()
    keep_copy(client, article, title_en="A corrected lab story")
    values = opened_form(client, article)
    response = client.post(change_url(article), {**values, "_save": "1"})
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).title_en == "A corrected lab story"
    assert not WorkingCopy.objects.exists()


def test_discarding_the_working_copy_changes_nothing_live_and_removes_its_images(article, notices, settings):
    client = editor()
    values = opened_form(client, article)
    values["sections-0-figures-0-image"] = SimpleUploadedFile("new.png", picture(), "image/png")
    client.post(change_url(article), {**values, "_working_copy": "1"})
    copy = WorkingCopy.objects.get(article=article)
    stored = Path(settings.MEDIA_ROOT) / copy.files["sections-0-figures-0-image"]
    assert stored.exists()
    assert not Figure.objects.get().image  # the live figure still has none
    response = client.post(f"/admin/articles/article/{article.pk}/working-copy-discard/", {"version": copy.version})
    assert response.status_code == 302
    assert not WorkingCopy.objects.exists() and not stored.exists()
    assert notices == []
    assert Article.objects.get(pk=article.pk).updated_at == article.updated_at


def test_an_image_chosen_in_the_working_copy_is_previewed_and_published_as_a_new_file(article, settings):
    client = editor()
    values = opened_form(client, article)
    values["sections-0-figures-0-image"] = SimpleUploadedFile("new.png", picture(), "image/png")
    client.post(change_url(article), {**values, "_working_copy": "1"})
    copy = WorkingCopy.objects.get(article=article)
    preview = client.get(f"/admin/articles/article/{article.pk}/working-copy/en/").content.decode()
    assert f"/media/{copy.files['sections-0-figures-0-image']}" in preview
    # Editing the copy again without choosing the image again keeps it.
    again = opened_form(client, article)
    client.post(change_url(article), {**again, "title_en": "Retitled", "_working_copy": "1"})
    copy = WorkingCopy.objects.get(article=article)
    assert "sections-0-figures-0-image" in copy.files
    client.post(f"/admin/articles/article/{article.pk}/working-copy-publish/", {"version": copy.version})
    figure = Figure.objects.get()
    assert figure.image.name.startswith("figures/") and figure.image_width == 400
    assert not (Path(settings.MEDIA_ROOT) / copy.files["sections-0-figures-0-image"]).exists()


def test_the_preview_of_unsaved_changes_renders_the_form_without_saving_anything(article, notices):
    client = editor()
    values = opened_form(client, article)
    values.update({"title_en": "Not saved yet", "sections-0-body_en": "Typed, not saved."})
    response = client.post(f"/admin/articles/article/{article.pk}/preview/", {**values, "preview_language": "en"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Not saved yet" in html and "Typed, not saved." in html
    assert "Unsaved changes from the edit form" in html
    assert Article.objects.get(pk=article.pk).title_en == "A lab story"
    assert not WorkingCopy.objects.exists() and notices == []


def test_the_preview_of_unsaved_changes_works_for_a_draft_with_a_new_section_and_image(db):
    draft = make_article(slug="draft-story", status=Article.Status.DRAFT)
    client = editor()
    values = opened_form(client, draft)
    values.update(
        {
            "sections-TOTAL_FORMS": "1",
            "sections-0-position": "1",
            "sections-0-level": "2",
            "sections-0-heading_en": "A new section",
            "sections-0-body_en": "Its first words.",
            "sections-0-figures-TOTAL_FORMS": "1",
            "sections-0-figures-INITIAL_FORMS": "0",
            "sections-0-figures-0-position": "1",
            "sections-0-figures-0-caption_en": "A new picture",
            "sections-0-figures-0-image": SimpleUploadedFile("new.png", picture(), "image/png"),
        }
    )
    html = client.post(f"/admin/articles/article/{draft.pk}/preview/", {**values, "preview_language": "en"})
    html = html.content.decode()
    assert "A new section" in html and "Its first words." in html and "A new picture" in html
    assert 'src="data:image/png;base64,' in html
    assert "This article is a draft" in html
    assert not draft.sections.exists()


def test_the_preview_of_a_form_with_errors_says_what_is_wrong(article):
    client = editor()
    values = {**opened_form(client, article), "title_zh_hans": ""}
    response = client.post(f"/admin/articles/article/{article.pk}/preview/", values)
    assert response.status_code == 200
    assert "The preview cannot be shown" in response.content.decode()


def test_deleting_the_article_deletes_its_working_copy_and_images(article, settings):
    client = editor()
    values = opened_form(client, article)
    values["sections-0-figures-0-image"] = SimpleUploadedFile("new.png", picture(), "image/png")
    client.post(change_url(article), {**values, "_working_copy": "1"})
    stored = Path(settings.MEDIA_ROOT) / WorkingCopy.objects.get().files["sections-0-figures-0-image"]
    other = make_article(slug="other-story")
    keep_copy(client, other, title_en="Other correction")
    response = client.post(
        "/admin/articles/article/", {"action": "delete_selected", "_selected_action": [article.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert list(WorkingCopy.objects.values_list("article__slug", flat=True)) == ["other-story"]
    assert not stored.exists()


def test_a_working_copy_is_offered_for_published_articles_only(db):
    draft = make_article(slug="draft-story", status=Article.Status.DRAFT)
    html = editor().get(change_url(draft)).content.decode()
    assert 'name="_working_copy"' not in html
    assert 'name="_preview"' in html


def test_an_editor_who_may_only_view_articles_is_refused(article):
    keep_copy(editor(), article, title_en="A corrected lab story")
    viewer = User.objects.create_user("viewer", "viewer@example.com", PASSWORD, is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    client = Client()
    client.force_login(viewer)
    for url in ("working-copy/en/", "working-copy-publish/", "working-copy-discard/", "preview/"):
        assert client.get(f"/admin/articles/article/{article.pk}/{url}").status_code == 403
        assert client.post(f"/admin/articles/article/{article.pk}/{url}").status_code == 403
    assert WorkingCopy.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/articles/article/999999/working-copy/en/",
        "/admin/articles/article/abc/working-copy-publish/",
        f"/admin/articles/article/{2**70}/working-copy-discard/",
        "/admin/articles/article/{pk}/working-copy/xx/",
    ],
)
def test_bad_addresses_get_404(article, url):
    assert editor().get(url.format(pk=article.pk)).status_code == 404


def test_publishing_needs_a_post_with_the_token(article):
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.create_superuser("wang", "wang@example.com", PASSWORD))
    keep_copy(editor(), article, title_en="A corrected lab story")
    copy = WorkingCopy.objects.get()
    response = client.post(f"/admin/articles/article/{article.pk}/working-copy-publish/", {"version": copy.version})
    assert response.status_code == 403
    assert Article.objects.get(pk=article.pk).title_en == "A lab story"


def test_a_publish_confirmed_from_a_page_older_than_the_copy_is_refused(article):
    client = editor()
    keep_copy(client, article, title_en="A corrected lab story")
    response = client.post(
        f"/admin/articles/article/{article.pk}/working-copy-publish/", {"version": "2000-01-01"}, follow=True
    )
    assert "The working copy changed after you opened this page" in response.content.decode()
    assert Article.objects.get(pk=article.pk).title_en == "A lab story"


@pytest.mark.parametrize("added", [0, 10])
def test_the_preview_page_makes_a_fixed_number_of_queries_and_one_more_per_figure(
    article, added, django_assert_max_num_queries
):
    # Checking the copy's form looks up each inline form's row once (Django's
    # formsets do); the page itself reads the rest in a fixed number of queries.
    section = article.sections.get()
    for number in range(added):
        make_figure(section, label_en=f"Figure {number + 2}")
    client = editor()
    keep_copy(client, article, title_en="A corrected lab story")
    with django_assert_max_num_queries(21 + added):
        assert client.get(f"/admin/articles/article/{article.pk}/working-copy/en/").status_code == 200
    with django_assert_max_num_queries(17 + added):
        assert client.get(f"/admin/articles/article/{article.pk}/working-copy/en/bilingual/").status_code == 200


def test_the_working_copy_notice_speaks_chinese_to_a_chinese_admin(article):
    keep_copy(editor("lisi"), article, title_en="A corrected lab story")
    html = editor("zhang", "zh-CN").get(change_url(article)).content.decode()
    assert "工作副本" in html


def test_restoring_a_past_version_keeps_the_working_copy_and_marks_it_out_of_date(article):
    client = editor()
    client.post(change_url(article), {**opened_form(client, article), "title_en": "Second title", "_save": "1"})
    version = Version.objects.get_for_object(article).get()
    keep_copy(client, article, title_en="A corrected lab story")
    restore = f"/admin/articles/article/{article.pk}/history/{version.pk}/"
    values = form_values(client.get(restore).content.decode(), "article_form")
    assert client.post(restore, values).status_code == 302
    assert WorkingCopy.objects.get(article=article).data["title_en"] == ["A corrected lab story"]
    assert "can no longer be published" in client.get(change_url(article)).content.decode()


def test_a_double_sent_working_copy_is_kept_once_and_the_second_send_is_refused(article):
    client = editor()
    values = {**opened_form(client, article), "title_en": "A corrected lab story", "_working_copy": "1"}
    assert client.post(change_url(article), values).status_code == 302
    again = client.post(change_url(article), values)
    assert again.status_code == 200
    assert form_values(again.content.decode(), "article_form")["title_en"] == "A corrected lab story"
    assert WorkingCopy.objects.count() == 1


@pytest.mark.parametrize(
    "posted", [{}, {"sections-TOTAL_FORMS": "x"}, {"sections-TOTAL_FORMS": "-1", "title_en": "x" * 10_000}]
)
def test_a_preview_of_a_mangled_form_is_refused_clearly(article, posted):
    response = editor().post(f"/admin/articles/article/{article.pk}/preview/", posted)
    assert response.status_code == 200
    assert "The preview cannot be shown" in response.content.decode()


def test_two_editors_keeping_a_working_copy_at_the_same_moment_get_one_copy_and_one_refusal(servers):
    """Two server processes on one database: the article's row lock takes the two keeps one after the other."""
    editors = [editor_on(base) for base in servers]
    _status, listing = editors[0].get(servers[0] + "/admin/articles/article/?q=guangdong-open-letter-covid-science")
    change = re.search(r'href="(/admin/articles/article/\d+/change/)', listing).group(1)
    discard_url = servers[0] + change.replace("/change/", "/working-copy-discard/")
    discard(editors[0], discard_url)  # one an earlier run on this database left
    for attempt in range(3):
        forms = [
            form_values(editor.get(base + change)[1], "article_form")
            for editor, base in zip(editors, servers, strict=True)
        ]
        assert forms[0]["working_copy_version"] == forms[1]["working_copy_version"]
        for index, form in enumerate(forms):
            form.update(summary_en=form["summary_en"] + f" [copy {attempt}-{index}]", _working_copy="1")
        start = threading.Barrier(2)
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            results = list(pool.map(save_at_once, editors, [base + change for base in servers], forms, [start] * 2))
        assert sorted(status for status, _page in results) == [200, 302]
        refused = next(page for status, page in results if status == 200)
        assert "saved a working copy of this article at" in refused or "保存了这篇文章的工作副本" in refused
    discard(editors[0], discard_url)


def discard(editor, url):
    """Discard the article's working copy, if it has one, as its confirmation page does."""
    try:
        _status, page = editor.get(url)
    except urllib.error.HTTPError:  # none: the address sends the editor back to the form
        return
    version = re.search(r'name="version" value="([^"]+)"', page)
    if version:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        assert editor.post(url, {"csrfmiddlewaretoken": token, "version": version.group(1)})[0] == 302


def test_an_image_the_storage_refuses_brings_the_form_back_and_keeps_no_copy(article, monkeypatch):
    import desk.working_copies

    def refuse(*args, **kwargs):
        raise OSError("read-only file system")

    monkeypatch.setattr(desk.working_copies.default_storage, "save", refuse)
    client = editor()
    values = {**opened_form(client, article), "title_en": "A corrected lab story", "_working_copy": "1"}
    values["sections-0-figures-0-image"] = SimpleUploadedFile("new.png", picture(), "image/png")
    response = client.post(change_url(article), values)
    html = response.content.decode()
    assert response.status_code == 200
    assert "The image could not be stored just now" in html
    assert form_values(html, "article_form")["title_en"] == "A corrected lab story"
    assert not WorkingCopy.objects.exists()
