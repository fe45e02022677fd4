"""Comparing two saved versions of an article (django-reversion keeps them)."""

from difflib import SequenceMatcher

from django.contrib.contenttypes.models import ContentType
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import ARTICLE_TEXT, SECTION_TEXT, Section

LANGUAGE_SUFFIXES = (("zh_hans", "中文"), ("en", "English"))


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


def section_states(version):
    section_type = ContentType.objects.get_for_model(Section)
    return {
        int(item.object_id): item.field_dict for item in version.revision.version_set.filter(content_type=section_type)
    }


def compare(older, newer):
    """The text fields that differ between two versions: [(label, diff HTML)], article first, then sections."""
    rows = []
    for name in ARTICLE_TEXT:
        for suffix, language in LANGUAGE_SUFFIXES:
            field = f"{name}_{suffix}"
            old, new = older.field_dict.get(field, ""), newer.field_dict.get(field, "")
            if old != new:
                rows.append((f"{name} · {language}", inline_diff(old, new)))
    old_sections, new_sections = section_states(older), section_states(newer)
    for pk in sorted(old_sections.keys() | new_sections.keys()):
        before, after = old_sections.get(pk, {}), new_sections.get(pk, {})
        position = (after or before).get("position", "?")
        for name in SECTION_TEXT:
            for suffix, language in LANGUAGE_SUFFIXES:
                field = f"{name}_{suffix}"
                old, new = before.get(field, ""), after.get(field, "")
                if old != new:
                    rows.append((f"§{position} {name} · {language}", inline_diff(old, new)))
    return rows
