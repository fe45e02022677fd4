"""The archive's English follows fixtures/STYLE-SHEET.md: one English name per name, US dates.

Checked on the fixture files, field by field, for the English the archive
wrote: all of it for articles translated from Chinese; for 002, published in
both languages, only the archive's title, photo captions and source line (the
author's own English stays as published, with his name order and dates).
"""

import re
import tomllib
from pathlib import Path

import opencc
import pytest
from django.conf import settings

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SHEET = FIXTURES / "STYLE-SHEET.md"
ARTICLES = sorted((FIXTURES / "articles").glob("*.toml"))

# The archive's own text in an article published in both languages.
ARCHIVE_FIELDS_OF_BILINGUAL = {"title", "source_note", "caption"}
ARTICLE_FIELDS = ["title", "summary", "publisher", "publication", "issue", "byline", "source_note"]
SECTION_FIELDS = ["heading", "body"]
FIGURE_FIELDS = ["label", "caption", "alt"]

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
UK_DATE = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?,? (?:{MONTHS})\b")
ORDINAL_DATE = re.compile(rf"\b(?:{MONTHS}) \d{{1,2}}(?:st|nd|rd|th)\b")

to_simplified = opencc.OpenCC("t2s")


def rows():
    """The names table: (Chinese forms, English or None, rejected variants)."""
    table = []
    for line in SHEET.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("Chinese", "---") or not re.search(r"[\u4e00-\u9fff]", cells[0]):
            continue
        chinese = [form.strip() for form in cells[0].split(" / ")]
        english = re.findall(r"`([^`]+)`", cells[1])
        assert len(english) <= 1, line
        table.append((chinese, english[0] if english else None, re.findall(r"`([^`]+)`", cells[2])))
    return table


def pairs(data):
    """(field name, Chinese, English) for every translated value of an article file."""
    for name in ARTICLE_FIELDS:
        yield name, data.get(f"{name}_zh", ""), data.get(f"{name}_en", "")
    for section in data.get("sections", []):
        for name in SECTION_FIELDS:
            yield name, section.get(f"{name}_zh", ""), section.get(f"{name}_en", "")
        for figure in section.get("figures", []):
            for name in FIGURE_FIELDS:
                yield name, figure.get(f"{name}_zh", ""), figure.get(f"{name}_en", "")


def archive_text(path):
    """The Chinese (folded to Simplified) and the English the archive wrote for it."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    chosen = [
        (zh, en)
        for name, zh, en in pairs(data)
        if data.get("original_language", "zh") == "zh" or name in ARCHIVE_FIELDS_OF_BILINGUAL
    ]
    chinese = " ".join(zh for zh, _en in chosen)
    if data.get("chinese_script") == "hant":
        chinese = to_simplified.convert(chinese)
    return chinese, " ".join(en for _zh, en in chosen)


def word(variant):
    """A rejected variant as a whole word; abbreviations (MOST, UK) match in capitals only."""
    flags = 0 if variant.upper() == variant else re.IGNORECASE
    return re.compile(rf"(?<![\w-]){re.escape(variant)}(?![\w-])", flags)


def test_the_sheet_has_a_names_table_with_rejected_variants():
    table = rows()
    assert len(table) > 30
    assert any(not_ for _zh, _en, not_ in table)
    hard = [row for row in table if "硬核" in row[0]]
    assert hard and "hard-core" in hard[0][2]


@pytest.mark.parametrize("path", ARTICLES, ids=[path.stem for path in ARTICLES])
def test_every_listed_name_is_used_in_its_one_english_form(path):
    chinese, english = archive_text(path)
    problems = []
    for forms, wanted, rejected in rows():
        if not any(form in chinese for form in forms):
            continue
        if wanted and wanted not in english:
            problems.append(f"{forms[0]}: {wanted!r} missing")
        problems += [f"{forms[0]}: {variant!r} used" for variant in rejected if word(variant).search(english)]
    assert problems == []


def test_the_database_of_000_and_001_has_one_english_name():
    names = set()
    for slug in ("china-science-global-covid-fight", "china-acts-on-covid-cooperation"):
        _chinese, english = archive_text(FIXTURES / "articles" / f"{slug}.toml")
        names |= set(re.findall(r"2019 Novel Coronavirus [A-Z]\w+(?: [A-Z]\w+)?", english))
    assert names == {"2019 Novel Coronavirus Resource"}


@pytest.mark.parametrize("path", ARTICLES, ids=[path.stem for path in ARTICLES])
def test_the_archives_english_writes_dates_in_us_style(path):
    _chinese, english = archive_text(path)
    assert UK_DATE.findall(english) == []
    assert ORDINAL_DATE.findall(english) == []


def test_nhc_officials_carry_the_titles_the_commission_gives_them():
    _chinese, english = archive_text(FIXTURES / "articles" / "china-science-global-covid-fight.toml")
    assert "Ma Xiaowei, Minister of the National Health Commission" in english
    assert "Zeng Yixin, Vice Minister of the National Health Commission" in english
