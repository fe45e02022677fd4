"""Loading the archive's own content from fixtures/articles/*.toml.

Each file is one article (schema in fixtures/README.md). Loading is safe to
repeat: an article whose file has not changed is left untouched, and an
article an editor has changed since it was loaded is never overwritten unless
forced.
"""

import datetime
import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import ARTICLE_TEXT as ARTICLE_STAMPED_TEXT
from .models import FIGURE_TEXT, SECTION_TEXT, Article, Category, Figure, Section

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures" / "articles"

# The portal's categories, as in the first capture's navigation and sidebar.
CATEGORIES = [
    ("news", "新闻", "News"),
    ("finance", "财经", "Finance"),
    ("innovation", "创新", "Innovation"),
]
ARTICLE_TEXT = (*ARTICLE_STAMPED_TEXT, "translator")
# Fixture keys are <name>_zh / <name>_en; the model's Chinese column is _zh_hans.
FIXTURE_KEY = {"alt_text": "alt"}
LANGS = {"zh": "zh_hans", "en": "en"}


class FixtureError(ValueError):
    pass


@dataclass
class LoadReport:
    added: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    kept: list = field(default_factory=list)


@transaction.atomic
def load_archive(directory=FIXTURE_DIR, force=False):
    """Add and update the archive's articles from their files: one change, told once when it commits."""
    ensure_categories()
    report = LoadReport()
    paths = sorted(Path(directory).glob("*.toml"))
    if not paths:
        raise FixtureError(f"No article files in {directory}")
    for path in paths:
        raw = path.read_bytes()
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise FixtureError(f"{path.name}: {error}") from error
        digest = hashlib.sha256(raw).hexdigest()
        article = Article.objects.filter(slug=data.get("slug")).first()
        if article is None:
            # The archive's own count starts at 0; the source's is kept apart (source_view_count).
            write_article(Article(view_count=0), data, digest)
            report.added.append(data["slug"])
        elif content_digest(article) != article.loaded_digest and not force:
            report.kept.append(article.slug)
        elif article.fixture_digest == digest and not force:
            report.unchanged.append(article.slug)
        else:
            write_article(article, data, digest)
            report.updated.append(article.slug)
    return report


def ensure_categories():
    for position, (slug, name_zh, name_en) in enumerate(CATEGORIES):
        Category.objects.get_or_create(
            slug=slug, defaults={"name_zh_hans": name_zh, "name_en": name_en, "position": position}
        )


def text_fields(data, names, where):
    values = {}
    for name in names:
        key = FIXTURE_KEY.get(name, name)
        for short, suffix in LANGS.items():
            value = data.get(f"{key}_{short}", "")
            if not isinstance(value, str):
                raise FixtureError(f"{where}: {key}_{short} must be text")
            values[f"{name}_{suffix}"] = value.strip("\n")
    return values


def publish_time(data, where):
    value = data.get("published_at")
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime.combine(value, datetime.time())
    else:
        try:
            moment = datetime.datetime.fromisoformat(str(value))
        except ValueError as error:
            raise FixtureError(f"{where}: published_at must be a date, got {value!r}") from error
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


@transaction.atomic
def write_article(article, data, digest):
    where = data.get("slug", "?")
    for required in ("slug", "category", "title_zh"):
        if not data.get(required):
            raise FixtureError(f"{where}: {required} is required")
    try:
        category = Category.objects.get(slug=data["category"])
    except Category.DoesNotExist as error:
        raise FixtureError(f"{where}: unknown category {data['category']!r}") from error

    for name, value in text_fields(data, ARTICLE_TEXT, where).items():
        setattr(article, name, value)
    article.slug = data["slug"]
    article.category = category
    article.status = Article.Status.PUBLISHED
    article.published_at = publish_time(data, where)
    article.date_precision = data.get("date_precision", Article.Precision.DAY)
    article.is_date_approximate = data.get("date_is_approximate", False)
    article.chinese_script = data.get("chinese_script", Article.Script.SIMPLIFIED)
    article.original_language = data.get("original_language", Article.Original.CHINESE)
    article.is_full_text = data.get("is_full_text", True)
    article.source_view_count = source_views(data, where)
    article.title_by_archive = data.get("title_by_archive", False)
    article.archive_translated = ", ".join(data.get("archive_translated", []))
    article.full_clean(exclude=["view_count"])
    article.save()

    article.sections.all().delete()
    for position, section_data in enumerate(data.get("sections", []), start=1):
        section = Section(
            article=article,
            position=position,
            level=section_data.get("level", Section.Level.SECTION),
            **text_fields(section_data, SECTION_TEXT, f"{where} section {position}"),
        )
        section.save()
        for figure_position, figure_data in enumerate(section_data.get("figures", []), start=1):
            Figure.objects.create(
                section=section,
                position=figure_position,
                marker=figure_data.get("marker", ""),
                **text_fields(figure_data, FIGURE_TEXT, f"{where} section {position} figure {figure_position}"),
            )

    # Digest the article as the database returns it, as the next run will.
    article.fixture_digest = digest
    article.loaded_digest = content_digest(Article.objects.get(pk=article.pk))
    Article.objects.filter(pk=article.pk).update(
        fixture_digest=article.fixture_digest, loaded_digest=article.loaded_digest
    )


def source_views(data, where):
    """The view count the source showed (`source_view_count`; older files call it `view_count`), or None."""
    value = data.get("source_view_count", data.get("view_count"))
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise FixtureError(f"{where}: source_view_count must be a whole number, got {value!r}")
    return value


def localized(obj, names):
    return {f"{name}_{suffix}": getattr(obj, f"{name}_{suffix}") for name in names for suffix in LANGS.values()}


def content_digest(article):
    """A digest of everything an editor can change (the archive's own views excluded: readers change them)."""
    state = {
        **localized(article, ARTICLE_TEXT),
        "slug": article.slug,
        "category": article.category_id,
        "status": article.status,
        "published_at": article.published_at.timestamp(),
        "precision": article.date_precision,
        "approximate": article.is_date_approximate,
        "script": article.chinese_script,
        "original": article.original_language,
        "full_text": article.is_full_text,
        # Provenance and the source's count, only when set: digests taken before
        # these fields existed still match an article that does not use them.
        **({"source_views": article.source_view_count} if article.source_view_count is not None else {}),
        **({"title_by_archive": True} if article.title_by_archive else {}),
        **({"archive_translated": article.archive_translated} if article.archive_translated else {}),
        "sections": [
            {
                **localized(section, SECTION_TEXT),
                "position": section.position,
                "level": section.level,
                "figures": [
                    {**localized(figure, FIGURE_TEXT), "marker": figure.marker, "image": figure.image.name or ""}
                    for figure in section.figures.order_by("position", "pk")
                ],
            }
            for section in article.sections.order_by("position", "pk")
        ],
    }
    return hashlib.sha256(json.dumps(state, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
