"""The side-by-side page: Chinese and English aligned by section, then by paragraph."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from articles.markup import paragraphs
from articles.models import Article

from .factories import make_article, make_section
from .pages import VOID

pytestmark = pytest.mark.django_db


class Pairs(HTMLParser):
    """Collects each `.pair` row as (chinese text, chinese lang, english text, english lang)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows, self.depth, self.cell, self.stack = [], 0, None, []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        self.stack.append(tag)
        if "pair" in classes and "pair-labels" not in classes:
            self.rows.append({"kind": classes, "zh": "", "en": "", "zh_lang": None, "en_lang": None})
            self.depth = len(self.stack)
        if self.rows and len(self.stack) == self.depth + 1 and ("col-zh" in classes or "col-en" in classes):
            self.cell = "zh" if "col-zh" in classes else "en"
            self.rows[-1][f"{self.cell}_lang"] = attrs.get("lang")

    def handle_endtag(self, tag):
        if self.stack:
            if self.cell and len(self.stack) == self.depth + 1:
                self.cell = None
            if len(self.stack) == self.depth:
                self.depth = 0
            self.stack.pop()

    def handle_data(self, data):
        if self.cell and self.depth:
            self.rows[-1][self.cell] += data


def pairs_of(client, lang, slug):
    with translation.override(lang):
        response = client.get(reverse("articles:bilingual", args=[slug]))
    assert response.status_code == 200
    parser = Pairs()
    parser.feed(response.content.decode())
    return parser.rows


def squeeze(text):
    return re.sub(r"\s+", "", text)


def test_the_letter_pairs_every_chinese_paragraph_with_its_english_in_order(client, archive):
    letter = Article.objects.get(slug="guangdong-open-letter-covid-science")
    rows = [row for row in pairs_of(client, "zh-hant", letter.slug) if row["kind"] == ["pair"]]
    chinese = [p for section in letter.sections.all() for p in paragraphs(section.body_zh_hans)]
    english = [p for section in letter.sections.all() for p in paragraphs(section.body_en)]
    assert len(rows) == len(chinese) == len(english)
    assert squeeze(rows[0]["zh"]).startswith("尊敬的外國專家和朋友")
    assert rows[0]["en"].strip().startswith("Distinguished foreign experts and friends")
    assert "在世界各國友人的關心和支持下" in rows[1]["zh"] and rows[1]["en"].strip().startswith("With the concern")
    assert "孤舉者難起" in rows[-3]["zh"] and "There is a Chinese saying" in rows[-3]["en"]
    assert all(row["zh_lang"] == "zh-Hant" and row["en_lang"] == "en" for row in rows)


def test_the_newsletter_pairs_each_section_heading_with_its_translation(client, archive):
    newsletter = Article.objects.get(slug="china-acts-on-covid-cooperation")
    headings = [row for row in pairs_of(client, "zh-hans", newsletter.slug) if "pair-heading" in row["kind"]]
    expected = [(s.heading_zh_hans, s.heading_en) for s in newsletter.sections.all() if s.heading_zh_hans]
    assert [(row["zh"].strip(), row["en"].strip()) for row in headings] == expected
    assert headings[1]["en"].startswith("I. ")


def test_figure_captions_are_paired_too(client, archive):
    rows = pairs_of(client, "en", "china-acts-on-covid-cooperation")
    figures = [row for row in rows if "pair-figure" in row["kind"]]
    assert len(figures) == 6
    assert figures[0]["zh"].startswith("图 1") and figures[0]["en"].startswith("Figure 1")


def test_the_chinese_column_follows_the_readers_script(client, archive):
    rows = pairs_of(client, "zh-hans", "guangdong-open-letter-covid-science")
    assert "关心和支持" in rows[2]["zh"] and rows[2]["zh_lang"] == "zh-Hans"


def test_a_mismatch_in_one_section_never_shifts_the_next(client, db):
    article = make_article(slug="mismatch")
    make_section(article, body_zh_hans="甲一。\n\n甲二。\n\n甲三。", body_en="A one.\n\nA two.")
    make_section(article, body_zh_hans="乙一。\n\n乙二。", body_en="B one.\n\nB two.")
    with translation.override("en"):
        html = client.get(reverse("articles:bilingual", args=["mismatch"])).content.decode()
    rows = [row for row in pairs_of(client, "en", "mismatch") if row["kind"] == ["pair"]]
    assert [(row["zh"].strip(), row["en"].strip()) for row in rows] == [
        ("甲一。", "A one."),
        ("甲二。", "A two."),
        ("甲三。", "No English for this paragraph."),
        ("乙一。", "B one."),
        ("乙二。", "B two."),
    ]
    assert "This section has 3 Chinese and 2 English paragraphs" in html


def test_the_article_page_links_to_its_side_by_side_page(client, archive):
    with translation.override("en"):
        html = client.get(reverse("articles:detail", args=["china-acts-on-covid-cooperation"])).content.decode()
    assert 'href="/en/articles/china-acts-on-covid-cooperation/bilingual/"' in html
