"""URL parts the database can hold: ids within its integer range, study short names.

`/…/<int:id>` with twenty digits would overflow the database's integer (a server error on
SQLite and PostgreSQL alike), and a slug with a NUL byte is refused by PostgreSQL; here they
simply match no route, so the answer is 404.
"""

from flask import Flask, request
from werkzeug.routing import BaseConverter, IntegerConverter

from .studies import SLUG_PATTERN

LARGEST_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:…>` as a database id: a whole number from 0 to the largest 32-bit integer."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=LARGEST_ID, signed=False):
        super().__init__(url_map, fixed_digits, min, max, signed)


class SlugConverter(BaseConverter):
    """`<slug:…>`: a study's short name, as studies.SLUG_PATTERN allows it."""

    regex = SLUG_PATTERN.pattern.removeprefix("^").removesuffix("$")


def id_arg(name: str) -> int | None:
    """A query-string id such as `?job=12`, or None when absent or out of range."""
    value = request.args.get(name, type=int)
    return value if value is not None and 1 <= value <= LARGEST_ID else None


def init_app(app: Flask) -> None:
    """Use these converters for every route (call before blueprints are registered)."""
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["slug"] = SlugConverter
