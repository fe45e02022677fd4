"""The translation desk (issue 14): paragraph pairs, their state, editing in place, confirming, and readers' marks."""

import re

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from reversion.models import Version

from articles.models import Article, Section

from .factories import make_article, make_category, make_section
from .pages import page_text
from .test_fuzz import budget, hostile_text

pytestmark = pytest.mark.django_db

ZH = "第一段。\n\n第二段。\n\n第三段。"
EN = "First paragraph.\n\nSecond paragraph.\n\nThird paragraph."


def editor_client(name, language="en"):
    client = Client(headers={"accept-language": language})
    client.force_login(User.objects.create_superuser(name, f"{name}@example.com", "pw-long-enough-123"))
    return client


def desk_url(article):
    return f"/admin/articles/article/{article.pk}/translate/"


def states_on_desk(html):
    """[(section pk, pair number, state)] as the desk shows them, in order."""
    return [(int(pk), int(number), state) for state, pk, number in PAIR.findall(html)]


PAIR = re.compile(r'<div class="tr-pair tr-(\w+)" id="pair-(\d+)-(\d+)"')


def loaded_version(html):
    return re.search(r'name="loaded_version" value="([^"]*)"', html)[1]


def desk_form(html, section):
    """The desk's form as the page sends it: the version and every box of `section`."""
    data = {"loaded_version": loaded_version(html)}
    for index, value in re.findall(rf'name="t-{section.pk}-(\d+)"[^>]*>([^<]*)</textarea>', html):
        data[f"t-{section.pk}-{index}"] = value.replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&")
    return data


def bilingual_text(client, article, language="en"):
    with translation.override(language):
        return page_text(client.get(f"/{language}/articles/{article.slug}/bilingual/").content.decode())


@pytest.fixture
def article():
    article = make_article(slug="lab-story", title_en="A lab story", category=make_category())
    make_section(article, body_zh_hans=ZH, body_en=EN)
    return article


def test_each_pair_is_current_missing_extra_or_stale_and_only_the_changed_original_is_stale(article):
    section = article.sections.get()
    assert [pair.state for pair in section.translation_pairs()] == ["current"] * 3

    section.body_zh_hans = "第一段，改了一个字。\n\n第二段。\n\n第三段。\n\n第四段。"
    section.save()
    assert [pair.state for pair in Section.objects.get().translation_pairs()] == [
        "stale",
        "current",
        "current",
        "missing",
    ]

    section.body_en = EN + "\n\nFourth paragraph.\n\nA fifth the original does not have."
    section.save()
    assert [pair.state for pair in Section.objects.get().translation_pairs()] == [
        "stale",
        "current",
        "current",
        "current",
        "extra",
    ]
    html = editor_client("wang").get(desk_url(article)).content.decode()
    assert [state for _pk, _number, state in states_on_desk(html)] == [
        "stale",
        "current",
        "current",
        "current",
        "extra",
    ]
    text = page_text(html, "main")
    assert "Original changed since this translation was last edited" in text
    assert "1 pair out of date, 1 extra" in text


def test_an_original_changed_back_to_what_was_translated_is_current_again(article):
    section = article.sections.get()
    section.body_zh_hans = ZH.replace("第二段。", "第二段，已改。")
    section.save()
    assert [pair.state for pair in section.translation_pairs()] == ["current", "stale", "current"]
    section.body_zh_hans = ZH
    section.save()
    assert [pair.state for pair in section.translation_pairs()] == ["current"] * 3


def test_an_english_original_translated_into_chinese_marks_the_chinese_pairs(db):
    article = make_article(slug="en-first", original_language=Article.Original.ENGLISH)
    section = make_section(article, body_zh_hans="第一段。", body_en="First paragraph.\n\nSecond paragraph.")
    section.body_en = "First paragraph, with a typo fixed.\n\nSecond paragraph."
    section.save()
    assert [pair.state for pair in section.translation_pairs()] == ["stale", "missing"]
    html = editor_client("wang").get(desk_url(article)).content.decode()
    # The original (English) is on the left, the Chinese boxes are the translation.
    assert '<div class="tr-original" lang="en">' in html
    assert re.search(rf'<textarea id="t-{section.pk}-0" name="t-{section.pk}-0" lang="zh-Hans"', html)
    assert "1 pair out of date, 1 missing" in page_text(html, "main")
    # Changing the Chinese (the translation) never marks a pair stale.
    section.body_zh_hans = "第一段，新译。"
    section.save()
    assert [pair.state for pair in section.translation_pairs()] == ["current", "missing"]


def test_a_traditional_original_is_shown_in_traditional(db):
    article = make_article(slug="letter", chinese_script=Article.Script.TRADITIONAL)
    make_section(article, body_zh_hans="關於科學的一封信。", body_en="A letter about science.")
    html = editor_client("wang", "zh-hans").get(desk_url(article)).content.decode()
    assert '<div class="tr-original" lang="zh-Hant">' in html
    assert "關於科學的一封信。" in html
    assert "关于科学" not in html


def test_saving_a_translation_pair_by_pair_clears_its_state_and_keeps_one_version(article):
    section = article.sections.get()
    section.body_zh_hans = ZH + "\n\n第四段。"
    section.save()
    client = editor_client("wang")
    html = client.get(desk_url(article)).content.decode()
    data = desk_form(html, section)
    assert data[f"t-{section.pk}-3"] == ""
    data[f"t-{section.pk}-3"] = "Fourth paragraph."
    versions = Version.objects.get_for_object(article).count()
    response = client.post(desk_url(article), data)
    assert response.status_code == 302
    section.refresh_from_db()
    assert section.body_en == EN + "\n\nFourth paragraph."
    assert [pair.state for pair in section.translation_pairs()] == ["current"] * 4
    assert Version.objects.get_for_object(article).count() == versions + 1
    article.refresh_from_db()
    assert article.updated_by.username == "wang"
    after = client.get(desk_url(article)).content.decode()
    assert "The translation of 1 section was saved." in page_text(after, "main")
    history = page_text(client.get(f"/admin/articles/article/{article.pk}/history/").content.decode(), "main")
    assert "Changed Body (English) for section “Heading”." in history


def test_confirming_a_typo_fix_clears_the_pair_and_the_readers_note(article):
    section = article.sections.get()
    reader = Client()
    assert "may be out of date" not in bilingual_text(reader, article)
    section.body_zh_hans = ZH.replace("第二段。", "第二段!")
    section.save()
    text = bilingual_text(reader, article)
    assert "may be out of date" in text
    assert text.count("this translation may be out of date") == 1
    english_page = page_text(reader.get(f"/en/articles/{article.slug}/").content.decode())
    assert "the translation may be out of date" in english_page

    client = editor_client("wang")
    html = client.get(desk_url(article)).content.decode()
    data = desk_form(html, section) | {"confirm": f"{section.pk}-1"}
    assert client.post(desk_url(article), data).status_code == 302
    section.refresh_from_db()
    assert section.body_en == EN  # the text is as it was
    assert [pair.state for pair in section.translation_pairs()] == ["current"] * 3
    assert "may be out of date" not in bilingual_text(reader, article)
    assert "may be out of date" not in page_text(reader.get(f"/en/articles/{article.slug}/").content.decode())


def test_a_colleagues_save_in_between_is_refused_with_the_typed_text_kept(article):
    section = article.sections.get()
    first, second = editor_client("wang"), editor_client("li")
    first_data = desk_form(first.get(desk_url(article)).content.decode(), section)
    second_data = desk_form(second.get(desk_url(article)).content.decode(), section)

    second_data[f"t-{section.pk}-1"] = "Li's second paragraph."
    assert second.post(desk_url(article), second_data).status_code == 302

    first_data[f"t-{section.pk}-2"] = "Wang's third paragraph."
    response = first.post(desk_url(article), first_data)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Li saved this article at" in page_text(html, "main")
    assert "Wang&#x27;s third paragraph." in html  # still in its box
    assert "Saved meanwhile by your colleague:" in html
    section.refresh_from_db()
    assert section.body_en == "First paragraph.\n\nLi's second paragraph.\n\nThird paragraph."

    # Having seen the colleague's text, the editor saves again on purpose.
    again = desk_form(html, section)
    assert again[f"t-{section.pk}-2"] == "Wang's third paragraph."
    assert first.post(desk_url(article), again).status_code == 302
    section.refresh_from_db()
    assert section.body_en == "First paragraph.\n\nSecond paragraph.\n\nWang's third paragraph."


def test_a_colleagues_article_form_save_after_a_desk_save_is_refused(article):
    from .admin_forms import form_values

    section = article.sections.get()
    form_client, desk_client = editor_client("li"), editor_client("wang")
    form = form_values(
        form_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode(), "article_form"
    )
    data = desk_form(desk_client.get(desk_url(article)).content.decode(), section)
    data[f"t-{section.pk}-0"] = "Wang's first paragraph."
    assert desk_client.post(desk_url(article), data).status_code == 302
    form["title_en"] = "Li's title"
    response = form_client.post(f"/admin/articles/article/{article.pk}/change/", form)
    assert response.status_code == 200
    assert "wang saved this article at" in page_text(response.content.decode(), "main")
    section.refresh_from_db()
    assert section.body_en.startswith("Wang's first paragraph.")


def test_a_double_submit_saves_once_and_says_so(article):
    section = article.sections.get()
    client = editor_client("wang")
    data = desk_form(client.get(desk_url(article)).content.decode(), section)
    data[f"t-{section.pk}-0"] = "First, retranslated."
    versions = Version.objects.get_for_object(article).count()
    assert client.post(desk_url(article), data).status_code == 302
    response = client.post(desk_url(article), data, follow=True)
    assert response.status_code == 200
    assert "Nothing to save" in page_text(response.content.decode(), "main")
    assert Version.objects.get_for_object(article).count() == versions + 1


def test_the_desk_is_for_editors_who_may_change_articles(article):
    viewer = User.objects.create_user("reader-staff", password="pw-long-enough-123", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    client = Client()
    client.force_login(viewer)
    assert client.get(desk_url(article)).status_code == 403
    assert client.post(desk_url(article), {"confirm": "1-0"}).status_code == 403
    assert Client().get(desk_url(article)).status_code == 302  # to the login page
    editors = Group.objects.get(name="Editors")
    editor = User.objects.create_user("editor", password="pw-long-enough-123", is_staff=True)
    editor.groups.add(editors)
    client.force_login(editor)
    assert client.get(desk_url(article)).status_code == 200


@pytest.mark.parametrize("object_id", ["999999", "0", "9" * 30, "abc", "1.5", "-1", "%C3%A9"])
def test_an_article_that_does_not_exist_is_a_404(article, object_id):
    assert editor_client("wang").get(f"/admin/articles/article/{object_id}/translate/").status_code == 404


@pytest.mark.parametrize(
    "extra",
    [
        {"confirm": "garbage"},
        {"confirm": "99999999-0"},
        {"confirm": "9" * 40},
        {"t-99999999-0": "A section of another article"},
        {"t-{pk}-5000": "far past the end"},
        {"loaded_version": "not a version", "t-{pk}-0": "Changed."},
        {"confirm": "{pk}-99999"},
        {"t-{pk}-0": "A NUL \x00 character."},
        {"t-{pk}-0": "\n\n".join(["Many paragraphs."] * 3000)},
    ],
)
def test_bad_input_gets_a_clear_answer_and_changes_nothing(article, extra):
    section = article.sections.get()
    other = make_section(make_article(slug="other"), body_en="Other.")
    client = editor_client("wang")
    data = desk_form(client.get(desk_url(article)).content.decode(), section)
    data.update({key.format(pk=section.pk): value.replace("99999999", str(other.pk)) for key, value in extra.items()})
    data = {key.replace("99999999", str(other.pk)): value for key, value in data.items()}
    response = client.post(desk_url(article), data)
    assert response.status_code in (302, 400, 409)
    section.refresh_from_db()
    assert section.body_en == EN
    assert Section.objects.get(pk=other.pk).body_en == "Other."


def test_other_methods_are_refused(article):
    assert editor_client("wang").put(desk_url(article)).status_code == 405


def test_the_change_list_and_the_form_show_each_pairs_state_and_lead_to_the_desk(article):
    section = article.sections.get()
    section.body_zh_hans = "第一段！\n\n第二段！\n\n第三段。\n\n第四段。"
    section.save()
    client = editor_client("wang")
    listing = client.get("/admin/articles/article/").content.decode()
    assert "2 pairs out of date, 1 missing" in page_text(listing, "table")
    assert f'href="{desk_url(article)}"' in listing
    stale = page_text(client.get("/admin/articles/article/?translation=stale").content.decode(), "table")
    assert "A lab story" in stale

    form = page_text(client.get(f"/admin/articles/article/{article.pk}/change/").content.decode(), "main")
    assert "Pair 1: Original changed since this translation was last edited" in form
    assert "Pair 4: Not translated" in form
    assert "Pair 3" not in form
    assert "Open the translation desk" in form


def test_the_desk_speaks_chinese_to_a_chinese_editor(article):
    section = article.sections.get()
    section.body_zh_hans = ZH.replace("第一段。", "第一段！")
    section.save()
    text = page_text(editor_client("wang", "zh-hans").get(desk_url(article)).content.decode(), "main")
    assert "译文仍然成立" in text
    assert "The translation still holds" not in text


def test_a_version_restored_brings_back_its_pair_states(article):
    section = article.sections.get()
    client = editor_client("wang")
    data = desk_form(client.get(desk_url(article)).content.decode(), section)
    data[f"t-{section.pk}-0"] = "First, retranslated."
    client.post(desk_url(article), data)
    first = Version.objects.get_for_object(article).first()
    section.body_zh_hans = ZH.replace("第一段。", "第一段！")
    section.save()
    assert [pair.state for pair in Section.objects.get().translation_pairs()][0] == "stale"
    first.revision.revert(delete=True)
    assert [pair.state for pair in Section.objects.get().translation_pairs()] == ["current"] * 3


def test_the_article_form_and_restoring_a_version_keep_each_pairs_state(article):
    from .admin_forms import form_values

    client = editor_client("wang")
    change = f"/admin/articles/article/{article.pk}/change/"

    def save_form(**fields):
        values = form_values(client.get(change).content.decode(), "article_form")
        values.update(fields)
        assert client.post(change, values).status_code == 302

    save_form(**{"sections-0-body_zh_hans": ZH.replace("第三段。", "第三段！")})  # only the original
    assert [pair.state for pair in Section.objects.get().translation_pairs()] == ["current", "current", "stale"]
    save_form(**{"sections-0-body_en": EN.replace("Third paragraph.", "Third paragraph, again.")})
    assert [pair.state for pair in Section.objects.get().translation_pairs()] == ["current"] * 3

    # Restore the version in which pair 3 was out of date: its state comes back with its text.
    stale_version = Version.objects.get_for_object(article).order_by("pk")[0]
    restore = f"/admin/articles/article/{article.pk}/history/{stale_version.pk}/"
    assert client.post(restore, form_values(client.get(restore).content.decode(), "article_form")).status_code == 302
    section = Section.objects.get()
    assert section.body_en == EN
    assert [pair.state for pair in section.translation_pairs()] == ["current", "current", "stale"]


def test_generated_articles_start_with_every_pair_current_and_a_typo_fix_marks_one(db):
    make_category()
    call_command("generate_articles", "3", stdout=open("/dev/null", "w"))
    sections = (
        Section.objects.filter(article__slug__startswith="synthetic-").exclude(body_zh_hans="").exclude(body_en="")
    )
    assert sections
    for section in sections:
        assert all(pair.state in ("current", "missing", "extra") for pair in section.translation_pairs())
    section = sections.first()
    original = "body_en" if section.article.original_language == Article.Original.ENGLISH else "body_zh_hans"
    setattr(section, original, "A typo, fixed. 一处笔误已改。\n\n" + getattr(section, original).partition("\n\n")[2])
    section.save()
    assert [pair.state for pair in section.translation_pairs()].count("stale") == 1


@pytest.mark.parametrize("sections", [1, 12])
def test_the_desk_page_makes_six_queries_however_many_sections(article, sections, django_assert_max_num_queries):
    for _ in range(sections - 1):
        make_section(article, body_zh_hans=ZH, body_en=EN)
    editor = User.objects.create_user("editor", password="pw-long-enough-123", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(editor)
    # session, user, the user's permissions (two: groups and own), the article, its sections
    with django_assert_max_num_queries(6):
        assert client.get(desk_url(article)).status_code == 200


# Any form the desk can be sent, by an editor: whatever the boxes, the
# confirmation and the version hold, the answer is never a server error, and
# a refused post leaves the section as it was.
DESK_KEYS = st.one_of(
    st.sampled_from(["t-{pk}-0", "t-{pk}-1", "t-{pk}-2", "t-{pk}-3", "confirm", "loaded_version", "save"]),
    st.builds("t-{{pk}}-{}".format, st.integers(min_value=0, max_value=10**6)),
    st.builds("t-{}-0".format, st.integers(min_value=-5, max_value=2**70)),
    hostile_text(),
)
DESK_VALUES = st.one_of(
    hostile_text(),
    st.sampled_from(["{pk}-0", "{pk}-1", "{pk}-7", "{version}", "0-0", "-1-1", str(2**64), "First paragraph."]),
    st.builds("{{pk}}-{}".format, st.integers(min_value=-(2**70), max_value=2**70)),
)


@given(form=st.dictionaries(DESK_KEYS, DESK_VALUES, max_size=6))
@settings(max_examples=budget(0.5))
def test_any_form_sent_to_the_desk_gets_an_answer_and_a_refusal_changes_nothing(article, form):
    section = article.sections.get()
    section.body_zh_hans = ZH.replace("第二段。", "第二段！")
    section.save()
    client = editor_client(f"editor-{User.objects.count()}")
    version = loaded_version(client.get(desk_url(article)).content.decode())
    data = {
        key.replace("{pk}", str(section.pk)): value.replace("{pk}", str(section.pk)).replace("{version}", version)
        for key, value in form.items()
    }
    before = Section.objects.get(pk=section.pk).body_en
    response = client.post(desk_url(article), data)
    assert response.status_code in (302, 400, 409), response.status_code
    if response.status_code != 302:
        assert Section.objects.get(pk=section.pk).body_en == before
