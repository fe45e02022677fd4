"""The article list's filters and search box read what is kept for them, and stay right through every change."""

import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from articles import translation_states
from articles.models import Article, TranslationState

from .factories import make_article, make_category, make_section

pytestmark = pytest.mark.django_db

FILTERS = {
    "complete": lambda state: state.complete,
    "no-english": lambda state: state.lacks_english,
    "no-chinese": lambda state: state.lacks_chinese,
    "misaligned": lambda state: state.misaligned_sections > 0,
    "stale": lambda state: state.stale_pairs > 0,
}


@pytest.fixture
def editor():
    client = Client(headers={"accept-language": "en"})
    client.force_login(User.objects.create_superuser("lin", "lin@example.com", "pw-long-enough-123"))
    return client


def listed(editor, query):
    """The ids of the articles the list shows for `query` (one page of a hundred)."""
    response = editor.get("/admin/articles/article/", query)
    assert response.status_code == 200
    return {int(pk) for pk in re.findall(r"/admin/articles/article/(\d+)/change/", response.content.decode())}


def worked_out():
    """Each article's state as the list works it out for the rows it shows (with_translation_state)."""
    return {state.article_id: state for state in translation_states.states_of(Article.objects.all())}


def test_every_filter_lists_exactly_the_articles_in_that_state_after_a_bulk_load(editor):
    call_command("generate_articles", "70", "--corpus", "realistic", "--no-index", verbosity=0)
    states = worked_out()
    assert TranslationState.objects.count() == Article.objects.count() == 70
    for name, holds in FILTERS.items():
        expected = {pk for pk, state in states.items() if holds(state)}
        assert listed(editor, {"translation": name}) == expected, name
    # The corpus has articles in more than one state, or this proves little.
    assert 0 < len([state for state in states.values() if state.complete]) < 70


def test_the_states_follow_edits_deletes_and_bulk_deletes(editor):
    article = make_article(slug="translated")
    section = make_section(article)
    assert listed(editor, {"translation": "complete"}) == {article.pk}
    section.body_en = ""
    section.save()
    assert listed(editor, {"translation": "no-english"}) == {article.pk}
    assert listed(editor, {"translation": "complete"}) == set()
    section.body_en = "First paragraph.\n\nSecond paragraph.\n\nA third."
    section.save()
    assert listed(editor, {"translation": "misaligned"}) == {article.pk}
    section.body_en = "First paragraph.\n\nSecond paragraph."
    section.save()
    section.body_zh_hans = "第一段！\n\n第二段。"  # the original changes; its translation is now out of date
    section.save()
    assert listed(editor, {"translation": "stale"}) == {article.pk}
    others = [make_article(slug=f"other-{number}", title_en="") for number in range(3)]
    assert listed(editor, {"translation": "no-english"}) == {other.pk for other in others}
    article.delete()
    Article.objects.filter(pk__in=[others[0].pk, others[1].pk]).delete()  # "Delete selected"
    assert listed(editor, {"translation": "no-english"}) == {others[2].pk}
    assert set(TranslationState.objects.values_list("article_id", flat=True)) == {others[2].pk}


def test_a_rolled_back_change_leaves_the_stored_state(editor):
    from django.db import transaction

    article = make_article(slug="kept")
    with pytest.raises(RuntimeError), transaction.atomic():
        article.title_en = ""
        article.save()
        raise RuntimeError("the save failed")
    assert listed(editor, {"translation": "no-english"}) == set()
    assert listed(editor, {"translation": "complete"}) == {article.pk}


def test_storing_every_state_afresh_agrees_with_the_change_path():
    from .factories import make_figure

    for number in range(6):
        article = make_article(slug=f"a{number}", title_en="" if number % 3 == 0 else "Title")
        make_section(article, body_en="One." if number % 2 else "One.\n\nTwo.")
    make_figure(make_section(make_article(slug="caption"), heading_zh_hans=""), caption_en="")  # a caption untranslated
    make_section(make_article(slug="heading"), heading_zh_hans="", heading_en="Only English")
    make_article(slug="no-sections", title_zh_hans="")
    for original in ("en", "zh", "both"):
        section = make_section(make_article(slug=f"original-{original}", original_language=original))
        if original == "en":  # only the original changes: its translation is out of date
            section.body_en = "First paragraph, revised.\n\nSecond paragraph."
        else:
            section.body_zh_hans = "第一段，已修改。\n\n第二段。"
        section.save()
    kept = {row.article_id: row for row in TranslationState.objects.all()}
    translation_states.store_all()
    fresh = {row.article_id: row for row in TranslationState.objects.all()}
    assert set(kept) == set(fresh) == set(Article.objects.values_list("pk", flat=True))
    assert {field: sum(bool(getattr(row, field)) for row in fresh.values()) for field in translation_states.FIELDS} == {
        field: sum(bool(getattr(row, field)) for row in kept.values()) for field in translation_states.FIELDS
    }
    assert all(sum(bool(getattr(row, field)) for row in fresh.values()) for field in translation_states.FIELDS)
    for pk, row in fresh.items():
        assert [getattr(row, field) for field in translation_states.FIELDS] == [
            getattr(kept[pk], field) for field in translation_states.FIELDS
        ]


@pytest.fixture
def titled():
    return {
        "vaccine": make_article(slug="vaccine-trial", title_zh_hans="疫苗试验开始", title_en="Vaccine trials begin"),
        "hospital": make_article(
            slug="hospital-opens",
            title_zh_hans="新医院开业",
            title_en="A new hospital opens",
            summary_en="The clinic treats its first patients.",
            status=Article.Status.DRAFT,
        ),
        "other": make_article(slug="pearl-river", title_zh_hans="珠江的潮汐", title_en="Tides of the Pearl River"),
    }


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("疫苗", {"vaccine"}),
        ("疫苗試驗", {"vaccine"}),  # Traditional finds Simplified
        ("vaccines", {"vaccine"}),  # English by its stem
        ("hospital", {"hospital"}),  # drafts too: editors look for them
        ("patients", {"hospital"}),  # in the summary
        ("tides", {"other"}),
        ("hospital-opens", {"hospital"}),  # an exact slug
        ("潮汐 river", {"other"}),  # words of both languages
        ("zzqqxx", set()),
    ],
)
def test_the_search_box_finds_words_of_titles_and_summaries_in_either_language_and_script(editor, titled, query, found):
    assert listed(editor, {"q": query}) == {titled[name].pk for name in found}


@pytest.mark.parametrize("query", ["!!!", "…", "x" * 300, "\x00", "'; DROP TABLE articles_article; --", '"', "*"])
def test_the_search_box_answers_queries_the_index_cannot_look_for_without_error(editor, titled, query):
    response = editor.get("/admin/articles/article/", {"q": query})
    assert response.status_code == 200
    assert Article.objects.count() == 3


def test_the_search_box_follows_a_renamed_article_at_once(editor, titled):
    article = titled["other"]
    article.title_en = "Storm surge on the Pearl River"
    article.save()
    assert listed(editor, {"q": "storm"}) == {article.pk}
    assert listed(editor, {"q": "tides"}) == set()
    article.delete()
    assert listed(editor, {"q": "storm"}) == set()


def test_a_deep_page_of_a_category_lists_the_same_articles_in_the_same_order_as_read_directly(monkeypatch):
    from articles import paging

    for number in range(30):
        make_article(slug=f"deep-{number}")
    monkeypatch.setattr(paging.CappedPaginator, "deep_offset", 0)
    articles = Article.objects.published().order_by("-published_at", "-pk")
    paginator = paging.CappedPaginator(articles, 7)
    for number in paginator.page_range:
        assert [article.pk for article in paginator.page(number)] == [
            article.pk for article in articles[(number - 1) * 7 : number * 7]
        ]


@pytest.mark.parametrize("few_rows", [0, 20_000], ids=["probed", "asked Django's way"])
@pytest.mark.parametrize(
    "query",
    [{}, {"published_at__gte": "2019-01-01 00:00:00+08:00"}, {"q": "vaccine"}, {"translation": "no-english"}],
    ids=["all", "since 2019", "a search", "a translation filter"],
)
def test_the_date_drill_down_offers_the_years_of_the_articles_listed_and_no_others(
    editor, monkeypatch, few_rows, query
):
    from articles.admin import ProbedPeriods

    monkeypatch.setattr(ProbedPeriods, "few_rows", few_rows)
    for year in (2016, 2018, 2019, 2021):
        make_article(slug=f"vaccine-{year}", title_en=f"Vaccine news of {year}", published_at=at_noon(year))
        make_article(slug=f"other-{year}", title_en="", published_at=at_noon(year, 6))
    shown = listed(editor, query)
    body = editor.get("/admin/articles/article/", query).content.decode()
    offered = {int(year) for year in re.findall(r"published_at__year=(\d+)", body)}
    expected = {article.published_at.year for article in Article.objects.filter(pk__in=shown)}
    assert offered == expected and len(expected) >= 2


def test_a_list_within_one_month_opens_its_drill_down_at_the_days(editor):
    for day in (3, 17):
        make_article(slug=f"march-{day}", published_at=at_noon(2020, 3, day))
    body = editor.get("/admin/articles/article/").content.decode()
    assert sorted(set(re.findall(r"published_at__day=(\d+)", body))) == ["17", "3"]


def at_noon(year, month=3, day=10):
    import datetime

    from django.utils import timezone

    return timezone.make_aware(datetime.datetime(year, month, day, 12))


def test_a_search_matching_more_than_the_list_holds_lists_the_best_and_says_so(editor, monkeypatch):
    from search import admin as search_admin

    monkeypatch.setattr(search_admin, "MOST_MATCHES", 2)
    best = make_article(slug="best", title_en="Vaccine vaccine vaccine", summary_en="Vaccines and a vaccine.")
    good = make_article(slug="good", title_en="Vaccine trial", summary_en="A vaccine.")
    for number in range(3):
        make_article(slug=f"passing-{number}", title_en="News of the week", summary_en="Also a vaccine.")
    response = editor.get("/admin/articles/article/", {"q": "vaccine"})
    assert listed(editor, {"q": "vaccine"}) == {best.pk, good.pk}
    assert "More than 2 articles match; the 2 that match best are listed" in response.content.decode()
    assert "More than" not in editor.get("/admin/articles/article/", {"q": "trial"}).content.decode()


def test_a_search_with_show_counts_asks_the_index_once_and_says_so_once(editor, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from search import admin as search_admin

    monkeypatch.setattr(search_admin, "MOST_MATCHES", 2)
    make_article(slug="other", category=make_category(slug="science", name_en="Science"), title_en="Stars")
    for number in range(4):
        make_article(
            slug=f"vaccine-{number}", title_en=f"Vaccine report {number}", status="draft" if number else "published"
        )
    with CaptureQueriesContext(connection) as queries:
        response = editor.get("/admin/articles/article/", {"q": "vaccine", "_facets": "True"})
    html = response.content.decode()
    # The list and each filter's counts ask for the search's matches: the index answers once.
    index_reads = [query["sql"] for query in queries if "articles_search" in query["sql"]]
    assert len(index_reads) == 1, index_reads
    assert html.count("More than 2 articles match") == 1
    # The counts are of the two listed matches.
    filters = html[html.index('id="changelist-filter"') :]
    assert re.search(r">\s*Science \(0\)", filters) and re.search(r">\s*News \(2\)", filters)
