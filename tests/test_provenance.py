"""Who wrote what, and whose views: the provenance line and the view count in the three reading languages."""

import pytest
from django.urls import reverse
from django.utils import translation

from articles.models import Article

from .pages import page_text

pytestmark = pytest.mark.django_db

MAIN = "china-science-global-covid-fight"
NEWSLETTER = "china-acts-on-covid-cooperation"
LETTER = "guangdong-open-letter-covid-science"


def provenance(client, lang, slug):
    with translation.override(lang):
        response = client.get(reverse("articles:detail", args=[slug]))
    assert response.status_code == 200
    return page_text(response.content.decode(), "p"), response.content.decode()


def header(client, lang, slug):
    with translation.override(lang):
        html = client.get(reverse("articles:detail", args=[slug])).content.decode()
    return page_text(html, "header")


LETTER_LINES = {
    "en": [
        "Text: published by the author in Chinese and English, shown as published.",
        "Title: written by the archive; the source has none.",
        "Photo captions in English: translated by the archive from the author's Chinese.",
        "Source line in English: translated by the archive from the author's Chinese.",
    ],
    "zh-hans": [
        "正文：作者以中英文发表，按原文刊出。",
        "标题：原文没有标题，由本档案拟定。",
        "图片说明的英文：由本档案译自作者的中文。",
        "来源说明的英文：由本档案译自作者的中文。",
        "中文：原文以繁体发表，此处为自动转换的简体。",
    ],
    "zh-hant": [
        "正文：作者以中英文發表，按原文刊出。",
        "標題：原文沒有標題，由本檔案擬定。",
        "圖片說明的英文：由本檔案譯自作者的中文。",
        "來源說明的英文：由本檔案譯自作者的中文。",
    ],
}


@pytest.mark.parametrize("lang", LETTER_LINES)
def test_the_letter_says_what_the_author_published_and_what_the_archive_added(client, archive, lang):
    text = header(client, lang, LETTER)
    for line in LETTER_LINES[lang]:
        assert line in text, (lang, line)
    assert "Published in both languages by the author." not in text
    # Read in the script it was published in, nothing is said about conversion.
    if lang == "zh-hant":
        assert "自動轉換" not in text


def test_the_fixture_names_what_the_archive_added_to_the_letter(archive):
    letter = Article.objects.get(slug=LETTER)
    assert letter.title_by_archive is True
    assert letter.archive_translated == "caption_en, source_note_en"
    with translation.override("en"):
        assert [str(part) for part, _language, _original in letter.translated_parts] == [
            "Photo captions",
            "Source line",
        ]
    assert not Article.objects.exclude(slug=LETTER).filter(title_by_archive=True).exists()


def test_translated_sources_name_original_translation_and_conversion(client, archive):
    assert "Original: Chinese. English translation by the archive's editors." in header(client, "en", NEWSLETTER)
    assert "Title: written by the archive" not in header(client, "en", NEWSLETTER)
    assert "中文：原文以簡體發表，此處為自動轉換的繁體。" in header(client, "zh-hant", NEWSLETTER)
    assert "自动转换" not in header(client, "zh-hans", NEWSLETTER)


VIEWS = {
    "en": "Views at the source: 278 · here: 0",
    "zh-hans": "来源页浏览： 278 · 本站： 0",
    "zh-hant": "來源頁瀏覽： 278 · 本站： 0",
}


@pytest.mark.parametrize("lang", VIEWS)
def test_the_view_count_keeps_the_sources_count_apart_from_the_archives(client, archive, lang):
    assert VIEWS[lang] in header(client, lang, MAIN)


def test_an_article_whose_source_showed_no_count_shows_only_the_archives(client, archive):
    assert "Views here: 0" in header(client, "en", NEWSLETTER)
    assert "本站浏览： 0" in header(client, "zh-hans", NEWSLETTER)
    assert "at the source" not in header(client, "en", NEWSLETTER)


BROWSER = {"user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36"}


def test_readings_add_to_the_archives_count_only(client, archive):
    for _ in range(3):
        assert client.post(reverse("count-reading", args=[MAIN]), headers=BROWSER).json()["views"] in (0, 1, 2)
    article = Article.objects.get(slug=MAIN)
    assert (article.source_view_count, article.view_count) == (278, 3)
    assert "Views at the source: 278 · here: 3" in header(client, "en", MAIN)
