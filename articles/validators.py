"""Refusing what has no place in typed text: control characters, and line breaks in one-line fields."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Line and paragraph separators break a line as \n does.
LINE_BREAKS = {"Zl", "Zp"}


def no_control_characters(value):
    """For text of several lines: line breaks and tabs are text, other control characters are not."""
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" for ch in value):
        raise ValidationError(_("Please remove the control characters from this field."), code="control")


def one_line(value):
    """For a one-line field (a name, a title): no line break and no control character of any kind.

    A line break in a name would reach an email header or a log line as a
    second line (Eve\\r\\nBcc: …).
    """
    if any(unicodedata.category(ch) == "Cc" or unicodedata.category(ch) in LINE_BREAKS for ch in value):
        raise ValidationError(
            _("This field takes one line: please remove the line breaks and control characters."), code="one_line"
        )
