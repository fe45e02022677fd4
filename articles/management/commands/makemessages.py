"""Django's makemessages, without fuzzy matching.

msgmerge's fuzzy matching pre-fills a new message with the translation of a
similar old one ("Related articles" got "最新文章"); a wrong guess that loses
its fuzzy flag ships as a wrong translation. New messages start empty instead.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
