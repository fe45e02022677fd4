"""The sitemap index's summary of each block of article ids, kept through the change path (articles.sitemaps), filled from the articles."""

from django.db import migrations, models


def summarise_every_block(apps, schema_editor):
    from articles.sitemaps import recount_all

    recount_all(
        using=schema_editor.connection.alias,
        Article=apps.get_model("articles", "Article"),
        SitemapBlock=apps.get_model("articles", "SitemapBlock"),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0023_article_tallies'),
    ]

    operations = [
        migrations.CreateModel(
            name='SitemapBlock',
            fields=[
                ('number', models.PositiveBigIntegerField(primary_key=True, serialize=False, verbose_name='block')),
                ('listed', models.PositiveIntegerField(default=0, verbose_name='published articles')),
                ('lastmod', models.DateTimeField(blank=True, null=True, verbose_name='last change')),
            ],
            options={
                'verbose_name': 'sitemap block',
                'verbose_name_plural': 'sitemap blocks',
            },
        ),
        migrations.RunPython(summarise_every_block, migrations.RunPython.noop),
    ]
