"""Showing stored Chinese in the reader's script (Simplified or Traditional) with OpenCC.

Chinese is stored once, in the script it was published in. Only text whose
script differs from the page's is converted, so a Traditional source read in
Traditional is shown exactly as published. Conversions are cached in-process:
once warm, a converted page costs a dictionary look-up per text.

After OpenCC, two corrections of our own (README "Scripts"): the phrase
corrections of conversion_fixes.toml (slips found by reading the converted
pages), and quotation marks in the reading script's usage: 「」『』 on
Traditional pages, “”‘’ on Simplified ones.
"""

import re
import tomllib
from functools import lru_cache
from pathlib import Path

import opencc
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language

# (stored script, reading language) -> OpenCC configuration
# s2tw: Taiwan-standard characters (為, 裡), no change of vocabulary.
CONVERSIONS = {("hant", "zh-hans"): "t2s", ("hans", "zh-hant"): "s2tw"}
LANG_TAGS = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant", "en": "en"}


@lru_cache(maxsize=None)
def _converter(config):
    return opencc.OpenCC(config)


FIXES_FILE = Path(__file__).with_name("conversion_fixes.toml")

# Quotation marks of the reading script: Taiwan and Hong Kong write 「」 (and
# 『』 inside them), the mainland “” and ‘’. A ‘ or ’ between two Latin letters
# or digits is an apostrophe (People’s) and is kept.
QUOTES = {
    "s2tw": {"“": "「", "”": "」", "‘": "『", "’": "』"},
    "t2s": {"「": "“", "」": "”", "『": "‘", "』": "’"},
}
APOSTROPHE = re.compile(r"(?<=[A-Za-z0-9])[‘’](?=[A-Za-z0-9])")


@lru_cache(maxsize=None)
def conversion_fixes(config):
    """[(wrong, right, pattern)] of conversion_fixes.toml for an OpenCC configuration, in order."""
    with FIXES_FILE.open("rb") as file:
        table = tomllib.load(file).get(config, [])
    fixes = []
    for entry in table:
        wrong, right, after = entry["wrong"], entry["right"], entry.get("after", "")
        pattern = re.compile((f"(?<=[{after}])" if after else "") + re.escape(wrong))
        fixes.append((wrong, right, pattern))
    return fixes


def fix_conversion(converted, config):
    """Apply our corrections to text OpenCC converted with `config`."""
    for wrong, right, pattern in conversion_fixes(config):
        if wrong in converted:
            converted = pattern.sub(right, converted)
    quotes = QUOTES.get(config)
    if quotes and any(mark in converted for mark in quotes):
        kept = {match.start() for match in APOSTROPHE.finditer(converted)}
        converted = "".join(
            quotes.get(char, char) if index not in kept else char for index, char in enumerate(converted)
        )
    return converted


@lru_cache(maxsize=4096)
def _convert(text, config):
    return fix_conversion(_converter(config).convert(text), config)


# A tag of HTML, with quoted attribute values that may hold ">".
TAG = re.compile(r"""(<(?:[^>"']|"[^"]*"|'[^']*')*>)""")
# Attributes whose values readers read (and so are converted); every other
# attribute — href, src, id, class — is an address or a name, kept as stored.
READ_ATTRIBUTE = re.compile(r"""(\s(?:alt|title)=)("[^"]*"|'[^']*')""")


@lru_cache(maxsize=4096)
def _convert_html(html, config):
    """Convert the text of an HTML fragment and leave its markup alone.

    Only text nodes and the alt and title attributes are converted: a link
    to …/说明书 still points at …/说明书 on a Traditional page.
    """

    def convert(text):
        return fix_conversion(_converter(config).convert(text), config)

    parts = TAG.split(html)
    for index, part in enumerate(parts):
        if index % 2:
            parts[index] = READ_ATTRIBUTE.sub(lambda m: m[1] + convert(m[2]), part)
        elif part:
            parts[index] = convert(part)
    return "".join(parts)


def reading_script(language=None):
    """The script Chinese is shown in for a reading language (English pages keep the original)."""
    language = language or get_language()
    return {"zh-hans": "hans", "zh-hant": "hant"}.get(language)


def to_reader_script(text, script="hans", language=None):
    config = CONVERSIONS.get((script, language or get_language()))
    if not text or config is None:
        return text
    if isinstance(text, SafeData):
        return mark_safe(_convert_html(str(text), config))
    return _convert(str(text), config)


def lang_tag(language=None):
    """The active language as a BCP 47 tag for `lang` attributes."""
    language = language or get_language()
    return LANG_TAGS.get(language, language)
