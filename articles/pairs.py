"""Paragraph pairs of a section and the state of each (the translation desk, issue 14).

Pair i of a section is paragraph i of the original beside paragraph i of its
translation (paragraphs as articles.markup.paragraphs splits them, and as the
side-by-side page aligns them). Each pair is

- missing: the original has paragraph i, the translation has none;
- extra: the translation has paragraph i, the original has none;
- stale: the original's paragraph i is no longer the text the translation
  was last edited (or confirmed) against;
- current: otherwise.

For that a section keeps its basis (Section.translation_basis): for each
pair, the fingerprints [Chinese, English] of its two paragraphs at the
moment the translation was last edited or confirmed. Both languages are kept,
so the state survives a change of the article's original language, and an
original changed back to the text the translation was made from is current
again. Whenever a save changes a pair's translation (or makes the pair), the
pair is recorded afresh: the editor wrote it with the original in view, or
in the same save. A save that changes only the original keeps the old
record, so the pair shows as stale until the translation is edited or an
editor confirms it still holds.
"""

import hashlib
from dataclasses import dataclass

MISSING, EXTRA, STALE, CURRENT = "missing", "extra", "stale", "current"
CHINESE, ENGLISH, BOTH = "zh", "en", "both"  # Article.Original's values
# Section's counters are small integers (as its paragraph counts).
MOST = 32767


def fingerprint(block):
    return hashlib.blake2b(block.encode(), digest_size=8).hexdigest() if block else ""


def valid_entry(entry):
    return isinstance(entry, list | tuple) and len(entry) == 2 and all(isinstance(item, str) for item in entry)


def next_basis(zh_blocks, en_blocks, basis, original):
    """The basis after a save that leaves the section with these paragraphs (see the module's docstring)."""
    basis = basis if isinstance(basis, list) else []
    result = []
    for index in range(max(len(zh_blocks), len(en_blocks))):
        now = [
            fingerprint(zh_blocks[index]) if index < len(zh_blocks) else "",
            fingerprint(en_blocks[index]) if index < len(en_blocks) else "",
        ]
        old = basis[index] if index < len(basis) and valid_entry(basis[index]) else None
        side = translation_side(original)
        if old is None or side is None or old[side] != now[side]:
            result.append(now)
        else:
            result.append(list(old))
    return result


def translation_side(original):
    """Index of the translation in a basis entry: 1 (English) for a Chinese original, 0 for an English one."""
    return {CHINESE: 1, ENGLISH: 0}.get(original)


def changed_counts(zh_blocks, en_blocks, basis):
    """(pairs whose Chinese changed since their record, pairs whose English did), counting pairs with both."""
    zh_changed = en_changed = 0
    for index in range(min(len(zh_blocks), len(en_blocks))):
        old = basis[index] if index < len(basis) and valid_entry(basis[index]) else None
        if old is None:
            continue
        zh_changed += old[0] != fingerprint(zh_blocks[index])
        en_changed += old[1] != fingerprint(en_blocks[index])
    return min(zh_changed, MOST), min(en_changed, MOST)


@dataclass
class Pair:
    """Pair `index` (from 0) of a section: its Chinese and English paragraphs (Markdown) and its state."""

    index: int
    zh: str
    en: str
    state: str

    @property
    def number(self):
        return self.index + 1

    @property
    def needs_attention(self):
        return self.state != CURRENT


def pairs(zh_blocks, en_blocks, basis, original):
    """[Pair] of a section's paragraphs; for an article published in both languages nothing is ever stale."""
    original_side = {CHINESE: 0, ENGLISH: 1}.get(original)
    result = []
    for index in range(max(len(zh_blocks), len(en_blocks))):
        zh = zh_blocks[index] if index < len(zh_blocks) else ""
        en = en_blocks[index] if index < len(en_blocks) else ""
        texts = (zh, en)
        if original == ENGLISH:
            has_original, has_translation = bool(en), bool(zh)
        else:
            has_original, has_translation = bool(zh), bool(en)
        if not has_translation:
            state = MISSING
        elif not has_original:
            state = EXTRA
        else:
            old = basis[index] if isinstance(basis, list) and index < len(basis) else None
            stale = (
                original_side is not None
                and valid_entry(old)
                and old[original_side] != fingerprint(texts[original_side])
            )
            state = STALE if stale else CURRENT
        result.append(Pair(index, zh, en, state))
    return result


def confirmed(basis, zh_blocks, en_blocks, index):
    """The basis with pair `index` recorded as it stands now: its translation still holds."""
    basis = [list(entry) if valid_entry(entry) else ["", ""] for entry in (basis if isinstance(basis, list) else [])]
    while len(basis) <= index:
        basis.append(["", ""])
    basis[index] = [
        fingerprint(zh_blocks[index]) if index < len(zh_blocks) else "",
        fingerprint(en_blocks[index]) if index < len(en_blocks) else "",
    ]
    return basis
