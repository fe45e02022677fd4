"""The translation desk: an article's paragraphs in pairs, original beside translation (issue 14).

One screen per article, under its admin (/admin/articles/article/<id>/translate/),
for staff who may change articles. Each section lists its paragraph pairs
(articles.pairs) with their state; the translation of each pair is a
textarea. Saving writes each changed section's translated body through
Section.save() and the article's save, so the one change path, History and
the "last changed" version apply; a save from a page opened before a
colleague's later save is refused with everything typed shown again, beside
the colleague's text. "The translation still holds" records a stale pair as
agreed without changing its text (a typo fixed in the original).

It lives in `articles` because the article's admin serves it, and
`articles` imports no other app (pyproject's import-linter contract).
"""

import json
import re

import reversion
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.template.defaultfilters import date as format_date
from django.urls import reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext, gettext_noop, ngettext, pgettext

from . import pairs as pair_states
from .markup import paragraphs, render_blocks
from .models import Article, Section

TEXTAREA = re.compile(r"t-(\d{1,18})-(\d{1,5})")
CONFIRM = re.compile(r"(\d{1,18})-(\d{1,5})")
# More paragraphs than this in one section's form is not an editor's page.
MOST_PARAGRAPHS = 2000

# History keeps these labels untranslated and shows them in the reader's
# language (articles.admin_labels).
CONFIRMED_LABEL = gettext_noop("Translation confirmed as still holding")
BODY_LABELS = {"zh": gettext_noop("Body (Chinese)"), "en": gettext_noop("Body (English)")}


class Refused(Exception):
    """A save refused because the article changed since the desk was opened."""


def roles(article):
    """(original, translation) as "zh"/"en"; an article published in both languages is shown Chinese first."""
    if article.original_language == Article.Original.ENGLISH:
        return "en", "zh"
    return "zh", "en"


def column(language):
    return "body_zh_hans" if language == "zh" else "body_en"


def parse_id(object_id):
    if not (object_id.isascii() and object_id.isdigit()) or not 0 < int(object_id) < 2**63:
        raise Http404(gettext("There is no article with this number."))
    return int(object_id)


def translation_desk_view(model_admin, request, object_id):
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    article = Article.objects.filter(pk=parse_id(object_id)).select_related("category").first()
    if article is None:
        raise Http404(gettext("There is no article with this number."))
    if not model_admin.has_change_permission(request, article):
        raise PermissionDenied
    sections = list(article.sections.all())
    if request.method != "POST":
        return show(model_admin, request, article, sections, typed={}, status=200)

    typed, confirm, problem = read_post(request, sections)
    if problem:
        messages.error(request, problem)
        return show(model_admin, request, article, sections, typed=typed, status=400)
    try:
        saved = save(model_admin, request, article, typed, confirm)
    except Refused as refusal:
        article.refresh_from_db()
        sections = list(article.sections.all())
        messages.error(request, str(refusal))
        return show(model_admin, request, article, sections, typed=typed, status=409, refused=True)
    if saved is None:
        messages.info(request, gettext("Nothing to save: the translation is as it was."))
    else:
        messages.success(request, saved)
    anchor = f"#section-{confirm[0]}" if confirm else ""
    return redirect(reverse("admin:articles_article_translate", args=[article.pk]) + anchor)


def read_post(request, sections):
    """({section pk: [typed paragraph, …]}, (section pk, pair index) to confirm or None, a problem or "")."""
    known = {section.pk for section in sections}
    typed, problem = {}, ""
    for key in request.POST:
        if not (match := TEXTAREA.fullmatch(key)):
            continue
        pk, index = int(match[1]), int(match[2])
        if pk not in known:
            problem = gettext(
                "A section of this form is no longer in the article; nothing was saved. Your text is below."
            )
            continue
        if index >= MOST_PARAGRAPHS:
            problem = gettext("A section has more paragraphs than the desk takes; nothing was saved.")
            continue
        value = request.POST[key].replace("\r\n", "\n")
        if "\x00" in value:  # no database column can hold it (Django's forms refuse it too)
            problem = gettext("The text holds a character that cannot be stored (NUL); nothing was saved.")
            value = value.replace("\x00", "")
        typed.setdefault(pk, {})[index] = value
    typed = {pk: [values[index] for index in sorted(values)] for pk, values in typed.items()}
    if any(len(paragraphs(joined(values))) > MOST_PARAGRAPHS for values in typed.values()):
        problem = gettext("A section has more paragraphs than the desk takes; nothing was saved.")
    confirm = None
    if value := request.POST.get("confirm"):
        match = CONFIRM.fullmatch(value)
        if match and int(match[1]) in known:
            confirm = (int(match[1]), int(match[2]))
        else:
            problem = problem or gettext("That pair is no longer in the article; nothing was saved.")
    return typed, confirm, problem


def joined(values):
    """The translated body the desk's paragraphs make: each non-empty one, a blank line between them."""
    kept = [value.strip("\n").rstrip() for value in values]
    return "\n\n".join(value for value in kept if value.strip())


def save(model_admin, request, article, typed, confirm):
    """Write the changed translations and the confirmation as one save of the article; a message, or None."""
    original, translation = roles(article)
    field = column(translation)
    with transaction.atomic(), reversion.create_revision():
        stored = Article.objects.filter(pk=article.pk)
        if transaction.get_connection(stored.db).in_atomic_block:
            stored = stored.select_for_update()
        current = stored.values_list("updated_at", "updated_by").first()
        if current is None:
            raise Http404(gettext("There is no article with this number."))
        sections = {section.pk: section for section in Section.objects.filter(article=article)}
        changed, confirmed = [], None
        for pk, values in typed.items():
            section = sections.get(pk)
            if section is None:
                raise Refused(gettext("A section of this form is no longer in the article; nothing was saved."))
            body = joined(values)
            if paragraphs(body) != paragraphs(getattr(section, field)):
                setattr(section, field, body)
                changed.append(section)
        if confirm:
            section = sections.get(confirm[0])
            if section is None:
                raise Refused(gettext("That pair is no longer in the article; nothing was saved."))
            found = section.translation_pairs(article.original_language)
            pair = found[confirm[1]] if confirm[1] < len(found) else None
            if pair is not None and pair.state == pair_states.STALE:
                section.confirm_pair(confirm[1])
                confirmed = section
        if not changed and confirmed is None:
            return None
        if request.POST.get("loaded_version") != version_of(current[0]):
            raise Refused(refusal_message(current))
        for section in dict.fromkeys([*changed, *([confirmed] if confirmed else [])]):
            section.article = article
            section.save()
        article.updated_by = request.user
        article.save()
        message = [
            {"changed": {"name": "section", "object": str(section), "fields": [BODY_LABELS[translation]]}}
            for section in changed
        ]
        if confirmed is not None:
            message.append({"changed": {"name": "section", "object": str(confirmed), "fields": [CONFIRMED_LABEL]}})
        reversion.set_user(request.user)
        model_admin.log_change(request, article, json.dumps(message))
    if confirmed is not None and not changed:
        return gettext("Pair %(number)d of “%(section)s” is marked as still translated.") % {
            "number": confirm[1] + 1,
            "section": confirmed,
        }
    return ngettext(
        "The translation of %(count)d section was saved.",
        "The translation of %(count)d sections was saved.",
        len(changed),
    ) % {"count": len(changed)}


def version_of(moment):
    return moment.isoformat() if moment else ""


def refusal_message(current):
    from django.contrib.auth import get_user_model

    editor = get_user_model().objects.filter(pk=current[1]).first()
    return gettext(
        "%(editor)s saved this article at %(time)s, after you opened the desk. Nothing was saved. Your text is "
        "still in the boxes below, with their text beside it where it differs: keep what you need and save again."
    ) % {
        "editor": editor.get_username() if editor else gettext("Someone"),
        "time": format_date(localtime(current[0]), "DATETIME_FORMAT"),
    }


STATE_LABELS = {
    pair_states.MISSING: gettext_noop("Not translated"),
    pair_states.EXTRA: gettext_noop("No original paragraph"),
    pair_states.STALE: gettext_noop("Original changed since this translation was last edited"),
    pair_states.CURRENT: gettext_noop("Translated"),
}


def show(model_admin, request, article, sections, typed, status, refused=False):
    original, translation = roles(article)
    languages = {"zh": article.chinese_lang, "en": "en"}
    # Named as the form's language tabs name them, in either admin language.
    names = {"zh": "中文（繁體）" if article.chinese_lang == "zh-Hant" else "中文", "en": "English"}
    rows, totals = [], {state: 0 for state in STATE_LABELS}
    for section in sections:
        section.article = article
        found = section.translation_pairs(article.original_language)
        level = section.body_heading_level
        original_html = render_blocks(getattr(section, column(original)), level)
        stored = paragraphs(getattr(section, column(translation)))
        values = typed.get(section.pk)
        count = max(len(found), len(values) if values is not None else 0)
        entries = []
        for index in range(count):
            pair = found[index] if index < len(found) else None
            value = (
                values[index]
                if values is not None and index < len(values)
                else (stored[index] if index < len(stored) else "")
            )
            theirs = stored[index] if index < len(stored) else ""
            state = pair.state if pair else pair_states.EXTRA
            totals[state] += 1
            entries.append(
                {
                    "index": index,
                    "number": index + 1,
                    "original": original_html[index] if index < len(original_html) else "",
                    "value": value,
                    "theirs": theirs if refused and value.strip() != theirs.strip() else None,
                    "state": state,
                    "label": gettext(STATE_LABELS[state]),
                    "rows": min(12, max(3, len(value) // (30 if translation == "zh" else 60) + 2)),
                }
            )
        counts = {state: sum(1 for entry in entries if entry["state"] == state) for state in STATE_LABELS}
        rows.append({"section": section, "pairs": entries, "summary": summary(counts)})
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": article,
        "article": article,
        "title": gettext("Translation desk"),
        "subtitle": str(article),
        "sections": rows,
        "summary": summary(totals),
        "original_lang": languages[original],
        "translation_lang": languages[translation],
        "original_name": names[original],
        "translation_name": names[translation],
        "both": article.original_language == Article.Original.BOTH,
        "loaded_version": version_of(article.updated_at),
        "has_view_permission": True,
    }
    return render(request, "admin/articles/article/translate.html", context, status=status)


def summary(counts):
    """ "2 pairs out of date, 1 missing" (or "all pairs translated") for counts by state."""
    parts = []
    if counts.get(pair_states.STALE):
        parts.append(
            ngettext("%(count)d pair out of date", "%(count)d pairs out of date", counts[pair_states.STALE])
            % {"count": counts[pair_states.STALE]}
        )
    if counts.get(pair_states.MISSING):
        parts.append(
            ngettext("%(count)d missing", "%(count)d missing", counts[pair_states.MISSING])
            % {"count": counts[pair_states.MISSING]}
        )
    if counts.get(pair_states.EXTRA):
        parts.append(
            ngettext("%(count)d extra", "%(count)d extra", counts[pair_states.EXTRA])
            % {"count": counts[pair_states.EXTRA]}
        )
    return pgettext("list separator", ", ").join(parts) if parts else gettext("all pairs translated")
