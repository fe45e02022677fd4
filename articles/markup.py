"""Markdown to sanitised HTML, done once when a section is saved (and live in the admin's preview).

Headings inside a section's body sit under the section's own heading: the
body's outermost heading, however many `#` the editor typed, becomes one
level below the section's heading, deeper ones follow it, and none goes past
<h6>. So `## Next steps` under an <h2> section is an <h3>, and the page keeps
an outline without skipped levels.
"""

import re
from functools import lru_cache

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"colspan"}, "th": {"colspan"}}

# h1 is the article's title; a body's headings start at h2 at the highest.
TOP_LEVEL, BOTTOM_LEVEL = 2, 6
HEADING = re.compile(r"^h([1-6])$")
# Python-Markdown's own tests for a heading, so that the blocks below split
# exactly where the renderer makes a heading: a `#` line anywhere in a block
# (markdown.blockprocessors.HashHeaderProcessor), or a block whose second
# line underlines its first (SetextHeaderProcessor).
HASH_HEADING = re.compile(r"(?:^|\n)(?P<level>#{1,6})(?P<header>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*(?:\n|$)")
SETEXT_HEADING = re.compile(r"^.*?\n(?:=+|-+)[ ]*(\n|$)", re.MULTILINE)


def body_heading_level(section_level, has_heading):
    """The level of a body's outermost heading: one below the section's heading, or the section's own if it has none."""
    try:
        level = int(section_level) + (1 if has_heading else 0)
    except (TypeError, ValueError):
        level = TOP_LEVEL + 1
    return max(TOP_LEVEL, min(BOTTOM_LEVEL, level))


class _HeadingLevels(Treeprocessor):
    """Moves every heading by the same number of levels, so the outermost lands on `top` (or by `shift`)."""

    def __init__(self, md, top, shift):
        super().__init__(md)
        self.top, self.shift = top, shift
        self.outermost = None

    def run(self, root):
        headings = [(element, int(match[1])) for element in root.iter() if (match := HEADING.match(str(element.tag)))]
        if not headings:
            return
        self.outermost = min(level for _, level in headings)
        shift = self.top - self.outermost if self.shift is None else self.shift
        for element, level in headings:
            element.tag = f"h{max(TOP_LEVEL, min(BOTTOM_LEVEL, level + shift))}"


class _HeadingLevelsExtension(Extension):
    def __init__(self, top, shift):
        super().__init__()
        self.processor = None
        self.top, self.shift = top, shift

    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's name
        self.processor = _HeadingLevels(md, self.top, self.shift)
        md.treeprocessors.register(self.processor, "heading_levels", 0)


def _render(text, top=TOP_LEVEL + 1, shift=None):
    """(sanitised HTML, the outermost heading level as typed, or None)."""
    levels = _HeadingLevelsExtension(top, shift)
    html = markdown.markdown(text or "", extensions=["sane_lists", "tables", levels], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return clean, levels.processor.outermost


def render_markdown(text, heading_level=TOP_LEVEL + 1):
    """`text` as sanitised HTML, its outermost heading at `heading_level` (see body_heading_level)."""
    return _render(text, top=heading_level)[0]


def render_blocks(text, heading_level=TOP_LEVEL + 1):
    """Each of paragraphs(text) as HTML, headings at the levels the whole text gives them."""
    outermost = _outermost_heading(text or "")
    shift = heading_level - outermost if outermost else 0
    return [_render_block(block, shift) for block in paragraphs(text)]


@lru_cache(maxsize=1024)
def _outermost_heading(text):
    return _render(text)[1]


@lru_cache(maxsize=4096)
def _render_block(block, shift):
    return _render(block, shift=shift)[0]


def paragraphs(text):
    """The blocks of a Markdown text as the reader sees them: paragraphs, lists, tables, and each heading on its own.

    Blocks are separated by blank lines; a heading is a block of its own even
    when no blank line sets it apart, so the side-by-side page aligns it with
    its translation rather than with the paragraph under it.
    """
    blocks = []
    for block in (text or "").replace("\r\n", "\n").split("\n\n"):
        blocks.extend(_split_headings(block))
    return blocks


def _split_headings(block):
    # Leading spaces stay: four of them make a code block, not a heading.
    block = block.strip("\n").rstrip()
    if not block.strip():
        return []
    if match := HASH_HEADING.search(block):
        before, heading, after = block[: match.start()], block[match.start() : match.end()], block[match.end() :]
        return [*_split_headings(before), heading.strip("\n"), *_split_headings(after)]
    if SETEXT_HEADING.match(block):
        lines = block.split("\n")
        return ["\n".join(lines[:2]), *_split_headings("\n".join(lines[2:]))]
    return [block]
