"""Beyond one process: two servers on one database see each other's work.

Each server keeps its own local-memory cache, so this also proves that cached
pages follow the shared content version rather than a process's own memory.
On the PostgreSQL run both servers use the PostgreSQL database of
DATABASE_URL; on the SQLite run they share one SQLite file.
"""

import concurrent.futures
import http.cookiejar
import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest

from .admin_forms import form_values
from .servers import free_port, prepare_site, start_gunicorn, stop, wait_for

ARTICLE = "/en/articles/china-science-global-covid-fight/"
PASSWORD = "a-long-multi-process-password"


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    env = prepare_site(tmp_path_factory.mktemp("multi"), PASSWORD, CACHE_URL="locmem://", COMMENT_RATE_LIMIT="3")
    ports = [free_port(), free_port()]
    processes = [start_gunicorn(env, port, workers=1) for port in ports]
    for port in ports:
        wait_for(port)
    yield [f"http://127.0.0.1:{port}" for port in ports]
    stop(*processes)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A reader or editor with cookies, which (like a browser's) hold for both servers on 127.0.0.1."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect
        )

    def get(self, url):
        with self.opener.open(url, timeout=30) as response:
            return response.status, response.read().decode()

    def post(self, url, data):
        request = urllib.request.Request(
            url, urllib.parse.urlencode(data, doseq=True).encode(), headers={"Referer": url}
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def comment(reader, base, message):
    _status, page = reader.get(base + ARTICLE)
    fields = form_values(page.replace('class="comment-form"', 'id="comment-form" class="comment-form"'), "comment-form")
    # As the page's script does when the reader starts writing.
    fields["issued"] = json.loads(reader.get(base + "/comment-stamp")[1])["stamp"]
    fields.update(name="读者", email="reader@example.com", message=message)
    return reader.post(base + ARTICLE + "comments/", fields)


def editor_on(base):
    editor = Browser()
    _status, page = editor.get(base + "/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, _ = editor.post(
        base + "/admin/login/?next=/admin/",
        {"csrfmiddlewaretoken": token, "username": "desk", "password": PASSWORD, "next": "/admin/"},
    )
    assert status == 302
    return editor


def test_a_comment_posted_through_one_server_is_approved_and_shown_through_the_other(servers):
    first, second = servers
    reader = Browser()
    assert comment(reader, first, "经由第一台服务器的留言")[0] == 302
    editor = editor_on(second)
    _status, queue = editor.get(second + "/admin/comments/pendingcomment/")
    assert "经由第一台服务器的留言" in queue
    ids = re.findall(r'name="_selected_action" value="(\d+)"', queue)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', queue).group(1)
    editor.post(
        second + "/admin/comments/pendingcomment/",
        {"csrfmiddlewaretoken": token, "action": "approve", "_selected_action": ids},
    )
    assert "经由第一台服务器的留言" in Browser().get(first + ARTICLE)[1]


def test_a_rate_limit_reached_through_one_server_holds_on_the_other(servers):
    first, second = servers
    reader = Browser()
    statuses = [comment(reader, first, f"限流测试 {number}")[0] for number in range(2)]
    assert statuses == [302, 302]
    status, page = comment(reader, second, "限流测试 第三条")
    assert status == 200
    assert "several comments in a short time" in page


def test_an_edit_saved_through_one_server_shows_through_the_other_despite_its_cache(servers):
    first, second = servers
    reader = Browser()
    assert "An edited headline" not in reader.get(second + ARTICLE)[1]  # now in second's page cache
    editor = editor_on(first)
    _status, listing = editor.get(first + "/admin/articles/article/?q=china-science-global-covid-fight")
    change = re.search(r'href="(/admin/articles/article/\d+/change/)', listing).group(1)
    _status, page = editor.get(first + change)
    fields = form_values(page, "article_form")
    fields["title_en"] = "An edited headline"
    assert editor.post(first + change, fields)[0] == 302
    assert "An edited headline" in reader.get(second + ARTICLE)[1]


def test_forty_comments_at_once_from_one_address_let_exactly_the_limit_through(servers):
    """The limit is counted in one atomic step: a burst cannot slip extra comments past it (it let 6 of 40 by)."""
    page = Browser().get(servers[0] + ARTICLE)[1]
    fields = form_values(page.replace('class="comment-form"', 'id="comment-form" class="comment-form"'), "comment-form")
    fields["issued"] = json.loads(Browser().get(servers[0] + "/comment-stamp")[1])["stamp"]
    start = threading.Barrier(40)

    def send(number):
        data = {**fields, "name": "同一地址", "email": "burst@example.com", "message": f"并发留言 {number}"}
        request = urllib.request.Request(
            servers[number % 2] + ARTICLE + "comments/",
            urllib.parse.urlencode(data).encode(),
            # From the proxy on this host, for one client.
            headers={"X-Forwarded-For": "203.0.113.77"},
        )
        start.wait()
        try:
            with urllib.request.build_opener(NoRedirect).open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    with concurrent.futures.ThreadPoolExecutor(40) as pool:
        results = list(pool.map(send, range(40)))
    statuses = sorted(status for status, _page in results)
    assert statuses == [200] * 37 + [302] * 3
    assert all("several comments in a short time" in page for status, page in results if status == 200)
    editor = editor_on(servers[1])
    queue = editor.get(servers[1] + "/admin/comments/pendingcomment/?q=burst%40example.com")[1]
    assert len(set(re.findall(r"并发留言 \d+", queue))) == 3


def test_two_editors_saving_the_same_version_at_the_same_moment_get_one_save_and_one_refusal(servers):
    """The conflict check holds the article's row until the save commits: the second save sees the first."""
    editors = [editor_on(base) for base in servers]
    _status, listing = editors[0].get(servers[0] + "/admin/articles/article/?q=guangdong-open-letter-covid-science")
    change = re.search(r'href="(/admin/articles/article/\d+/change/)', listing).group(1)
    for attempt in range(4):
        pages = [editor.get(base + change)[1] for editor, base in zip(editors, servers, strict=True)]
        forms = [form_values(page, "article_form") for page in pages]
        assert forms[0]["loaded_version"] == forms[1]["loaded_version"]
        for index, form in enumerate(forms):
            form["summary_en"] += f" [save {attempt}-{index}]"
        start = threading.Barrier(2)
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            results = list(pool.map(save_at_once, editors, [base + change for base in servers], forms, [start] * 2))
        assert sorted(status for status, _page in results) == [200, 302]
        refused = next(page for status, page in results if status == 200)
        assert "after you opened it" in refused or "在您打开本文之后" in refused


def save_at_once(editor, url, form, start):
    start.wait()
    return editor.post(url, form)
