"""Hostile strings, and the checks that a page, an answer or a message treats them as text.

Each string carries a marker (hz01 … hz19) so that a leak on some page says which string
it was. `html_problems` reads served HTML as a browser's parser would: a string that
escaped its text would show up as a tag, an event handler or script code.
"""

import json
import re
from dataclasses import dataclass
from functools import cache
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import wtforms
from babel.messages.mofile import read_mo
from markupsafe import escape

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "test-secret-key"  # tests/conftest.py: its appearance would mean {{ config }} ran
# Characters HTML gives a meaning: a string holding one must never be served as typed.
MARKUP = set("<>\"'&")


@dataclass(frozen=True)
class Hostile:
    """One hostile string, and what every text field must do with it."""

    marker: str
    value: str
    about: str
    refused: bool = False  # nothing can store it: NUL, a lone surrogate, 10,000 characters

    @property
    def stored(self) -> str:
        """The text as a field keeps it: without surrounding spaces, tabs and line breaks."""
        return self.value.strip()

    @property
    def multiline(self) -> bool:
        """Whether the kept text spans lines (only a multi-line text can hold it)."""
        return "\n" in self.stored or "\r" in self.stored

    @property
    def leading_control(self) -> bool:
        """Whether it starts with a tab or CR: a form may strip it first or refuse it."""
        return self.value[:1] in ("\t", "\r")


STRINGS = (
    Hostile("hz01", "hz01<script>window.__pwned=1</script>", "script element"),
    Hostile("hz02", 'hz02"><img src=x onerror="window.__pwned=2">', "attribute break-out"),
    Hostile("hz03", "hz03 {{7*7}} {{ config.SECRET_KEY }}", "Jinja expression"),
    Hostile(
        "hz04",
        "hz04 {% raw %}{{7*7}}{% endraw %} {% print(7*7) %} ${7*7} #{7*7} <%= 7*7 %>",
        "template statements of several engines",
    ),
    Hostile("hz05", '=HYPERLINK("http://evil.example/hz05","klik")', "formula: ="),
    Hostile("hz06", "+SUM(1+1)*cmd|' /C calc'!A0 hz06", "formula: +"),
    Hostile("hz07", "-2+3+cmd|' /C calc'!A0 hz07", "formula: -"),
    Hostile("hz08", "@SUM(1+1) hz08", "formula: @"),
    Hostile("hz09", "\t=1+1 hz09", "formula after a tab"),
    Hostile("hz10", "\r=1+1 hz10", "formula after a CR"),
    Hostile("hz11", "hz11 \u202egnp.exe", "right-to-left override"),
    Hostile(
        "hz12",
        "hz12 \U0001f469\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466 "
        "\U0001f3f3\ufe0f\u200d\U0001f308 \U0001f44d\U0001f3fd \U0001f1f3\U0001f1f1",
        "emoji with ZWJ sequences, skin tone and flag",
    ),
    Hostile("hz13", "hz13" + "x" * 9996, "10,000 characters", refused=True),
    Hostile("hz14", "hz14\x00nul", "NUL byte", refused=True),
    Hostile("hz15", "hz15\ud800", "lone surrogate", refused=True),
    Hostile(
        "hz16",
        'hz16</textarea></title></script><svg onload="window.__pwned=3">',
        "raw-text element break-out",
    ),
    Hostile("hz17", "hz17' onmouseover='window.__pwned=4' x='", "single-quote attribute"),
    Hostile("hz18", "hz18 &lt;b&gt; &amp;amp; &#60;i&#62;", "character references"),
    Hostile(
        "hz19",
        'hz19 eerste regel\n=cmd|\' /C calc\'!A0\n"quoted", komma; "",\r\nlaatste',
        "line breaks, quotes and commas (CSV structure)",
    ),
    Hostile(
        "hz20",
        ("=hz20 " + "een lange notitie die precies tot de grens loopt, " * 40)[:1995] + " eind",
        "2,000 characters, a note's limit, starting with =",
    ),
)
BY_MARKER = {h.marker: h for h in STRINGS}
ACCEPTABLE = tuple(h for h in STRINGS if not h.refused)
# An event handler attribute, and what {{7*7}} or {% raw %} look like once a template ran.
EVENT_ATTRIBUTE = re.compile(r"^on[a-z]+$")
EVALUATED = re.compile(r"hz0[34] 49|hz04 \{\{7\*7\}\} ")


def shown(value: str) -> str:
    """A text as HTML shows it (Jinja's and WTForms' escaping)."""
    return str(escape(value))


class _Parser(HTMLParser):
    """Collects what in a page is markup, as a browser would parse it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.script: dict | None = None

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if EVENT_ATTRIBUTE.match(name):
                self.problems.append(f"<{tag} {name}={value!r}>: an event handler attribute")
            if "hz" in name or "__pwned" in name:
                self.problems.append(f"<{tag} {name}>: a hostile string became an attribute")
        # The dashboards' own charts are inline SVG (class "chart-svg"); any other svg is not ours.
        ours = tag == "svg" and dict(attrs).get("class") == "chart-svg"
        if tag in ("img", "svg", "iframe", "object", "embed") and not ours:
            self.problems.append(f"<{tag} {attrs}>: an element no page of Terloops has")
        if tag == "script":
            self.script = {"type": dict(attrs).get("type") or "", "text": ""}

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self.script is not None:
            self.script["text"] += data

    def handle_endtag(self, tag):
        if tag != "script" or self.script is None:
            return
        kind, code = self.script["type"], self.script["text"]
        if kind == "application/json":
            try:
                json.loads(code)
            except ValueError as error:
                self.problems.append(f"a JSON script no longer parses ({error}): {code[:120]!r}")
        elif code.strip():
            self.problems.append(f"inline script code: {code[:120]!r}")
        self.script = None


def html_problems(html: str) -> list[str]:
    """Why a served page is not inert: hostile markup that would run, or a template that ran."""
    parser = _Parser()
    parser.feed(html)
    parser.close()
    problems = parser.problems
    for hostile in STRINGS:
        if MARKUP & set(hostile.stored) and hostile.stored in html:
            problems.append(f"{hostile.marker} ({hostile.about}) served unescaped")
    for found in EVALUATED.finditer(html):
        problems.append(f"a template expression was evaluated: {found.group(0)!r}")
    if SECRET_KEY in html:
        problems.append("the app's SECRET_KEY is on the page")
    if "\x00" in html or re.search("[\ud800-\udfff]", html):
        problems.append("a NUL or a lone surrogate is on the page")
    return problems


def json_problems(body: bytes) -> list[str]:
    """Why a JSON answer is not plain data holding the strings as strings."""
    try:
        text = body.decode("utf-8")
        json.loads(text)
    except ValueError as error:
        return [f"not JSON ({error})"]
    problems = [f"evaluated: {m.group(0)!r}" for m in EVALUATED.finditer(text)]
    if SECRET_KEY in text:
        problems.append("the app's SECRET_KEY is in the answer")
    return problems


# -- messages in the user's language ---------------------------------------------------------


PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sd]|\{\w+\}")


def _pattern(message: str) -> str:
    """A catalog text as a regular expression: placeholders match any text."""
    return ".+?".join(re.escape(part) for part in PLACEHOLDER.split(message))


def _telling(message: str) -> bool:
    """Whether a text has words enough of its own to tell Dutch ("%(n)s scans" has not)."""
    return len(PLACEHOLDER.sub("", message).strip()) >= 6


@cache
def dutch_messages() -> re.Pattern:
    """Every Dutch text of the app's catalog and of WTForms', as one pattern."""
    texts = []
    catalogs = (
        ROOT / "observations" / "translations" / "nl" / "LC_MESSAGES" / "messages.mo",
        Path(wtforms.__file__).parent / "locale" / "nl" / "LC_MESSAGES" / "wtforms.mo",
    )
    for path in catalogs:
        with path.open("rb") as handle:
            for message in read_mo(handle):
                strings = message.string
                strings = list(strings) if isinstance(strings, tuple | list) else [strings]
                texts += [s for s in strings if s and message.id and _telling(s)]
    texts.sort(key=len, reverse=True)
    return re.compile("|".join(f"(?:{_pattern(t.strip())})" for t in texts))


def is_dutch(message: str) -> bool:
    """Whether a message is one of the Dutch texts (with its placeholders filled)."""
    message = " ".join(message.split())
    return bool(message) and dutch_messages().fullmatch(message) is not None


FIELD_ERROR = re.compile(r'<p class="error" id="[^"]*-error">(.*?)</p>', re.S)


def field_errors(html: str) -> list[str]:
    """The messages under the fields of a served form."""
    return [" ".join(unescape(block).split()) for block in FIELD_ERROR.findall(html)]
