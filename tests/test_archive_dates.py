"""The dates of 001 and 002 are the ones their texts support, and their fixtures say why (issue 16)."""

import tomllib
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from .pages import page_text

ARTICLES = Path(settings.BASE_DIR) / "fixtures" / "articles"
NEWSLETTER = "china-acts-on-covid-cooperation"
LETTER = "guangdong-open-letter-covid-science"


def fixture(slug):
    text = (ARTICLES / f"{slug}.toml").read_text(encoding="utf-8")
    reason = " ".join(line.lstrip("# ") for line in text.splitlines() if line.startswith("#"))
    return tomllib.loads(text), reason


def test_the_newsletter_is_filed_no_earlier_than_the_events_it_reports():
    data, reason = fixture(NEWSLETTER)
    assert data["published_at"] == "2020-04-11"
    assert (data["date_precision"], data["date_is_approximate"]) == ("month", True)
    # The reason: its last dated event, the team leaving for Russia on April 11.
    assert "April 11, 2020" in reason and "2020 年第 2 期" in reason
    captions = [figure["caption_zh"] for section in data["sections"] for figure in section.get("figures", [])]
    assert any("2020 年 4 月 11 日" in caption or "2020年4月11日" in caption for caption in captions)


def test_the_letter_is_dated_after_its_author_left_the_department():
    data, reason = fixture(LETTER)
    assert data["published_at"] == "2020-04-01"
    assert (data["date_precision"], data["date_is_approximate"]) == ("month", True)
    # The reason: the photo of March 19 calls him "then" director general, the
    # signature "former" director general and mayor of Shaoguan.
    assert "時任" in reason and "原" in reason and "March 19" in reason and "Shaoguan" in reason
    captions = [figure["caption_zh"] for section in data["sections"] for figure in section.get("figures", [])]
    assert any(caption.startswith("2020年3月19日，時任") for caption in captions)
    signature = data["sections"][-1]["body_zh"]
    assert "原廣東省科學技術廳廳長" in signature and "韶關市人民政府市長" in signature


@pytest.mark.django_db
@pytest.mark.parametrize("slug", [NEWSLETTER, LETTER])
def test_both_pages_show_an_approximate_april_2020(client, archive, slug):
    with translation.override("en"):
        html = client.get(reverse("articles:detail", args=[slug])).content.decode()
    assert "c. April 2020" in page_text(html, "header")
    assert '<time datetime="2020-04"' in html
