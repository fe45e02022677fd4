"""Comments move here from the articles app, rows and all.

The table keeps its name (articles_comment), so this migration changes only
Django's idea of which app owns the model; the database is untouched. The
content types are moved too, so the Editors group's permissions and the
admin's history of comments stay attached.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

MOVED = ("comment", "pendingcomment")


def move_content_types(apps, schema_editor, source="articles", target="comments"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="comments", target="articles")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("articles", "0011_content_version"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Comment",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        ("email", models.EmailField(help_text="Never shown publicly.", max_length=254, verbose_name="email")),
                        ("message", models.TextField(verbose_name="message")),
                        ("language", models.CharField(max_length=10, verbose_name="page language")),
                        ("status", models.CharField(choices=[("pending", "pending"), ("approved", "approved"), ("rejected", "rejected"), ("spam", "spam")], default="pending", max_length=10, verbose_name="status")),
                        ("created_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="sent at")),
                        ("sender_hash", models.CharField(db_index=True, editable=False, max_length=64, verbose_name="sender")),
                        ("user_agent", models.CharField(blank=True, editable=False, max_length=200, verbose_name="browser")),
                        ("article", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="comments", to="articles.article", verbose_name="article")),
                    ],
                    options={
                        "verbose_name": "comment",
                        "verbose_name_plural": "comments",
                        "db_table": "articles_comment",
                        "ordering": ["-created_at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="PendingComment",
                    fields=[],
                    options={
                        "verbose_name": "comment awaiting moderation",
                        "verbose_name_plural": "comments awaiting moderation",
                        "proxy": True,
                        "indexes": [],
                        "constraints": [],
                    },
                    bases=("comments.comment",),
                ),
                migrations.AddIndex(
                    model_name="comment",
                    index=models.Index(fields=["article", "status", "created_at"], name="comment_article_status_idx"),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
