import datetime

from django.utils import timezone

from articles.models import Article, Category, Figure, Section


def make_category(**overrides):
    fields = {"slug": "news", "name_zh_hans": "新闻", "name_en": "News", "position": 0}
    fields.update(overrides)
    category, _ = Category.objects.get_or_create(slug=fields.pop("slug"), defaults=fields)
    return category


def make_article(**overrides):
    fields = {
        "title_zh_hans": "测试文章",
        "title_en": "Test article",
        "summary_zh_hans": "测试摘要。",
        "summary_en": "Test summary.",
        "slug": f"test-article-{Article.objects.count() + 1}",
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() - datetime.timedelta(days=1),
    }
    fields.update(overrides)
    if "category" not in fields:
        fields["category"] = make_category()
    return Article.objects.create(**fields)


def make_section(article, **overrides):
    fields = {
        "position": article.sections.count() + 1,
        "heading_zh_hans": "小标题",
        "heading_en": "Heading",
        "body_zh_hans": "第一段。\n\n第二段。",
        "body_en": "First paragraph.\n\nSecond paragraph.",
    }
    fields.update(overrides)
    section = Section(article=article, **fields)
    section.save()
    return section


def make_figure(section, **overrides):
    fields = {
        "position": section.figures.count() + 1,
        "label_zh_hans": "图 1",
        "label_en": "Figure 1",
        "caption_zh_hans": "图片说明",
        "caption_en": "A caption",
    }
    fields.update(overrides)
    return Figure.objects.create(section=section, **fields)
