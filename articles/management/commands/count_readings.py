import time

from django.core.management.base import BaseCommand

from articles.readings import count_logged_readings


class Command(BaseCommand):
    help = (
        "Add the readings nginx logged (deploy/nginx.conf's readings log) to the articles' view counts, "
        "each line once. With --every, keep doing so every that many seconds."
    )

    def add_arguments(self, parser):
        parser.add_argument("log", help="the readings log, e.g. /var/log/nginx/newsroom-readings.log")
        parser.add_argument("--every", type=float, default=0, help="repeat every this many seconds (0: once)")

    def handle(self, *args, log, every, **options):
        while True:
            lines, added = count_logged_readings(log)
            if options["verbosity"] > 0:
                self.stdout.write(f"{lines} lines read, {added} readings added")
            if not every:
                return
            time.sleep(every)
