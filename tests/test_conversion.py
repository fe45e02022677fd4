"""Converted pages read as a Taiwan or Hong Kong reader expects (articles/conversion_fixes.toml, README "Scripts")."""

import tomllib

import pytest
from django.urls import reverse
from django.utils import translation

from articles.scripts import FIXES_FILE, _converter, to_reader_script

from .pages import page_text

NEWSLETTER = "china-acts-on-covid-cooperation"
MAIN = "china-science-global-covid-fight"
LETTER = "guangdong-open-letter-covid-science"

with FIXES_FILE.open("rb") as _file:
    FIXES = tomllib.load(_file)

# Each pair of the table, with a Simplified text where OpenCC makes the slip.
CASES = {
    ("箇中", "個中"): ("新冠肺炎疫情9个中长期重点研究方向", "新冠肺炎疫情9個中長期重點研究方向"),
    ("伙伴", "夥伴"): ("在战略合作伙伴支持下", "在戰略合作夥伴支持下"),
    ("發佈", "發布"): ("国家生物信息中心发布数据", "國家生物信息中心發布數據"),
    ("公佈", "公布"): ("向全世界公布了病毒基因组序列", "向全世界公布了病毒基因組序列"),
    ("宣佈", "宣布"): ("世卫组织宣布疫情", "世衛組織宣布疫情"),
    ("頒佈", "頒布"): ("国务院颁布条例", "國務院頒布條例"),
}


def rendered(client, lang, slug, view="articles:detail"):
    with translation.override(lang):
        response = client.get(reverse(view, args=[slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_every_pair_of_the_table_has_its_case():
    pairs = {(entry["wrong"], entry["right"]) for entry in FIXES["s2tw"]}
    assert pairs == set(CASES)
    assert all(entry.get("why") for entries in FIXES.values() for entry in entries)


@pytest.mark.parametrize(("pair", "case"), CASES.items(), ids=[right for _wrong, right in CASES])
def test_each_correction_mends_what_opencc_gets_wrong(pair, case):
    wrong, _right = pair
    simplified, expected = case
    assert wrong in _converter("s2tw").convert(simplified)  # the slip is OpenCC's
    assert to_reader_script(simplified, "hans", "zh-hant") == expected


@pytest.mark.parametrize(
    ("simplified", "expected"),
    [
        ("一个中国企业", "一個中國企業"),
        ("多个中外合作项目", "多個中外合作項目"),
        ("两个中心", "兩個中心"),
        # Where 个中 is the word itself (“therein”), the literary 箇中 is right.
        ("个中滋味", "箇中滋味"),
        ("其中个中原因", "其中箇中原因"),
    ],
)
def test_the_measure_word_before_a_word_in_zhong_stays_a_measure_word(simplified, expected):
    assert to_reader_script(simplified, "hans", "zh-hant") == expected


def test_the_newsletter_in_traditional_has_no_jian(client, archive):
    html = rendered(client, "zh-hant", NEWSLETTER)
    assert "箇" not in html
    assert "9個中長期重點研究方向" in page_text(html, "article")


@pytest.mark.django_db
def test_no_converted_page_shows_a_known_slip(client, archive):
    from articles.models import Article

    for slug in Article.objects.filter(chinese_script="hans").values_list("slug", flat=True):
        for view in ("articles:detail", "articles:bilingual"):
            text = page_text(rendered(client, "zh-hant", slug, view), "main")
            for entry in FIXES["s2tw"]:
                if "after" not in entry:
                    assert entry["wrong"] not in text, (slug, view, entry["wrong"])
            assert "箇" not in text


def test_the_same_word_shows_one_way_on_every_traditional_page(client, archive):
    # 合作伙伴 came out as 伙伴 or 夥伴 depending on the word before it.
    assert to_reader_script("和合作伙伴一同开发", "hans", "zh-hant") == "和合作夥伴一同開發"
    assert to_reader_script("品牌战略盛大发布", "hans", "zh-hant") == "品牌戰略盛大發布"
    text = page_text(rendered(client, "zh-hant", MAIN), "article")
    assert "戰略合作夥伴" in text and "發布「2019新型冠狀病毒資源庫」" in text


def test_traditional_pages_quote_with_corner_brackets(client, archive):
    text = page_text(rendered(client, "zh-hant", MAIN), "article")
    assert "科技貢獻「硬核」力量" in text
    assert "“" not in text and "”" not in text
    # Nested quotes take 『』; an apostrophe in a Latin word stays one.
    assert to_reader_script("他说：“这是‘硬核’”", "hans", "zh-hant") == "他說：「這是『硬核』」"
    assert to_reader_script("People’s 医院", "hans", "zh-hant") == "People’s 醫院"


def test_simplified_pages_quote_with_curly_marks_and_the_source_script_is_never_touched(client, archive):
    assert to_reader_script("他說：「這是『硬核』」", "hant", "zh-hans") == "他说：“这是‘硬核’”"
    # Text read in the script it was published in is shown as published: the
    # letter's own “” on its Traditional page, the Simplified articles' “” on theirs.
    assert "眾行者易趨。”這次疫情" in page_text(rendered(client, "zh-hant", LETTER), "article")
    assert "科技贡献“硬核”力量" in page_text(rendered(client, "zh-hans", MAIN), "article")
    assert "提出“单人隔离、即时消杀”的" in page_text(rendered(client, "zh-hans", LETTER), "article")
