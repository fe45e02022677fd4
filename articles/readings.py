"""Counting readings: who counts as a reader, and readings logged by the proxy.

The article page's script sends one POST to /read/<slug> when the page is
shown to a person. Without a proxy, Django counts it at once
(articles.views.count_reading). Behind nginx (deploy/nginx.conf) the proxy
answers it itself, without Django, and writes one line to a log of its own;
`manage.py count_readings` adds those lines to the counts, exactly once each:
the place it has read up to is stored in the same transaction as the counts
it adds. Either way HEAD requests, prerendered and prefetched pages and
programs that say they are not readers are not counted.

Readings add to Article.view_count, the archive's own count, which starts at
0; the count a source page showed is kept apart in source_view_count.
"""

import os
import re
from collections import Counter

from django.db import transaction
from django.db.models import F

from .models import Article, ReadingLog

# Programs that fetch pages but are not readers. Most never run the page's
# script anyway; these say so in their User-Agent.
NOT_A_READER = re.compile(
    r"bot|crawl|spider|slurp|preview|fetch|scrape|curl|wget|python|java/|go-http|httpclient|headless|lighthouse",
    re.IGNORECASE,
)
# One line of deploy/nginx.conf's newsroom_readings log format.
LOG_LINE = re.compile(
    r'^(?P<time>\S+) (?P<status>\d+) (?P<method>\S+) "(?P<uri>[^"]*)" "(?P<agent>[^"]*)" "(?P<purpose>[^"]*)"$'
)
READ_URI = re.compile(r"^/read/(?P<slug>[-a-zA-Z0-9_]+)$")


def is_reader(agent, purpose=""):
    """A person's browser showing the page: not a bot, and not a prefetch or prerender."""
    return bool(agent) and not NOT_A_READER.search(agent) and "prefetch" not in purpose and agent != "-"


def readings_in(lines):
    """Readings per slug in the proxy's log lines (POSTs to /read/<slug> from readers that the proxy accepted)."""
    counts = Counter()
    for line in lines:
        match = LOG_LINE.match(line)
        if not match or match["method"] != "POST" or match["status"] != "204":
            continue
        uri = READ_URI.match(match["uri"])
        if uri and is_reader(match["agent"], match["purpose"]):
            counts[uri["slug"]] += 1
    return counts


def add_readings(counts):
    """Add readings to published articles (a slug no reader may see is skipped); returns how many were added."""
    added = 0
    for slug, number in counts.items():
        if Article.objects.published().filter(slug=slug).update(view_count=F("view_count") + number):
            added += number
    return added


def count_logged_readings(path):
    """Add the readings logged at `path` since the last call; returns (lines read, readings added).

    A log that was rotated (renamed to `path`.1, a new file at `path`) is read
    to its end first. Only whole lines are read; a line being written is left
    for the next call.
    """
    path = os.fspath(path)
    lines_read = added = 0
    with transaction.atomic():
        position, _created = ReadingLog.objects.select_for_update().get_or_create(path=path)
        rotated = f"{path}.1"
        if position.inode and os.path.exists(rotated) and os.stat(rotated).st_ino == position.inode:
            lines, _end = read_lines(rotated, position.offset)
            lines_read += len(lines)
            added += add_readings(readings_in(lines))
            position.inode, position.offset = 0, 0
        if os.path.exists(path):
            status = os.stat(path)
            if status.st_ino != position.inode or status.st_size < position.offset:
                position.inode, position.offset = status.st_ino, 0
            lines, position.offset = read_lines(path, position.offset)
            lines_read += len(lines)
            added += add_readings(readings_in(lines))
        position.save()
    return lines_read, added


def read_lines(path, offset):
    """The whole lines of a file from `offset`, and the offset after the last of them."""
    with open(path, "rb") as log:
        log.seek(offset)
        data = log.read()
    end = data.rfind(b"\n") + 1
    text = data[:end].decode("utf-8", errors="replace")
    return text.splitlines(), offset + end
