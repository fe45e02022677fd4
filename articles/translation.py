from modeltranslation.translator import TranslationOptions, register

from .models import Article, Category, Figure, Section


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name",)


@register(Article)
class ArticleTranslation(TranslationOptions):
    fields = ("title", "summary", "publisher", "publication", "issue", "byline", "source_note", "translator")


@register(Section)
class SectionTranslation(TranslationOptions):
    fields = ("heading", "body", "body_html")


@register(Figure)
class FigureTranslation(TranslationOptions):
    fields = ("label", "caption", "alt_text")
