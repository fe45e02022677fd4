import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Article

from .factories import make_article, make_category, make_figure, make_section
from .pages import page_text, text_chunks

pytestmark = pytest.mark.django_db


def get(client, lang, name, *args, **headers):
    with translation.override(lang):
        url = reverse(name, args=args)
    return client.get(url, headers=headers)


def test_root_sends_an_english_browser_to_the_english_home(client):
    response = client.get("/", headers={"accept-language": "en-GB,en;q=0.9"})
    assert response.status_code == 302
    assert response["Location"] == "/en/"


def test_root_sends_a_chinese_browser_to_the_simplified_home(client):
    response = client.get("/", headers={"accept-language": "zh-CN,zh;q=0.9"})
    assert response["Location"] == "/zh-hans/"


def test_home_shows_the_portal_with_lead_story_latest_and_sidebar_blocks(client, archive):
    html = get(client, "zh-hans", "articles:index").content.decode()
    text = page_text(html)
    assert "科技新闻档案" in text
    # The lead is the newest full-text article: the newsletter (c. April 2020, filed
    # April 11, the earliest day its text allows), then the portal article of April 4.
    assert text.index("头条") < text.index("合作抗疫，中国用行动说话") < text.index("最新文章")
    assert text.index("最新文章") < text.index("全球战“疫” 中国科技贡献“硬核”力量")
    sidebar = page_text(html, "aside")
    assert sidebar.index("新闻") < sidebar.index("财经") < sidebar.index("创新")
    for teaser in (
        "皇派门窗官宣成为亚奥理事会官方门窗合作伙伴",
        "金融支持文化产业复苏主攻六方面",
        "智能无人开采：能源供应的硬核力量",
    ):
        assert teaser in sidebar


def test_home_hides_drafts_and_articles_scheduled_for_later(client, db):
    make_article(title_zh_hans="已发布的文章")
    make_article(title_zh_hans="草稿文章", status=Article.Status.DRAFT)
    make_article(title_zh_hans="定时文章", published_at=timezone.now() + datetime.timedelta(hours=2))
    text = page_text(get(client, "zh-hans", "articles:index").content.decode())
    assert "已发布的文章" in text
    assert "草稿文章" not in text
    assert "定时文章" not in text


def test_a_draft_article_page_is_not_found(client, db):
    draft = make_article(status=Article.Status.DRAFT)
    assert get(client, "en", "articles:detail", draft.slug).status_code == 404


def test_article_page_shows_breadcrumb_date_category_views_and_source(client, archive):
    html = get(client, "zh-hans", "articles:detail", "china-science-global-covid-fight").content.decode()
    assert "您现在的位置： 首页 新闻 全球战“疫” 中国科技贡献“硬核”力量" in page_text(html)
    meta = page_text(html, "header")
    assert "发布时间： 2020年4月4日" in meta
    # The source's 278 views and the archive's own readings, each said for what it is.
    assert "来源页浏览： 278 · 本站： 0" in meta


BROWSER = {"user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36"}


def read(client, slug="china-science-global-covid-fight", **headers):
    return client.post(reverse("count-reading", args=[slug]), headers={**BROWSER, **headers})


def test_each_reading_is_counted_by_the_pages_own_request(client, archive):
    slug = "china-science-global-covid-fight"
    html = get(client, "en", "articles:detail", slug).content.decode()
    assert f'data-read-url="/read/{slug}"' in html
    assert read(client).json() == {"views": 0, "counted": True}
    assert read(client).json() == {"views": 1, "counted": True}
    assert Article.objects.get(slug=slug).view_count == 2
    assert Article.objects.get(slug=slug).source_view_count == 278


def test_page_requests_head_requests_and_bots_do_not_count(client, archive):
    slug = "china-science-global-covid-fight"
    for _ in range(3):
        get(client, "en", "articles:detail", slug)
        client.head(f"/en/articles/{slug}/")
    assert read(client, **{"user-agent": "Googlebot/2.1 (+http://www.google.com/bot.html)"}).json()["counted"] is False
    assert read(client, **{"user-agent": ""}).json()["counted"] is False
    assert read(client, **{"sec-purpose": "prefetch;prerender"}).json()["counted"] is False
    assert client.get(reverse("count-reading", args=[slug])).status_code == 405
    assert Article.objects.get(slug=slug).view_count == 0


def test_a_reading_of_an_unpublished_article_is_not_counted(client, db):
    draft = make_article(status=Article.Status.DRAFT)
    assert read(client, draft.slug).status_code == 404
    assert read(client, "no-such-article").status_code == 404
    draft.refresh_from_db()
    assert draft.view_count == 0


def test_a_reading_posted_from_another_site_is_refused(client, archive):
    response = read(
        Client(enforce_csrf_checks=True), **{"origin": "https://evil.example", "sec-fetch-site": "cross-site"}
    )
    assert response.status_code == 403
    assert Article.objects.get(slug="china-science-global-covid-fight").view_count == 0


def test_newsletter_shows_masthead_issue_contents_list_and_source_line(client, archive):
    html = get(client, "zh-hans", "articles:detail", "china-acts-on-covid-cooperation").content.decode()
    text = page_text(html, "article")
    assert "中华人民共和国科学技术部" in text
    assert "中国科技通讯（CHINA S&T NEWSLETTER） · 2020 年第 2 期" in text
    assert "本文导读" in page_text(html)
    assert '<a href="#section-3"' in html
    assert "（来源：科技部）" in text


def test_sections_keep_their_heading_levels(client, archive):
    html = get(client, "zh-hans", "articles:detail", "china-acts-on-covid-cooperation").content.decode()
    assert '<h2 lang="zh-Hans">一、深化国际科技合作是各国携手抗击新冠肺炎疫情的必然选择</h2>' in html
    assert '<h3 lang="zh-Hans">积极开展科学数据和信息共享</h3>' in html


def test_a_figure_without_image_shows_a_labelled_placeholder_frame(client, archive):
    html = get(client, "en", "articles:detail", "china-acts-on-covid-cooperation").content.decode()
    assert html.count('class="figure-placeholder"') == 6
    assert "<img" not in html
    text = page_text(html, "article")
    assert "图片未收录 / image not archived" in text
    assert "Figure 1" in text and "①" in text


def test_a_teaser_page_says_its_full_text_is_not_archived(client, archive):
    html = get(client, "en", "articles:detail", "beijing-finance-cultural-industry").content.decode()
    text = page_text(html, "article")
    assert "The full text of this article is not archived" in text
    assert "On the 21st," in text


def test_category_page_lists_newest_first_and_paginates(client, db):
    category = make_category(slug="finance", name_zh_hans="财经", name_en="Finance")
    for day in range(1, 13):
        make_article(
            category=category,
            title_en=f"Market report {day:02d}",
            published_at=timezone.now() - datetime.timedelta(days=day),
        )
    first = page_text(get(client, "en", "articles:category", "finance").content.decode())
    assert first.index("Market report 01") < first.index("Market report 02")
    assert "Market report 11" not in first
    assert "Page 1 of 2" in first
    with translation.override("en"):
        url = reverse("articles:category", args=["finance"])
    second = page_text(client.get(url, {"page": 2}).content.decode())
    assert "Market report 11" in second and "Market report 12" in second


def test_unknown_category_is_a_404(client, db):
    assert get(client, "en", "articles:category", "sport").status_code == 404


@pytest.mark.parametrize(
    ("path", "lang", "heading"),
    [
        ("/en/no-such-page/", "en", "Page not found"),
        ("/zh-hans/no-such-page/", "zh-Hans", "页面未找到"),
        ("/en/articles/no-such-article/", "en", "Page not found"),
    ],
)
def test_unknown_addresses_get_a_styled_404_in_the_readers_language(client, db, path, lang, heading):
    response = client.get(path)
    html = response.content.decode()
    assert response.status_code == 404
    assert f'<html lang="{lang}">' in html
    assert heading in page_text(html)
    assert "site.css" in html


def test_health_check_answers_when_the_database_does(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.parametrize(("lang", "tag", "home"), [("zh-hans", "zh-Hans", "首页"), ("en", "en", "Home")])
def test_interface_speaks_the_page_language(client, archive, lang, tag, home):
    html = get(client, lang, "articles:detail", "china-science-global-covid-fight").content.decode()
    assert f'<html lang="{tag}">' in html
    assert home in page_text(html, "nav")
    assert response_language(client, lang) == lang


def response_language(client, lang):
    return get(client, lang, "articles:index")["Content-Language"]


def test_switcher_links_to_the_same_article_in_the_other_language(client, archive):
    html = get(client, "zh-hans", "articles:detail", "china-acts-on-covid-cooperation").content.decode()
    assert '<a href="/en/articles/china-acts-on-covid-cooperation/" hreflang="en" lang="en">English</a>' in html


def test_english_page_marks_a_missing_translation_with_the_chinese_lang(client, db):
    article = make_article(title_en="", summary_en="", title_zh_hans="只有中文的文章")
    make_section(article, heading_en="", body_en="", body_zh_hans="中文正文。")
    html = get(client, "en", "articles:detail", article.slug).content.decode()
    langs = {text.strip(): lang for text, lang in text_chunks(html, "article") if text.strip()}
    assert langs["只有中文的文章"] == "zh-Hans"
    assert langs["中文正文。"] == "zh-Hans"


def test_markdown_is_rendered_once_and_sanitised(db):
    article = make_article()
    section = make_section(article, body_en="Hello <script>alert(1)</script> **world** <http://example.org/a>")
    assert "<script>" not in section.body_html_en
    assert "<strong>world</strong>" in section.body_html_en
    assert 'href="http://example.org/a"' in section.body_html_en


def test_figure_with_an_image_is_served_as_resized_renditions_with_its_size(client, db, settings):
    from io import BytesIO
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (1200, 800), "red").save(buffer, "JPEG")
    figure = make_figure(make_section(make_article(slug="with-image")))
    figure.image = SimpleUploadedFile("pic.jpg", buffer.getvalue(), content_type="image/jpeg")
    figure.save()
    html = get(client, "en", "articles:detail", "with-image").content.decode()
    assert 'loading="lazy"' in html and 'width="1200" height="800"' in html
    assert 'alt="A caption"' in html
    assert '<source type="image/webp"' in html
    srcset = html.split('<source type="image/webp"')[1].split('srcset="')[1].split('"')[0]
    widths = [entry.rsplit(" ", 1)[1] for entry in srcset.split(", ")]
    assert widths == ["480w", "960w", "1200w"]
    for entry in srcset.split(", "):
        path = Path(settings.MEDIA_ROOT) / entry.split(" ")[0].removeprefix(settings.MEDIA_URL)
        assert path.exists() and Image.open(path).format == "WEBP"
