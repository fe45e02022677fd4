"""Reading an admin change form's current values, as a browser would post them back."""

from html.parser import HTMLParser


class _FormValues(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.values = form_id, False, []
        self.textarea = self.select = None
        self.select_value = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside or "name" not in attrs and tag != "option":
            return
        if tag == "input" and attrs.get("type") not in {"submit", "button", "file", "checkbox", "radio"}:
            self.values.append((attrs["name"], attrs.get("value", "")))
        elif tag == "input" and attrs.get("type") in {"checkbox", "radio"} and "checked" in attrs:
            self.values.append((attrs["name"], attrs.get("value", "on")))
        elif tag == "textarea":
            self.textarea = [attrs["name"], ""]
        elif tag == "select":
            self.select, self.select_value = attrs["name"], None
        elif tag == "option" and self.select and "selected" in attrs:
            self.select_value = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "textarea" and self.textarea:
            self.values.append((self.textarea[0], self.textarea[1].removeprefix("\n")))
            self.textarea = None
        elif tag == "select" and self.select:
            if self.select_value is not None:
                self.values.append((self.select, self.select_value))
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data


def form_values(html, form_id):
    parser = _FormValues(form_id)
    parser.feed(html)
    return dict(parser.values)
