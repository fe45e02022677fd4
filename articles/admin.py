from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from .models import Article, Category, Figure, Section


@admin.register(Category)
class CategoryAdmin(TranslationAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]


class SectionInline(TranslationStackedInline):
    model = Section
    extra = 0
    fields = ["position", "level", "heading", "body"]


@admin.register(Article)
class ArticleAdmin(TranslationAdmin):
    list_display = ["title", "category", "status", "published_at", "view_count"]
    list_filter = ["status", "category", "published_at"]
    search_fields = ["title_zh_hans", "title_en", "slug"]
    readonly_fields = ["view_count", "created_at", "updated_at"]
    date_hierarchy = "published_at"
    inlines = [SectionInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "category", "summary"]}),
        ("Publishing", {"fields": ["status", "published_at", "date_precision", "is_date_approximate", "is_full_text"]}),
        (
            "Source",
            {
                "fields": [
                    "publisher",
                    "publication",
                    "issue",
                    "byline",
                    "source_note",
                    "chinese_script",
                    "original_language",
                ]
            },
        ),
        ("Counters", {"fields": ["view_count", "created_at", "updated_at"]}),
    ]


@admin.register(Figure)
class FigureAdmin(TranslationAdmin):
    list_display = ["__str__", "section", "position"]
    list_select_related = ["section__article"]
    search_fields = ["caption_zh_hans", "caption_en", "label_zh_hans"]
    autocomplete_fields = ["section"]


@admin.register(Section)
class SectionAdmin(TranslationAdmin):
    list_display = ["__str__", "article", "position", "level"]
    list_select_related = ["article"]
    search_fields = ["heading_zh_hans", "heading_en", "article__title_zh_hans"]
