"""An editor in Chromium: a browser context of their own, logged in to the admin of the live server."""

import contextlib
import time

from django.db import OperationalError

LOCALES = {"en": "en-US", "zh-hans": "zh-CN"}


def logged_in_page(browser, live_server, name, password, locale="en-US", width=1280, height=900):
    """A new context (so its own cookies) with one page, logged in as `name`."""
    page = browser.new_context(viewport={"width": width, "height": height}, locale=locale).new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", name)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    return page


def in_language(page, code):
    """Show the form in `code`: the switch's options are the tabs in settings order, whatever their names."""
    page.select_option("select.modeltranslation-switch", index=["zh-hans", "en"].index(code))


@contextlib.contextmanager
def pages_of_editors(browser, live_server, password):
    """`open_as(name, language, width)`: a logged-in page per call; every page is left, then closed, at the end.

    The pages are left first so their "left" beacons reach the server while
    the test database is still there.
    """
    contexts = []

    def open_as(name, language="en", width=1280):
        page = logged_in_page(browser, live_server, name, password, LOCALES[language], width)
        contexts.append(page.context)
        return page

    yield open_as
    for context in contexts:
        for page in context.pages:
            page.on("dialog", lambda dialog: dialog.accept())
            page.goto("about:blank")
    time.sleep(0.3)
    for context in contexts:
        context.close()


def as_a_colleague(write, seconds=10):
    """Run `write` (a colleague's change made from the test) while editors' pages are open.

    The live server shares the test's in-memory SQLite database (one shared
    cache), where a statement of a request still being served — a heartbeat,
    the beacon of a closed tab — makes a write fail at once with "table is
    locked" instead of waiting as a second process would (the busy timeout).
    Retrying for a while is that wait. On PostgreSQL the first try succeeds.
    """
    deadline = time.monotonic() + seconds
    while True:
        try:
            return write()
        except OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
