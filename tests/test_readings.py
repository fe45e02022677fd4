"""Readings logged by the proxy reach the view counts exactly once, through restarts and log rotation."""

import os

import pytest
from django.core.management import call_command

from articles.models import Article
from articles.readings import add_readings, count_logged_readings, readings_in

from .factories import make_article

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36"


def line(slug, status=204, method="POST", agent=BROWSER, purpose="--"):
    return f'1796238400.697 {status} {method} "/read/{slug}" "{agent}" "{purpose}"\n'


@pytest.fixture
def article(db):
    return make_article(slug="counted")


def views(slug="counted"):
    return Article.objects.get(slug=slug).view_count


def test_only_readers_accepted_readings_count(article):
    lines = [
        line("counted"),
        line("counted"),
        line("counted", status=403),
        line("counted", method="GET", status=405),
        line("counted", agent="Googlebot/2.1 (+http://www.google.com/bot.html)"),
        line("counted", agent="-"),
        line("counted", purpose="prefetch;prerender-"),
        '1796238400.697 204 POST "/read/../../etc/passwd" "x" "-"\n',
        "garbage \\x22 that is not a log line\n",
    ]
    assert readings_in(lines) == {"counted": 2}


def test_each_line_counts_once_across_runs_and_a_half_written_line_waits(article, tmp_path):
    log = tmp_path / "readings.log"
    log.write_text(line("counted") * 3 + line("counted")[:20])
    assert count_logged_readings(log) == (3, 3)
    assert views() == 3
    assert count_logged_readings(log) == (0, 0)
    with open(log, "a") as handle:
        handle.write(line("counted")[20:] + line("counted"))
    assert count_logged_readings(log) == (2, 2)
    assert views() == 5


def test_a_rotated_log_is_read_to_its_end_before_the_new_one(article, tmp_path):
    log = tmp_path / "readings.log"
    log.write_text(line("counted"))
    count_logged_readings(log)
    with open(log, "a") as handle:
        handle.write(line("counted") * 2)  # written after the last run, before rotation
    os.rename(log, f"{log}.1")
    log.write_text(line("counted") * 4)
    assert count_logged_readings(log) == (6, 6)
    assert views() == 7
    assert count_logged_readings(log) == (0, 0)


def test_a_truncated_log_starts_again_from_its_beginning(article, tmp_path):
    log = tmp_path / "readings.log"
    log.write_text(line("counted") * 5)
    count_logged_readings(log)
    log.write_text(line("counted"))  # truncated in place, then one new line
    assert count_logged_readings(log) == (1, 1)
    assert views() == 6


def test_readings_of_unpublished_or_unknown_articles_are_dropped(db, tmp_path):
    draft = make_article(slug="draft-one", status=Article.Status.DRAFT)
    log = tmp_path / "readings.log"
    log.write_text(line("draft-one") + line("no-such-article"))
    assert count_logged_readings(log) == (2, 0)
    draft.refresh_from_db()
    assert draft.view_count == 0


def test_a_missing_log_is_no_error_and_the_command_reports(article, tmp_path, capsys):
    call_command("count_readings", str(tmp_path / "not-yet.log"))
    assert "0 lines read, 0 readings added" in capsys.readouterr().out
    log = tmp_path / "readings.log"
    log.write_text(line("counted") * 2)
    call_command("count_readings", str(log))
    assert "2 lines read, 2 readings added" in capsys.readouterr().out
    assert views() == 2


def test_a_run_killed_halfway_adds_nothing_and_the_next_run_counts_everything_once(db, tmp_path, monkeypatch):
    make_article(slug="first")
    make_article(slug="second")
    log = tmp_path / "readings.log"
    log.write_text(line("first") * 2 + line("second") * 3)
    from articles import readings

    def adds_then_dies(counts):
        readings_added = add_readings(counts)
        raise KeyboardInterrupt(f"worker killed after adding {readings_added}, before its place was saved")

    monkeypatch.setattr(readings, "add_readings", adds_then_dies)
    with pytest.raises(KeyboardInterrupt):
        count_logged_readings(log)
    monkeypatch.undo()
    assert (views("first"), views("second")) == (0, 0)
    assert count_logged_readings(log) == (5, 5)
    assert (views("first"), views("second")) == (2, 3)


def test_bytes_that_are_not_utf8_are_skipped_not_fatal(article, tmp_path):
    log = tmp_path / "readings.log"
    log.write_bytes(
        line("counted").encode() + b'1796238400.697 204 POST "/read/\xff\xfe" "\xff" "-"\n' + line("counted").encode()
    )
    assert count_logged_readings(log) == (3, 2)
