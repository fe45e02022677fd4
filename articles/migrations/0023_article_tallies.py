"""The editors' counts by category and status, kept through the change path (articles.tallies), filled from the articles."""

import django.db.models.deletion
from django.db import migrations, models


def count_every_group(apps, schema_editor):
    from articles.tallies import recount_all

    recount_all(
        using=schema_editor.connection.alias,
        Article=apps.get_model("articles", "Article"),
        ArticleTally=apps.get_model("articles", "ArticleTally"),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0022_fewer_translation_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='ArticleTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(max_length=10, verbose_name='status')),
                ('articles', models.PositiveIntegerField(default=0, verbose_name='articles')),
                ('category', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='articles.category', verbose_name='category')),
            ],
            options={
                'verbose_name': 'article tally',
                'verbose_name_plural': 'article tallies',
                'constraints': [models.UniqueConstraint(fields=('category', 'status'), name='article_tally_group')],
            },
        ),
        migrations.RunPython(count_every_group, migrations.RunPython.noop),
    ]
