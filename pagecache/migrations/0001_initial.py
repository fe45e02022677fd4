"""The content version moves here from the articles app; its table keeps its name and its row."""

from django.db import migrations, models


def move_content_type(apps, schema_editor, source="articles", target="pagecache"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=target, model="contentversion").exists():
        ContentType.objects.filter(app_label=source, model="contentversion").update(app_label=target)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source="pagecache", target="articles")


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
                    name="ContentVersion",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("version", models.BigIntegerField(default=0)),
                        ("next_publish_at", models.DateTimeField(blank=True, null=True)),
                    ],
                    options={"db_table": "articles_contentversion"},
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
