"""Fill the Traditional Chinese interface catalog from the Simplified one.

Run after `makemessages -l zh_Hans -l zh_Hant` and translating zh_Hans: every
zh_Hant message whose translation is empty gets the zh_Hans translation
converted with OpenCC (s2tw), the same conversion the pages use. Messages
already translated in zh_Hant are kept, so hand corrections survive.
Review the result before committing it.
"""

import re

from django.conf import settings
from django.core.management.base import BaseCommand

from articles.scripts import CONVERSIONS, _convert

MSGID = re.compile(r'^msgid ((?:".*"\n?)+)', re.M)
MSGCTXT = re.compile(r'^msgctxt "(.*)"$', re.M)
MSGSTR = re.compile(r'^(msgstr(?:\[\d\])?) "(.*)"$', re.M)


def entries(text):
    for block in text.split("\n\n"):
        match = MSGID.search(block)
        if match:
            context = MSGCTXT.search(block)
            key = (context.group(1) if context else None, "".join(re.findall(r'"(.*)"', match.group(1))))
            yield block, key


class Command(BaseCommand):
    help = "Fill empty zh_Hant interface translations from zh_Hans, converted with OpenCC."

    def handle(self, *args, **options):
        locale = settings.LOCALE_PATHS[0]
        simplified = (locale / "zh_Hans" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
        target = locale / "zh_Hant" / "LC_MESSAGES" / "django.po"
        config = CONVERSIONS[("hans", "zh-hant")]
        known = {key: MSGSTR.findall(block) for block, key in entries(simplified) if key[1]}
        blocks, filled = [], 0
        for block, key in entries(target.read_text(encoding="utf-8")):
            if key[1] and key in known:
                for name, value in known[key]:
                    empty = re.compile(f'^{re.escape(name)} ""$', re.M)
                    if value and empty.search(block):
                        block = empty.sub(f'{name} "{_convert(value, config)}"', block)
                        filled += 1
            blocks.append(block)
        header = target.read_text(encoding="utf-8").split("\n\n")[0]
        text = "\n\n".join([header, *blocks[1:]]) if blocks else header
        target.write_text(text.replace("#, fuzzy\n", "", 1), encoding="utf-8")
        self.stdout.write(f"zh_Hant: filled {filled} messages from zh_Hans.")
