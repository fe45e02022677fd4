"""An editor in Chromium: a browser context of their own, logged in to the admin of the live server."""

import contextlib
import time

LOCALES = {"en": "en-US", "zh-hans": "zh-CN"}
# Django's messages ("… was changed successfully"), not the desk's own notices
# (a colleague's presence, a kept draft), which share their look and may
# appear beside them at any moment.
MESSAGES = "ul.messagelist:not(.desk-notices)"


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
