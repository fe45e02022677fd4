"""Every reader page type passes the W3C Nu HTML checker and axe with no error, on a phone and a desktop.

Each check runs once for all pages (the checker's JVM and the browser are slow
to start): the first test of each kind fills a module-wide result, and each
page's test then reads its own part, so a failure names the page.
"""

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlparse
from urllib.request import urlopen

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static

from .test_browser import WIDTHS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# One address for each page type a reader can reach, from the real archive,
# with a piece of its HTML that shows the page has its content.
PAGES = {
    "home-zh-hans": ("/zh-hans/", "card-lead"),
    "home-zh-hant": ("/zh-hant/", "card-lead"),
    "home-en": ("/en/", "card-lead"),
    "category": ("/zh-hans/category/news/", "card-title"),
    "article-zh-hans": ("/zh-hans/articles/china-acts-on-covid-cooperation/", "<figcaption"),
    "article-en": ("/en/articles/china-acts-on-covid-cooperation/", "<figcaption"),
    "bilingual": ("/zh-hans/articles/guangdong-open-letter-covid-science/bilingual/", "pair-heading"),
    "archive": ("/zh-hans/archive/", "archive-year"),
    "archive-year": ("/zh-hans/archive/2020/", "card-title"),
    "archive-month": ("/zh-hans/archive/2020/4/", "card-title"),
    "search": ("/zh-hans/search/?q=疫苗", "search-result"),
    "search-no-results": ("/zh-hans/search/?q=zebrafish", "search-count"),
    "not-found": ("/zh-hans/no-such-page/", "error-page"),
}
STATUS = {"not-found": 404}
# Checked by the Nu checker along with the pages.
ASSETS = ["css/site.css", "favicon.svg"]


def once(results, fill):
    """Fill the module-wide `results` on the first call; a failure to fill fails every later test at once."""
    if "failed" in results:
        pytest.fail(f"the check could not run: {results['failed']}")
    if not results:
        try:
            results.update(fill())
        except BaseException as error:
            results["failed"] = repr(error)
            raise
    return results


# The Nu checker's vnu.jar, fetched from npm (vnu-jar) by `make test`.
VNU_JAR = Path(os.environ.get("VNU_JAR") or sorted(Path(settings.BASE_DIR, ".venv").glob("vnu-*.jar"))[-1])


@pytest.fixture(scope="module")
def nu_results():
    return {}


def check_with_nu(client, directory):
    """Render every page, then run the Nu checker once over all of them; its messages by page."""
    java = shutil.which("java")
    assert java, "Java not found: apt-get install default-jre-headless"
    files = {}
    for name, (path, content) in PAGES.items():
        response = client.get(path)
        assert response.status_code == STATUS.get(name, 200), (path, response.status_code)
        assert content in response.content.decode(), (path, content)
        files[name] = directory / f"{name}.html"
        files[name].write_bytes(response.content)
    for asset in ASSETS:
        files[asset] = Path(finders.find(asset))
    command = [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout"]
    command += ["--also-check-css", "--also-check-svg", *map(str, files.values())]
    output = subprocess.run(command, capture_output=True, text=True, timeout=180).stdout
    by_file = {str(file.resolve()): name for name, file in files.items()}
    messages = {name: [] for name in files}
    for message in json.loads(output)["messages"]:
        messages[by_file[unquote(urlparse(message["url"]).path)]].append(message)
    return messages


def describe(messages):
    return "\n".join(
        f"line {m.get('lastLine', '?')}: [{m['type']}] {m['message']}\n    {m.get('extract', '').strip()}"
        for m in messages
    )


@pytest.mark.parametrize("name", [*PAGES, *ASSETS])
def test_the_nu_html_checker_finds_no_error(name, nu_results, request, client, tmp_path):
    def fill():
        request.getfixturevalue("loaded_archive")
        return check_with_nu(client, tmp_path)

    # "info" is the checker's warnings and notes; "error" and "non-document-error" fail.
    errors = [m for m in once(nu_results, fill)[name] if m["type"] != "info"]
    where = PAGES[name][0] if name in PAGES else f"static/{name}"
    assert not errors, f"{where}:\n{describe(errors)}"


@pytest.fixture(scope="module")
def axe_results():
    return {}


def check_with_axe(browser, base_url):
    """axe's violations for every page at every width, all rules it runs by default (WCAG A/AA, best practices)."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    results = {}
    for width_name, width in WIDTHS.items():
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        for name, (path, _content) in PAGES.items():
            response = page.goto(f"{base_url}{path}")
            assert response.status == STATUS.get(name, 200), (path, response.status)
            results[width_name, name] = axe.run(page).response["violations"]
        context.close()
    return results


def report(violations):
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {' '.join(map(str, node['target']))}: {node['html'][:200]}" for node in v["nodes"])
        for v in violations
    )


@pytest.mark.parametrize("width_name", sorted(WIDTHS))
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violation(name, width_name, axe_results, request, browser, live_server):
    def fill():
        request.getfixturevalue("loaded_archive")
        return check_with_axe(browser, live_server.url)

    violations = once(axe_results, fill)[width_name, name]
    where = f"{PAGES[name][0]} at {WIDTHS[width_name]} px"
    serious = [v for v in violations if v["impact"] in {"serious", "critical"}]
    assert not serious, f"{where}, serious or critical:\n{report(serious)}"
    assert not violations, f"{where}:\n{report(violations)}"


def test_favicon_ico_redirects_for_good_to_the_svg_icon_which_is_served(client, live_server):
    assert finders.find("favicon.svg")
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == static("favicon.svg")
    home = client.get("/en/").content.decode()
    assert f'<link rel="icon" href="{static("favicon.svg")}" type="image/svg+xml">' in home

    with urlopen(f"{live_server.url}/favicon.ico") as served:  # follows the redirect
        assert served.status == 200
        assert served.headers["Content-Type"] == "image/svg+xml"
        icon = ET.fromstring(served.read())
    assert icon.tag == "{http://www.w3.org/2000/svg}svg" and icon.get("viewBox") == "0 0 32 32"
