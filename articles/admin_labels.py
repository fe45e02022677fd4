"""What the desk's forms say about their fields: help texts, and the labels History keeps.

The help texts live here, in the admin's forms, rather than on the model
fields, so changing one needs no migration.
"""

from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from .models import Section


def in_both_languages(help_texts):
    """The same help for a translated field's Chinese and English columns."""
    return {f"{name}_{lang}": text for name, text in help_texts.items() for lang in ("zh_hans", "en")}


ARTICLE_HELP = {
    "summary": _("One or two sentences shown under the title in lists, feeds and link previews."),
    "status": _(
        "Draft: only editors see it. Published: readers see it from its publish time on; "
        "with a publish time still to come it is scheduled and appears by itself at that time."
    ),
    "published_at": format_lazy(
        _(
            "When the source published it (or, for a scheduled article, when readers will see it). "
            "In the newsroom's time zone, {zone}."
        ),
        zone=settings.TIME_ZONE,
    ),
    "date_precision": _(
        "How much of the date the source gives: readers see only that much (e.g. “April 2020”); "
        "the rest of the publish time above only puts the archive in order."
    ),
    "is_date_approximate": _(
        "Tick when the source does not state the date and it was worked out from the text; "
        "readers see the date marked as approximate."
    ),
    "is_full_text": _("Untick for a teaser: the archive holds only its title and summary, and the page says so."),
    "chinese_script": _(
        "The script the Chinese text is written in, as the source published it. Type it as published: "
        "readers of the other script get it converted."
    ),
    "original_language": _(
        "The language the source was published in; the other one is a translation, credited below. "
        "“Chinese and English” when the source published both."
    ),
    "comments_open": _("Readers may leave comments under the article; you moderate them in the queue."),
    **in_both_languages(
        {
            "publisher": _(
                "The organisation that issued the source, e.g. 中华人民共和国科学技术部 / "
                "Ministry of Science and Technology; shown in the masthead."
            ),
            "publication": _(
                "The periodical or site it appeared in, e.g. 中国科技通讯 / China S&T Newsletter; "
                "shown in the masthead with the issue."
            ),
            "issue": _("The issue of the publication, e.g. 2020 年第 2 期 / No. 2, 2020."),
            "byline": _("The author as the source names them, e.g. 王瑞軍 博士 / Dr. Ruijun Wang."),
            "source_note": _(
                "The credit line as the source prints it at the end, without brackets, "
                "e.g. 来源：科技部 / Source: Ministry of Science and Technology."
            ),
            "translator": _(
                "Who translated the article, as readers see it in “English translation by …” "
                "(or “Chinese translation by …”). Leave empty for the archive's editors."
            ),
        }
    ),
}

SECTION_HELP = {
    "level": _(
        "Section: a main part of the article, listed in its contents. "
        "Subsection: a part within the section above it, indented in the contents."
    ),
}


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = "__all__"  # noqa: DJ007 - the inline's fields choose the fields
        help_texts = SECTION_HELP


# History (Django's LogEntry, and the article's versions) keeps the label of
# each changed field untranslated ("Title (Chinese)", "Status") and looks the
# whole label up in the catalog when it is shown, in the reader's language.
# These are those labels, so that the catalog has them;
# tests/test_admin_language.py fails when a field of the desk's forms is missing.
HISTORY_LABELS = [
    gettext_noop("Title (Chinese)"),
    gettext_noop("Title (English)"),
    gettext_noop("Summary (Chinese)"),
    gettext_noop("Summary (English)"),
    gettext_noop("Publisher (Chinese)"),
    gettext_noop("Publisher (English)"),
    gettext_noop("Publication (Chinese)"),
    gettext_noop("Publication (English)"),
    gettext_noop("Issue (Chinese)"),
    gettext_noop("Issue (English)"),
    gettext_noop("Byline (Chinese)"),
    gettext_noop("Byline (English)"),
    gettext_noop("Source line (Chinese)"),
    gettext_noop("Source line (English)"),
    gettext_noop("Translator (Chinese)"),
    gettext_noop("Translator (English)"),
    gettext_noop("Heading (Chinese)"),
    gettext_noop("Heading (English)"),
    gettext_noop("Body (Chinese)"),
    gettext_noop("Body (English)"),
    gettext_noop("Label (Chinese)"),
    gettext_noop("Label (English)"),
    gettext_noop("Caption (Chinese)"),
    gettext_noop("Caption (English)"),
    gettext_noop("Alt text (Chinese)"),
    gettext_noop("Alt text (English)"),
    gettext_noop("Name (Chinese)"),
    gettext_noop("Name (English)"),
    gettext_noop("Slug"),
    gettext_noop("Category"),
    gettext_noop("Status"),
    gettext_noop("Published at"),
    gettext_noop("Date precision"),
    gettext_noop("Date is approximate"),
    gettext_noop("Full text archived"),
    gettext_noop("Script of the Chinese text"),
    gettext_noop("Original language"),
    gettext_noop("Comments open"),
    gettext_noop("Position"),
    gettext_noop("Heading level"),
    gettext_noop("Marker"),
    gettext_noop("Image"),
]

# Django's Simplified Chinese catalog leaves these in English (the app list's
# column headers for screen readers); our catalog, which takes precedence,
# translates them.
UNTRANSLATED_UPSTREAM = [
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
]
