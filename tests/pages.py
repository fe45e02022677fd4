"""Reading rendered pages the way a person sees them: text, and the language it is marked with."""

import re
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _TextByLang(HTMLParser):
    def __init__(self, root):
        super().__init__(convert_charrefs=True)
        self.root = root
        self.stack = []  # (tag, lang, inside_root)
        self.chunks = []  # (text, lang)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        parent_lang = self.stack[-1][1] if self.stack else None
        inside = (self.stack[-1][2] if self.stack else False) or self._is_root(tag, attrs)
        if tag not in VOID:
            self.stack.append((tag, attrs.get("lang", parent_lang), inside))

    def _is_root(self, tag, attrs):
        kind, _, value = self.root.partition("#")
        if value:
            return attrs.get("id") == value and (not kind or tag == kind)
        return tag == kind

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if self.stack and self.stack[-1][2] and self.stack[-1][0] not in {"script", "style"}:
            self.chunks.append((data, self.stack[-1][1]))


def text_chunks(html, root="body"):
    """The text nodes inside `root` ("tag" or "tag#id"), each with its effective lang."""
    parser = _TextByLang(root)
    parser.feed(html)
    return parser.chunks


def page_text(html, root="body"):
    """The visible text inside `root`, with runs of white space folded to one space."""
    return " ".join(" ".join(text for text, _lang in text_chunks(html, root)).split())


def sitemap_text(client):
    """What the sitemaps list, as crawlers read them: /sitemap.xml and every child sitemap it names, as one text."""
    index = client.get("/sitemap.xml").content.decode()
    return index + "".join(client.get(address).content.decode() for address in re.findall(r"<loc>([^<]+)</loc>", index))
