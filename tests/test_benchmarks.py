"""Every benchmark under bench/ runs here at a small size, so its code cannot rot.

The figures are not checked (a small run on a busy machine says nothing);
that each script runs to the end, measures every row it should, and meets
its correctness claims (no lost comment, no server error) is.
"""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings

BENCH = settings.BASE_DIR / "bench"


def run(*command, **env):
    result = subprocess.run(
        command,
        cwd=settings.BASE_DIR,
        env={**{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def test_http_measures_every_row_and_prints_every_goal():
    out = run("bash", str(BENCH / "http.sh"), DURATION="1", ARTICLES="20", CONNECTIONS="16", PYTHON=sys.executable)
    rows = [
        line
        for line in out.splitlines()
        if re.match(r"^(static|nginx:|bare|gunicorn:|count) .* [0-9.]+ +\S+ +\S+ +[0-9.]+", line)
    ]
    assert len(rows) == 1 + 10 + 1 + 10 + 1, out
    assert not [row for row in rows if "Non-2xx" in row or "Socket errors" in row], out
    assert len(re.findall(r"goal (?:NOT )?met", out)) == 5, out


def test_comments_load_loses_nothing():
    out = run(sys.executable, str(BENCH / "comments_load.py"), "40", "4")
    assert re.search(r"^lost\s+0$", out, re.M), out
    assert re.search(r"^server errors\s+0$", out, re.M), out
    assert re.search(r"^stored\s+40$", out, re.M), out


@pytest.mark.parametrize("script,args", [("search.py", ["200"]), ("scripts.py", [])])
def test_in_process_benchmarks_run(script, args):
    out = run(sys.executable, str(BENCH / script), *args)
    assert re.search(r"\d+\.\d\d", out), out


def test_soak_serves_readers_commenters_and_editors_at_once_without_errors_or_losses():
    postgresql = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    engine = "postgresql" if postgresql else "sqlite"
    out = run(sys.executable, str(BENCH / "soak.py"), "--seconds", "8", "--engine", engine)
    for row in ["server errors (5xx)", "requests with no answer", "comments lost", "saves lost"]:
        assert re.search(rf"^{re.escape(row)} +0 +0 +met$", out, re.M), out
    assert re.search(r"^comments stored +[1-9]\d* ", out, re.M), out
    assert re.search(r"^saves accepted +[1-9]\d* ", out, re.M), out
    assert len(re.findall(r"^p99 .* ms ", out, re.M)) == 10, out


def test_scale_builds_a_small_archive_and_measures_every_row(tmp_path):
    postgresql = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    engine = "postgresql" if postgresql else "sqlite"
    # A database of its own on the same server (scale_realistic_300), made afresh.
    articles = 300
    out = run(
        sys.executable,
        str(BENCH / "scale.py"),
        "--engine",
        engine,
        "--articles",
        str(articles),
        "--corpus",
        "realistic",
        "--runs",
        "2",
        "--dir",
        str(tmp_path),
        "--fresh",
    )
    assert re.search(rf"^load {articles:,} articles", out, re.M), out
    searches = re.findall(r"^search: .* (?:met|NOT met) +(\S+) hits$", out, re.M)
    assert len(searches) == 8, out
    assert searches[-1] == "0", out  # the query with no hit
    assert re.search(r"^search: planted 2001 article, rank for \S+ +1\.0 +1\.0 +3 +rank +met", out, re.M), out
    assert len(re.findall(r" (?:met|NOT met) ", out)) >= 10, out
    if not postgresql:
        # The bulk load's merge settings are put back: later edits merge as usual.
        import sqlite3

        database = sqlite3.connect(tmp_path / f"realistic-{articles}.sqlite3")
        for table in ("articles_search_fts", "articles_search_head"):
            config = dict(database.execute(f"SELECT k, v FROM {table}_config WHERE k != 'version'"))
            assert config == {"automerge": 4, "crisismerge": 16}, (table, config)
        database.close()
