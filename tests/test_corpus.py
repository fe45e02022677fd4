"""The synthetic corpora of `generate_articles`: rows as save() would make them, the mix promised, --delete.

The rows are written in bulk, without save(); these tests hold every derived
field (base columns, rendered HTML, paragraph counts, translation pairs) to
what save() computes, and read the articles through the site.
"""

import datetime
import statistics
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.html import escape

from articles import corpus, pairs
from articles.markup import paragraphs, render_markdown
from articles.models import Article, Figure, Section
from articles.scripts import _convert
from comments.models import Comment
from search import index as search

N = 300


def synthetic():
    return Article.objects.filter(slug__startswith=corpus.SLUG_PREFIX)


@pytest.fixture
def realistic(archive):
    call_command("generate_articles", N, "--seed", "7", verbosity=0)


def assert_rows_as_save_makes_them(articles):
    """Every article, section and figure valid, and every derived column what save() would store."""
    checked = 0
    for article in articles.prefetch_related("sections__figures"):
        article.full_clean()
        assert article.title == article.title_zh_hans
        assert article.summary == article.summary_zh_hans
        for section in article.sections.all():
            section.full_clean(exclude=["article"])
            level = section.body_heading_level
            assert section.body == section.body_zh_hans
            assert section.heading == section.heading_zh_hans
            assert section.body_html_zh_hans == render_markdown(section.body_zh_hans, level)
            assert section.body_html_en == render_markdown(section.body_en, level)
            assert section.body_html == section.body_html_zh_hans
            assert section.paragraphs_zh == len(paragraphs(section.body_zh_hans))
            assert section.paragraphs_en == len(paragraphs(section.body_en))
            if corpus.keeps_pairs():
                zh, en = paragraphs(section.body_zh_hans), paragraphs(section.body_en)
                fresh = pairs.next_basis(zh, en, [], article.original_language)
                counts = (section.zh_changed_pairs, section.en_changed_pairs)
                if counts == (0, 0):
                    assert section.translation_basis == fresh
                else:
                    # An original edited after its translation: its first pair, and only that, is stale.
                    assert counts == pairs.changed_counts(zh, en, section.translation_basis)
                    states = [pair.state for pair in section.translation_pairs(article.original_language)]
                    assert states[0] == pairs.STALE and pairs.STALE not in states[1:]
            for figure in section.figures.all():
                figure.full_clean(exclude=["section"])
                assert figure.caption == figure.caption_zh_hans
                assert figure.label == figure.label_zh_hans
                assert not figure.image
            checked += 1
    assert checked


def test_realistic_rows_are_what_save_would_store(realistic):
    assert synthetic().count() == N
    assert_rows_as_save_makes_them(synthetic())


def test_worst_case_rows_are_what_save_would_store_and_match_everything(archive):
    call_command("generate_articles", 40, "--corpus", "worst", verbosity=0)
    assert_rows_as_save_makes_them(synthetic())
    assert all("(synthetic " in title for title in synthetic().values_list("title_en", flat=True))
    # The worst case: a word of the fixtures is in most articles.
    total, _ids = search.search("疫苗", limit=1)
    assert total > synthetic().published().count() / 2


def test_the_realistic_corpus_has_a_news_archives_mix(realistic):
    articles = synthetic()
    assert Counter(articles.values_list("chinese_script", flat=True)).keys() == {"hans", "hant"}
    assert Counter(articles.values_list("original_language", flat=True)).keys() == {"zh", "en", "both"}
    assert articles.filter(status=Article.Status.DRAFT).exists()
    assert articles.scheduled().exists()
    assert articles.published().count() > N * 0.9
    state = articles.with_translation_state()
    assert state.filter(lacks_english_text=True, original_language="zh").exists()  # Chinese only
    assert state.filter(lacks_chinese_text=True, original_language="en").exists()  # English not yet translated
    # Dates over 2001–2025, recent years denser.
    years = Counter(moment.year for moment in articles.published().values_list("published_at", flat=True))
    assert min(years) <= 2005 and max(years) == 2025
    assert sum(years[y] for y in range(2021, 2026)) > 3 * sum(years[y] for y in range(2001, 2006))
    # Sections, headings, figures without images, categories.
    sections = Counter(articles.values_list("sections__article", flat=True))
    assert set(sections.values()) <= set(range(1, 7)) and len(set(sections.values())) >= 4
    assert Section.objects.filter(article__in=articles).exclude(heading_zh_hans="").exists()
    assert Figure.objects.filter(section__article__in=articles, image="").exclude(caption_zh_hans="").exists()
    assert articles.values("category").distinct().count() == 3
    # Headlines look like news: no "synthetic" in them.
    titles = list(articles.values_list("title_zh_hans", "title_en"))
    assert not [t for t in titles if "synthetic" in t[1].lower() or "合成" in t[0]]


def test_article_sizes_and_scripts_are_those_of_real_news(realistic):
    chars = Counter()
    words = Counter()
    for article_id, zh, en in Section.objects.filter(article__in=synthetic()).values_list(
        "article", "body_zh_hans", "body_en"
    ):
        chars[article_id] += len(zh)
        words[article_id] += len(en.split())
    full = [chars[pk] for pk in chars if chars[pk] and words[pk]]
    assert 400 <= statistics.median(full) <= 1500
    ratio = statistics.median(words[pk] / chars[pk] for pk in chars if chars[pk] and words[pk])
    assert 0.4 < ratio < 0.9  # English words per Chinese character of a translation
    for article in synthetic().filter(chinese_script="hant").exclude(title_zh_hans=""):
        # Stored as published, in Traditional: converting to Simplified changes it.
        assert _convert(article.title_zh_hans, "t2s") != article.title_zh_hans
    for article in synthetic().filter(chinese_script="hans")[:50]:
        assert _convert(article.title_zh_hans, "t2s") == article.title_zh_hans


def test_people_recur_with_a_few_much_named(realistic):
    bodies = {}
    for article_id, zh in Section.objects.filter(article__in=synthetic()).values_list("article", "body_zh_hans"):
        bodies[article_id] = bodies.get(article_id, "") + zh
    people = corpus.people()
    hits = [sum(1 for text in bodies.values() if name in text or tw in text) for name, tw, _en in people[:200]]
    assert hits[0] >= 2  # the most named person recurs
    assert sum(1 for count in hits if count) > 20  # and many others appear
    assert sum(hits[:10]) > sum(hits[100:110])  # popular ones more often


def test_the_same_seed_makes_the_same_corpus(archive):
    def snapshot():
        scheduled = set(synthetic().scheduled().values_list("pk", flat=True))
        return [
            (
                article.slug,
                article.title_zh_hans,
                article.title_en,
                article.status,
                None if article.pk in scheduled else article.published_at,
                article.original_language,
                [(s.heading_zh_hans, s.body_zh_hans, s.body_en) for s in article.sections.all()],
            )
            for article in synthetic().order_by("slug").prefetch_related("sections")
        ]

    call_command("generate_articles", 60, "--seed", "3", verbosity=0)
    first = snapshot()
    call_command("generate_articles", 60, "--seed", "3", "--delete", verbosity=0)
    assert snapshot() == first
    call_command("generate_articles", 60, "--seed", "4", "--delete", verbosity=0)
    assert snapshot() != first


def test_generated_articles_read_in_every_language(realistic, client):
    articles = synthetic().published()
    state = articles.with_translation_state()
    samples = {
        "Traditional": articles.filter(chinese_script="hant").first(),
        "English original": articles.filter(original_language="en").first(),
        "Chinese only": state.filter(lacks_english_text=True).first(),
        "English only": state.filter(lacks_chinese_text=True).first(),
        "with figures": articles.filter(sections__figures__isnull=False).first(),
        "teaser": articles.filter(is_full_text=False).first() or articles.last(),
    }
    for what, article in samples.items():
        assert article is not None, what
        for language in ("zh-hans", "zh-hant", "en"):
            with translation.override(language):
                page, bilingual = article.get_absolute_url(), article.get_bilingual_url()
            assert client.get(page).status_code == 200, (what, page)
            assert client.get(bilingual).status_code in (200, 404), (what, bilingual)
    hidden = list(synthetic().scheduled()[:1]) + list(synthetic().filter(status=Article.Status.DRAFT)[:1])
    for article in hidden:
        assert client.get(f"/en/articles/{article.slug}/").status_code == 404
    newest = articles.order_by("-published_at").first()
    for url in ("/zh-hans/", "/en/", f"/en/archive/{newest.published_at.year}/", "/en/category/news/"):
        assert client.get(url).status_code == 200, url


def test_generated_articles_are_found_and_the_page_cache_drops(archive, client):
    client.get("/en/")  # cached before the load
    call_command("generate_articles", 30, "--seed", "5", verbosity=0)
    newest = synthetic().published().order_by("-published_at").first()
    assert escape(newest.title_en or newest.title_zh_hans) in client.get("/en/").content.decode()
    _total, ids = search.search(newest.title_zh_hans, limit=50)
    assert newest.pk in ids


def test_worker_processes_make_the_same_corpus(archive, monkeypatch):
    from articles.management.commands import generate_articles

    def titles():
        return list(synthetic().order_by("slug").values_list("slug", "title_zh_hans", "title_en", "summary_en"))

    monkeypatch.setattr(generate_articles, "BATCH", 15)
    call_command("generate_articles", 50, "--seed", "9", verbosity=0)
    inline = titles()
    monkeypatch.setattr(generate_articles, "INLINE", 0)
    call_command("generate_articles", 50, "--seed", "9", "--delete", "--workers", "2", verbosity=0)
    assert titles() == inline
    assert len(inline) == 50


def test_delete_removes_only_synthetic_articles(archive):
    kept = set(Article.objects.values_list("pk", flat=True))
    kept_sections = Section.objects.count()
    kept_figures = Figure.objects.count()
    call_command("generate_articles", 20, verbosity=0)
    victim = synthetic().published().first()
    other = Article.objects.exclude(slug__startswith=corpus.SLUG_PREFIX).first()
    Comment.objects.create(article=victim, name="R", email="r@example.com", message="On a synthetic article")
    Comment.objects.create(article=other, name="R", email="r@example.com", message="On a real article")
    call_command("generate_articles", 0, "--delete", verbosity=0)
    assert not synthetic().exists()
    assert set(Article.objects.values_list("pk", flat=True)) == kept
    assert (Section.objects.count(), Figure.objects.count()) == (kept_sections, kept_figures)
    assert list(Comment.objects.values_list("message", flat=True)) == ["On a real article"]
    total, ids = search.search(victim.title_zh_hans)
    assert victim.pk not in ids


def test_scheduled_articles_are_ahead_of_the_load(realistic):
    now = timezone.now()
    scheduled = synthetic().scheduled()
    assert all(
        now < moment < now + datetime.timedelta(days=32) for moment in scheduled.values_list("published_at", flat=True)
    )
