"""Where does converting a page's script choose a form by phrase, and what does the page show?

Loads the archive into a throwaway SQLite database, renders through the test
client every reader page whose Chinese is converted — in zh-hant the articles
stored in Simplified, in zh-hans the one stored in Traditional: article,
side-by-side, home, category and archive pages, and search results — and
compares each converted text with its source, character by character.

OpenCC converts a character by the longest phrase it knows that starts there.
Where the form it chose differs from the character's own conversion, a phrase
decided it: that is where conversion slips hide (个中 → 箇中 across a word
boundary). Every such place is printed with its context, the raw OpenCC form,
and what the rendered page shows after articles/conversion_fixes.toml. The
punctuation of the reading script (「」 on Traditional pages) is counted too.

Run: .venv/bin/python bench/conversion_audit.py
"""

import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import django_on_fresh_sqlite  # noqa: E402

workdir = django_on_fresh_sqlite("bench-conversion-")

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from articles.models import Article  # noqa: E402
from articles.scripts import CONVERSIONS, _converter, fix_conversion  # noqa: E402

HAN = re.compile(r"[\u3400-\u9fff]")
TAGS = re.compile(r"<[^>]+>")
QUERIES = ["疫苗", "中长期", "合作伙伴", "发布", "科技", "病毒", "檢測", "隔離"]


def chinese_texts(article):
    texts = [article.title_zh_hans, article.summary_zh_hans, article.publisher_zh_hans, article.publication_zh_hans]
    texts += [article.issue_zh_hans, article.byline_zh_hans, article.source_note_zh_hans]
    for section in article.sections.all():
        texts += [section.heading_zh_hans, section.body_zh_hans]
        for figure in section.figures.all():
            texts += [figure.label_zh_hans, figure.caption_zh_hans, figure.alt_text_zh_hans]
    return [text for text in texts if text and HAN.search(text)]


def pages(client, lang, articles):
    urls = [f"/{lang}/", f"/{lang}/archive/", f"/{lang}/archive/2020/"]
    urls += [f"/{lang}/category/{slug}/" for slug in ("news", "finance", "innovation")]
    urls += [f"/{lang}/archive/2020/{month}/" for month in (1, 2, 3, 4)]
    for article in articles:
        urls += [f"/{lang}/articles/{article.slug}/", f"/{lang}/articles/{article.slug}/bilingual/"]
    urls += [f"/{lang}/search/?q={query}" for query in QUERIES]
    shown = {}
    for url in urls:
        response = client.get(url)
        if response.status_code == 200:
            shown[url] = TAGS.sub("", response.content.decode())
    return shown


def main():
    call_command("migrate", verbosity=0)
    call_command("load_archive", verbosity=0)
    client = Client()
    total = 0
    for (script, lang), config in CONVERSIONS.items():
        articles = list(Article.objects.filter(chinese_script=script).prefetch_related("sections__figures"))
        rendered = pages(client, lang, articles)
        text_of_pages = "\n".join(rendered.values())
        print(f"\n== {lang}: {len(articles)} articles stored as {script}, {len(rendered)} pages rendered ({config})")
        choices = defaultdict(Counter)
        converter = _converter(config)
        for article in articles:
            for source in chinese_texts(article):
                raw = converter.convert(source)
                fixed = fix_conversion(raw, config)
                if len(raw) != len(source):
                    print(f"  length changed, compare by hand: {source[:40]!r}")
                    continue
                for index, (char, out) in enumerate(zip(source, raw, strict=True)):
                    if out != converter.convert(char) or fixed[index] != out:
                        context = source[max(0, index - 4) : index + 5]
                        choices[(char, converter.convert(char), out, fixed[index])][
                            (article.slug, context, fixed[max(0, index - 4) : index + 5])
                        ] += 1
        print(f"  {'char':<4} {'alone':<5} {'OpenCC':<6} {'page':<5} where (source → page)")
        for (char, alone, out, page), places in sorted(choices.items()):
            for (slug, context, shown), count in places.items():
                total += 1
                on_page = (
                    "on page" if shown.replace("\n", " ") in text_of_pages.replace("\n", " ") else "(not on a page)"
                )
                print(f"  {char:<4} {alone:<5} {out:<6} {page:<5} {slug}: {context!r} → {shown!r} ×{count} {on_page}")
        marks = Counter(char for char in text_of_pages if char in "“”‘’「」『』")
        print(f"  quotation marks on the pages: {dict(marks)}")
        for slip in ("箇中", "伙伴", "發佈", "公佈"):
            if lang == "zh-hant" and slip in text_of_pages:
                print(f"  !! {slip} still on a page")
    print(f"\n{total} places where a phrase or a correction chose the form")


if __name__ == "__main__":
    main()
