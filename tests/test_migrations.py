"""A database made before comments, search and the page cache had apps of their own keeps everything."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

# The last migration of each app as the database stood before the split
# (articles 0011); the apps that did not exist yet are at zero.
BEFORE_SPLIT = [
    ("articles", "0011_content_version"),
    ("comments", None),
    ("search", None),
    ("pagecache", None),
    ("desk", None),
]


def migrate(targets):
    """Migrate to `targets` and return the models as they stand there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    leaves = executor.loader.graph.leaf_nodes()
    wanted = {app: name for app, name in targets}
    nodes = [(app, wanted.get(app, name)) for app, name in leaves if wanted.get(app, name) is not None]
    return executor.loader.project_state(nodes).apps


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_split_keeps_articles_comments_versions_and_its_index():
    old = migrate(BEFORE_SPLIT)
    category = old.get_model("articles", "Category").objects.create(slug="news", name_zh_hans="新闻", name_en="News")
    article = old.get_model("articles", "Article").objects.create(
        slug="vaccine-trial",
        title_zh_hans="疫苗试验开始",
        title_en="Vaccine trial begins",
        category=category,
        status="published",
        published_at=timezone.now() - datetime.timedelta(days=1),
    )
    old.get_model("articles", "Comment").objects.create(
        article=article, name="读者", email="r@example.com", message="期待结果。", language="zh-hans", status="approved"
    )
    old.get_model("articles", "ContentVersion").objects.create(pk=1, version=41)
    moderators = old.get_model("auth", "Group").objects.create(name="Night desk")
    moderators.permissions.set(
        old.get_model("auth", "Permission").objects.filter(
            content_type__app_label="articles", codename__in=["change_comment", "view_comment"]
        )
    )
    article_type = old.get_model("contenttypes", "ContentType").objects.get(app_label="articles", model="article")
    revision = old.get_model("reversion", "Revision").objects.create(date_created=timezone.now(), comment="first")
    old.get_model("reversion", "Version").objects.create(
        revision=revision,
        object_id=str(article.pk),
        content_type=article_type,
        db=connection.alias,
        format="json",
        serialized_data="[]",
        object_repr="疫苗试验开始",
    )
    from search import index

    # The index as it was then: one table (SQLite) or one GIN-indexed column (PostgreSQL).
    title = index.index_text("疫苗试验开始", "Vaccine trial begins")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "INSERT INTO articles_search_fts (rowid, title, summary, body) VALUES (%s, %s, '', '')",
                [article.pk, title],
            )
        else:
            cursor.execute(
                "INSERT INTO articles_search_pg (article_id, document) "
                "VALUES (%s, setweight(to_tsvector('english', %s), 'A'))",
                [article.pk, title],
            )

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    from reversion.models import Version

    from articles.models import Article
    from comments.models import Comment
    from pagecache.models import ContentVersion

    kept = Article.objects.get(slug="vaccine-trial")
    comment = Comment.objects.get()
    assert (comment.article, comment.message, comment.status) == (kept, "期待结果。", Comment.Status.APPROVED)
    assert list(kept.comments.approved()) == [comment]
    assert ContentVersion.objects.get(pk=1).version == 41
    assert Version.objects.get_for_object(kept).count() == 1
    assert index.search("疫苗") == (1, [kept.pk])
    assert index.search("vaccines") == (1, [kept.pk])
    # What later migrations keep is filled from the articles already there:
    # the sitemap index names the article's block, "show counts" counts it.
    from articles import sitemaps, tallies

    assert [number for number, _lastmod in sitemaps.article_blocks()] == [sitemaps.block_of(kept.pk)]
    assert tallies.tallied() == {(kept.category_id, "published"): 1}
    assert not ContentType.objects.filter(app_label="articles", model__in=["comment", "contentversion"]).exists()
    moderation = Group.objects.get(name="Night desk").permissions.filter(content_type__app_label="comments")
    assert set(moderation.values_list("codename", flat=True)) == {"change_comment", "view_comment"}
