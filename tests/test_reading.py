"""Reading in Simplified, Traditional or English: scripts, switcher, provenance, reading aids."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Article

from .factories import make_article, make_category, make_section
from .pages import page_text, text_chunks

pytestmark = pytest.mark.django_db

NEWSLETTER = "china-acts-on-covid-cooperation"
LETTER = "guangdong-open-letter-covid-science"


def get(client, lang, name="articles:detail", *args):
    with translation.override(lang):
        return client.get(reverse(name, args=args))


def html_of(client, lang, slug):
    return get(client, lang, "articles:detail", slug).content.decode()


def test_traditional_page_of_the_newsletter_is_in_traditional(client, archive):
    html = html_of(client, "zh-hant", NEWSLETTER)
    text = page_text(html)
    assert "國際科技合作" in text
    assert "国际科技合作" not in text
    assert '<html lang="zh-Hant">' in html
    assert {lang for chunk, lang in text_chunks(html, "article") if "國際科技合作" in chunk} == {"zh-Hant"}


def test_simplified_page_of_the_letter_is_in_simplified_without_glosses(client, archive):
    html = html_of(client, "zh-hans", LETTER)
    text = page_text(html, "article")
    assert "关心和支持" in text
    for traditional_only in ("關心", "關(guān)", "(guān)", "實現"):
        assert traditional_only not in text
    assert {lang for chunk, lang in text_chunks(html, "article") if "关心和支持" in chunk} == {"zh-Hans"}


def test_sidebar_teasers_and_category_names_follow_the_script(client, archive):
    text = page_text(get(client, "zh-hant", "articles:index").content.decode())
    assert "財經" in text and "創新" in text and "新聞" in text
    assert "金融支持文化產業復甦主攻六方面" in text or "金融支持文化產業復蘇主攻六方面" in text
    assert "财经" not in text


@pytest.mark.parametrize(
    ("lang", "home", "published", "switcher_other"),
    [
        ("zh-hans", "首页", "发布时间：", "繁體中文"),
        ("zh-hant", "首頁", "發布時間：", "简体中文"),
        ("en", "Home", "Published:", "简体中文"),
    ],
)
def test_interface_strings_come_in_each_language(client, archive, lang, home, published, switcher_other):
    html = html_of(client, lang, NEWSLETTER)
    text = page_text(html)
    assert home in page_text(html, "nav")
    assert published in text
    assert switcher_other in text
    assert get(client, lang, "articles:index")["Content-Language"] == lang


def test_interface_dates_differ_by_language(client, archive):
    dates = {
        lang: page_text(html_of(client, lang, "china-science-global-covid-fight"), "header")
        for lang in ("zh-hans", "zh-hant", "en")
    }
    assert "2020年4月4日" in dates["zh-hans"] and "2020年4月4日" in dates["zh-hant"]
    assert "April 4, 2020" in dates["en"]


def test_switcher_on_an_article_links_to_the_same_article_in_the_other_two(client, archive):
    for lang, others in {
        "zh-hans": ("zh-hant", "en"),
        "zh-hant": ("zh-hans", "en"),
        "en": ("zh-hans", "zh-hant"),
    }.items():
        html = html_of(client, lang, NEWSLETTER)
        switcher = html[html.index('class="language-switcher"') :][:1200]
        for other in others:
            assert f'href="/{other}/articles/{NEWSLETTER}/"' in switcher


def test_missing_english_is_announced_and_the_chinese_shown_marked(client, db):
    article = make_article(title_en="", summary_en="", title_zh_hans="只有中文的文章", slug="zh-only")
    make_section(article, heading_en="", body_en="", body_zh_hans="中文正文。")
    html = html_of(client, "en", "zh-only")
    assert "have not been translated into English yet" in page_text(html)
    assert {lang for chunk, lang in text_chunks(html, "article") if "中文正文" in chunk} == {"zh-Hans"}


def test_each_article_names_its_original_and_translator(client, archive):
    letter = page_text(html_of(client, "en", LETTER))
    assert "Text: published by the author in Chinese and English, shown as published." in letter
    assert "Published in both languages by the author." not in letter  # it overclaimed: see test_provenance.py
    newsletter = page_text(html_of(client, "en", NEWSLETTER))
    assert "Original: Chinese." in newsletter
    assert "English translation by the archive's editors." in newsletter
    assert "英文由本档案编辑翻译" in page_text(html_of(client, "zh-hans", NEWSLETTER))


def test_a_translation_older_than_a_change_of_its_original_is_marked(client, archive):
    section = Article.objects.get(slug=NEWSLETTER).sections.filter(level=3).first()
    assert "may be out of date" not in page_text(html_of(client, "en", NEWSLETTER))
    section.body_zh_hans += "\n\n编辑补充的一段。"
    section.save()
    assert "may be out of date" in page_text(html_of(client, "en", NEWSLETTER))
    section.body_en += "\n\nAn added paragraph."
    section.save()
    assert "may be out of date" not in page_text(html_of(client, "en", NEWSLETTER))


def test_an_article_published_in_both_languages_is_never_marked_stale(client, archive):
    section = Article.objects.get(slug=LETTER).sections.first()
    section.body_zh_hans += "\n\n補充。"
    section.save()
    assert "may be out of date" not in page_text(html_of(client, "en", LETTER))


def test_reading_time_is_given_per_language(client, db):
    article = make_article(slug="long-read")
    make_section(article, body_zh_hans="字" * 2000, body_en=" ".join(["word"] * 660))
    assert "3 min read" in page_text(html_of(client, "en", "long-read"))
    assert "阅读约 5 分钟" in page_text(html_of(client, "zh-hans", "long-read"))


def test_related_articles_come_from_the_same_category_and_exclude_unpublished(client, db):
    news, finance = make_category(slug="news"), make_category(slug="finance", name_en="Finance")
    article = make_article(slug="main", category=news)
    make_article(slug="same", category=news, title_en="Same category story")
    make_article(slug="other", category=finance, title_en="Other category story")
    make_article(
        slug="later",
        category=news,
        title_en="Scheduled story",
        published_at=timezone.now() + datetime.timedelta(days=1),
    )
    related = page_text(html_of(client, "en", article.slug), "section#related")
    assert "Same category story" in related
    assert "Other category story" not in related and "Scheduled story" not in related
