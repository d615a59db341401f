"""What a browser would send for a page's form: each field's current value."""

from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict


class _FormReader(HTMLParser):
    """Collects the values of the inputs, selects and text areas of the first POST form."""

    def __init__(self):
        super().__init__()
        self.values = MultiDict()
        self.inside = False
        self.select = None
        self.textarea = None
        self.first_option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method") == "post":
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.values.add(attrs["name"], attrs.get("value", ""))
        elif tag == "select":
            self.select, self.first_option = attrs["name"], None
        elif tag == "option" and self.select:
            if self.first_option is None:
                self.first_option = attrs.get("value", "")
            if "selected" in attrs:
                self.values.add(self.select, attrs.get("value", ""))
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.values.add(self.textarea, "")

    def handle_data(self, data):
        if self.textarea:
            self.values.setlist(self.textarea, [self.values[self.textarea] + data])

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select:
            if self.select not in self.values:
                self.values.add(self.select, self.first_option or "")
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def form_values(html: str) -> MultiDict:
    """The values the page's POST form would send as it stands."""
    reader = _FormReader()
    reader.feed(html)
    return reader.values
