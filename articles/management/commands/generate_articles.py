"""Generate N synthetic articles for scale tests and benchmarks.

The text is drawn, with a fixed seed, from the sentences of the archive's own
fixtures, so it is realistic Chinese and English (and realistic to search),
but the articles are labelled synthetic: slugs start with `synthetic-` and
every title says so. Each has three sections in both languages, a category
and a publish date between 2015 and 2025; one in twenty is a draft. Rows are
written with bulk_create in batches, each batch one change through
articles.changes (the search index and the page cache follow).

Never run it against a production database. `--delete` removes what it made.
"""

import datetime
import random
import re
import tomllib

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from articles import changes
from articles.archive import FIXTURE_DIR, ensure_categories
from articles.models import Article, Category, Section

BATCH = 1000
SENTENCE = re.compile(r"[^。！？]+[。！？]")
ENGLISH_SENTENCE = re.compile(r"[A-Z][^.!?]+[.!?]")


def sentence_pools():
    chinese, english = [], []
    for path in sorted(FIXTURE_DIR.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for section in data.get("sections", []):
            chinese += [s.strip() for s in SENTENCE.findall(section.get("body_zh", "")) if "<" not in s]
            english += [s.strip() for s in ENGLISH_SENTENCE.findall(section.get("body_en", "")) if "<" not in s]
    return chinese, english


class Command(BaseCommand):
    help = "Generate N synthetic articles (with sections, both languages) for scale tests."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)
        parser.add_argument("--seed", type=int, default=2020)
        parser.add_argument("--delete", action="store_true", help="Delete all synthetic articles first.")

    def handle(self, *args, count, seed, delete, **options):
        if delete:
            # Through post_delete, each deleted article leaves the index and the caches.
            deleted, _ = Article.objects.filter(slug__startswith="synthetic-").delete()
            self.stdout.write(f"Deleted {deleted} synthetic rows.")
        ensure_categories()
        categories = list(Category.objects.all())
        chinese, english = sentence_pools()
        rng = random.Random(seed)
        start = Article.objects.filter(slug__startswith="synthetic-").count()
        first_day = datetime.datetime(2015, 1, 1, tzinfo=datetime.UTC)
        span = (datetime.datetime(2025, 12, 31, tzinfo=datetime.UTC) - first_day).total_seconds()
        made = 0
        while made < count:
            size = min(BATCH, count - made)
            with transaction.atomic():
                articles = []
                for number in range(start + made, start + made + size):
                    zh_title = rng.choice(chinese).rstrip("。！？")[:28]
                    en_title = rng.choice(english).rstrip(".!?")[:90]
                    articles.append(
                        Article(
                            slug=f"synthetic-{number}",
                            title_zh_hans=f"{zh_title}（合成{number}）",
                            title_en=f"{en_title} (synthetic {number})",
                            summary_zh_hans=rng.choice(chinese),
                            summary_en=rng.choice(english),
                            category=rng.choice(categories),
                            status=Article.Status.DRAFT if rng.random() < 0.05 else Article.Status.PUBLISHED,
                            published_at=first_day + datetime.timedelta(seconds=rng.random() * span),
                            chinese_changed_at=timezone.now(),
                            english_changed_at=timezone.now(),
                        )
                    )
                Article.objects.bulk_create(articles)
                created = list(Article.objects.filter(slug__in=[a.slug for a in articles]).only("pk"))
                sections = []
                for article in created:
                    for position in range(1, 4):
                        zh = rng.sample(chinese, 2)
                        en = rng.sample(english, 2)
                        sections.append(
                            Section(
                                article=article,
                                position=position,
                                heading_zh_hans=rng.choice(chinese).rstrip("。！？")[:20],
                                heading_en=rng.choice(english).rstrip(".!?")[:60],
                                body_zh_hans="\n\n".join(zh),
                                body_en="\n\n".join(en),
                                body_html_zh_hans="".join(f"<p>{escape(p)}</p>" for p in zh),
                                body_html_en="".join(f"<p>{escape(p)}</p>" for p in en),
                                paragraphs_zh=len(zh),
                                paragraphs_en=len(en),
                            )
                        )
                Section.objects.bulk_create(sections)
                # bulk_create calls no save(): record the change ourselves.
                changes.article_changed(*(article.pk for article in created))
            made += size
            self.stdout.write(f"  {made}/{count}", ending="\r")
        self.stdout.write(f"Generated {count} synthetic articles.")
