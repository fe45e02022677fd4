"""Comparing two saved versions of an article (django-reversion keeps them).

Every field an editor can change is compared: the article's own fields, each
section and each figure by identity (its primary key), so a section keeps its
name when it moves, and the order of sections and figures. Labels come from
the models' verbose names, in the editor's language.
"""

import datetime
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import models
from django.template.defaultfilters import date as format_date
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext, pgettext
from modeltranslation.fields import TranslationField

from .models import Article, Category, Figure, Section

# Fields an editor does not set: counters readers move, and what saving
# derives from other fields (rendered HTML, paragraph counts, image sizes).
NOT_COMPARED = {"view_count"}
LANGUAGE_NAMES = {"zh-hans": "中文", "en": "English"}
THUMBNAIL_WIDTH = 160


@dataclass
class Group:
    """One object's changes: a title naming it, what happened to it as a whole, and its changed fields."""

    kind: str
    title: str
    note: str = ""
    rows: list = field(default_factory=list)


def inline_diff(old, new):
    """`old` → `new` as HTML, removed text in <del>, added text in <ins>, character by character."""
    old, new = old or "", new or ""
    parts = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape(old[i1:i2]))
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(old[i1:i2])}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(new[j1:j2])}</ins>")
    return mark_safe("".join(parts))


def compare(older, newer):
    """What differs from version `older` to version `newer` of one article, as a list of Groups.

    The article's fields come first, then each section in the newer order
    (sections deleted since at the end), each followed by its figures.
    """
    article = Article.objects.filter(pk=older.object_id).first()
    chinese_lang = article.chinese_lang if article else "zh-Hans"
    old_sections, new_sections = section_states(older), section_states(newer)
    old_figures = figure_states(older, old_sections)
    new_figures = figure_states(newer, new_sections)
    values = Values(older.field_dict, newer.field_dict)

    groups = []
    article_rows = field_rows(Article, older.field_dict, newer.field_dict, values, chinese_lang)
    if article_rows:
        groups.append(Group("article", capfirst(Article._meta.verbose_name), rows=article_rows))

    old_order, new_order = ordered(old_sections), ordered(new_sections)
    moved = moved_items(old_order, new_order)
    section_names = {
        pk: section_reference(state, rank)
        for order, states in ((old_order, old_sections), (new_order, new_sections))
        for rank, pk in enumerate(order, 1)
        for state in [states[pk]]
    }
    for pk in new_order + [pk for pk in old_order if pk not in new_sections]:
        before, after = old_sections.get(pk), new_sections.get(pk)
        group = Group("section", capfirst(section_names[pk]))
        if before is None:
            group.note = gettext("added as the %(place)s section") % {"place": ordinal(new_order.index(pk) + 1)}
        elif after is None:
            group.note = gettext("deleted (it was the %(place)s section)") % {"place": ordinal(old_order.index(pk) + 1)}
        elif pk in moved:
            group.note = pgettext("a section", "moved from %(old)s to %(new)s") % {
                "old": ordinal(old_order.index(pk) + 1),
                "new": ordinal(new_order.index(pk) + 1),
            }
        group.rows = field_rows(Section, before or {}, after or {}, values, chinese_lang)
        if group.note or group.rows:
            groups.append(group)
        groups.extend(figure_groups(pk, old_figures, new_figures, section_names, values, chinese_lang))
    return groups


def section_states(version):
    """{section pk: field dict} of the article's sections in `version`."""
    states = revision_states(version, Section)
    return {pk: state for pk, state in states.items() if str(state.get("article_id")) == str(version.object_id)}


def figure_states(version, sections):
    """{figure pk: field dict} of the figures of `sections` in `version`."""
    return {pk: state for pk, state in revision_states(version, Figure).items() if state.get("section_id") in sections}


def revision_states(version, model):
    content_type = ContentType.objects.get_for_model(model)
    return {
        int(item.object_id): item.field_dict for item in version.revision.version_set.filter(content_type=content_type)
    }


def ordered(states):
    """Primary keys in the order the page shows them (position, then pk, as the models' Meta.ordering)."""
    return sorted(states, key=lambda pk: (states[pk].get("position") or 0, pk))


def moved_items(old_order, new_order):
    """The items to name as moved: the fewest whose moving explains the new order.

    The others are a longest run of items whose relative order did not
    change, so adding or deleting one section does not make every other one
    look moved. Among runs of that length, the one keeping most items at
    their old place among the rest is taken: reversing three sections moves
    the first and the last, not the middle one.
    """
    kept = set(old_order) & set(new_order)
    old_common = [pk for pk in old_order if pk in kept]
    new_common = [pk for pk in new_order if pk in kept]
    old_rank = {pk: rank for rank, pk in enumerate(old_common)}
    # best[i]: (length, items in their old place) of the best run ending at new_common[i].
    best, previous = [], []
    for i, pk in enumerate(new_common):
        stays = int(old_rank[pk] == i)
        choice, link = (1, stays), None
        for j in range(i):
            if old_rank[new_common[j]] < old_rank[pk]:
                candidate = (best[j][0] + 1, best[j][1] + stays)
                if candidate > choice:
                    choice, link = candidate, j
        best.append(choice)
        previous.append(link)
    in_place = set()
    index = max(range(len(best)), key=best.__getitem__) if best else None
    while index is not None:
        in_place.add(new_common[index])
        index = previous[index]
    return kept - in_place


def ordinal(number):
    """1st, 2nd, 3rd… in English; 第 1 个… in Chinese."""
    if 10 <= number % 100 <= 20:
        return pgettext("ordinal 11, 12, 13", "%(number)dth") % {"number": number}
    return {
        1: pgettext("ordinal 1", "%(number)dst"),
        2: pgettext("ordinal 2", "%(number)dnd"),
        3: pgettext("ordinal 3", "%(number)drd"),
    }.get(number % 10, pgettext("ordinal 0, 4-9", "%(number)dth")) % {"number": number}


def in_editors_language(state, name):
    """The value of a translated field in the admin's language, falling back to the other one."""
    chinese, english = state.get(f"{name}_zh_hans") or "", state.get(f"{name}_en") or ""
    first, second = (english, chinese) if (get_language() or "").startswith("en") else (chinese, english)
    return (first or second).strip()


def section_reference(state, rank):
    """How the page names a section: by its heading, or by its place if it has none."""
    heading = in_editors_language(state, "heading")
    if heading:
        return gettext("section “%(heading)s”") % {"heading": heading}
    return gettext("untitled section %(number)d") % {"number": rank}


def figure_reference(state, rank):
    """How the page names a figure: by its label, the start of its caption, or its place in the section."""
    name = in_editors_language(state, "label") or in_editors_language(state, "caption")
    if name:
        return gettext("figure “%(name)s”") % {"name": name if len(name) <= 30 else f"{name[:30]}…"}
    return gettext("figure %(number)d of the section") % {"number": rank}


def figure_groups(section_pk, old_figures, new_figures, section_names, values, chinese_lang):
    """The changed figures that belong to a section in the newer version (or did in the older, if gone)."""

    def of_section(states):
        return {pk: state for pk, state in states.items() if state.get("section_id") == section_pk}

    old_here, new_here = of_section(old_figures), of_section(new_figures)
    old_order, new_order = ordered(old_here), ordered(new_here)
    moved = moved_items(old_order, new_order)
    groups = []
    gone = [pk for pk in old_order if pk not in new_figures]
    for pk in new_order + gone:
        before, after = old_figures.get(pk), new_figures.get(pk)
        rank = new_order.index(pk) + 1 if pk in new_here else old_order.index(pk) + 1
        group = Group(
            "figure",
            gettext("%(figure)s in %(section)s")
            % {"figure": capfirst(figure_reference(after or before, rank)), "section": section_names[section_pk]},
        )
        if before is None:
            group.note = gettext("added as the %(place)s figure of the section") % {"place": ordinal(rank)}
        elif after is None:
            group.note = gettext("deleted (it was the %(place)s figure of the section)") % {"place": ordinal(rank)}
        elif before.get("section_id") != section_pk:
            group.note = gettext("moved here from %(section)s") % {
                "section": section_names.get(before.get("section_id"), "?")
            }
        elif pk in moved:
            group.note = pgettext("a figure", "moved from %(old)s to %(new)s") % {
                "old": ordinal(old_order.index(pk) + 1),
                "new": ordinal(new_order.index(pk) + 1),
            }
        group.rows = field_rows(Figure, before or {}, after or {}, values, chinese_lang)
        if group.note or group.rows:
            groups.append(group)
    return groups


class Values:
    """Turns stored field values into what an editor reads: choice labels, category names, local times, images."""

    def __init__(self, old_article, new_article):
        category_ids = {state.get("category_id") for state in (old_article, new_article)} - {None}
        self.categories = Category.objects.in_bulk(category_ids)

    def show(self, model_field, value, precise=False):
        if value in (None, ""):
            return "—"
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(model_field, models.BooleanField):
            return gettext("yes") if value else gettext("no")
        if isinstance(model_field, models.DateTimeField):
            moment = timezone.localtime(value) if timezone.is_aware(value) else value
            return format_date(moment, "Y-m-d H:i:s" if precise else "DATETIME_FORMAT")
        if isinstance(model_field, models.ForeignKey) and model_field.related_model is Category:
            category = self.categories.get(value)
            return str(category) if category else gettext("a deleted category (number %(pk)s)") % {"pk": value}
        return str(value)


def comparable_fields(model):
    """(field, label, language tag or None) for each field an editor sets, translated ones once per language."""
    translated = {f.name: f.translated_field for f in model._meta.concrete_fields if isinstance(f, TranslationField)}
    originals = {f.name for f in translated.values()}
    result = []
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key or not model_field.editable or model_field.name in NOT_COMPARED:
            continue
        # The parent and the position are shown as moves, not as numbers.
        if model_field.name in originals or model_field.name in ("article", "section", "position"):
            continue
        label = capfirst(model_field.verbose_name)
        language = None
        if model_field.name in translated:
            language = model_field.language
            label = f"{capfirst(translated[model_field.name].verbose_name)} · {LANGUAGE_NAMES.get(language, language)}"
        result.append((model_field, label, language))
    return result


def field_rows(model, before, after, values, chinese_lang):
    """[(label, diff HTML, language tag)] for the fields of `model` that differ between two field dicts."""
    rows = []
    for model_field, label, language in comparable_fields(model):
        old, new = before.get(model_field.attname), after.get(model_field.attname)
        if isinstance(model_field, models.FileField):
            old, new = getattr(old, "name", old) or "", getattr(new, "name", new) or ""
            if old != new:
                sizes = [
                    (state.get(model_field.width_field or ""), state.get(model_field.height_field or ""))
                    for state in (before, after)
                ]
                rows.append((label, image_change((old, *sizes[0]), (new, *sizes[1])), None))
            continue
        old, new = comparable(old), comparable(new)
        if (old in (None, "") and new in (None, "")) or old == new:
            continue
        lang = {"zh-hans": chinese_lang, "en": "en"}.get(language)
        if isinstance(model_field, (models.CharField, models.TextField)) and not model_field.choices:
            rows.append((label, inline_diff(old, new), lang))
            continue
        shown = values.show(model_field, old), values.show(model_field, new)
        if shown[0] == shown[1]:
            shown = values.show(model_field, old, precise=True), values.show(model_field, new, precise=True)
        rows.append((label, format_html("<del>{}</del> → <ins>{}</ins>", *shown), lang))
    return rows


def comparable(value):
    """A value as an editor can tell it apart: text with its line ends as typed, times to the second.

    Browsers send a textarea's line breaks as CRLF, and the admin's time
    field drops fractions of a second; neither is a change anyone made.
    """
    if isinstance(value, str):
        return value.replace("\r\n", "\n")
    if isinstance(value, datetime.datetime):
        return value.replace(microsecond=0)
    return value


def image_change(old, new):
    """The old and the new image side by side as thumbnails (or a dash where there is none)."""
    return format_html(
        '<span class="version-images">{} <span aria-hidden="true">→</span> {}</span>',
        thumbnail(old, "del"),
        thumbnail(new, "ins"),
    )


def thumbnail(image, tag):
    name, width, height = image
    if not name:
        return format_html("<{}>—</{}>", tag, tag)
    label = gettext("removed image") if tag == "del" else gettext("new image")
    if not default_storage.exists(name):
        return format_html(
            '<{} class="version-image missing">{}: {} ({})</{}>', tag, label, name, gettext("file not found"), tag
        )
    shown_width = min(width or THUMBNAIL_WIDTH, THUMBNAIL_WIDTH)
    size = format_html(' width="{}"', shown_width)
    if width and height:
        size = format_html(' width="{}" height="{}"', shown_width, max(1, round(height * shown_width / width)))
    return format_html(
        '<{} class="version-image"><a href="{}"><img src="{}" alt="{}: {}"{} loading="lazy"></a></{}>',
        tag,
        default_storage.url(name),
        thumbnail_url(name),
        label,
        name.rsplit("/", 1)[-1],
        size,
        tag,
    )


def thumbnail_url(name):
    """The smallest rendition made when the image was saved, or the file itself if there is none."""
    rendition = Figure(image=name).image_480
    try:
        if default_storage.exists(rendition.name):
            return rendition.url
    except (OSError, ValueError):
        pass
    return default_storage.url(name)
