"""Does reading in a converted script cost more once warm?

Loads the archive into a throwaway SQLite database and renders the three
full-text article pages in each reading language through Django's test
client (no network), 200 times each after one warm-up, then prints the
median and 95th percentile. Run: .venv/bin/python bench/scripts.py
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import django_on_fresh_sqlite  # noqa: E402

workdir = django_on_fresh_sqlite("bench-scripts-")

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from articles.scripts import _convert  # noqa: E402

RUNS = 200
SLUGS = ["china-science-global-covid-fight", "china-acts-on-covid-cooperation", "guangdong-open-letter-covid-science"]


def main():
    call_command("migrate", verbosity=0)
    call_command("load_archive", verbosity=0)
    client = Client()
    print(f"{'page':<44} {'lang':<8} {'cold ms':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for slug in SLUGS:
        for lang in ("zh-hans", "zh-hant", "en"):
            url = f"/{lang}/articles/{slug}/"
            _convert.cache_clear()
            start = time.perf_counter()
            assert client.get(url).status_code == 200
            cold = (time.perf_counter() - start) * 1000
            times = []
            for _ in range(RUNS):
                start = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            p95 = times[int(len(times) * 0.95) - 1]
            print(f"{slug:<44} {lang:<8} {cold:8.2f} {statistics.median(times):8.2f} {p95:8.2f}")


if __name__ == "__main__":
    main()
