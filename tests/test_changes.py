"""One path for every change: whatever way content changes, readers see it at once, everywhere.

Each test first renders the pages a reader would have open (so the page
cache holds them), then changes the content the way an editor or the
project's own code does — including the ways that bypass save(): the
admin's bulk delete, cascades, bulk updates — and reads the pages again.
"""

import datetime
import re

import feedparser
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from articles.archive import load_archive
from articles.models import Article, Section
from comments.models import Comment
from pagecache.models import content_version

from .admin_forms import form_values
from .factories import make_article, make_category, make_figure, make_section
from .pages import page_text, sitemap_text

pytestmark = pytest.mark.django_db

INDEX_TABLE = re.compile(r"INSERT INTO articles_search_(fts|pg)\b")


def editor_client():
    client = Client(headers={"accept-language": "en"})
    client.force_login(User.objects.create_superuser("wang", "wang@example.com", "pw-long-enough-123"))
    return client


def reader_pages(article):
    with translation.override("en"):
        return {
            "page": article.get_absolute_url(),
            "home": "/en/",
            "category": article.category.get_absolute_url(),
            "feed": "/en/feed/",
            "search": "/en/search/?q=Lighthouse",
            "archive": f"/en/archive/{article.published_at.year}/",
        }


def what_readers_see(client, pages):
    return {name: client.get(address) for name, address in pages.items()}


def index_rows(article_id):
    table = "articles_search_pg" if connection.vendor == "postgresql" else "articles_search_fts"
    key = "article_id" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {key} = %s", [article_id])
        rows = cursor.fetchone()[0]
        if connection.vendor == "postgresql":
            # The document's head is stored beside it, and goes with it.
            cursor.execute("SELECT COUNT(*) FROM articles_search_pg_heads WHERE article_id = %s", [article_id])
            assert cursor.fetchone()[0] == rows
        return rows


def documents_written(queries):
    """How many search documents the captured statements wrote (an executemany logs 'N times: …')."""
    written = 0
    for query in queries:
        if INDEX_TABLE.search(query["sql"]):
            many = re.match(r"(\d+) times: ", query["sql"])
            written += int(many.group(1)) if many else 1
    return written


@pytest.fixture
def story(db):
    article = make_article(slug="lighthouse", title_en="Lighthouse keepers vote", category=make_category())
    make_section(article, body_en="The lighthouse keepers met.")
    return article


def test_an_article_deleted_with_the_admins_bulk_action_is_gone_at_once_from_every_page(client, story):
    keep = make_article(slug="harbour", title_en="Harbour news", category=story.category)
    Comment.objects.create(article=story, name="A", email="a@example.com", message="m", status="approved")
    pages = reader_pages(story)
    before = what_readers_see(client, pages)
    assert before["page"].status_code == 200
    assert all("Lighthouse keepers vote" in response.content.decode() for response in before.values())

    response = editor_client().post(
        "/admin/articles/article/", {"action": "delete_selected", "_selected_action": [story.pk], "post": "yes"}
    )
    assert response.status_code == 302

    after = what_readers_see(client, pages)
    assert after.pop("page").status_code == 404
    for name, response in after.items():
        assert "Lighthouse keepers vote" not in response.content.decode(), name
    assert "Harbour news" in after["home"].content.decode()
    feed = feedparser.parse(after["feed"].content)
    assert [entry.title for entry in feed.entries] == ["Harbour news"]
    assert "lighthouse" not in sitemap_text(client)
    assert index_rows(story.pk) == 0
    assert index_rows(keep.pk) == 1
    assert not Comment.objects.filter(article_id=story.pk).exists()


def test_deleting_a_category_and_its_articles_in_bulk_leaves_no_trace(client, story):
    section_id = story.sections.get().pk
    client.get("/en/")
    Article.objects.filter(category=story.category).delete()
    story.category.delete()
    home = client.get("/en/").content.decode()
    assert "Lighthouse" not in home
    assert "/en/category/news/" not in home
    assert index_rows(story.pk) == 0
    assert not Section.objects.filter(pk=section_id).exists()


def test_an_approved_comment_deleted_in_the_admin_disappears_from_the_article_at_once(client, story):
    comment = Comment.objects.create(
        article=story, name="Reader", email="r@example.com", message="A rude remark", status="approved"
    )
    page = reader_pages(story)["page"]
    assert "A rude remark" in client.get(page).content.decode()

    response = editor_client().post(f"/admin/comments/comment/{comment.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert "A rude remark" not in client.get(page).content.decode()


def test_comments_deleted_in_bulk_disappear_at_once(client, story):
    for number in range(3):
        Comment.objects.create(
            article=story, name="R", email=f"{number}@example.com", message=f"Remark {number}", status="approved"
        )
    page = reader_pages(story)["page"]
    assert "Remark 2" in client.get(page).content.decode()
    ids = list(Comment.objects.values_list("pk", flat=True))
    editor_client().post(
        "/admin/comments/comment/", {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    )
    html = client.get(page).content.decode()
    assert not re.search(r"Remark \d", html)


def test_an_empty_category_deleted_in_the_admin_leaves_the_navigation_at_once(client, story):
    empty = make_category(slug="finance", name_zh_hans="财经", name_en="Finance", position=1)
    assert "Finance" in page_text(client.get("/en/").content.decode())
    response = editor_client().post(f"/admin/articles/category/{empty.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert "Finance" not in page_text(client.get("/en/").content.decode())
    assert client.get("/en/category/finance/").status_code == 404


def test_a_category_renamed_in_the_admin_shows_its_new_name_everywhere_at_once(client, story):
    pages = reader_pages(story)
    what_readers_see(client, pages)
    editor = editor_client()
    url = f"/admin/articles/category/{story.category.pk}/change/"
    values = form_values(editor.get(url).content.decode(), "category_form")
    values["name_en"] = "Coastal affairs"
    assert editor.post(url, values).status_code == 302
    for name in ("page", "home", "category"):
        assert "Coastal affairs" in client.get(pages[name]).content.decode(), name


def test_a_version_restored_from_history_shows_at_once(client, story):
    editor = editor_client()
    change = f"/admin/articles/article/{story.pk}/change/"

    def save(title_en):
        values = form_values(editor.get(change).content.decode(), "article_form")
        values["title_en"] = title_en
        assert editor.post(change, values).status_code == 302

    save("Lighthouse keepers vote to strike")
    save("Lighthouse keepers call off strike")
    page = reader_pages(story)["page"]
    assert "call off strike" in client.get(page).content.decode()

    from reversion.models import Version

    first = Version.objects.get_for_object(story).last()
    revision = change.replace("change/", f"history/{first.pk}/")
    assert editor.post(revision, form_values(editor.get(revision).content.decode(), "article_form")).status_code == 302
    html = client.get(page).content.decode()
    assert "vote to strike" in html
    assert "call off strike" not in html
    assert "strike" in page_text(client.get("/en/search/?q=strike").content.decode())


def test_one_admin_save_of_a_long_article_indexes_it_once_and_raises_the_version_once(client, story):
    for number in range(1, 10):
        make_section(story, heading_en=f"Part {number}", body_en=f"Paragraph {number}.")
    for section in list(story.sections.all())[:6]:
        make_figure(section)
    assert story.sections.count() == 10
    editor = editor_client()
    change = f"/admin/articles/article/{story.pk}/change/"
    values = form_values(editor.get(change).content.decode(), "article_form")
    values["title_en"] = "Lighthouse keepers vote again"
    values["sections-3-body_en"] = "A new paragraph about foghorns."
    values["sections-0-figures-0-caption_en"] = "The lamp room"
    version = content_version()

    with CaptureQueriesContext(connection) as queries:
        assert editor.post(change, values).status_code == 302

    assert documents_written(queries.captured_queries) == 1
    assert content_version() == version + 1
    assert "Lighthouse keepers vote again" in page_text(client.get("/en/search/?q=foghorns").content.decode())


def test_load_archive_indexes_each_article_once_and_raises_the_version_once(db):
    version = content_version()
    with CaptureQueriesContext(connection) as queries:
        report = load_archive()
    assert len(report.added) == 8
    assert documents_written(queries.captured_queries) == 8
    assert content_version() == version + 1


def test_a_change_rolled_back_tells_nobody(client, story):
    version = content_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        make_article(slug="phantom", title_en="Phantom story")
        raise RuntimeError("the editor's save failed halfway")
    assert content_version() == version
    assert not Article.objects.filter(slug="phantom").exists()
    assert "search-result" not in client.get("/en/search/?q=Phantom").content.decode()


def test_a_section_deleted_on_its_articles_form_leaves_the_article_and_search_at_once(client, story):
    make_section(story, heading_en="Appendix", body_en="Semaphore flags.")
    page = reader_pages(story)["page"]
    assert "Semaphore flags" in client.get(page).content.decode()
    assert "search-result" in client.get("/en/search/?q=semaphore").content.decode()
    editor = editor_client()
    change = f"/admin/articles/article/{story.pk}/change/"
    values = form_values(editor.get(change).content.decode(), "article_form")
    values["sections-1-DELETE"] = "on"  # sections are changed, and deleted, with their article
    assert editor.post(change, values).status_code == 302
    assert "Semaphore flags" not in client.get(page).content.decode()
    assert "search-result" not in client.get("/en/search/?q=semaphore").content.decode()


def test_moderating_comments_in_bulk_shows_at_once(client, story):
    Comment.objects.create(article=story, name="R", email="r@example.com", message="Well reported")
    page = reader_pages(story)["page"]
    assert "Well reported" not in client.get(page).content.decode()
    Comment.objects.all().moderate(Comment.Status.APPROVED)
    assert "Well reported" in client.get(page).content.decode()


def test_generated_articles_are_searchable_and_listed_at_once(client, archive):
    client.get("/en/")
    call_command("generate_articles", 3, "--corpus", "worst", verbosity=0)
    assert "(synthetic 2)" in client.get("/en/search/?q=synthetic").content.decode()


@pytest.mark.parametrize(
    ("status", "offset", "visible"),
    [
        (Article.Status.PUBLISHED, -3600, True),
        (Article.Status.PUBLISHED, 3600, False),
        (Article.Status.DRAFT, -3600, False),
        (Article.Status.DRAFT, 3600, False),
    ],
)
def test_is_visible_agrees_with_published_and_scheduled(story, status, offset, visible):
    moment = timezone.now() + datetime.timedelta(seconds=offset)
    Article.objects.filter(pk=story.pk).update(status=status, published_at=moment)
    story.refresh_from_db()
    assert story.is_visible is visible
    assert Article.objects.published().filter(pk=story.pk).exists() is visible
    scheduled = status == Article.Status.PUBLISHED and offset > 0
    assert Article.objects.scheduled().filter(pk=story.pk).exists() is scheduled


def test_the_index_is_current_before_the_page_cache_moves():
    from articles.changes import Change, content_changed

    sync_receivers, _async_receivers = content_changed._live_receivers(Change)
    order = [receiver.__module__ for receiver in sync_receivers]
    assert order.index("search.index") < order.index("pagecache.models")


def test_no_sql_outside_the_queryset_spells_out_who_may_see_an_article():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    rule = re.compile(r"status\s*=\s*'published'|published_at\s*(<=|<|>)\s*%s", re.IGNORECASE)
    offenders = [
        str(path.relative_to(root))
        for app in ("articles", "comments", "search", "pagecache", "newsroom", "bench")
        for path in (root / app).rglob("*.py")
        if "migrations" not in path.parts and rule.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
