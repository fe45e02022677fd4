import pytest
from django.core.management import CommandError, call_command

from articles.archive import load_archive
from articles.models import Article, Figure, Section

pytestmark = pytest.mark.django_db


def archive_state():
    return (
        list(Article.objects.order_by("slug").values_list("slug", "title_zh_hans", "title_en", "updated_at")),
        list(Section.objects.order_by("pk").values_list("pk", "body_zh_hans", "body_en")),
        list(Figure.objects.order_by("pk").values_list("pk", "caption_zh_hans", "caption_en")),
    )


def test_loading_twice_changes_nothing(archive):
    before = archive_state()
    report = load_archive()
    assert report.added == [] and report.updated == [] and report.kept == []
    assert len(report.unchanged) == 8
    assert archive_state() == before


def test_loading_creates_the_three_sources_and_five_teasers(archive):
    assert Article.objects.filter(is_full_text=True).count() == 3
    assert Article.objects.filter(is_full_text=False).count() == 5
    main = Article.objects.get(slug="china-science-global-covid-fight")
    # The source's count is kept apart; the archive counts its own readings from 0.
    assert (main.source_view_count, main.view_count) == (278, 0)
    assert Article.objects.exclude(pk=main.pk).filter(source_view_count__isnull=False).count() == 0
    newsletter = Article.objects.get(slug="china-acts-on-covid-cooperation")
    assert Figure.objects.filter(section__article=newsletter).count() == 6
    assert list(newsletter.sections.filter(level=3).values_list("heading_zh_hans", flat=True))[:2] == [
        "积极开展科学数据和信息共享",
        "搭建开放科学的共享平台",
    ]


def test_an_editors_change_is_not_overwritten(archive, tmp_path, settings):
    section = Section.objects.filter(article__slug="china-acts-on-covid-cooperation", level=3).first()
    section.body_en = "An editor's improved translation."
    section.save()
    report = load_archive(force=False)
    assert "china-acts-on-covid-cooperation" in report.kept
    section.refresh_from_db()
    assert section.body_en == "An editor's improved translation."


def test_force_overwrites_an_editors_change_but_keeps_the_views(archive):
    article = Article.objects.get(slug="china-science-global-covid-fight")
    article.title_en = "Edited title"
    article.view_count = 500
    article.save()
    report = load_archive(force=True)
    article.refresh_from_db()
    assert "china-science-global-covid-fight" in report.updated
    assert article.title_en.startswith("China's science and technology lends real strength")
    assert article.view_count == 500
    assert article.source_view_count == 278


def test_a_changed_file_updates_its_unedited_article(archive, tmp_path):
    from articles.archive import FIXTURE_DIR

    for path in FIXTURE_DIR.glob("*.toml"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    target = tmp_path / "intelligent-unmanned-mining.toml"
    target.write_text(
        target.read_text(encoding="utf-8").replace(
            'title_en = "Intelligent unmanned mining', 'title_en = "Smart unmanned mining'
        ),
        encoding="utf-8",
    )
    report = load_archive(tmp_path)
    assert report.updated == ["intelligent-unmanned-mining"]
    assert Article.objects.get(slug="intelligent-unmanned-mining").title_en.startswith("Smart unmanned mining")


def test_a_broken_file_is_refused_with_its_name(db, tmp_path):
    (tmp_path / "broken.toml").write_text('slug = "x"\ntitle_zh = "未闭合\n', encoding="utf-8")
    with pytest.raises(CommandError, match="broken.toml"):
        call_command("load_archive", path=str(tmp_path))
    assert Article.objects.count() == 0


def test_a_file_with_an_unknown_category_is_refused_and_nothing_is_half_written(db, tmp_path):
    (tmp_path / "a.toml").write_text(
        'slug = "a"\ncategory = "sport"\ntitle_zh = "标题"\npublished_at = "2020-01-01"\n', encoding="utf-8"
    )
    with pytest.raises(CommandError, match="unknown category 'sport'"):
        call_command("load_archive", path=str(tmp_path))
    assert Article.objects.count() == 0
