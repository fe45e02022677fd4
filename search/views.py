from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language

from articles.models import Article
from articles.scripts import to_reader_script

from . import index

RESULTS_PER_PAGE = 10


def search_page(request):
    query = request.GET.get("q", "").strip()
    context = {"query": query, "results": [], "total": 0}
    page = page_number(request.GET.get("page", "1"))
    if query:
        try:
            total, ids = index.search(query, limit=RESULTS_PER_PAGE, offset=(page - 1) * RESULTS_PER_PAGE)
        except index.QueryError as error:
            context["error"] = str(error)
        else:
            articles = Article.objects.filter(pk__in=ids).select_related("category").prefetch_related("sections")
            by_id = {article.pk: article for article in articles}
            context["results"] = [search_result(by_id[pk], query) for pk in ids if pk in by_id]
            context["capped"] = total > index.COUNT_CAP
            context["total"] = total = min(total, index.COUNT_CAP)
            pages = (total + RESULTS_PER_PAGE - 1) // RESULTS_PER_PAGE
            context.update(page=page, pages=pages, has_next=page < pages, has_previous=page > 1)
    return render(request, "search/search.html", context)


def page_number(value):
    """The results page asked for: 1 for anything unreadable; past the last page that can exist, 404."""
    try:
        page = max(1, int(value))
    except ValueError:
        return 1
    # Counts stop at COUNT_CAP, so no page lies beyond this one; a larger
    # number (up to any size) never reaches the database.
    if page > -(-index.COUNT_CAP // RESULTS_PER_PAGE):
        raise Http404
    return page


def search_result(article, query):
    """An article with its title and a snippet highlighted, in the reader's language and script.

    The snippet comes from the reader's language where the match is there,
    else from the other language, so a Chinese query on an English page
    still shows where it matched.
    """
    sections = article.sections.all()
    # The body holds the summary's sentences too (it is an excerpt): use the
    # summary only where there is no body, as for teasers.
    # Untranslated text may be empty or absent (None) in either language.
    chinese = " ".join(section.body_zh_hans or "" for section in sections).strip() or article.summary_zh_hans or ""
    english = " ".join(section.body_en or "" for section in sections).strip() or article.summary_en or ""
    chinese = to_reader_script(chinese, article.chinese_script)
    reads_english = (get_language() or "").startswith("en") and article.title_en
    candidates = [english, chinese] if reads_english else [chinese, english]
    snippets = [index.highlight(text, query) for text in candidates if text.strip()]
    return {
        "article": article,
        "title": index.highlight(to_reader_script(article.title, article.chinese_script), query, width=200),
        "snippet": next((snippet for snippet in snippets if "<mark>" in snippet), snippets[0] if snippets else ""),
    }
