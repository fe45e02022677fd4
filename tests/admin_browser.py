"""An editor in Chromium: a browser context of their own, logged in to the admin of the live server."""

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
