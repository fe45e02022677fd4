"""The archive's month counts, kept through the change path (articles.archive_months), filled from the articles."""

from django.db import migrations, models


def count_every_month(apps, schema_editor):
    from articles.archive_months import recount_all

    recount_all(
        using=schema_editor.connection.alias,
        Article=apps.get_model("articles", "Article"),
        ArchiveMonth=apps.get_model("articles", "ArchiveMonth"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_translation_pairs"),
    ]

    operations = [
        migrations.CreateModel(
            name="ArchiveMonth",
            fields=[
                ("month", models.DateField(primary_key=True, serialize=False, verbose_name="month")),
                ("published", models.PositiveIntegerField(default=0, verbose_name="published articles")),
            ],
            options={
                "verbose_name": "archive month",
                "verbose_name_plural": "archive months",
            },
        ),
        migrations.RunPython(count_every_month, migrations.RunPython.noop),
    ]
