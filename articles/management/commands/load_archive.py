"""Load the archive's articles from fixtures/articles/*.toml.

Safe to run again: unchanged files change nothing, changed files update their
article, and an article an editor has changed since it was loaded is left
alone and reported. --force overwrites those too (views are never reset).
"""

from django.core.management.base import BaseCommand, CommandError

from articles.archive import FIXTURE_DIR, FixtureError, load_archive


class Command(BaseCommand):
    help = "Load the archive's articles from fixtures/articles/*.toml (safe to repeat)."

    def add_arguments(self, parser):
        parser.add_argument("--path", default=str(FIXTURE_DIR), help="Folder of article files.")
        parser.add_argument(
            "--force", action="store_true", help="Overwrite articles an editor has changed since loading."
        )

    def handle(self, *args, **options):
        try:
            report = load_archive(options["path"], force=options["force"])
        except FixtureError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Archive: {len(report.added)} added, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged, {len(report.kept)} kept (changed by an editor)."
        )
        for slug in report.kept:
            self.stdout.write(
                self.style.WARNING(f"  kept {slug}: edited since it was loaded; use --force to overwrite")
            )
