"""The query string of the read API, checked: filters, labels, format, limit and cursor.

Plain functions over a MultiDict, so that the views stay thin. Every problem is reported
per parameter, in the user's language.

The cursor is opaque to clients: the URL-safe base64 (without padding) of the JSON
`{"t": table, "k": key}`, where `key` is the sort key of the last row sent (export/keyset.py).
"""

import base64
import binascii
import json
from dataclasses import dataclass, field

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from ..export import LABELS, ExportOptions
from ..export.filters import find_sites, parse_day
from ..export.tables import KEYS, PAGED
from ..models import Study
from ..urls import LARGEST_ID

FORMATS = ("json", "csv")
DEFAULT_LIMIT = 1000
MAX_LIMIT = 10_000
LONGEST_CODE = 40  # the codebook's codes, as the database holds them
MAX_CURSOR = 400  # characters; a real one has fewer than 150


class BadArguments(ValueError):
    """The query string has mistakes: {parameter: [messages]}, and a summary of them all."""

    def __init__(self, errors: dict[str, list[str]], summary: str | None = None):
        super().__init__(summary or " ".join(m for messages in errors.values() for m in messages))
        self.errors = errors


@dataclass
class ReadArgs:
    """What a read request asks for."""

    options: ExportOptions = field(default_factory=ExportOptions)
    format: str = "json"
    limit: int = DEFAULT_LIMIT
    after: tuple | None = None


def encode_cursor(table: str, key: tuple) -> str:
    """The opaque cursor that continues a table after a row's key."""
    raw = json.dumps({"t": table, "k": list(key)}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(table: str, cursor: str) -> tuple:
    """The key a cursor continues after; ValueError if it is not a cursor of this table."""
    if len(cursor) > MAX_CURSOR:
        raise ValueError(_("The cursor is not valid: take it from the previous page."))
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value = json.loads(raw)
    except (binascii.Error, ValueError):
        raise ValueError(_("The cursor is not valid: take it from the previous page.")) from None
    key = value.get("k") if isinstance(value, dict) else None
    types = KEYS[table]
    if (
        value.get("t") != table
        or not isinstance(key, list)
        or len(key) != len(types)
        or not all(_fits(part, kind) for part, kind in zip(key, types, strict=True))
    ):
        raise ValueError(_("The cursor is not valid: take it from the previous page."))
    return tuple(key)


def _fits(value, kind: type) -> bool:
    """Whether a part of a key has the type and range the database holds."""
    if kind is int:
        return type(value) is int and 0 <= value <= LARGEST_ID
    return isinstance(value, str) and len(value) <= LONGEST_CODE and value.isprintable()


def _limit(value: str) -> int:
    """The page size, 1 to MAX_LIMIT."""
    if not value.isdigit() or not 1 <= int(value) <= MAX_LIMIT:
        raise ValueError(_("limit takes a whole number from 1 to %(most)d.", most=MAX_LIMIT))
    return int(value)


def choice(value: str, choices: tuple, name: str) -> str:
    """One of the allowed values."""
    if value not in choices:
        raise ValueError(
            _("%(name)s takes one of: %(choices)s.", name=name, choices=", ".join(choices))
        )
    return value


def parse(study: Study, table: str, args: MultiDict) -> ReadArgs:
    """The request's settings, or BadArguments listing every mistake.

    An empty parameter counts as absent (so a client may send `cursor=` for the first page).
    """
    errors: dict[str, list[str]] = {}

    def value(name: str, convert, default=None):
        if not args.get(name):
            return default
        try:
            return convert(args[name])
        except ValueError as error:
            errors[name] = [str(error)]
            return default

    read = ReadArgs(format=value("format", lambda v: choice(v, FORMATS, "format"), "json"))
    read.options.labels = value("labels", lambda v: choice(v, LABELS, "labels"), "nl")
    if table in PAGED:
        read.limit = value("limit", _limit, DEFAULT_LIMIT)
        read.after = value("cursor", lambda v: decode_cursor(table, v))
        read.options.date_from = value("from", lambda v: parse_day(v, "from"))
        read.options.date_to = value("to", lambda v: parse_day(v, "to"))
        sites = [name for name in args.getlist("site") if name]
        try:
            read.options.sites = find_sites(study, sites, by_id=True)
        except ValueError as error:
            errors["site"] = [str(error)]
        dates = (read.options.date_from, read.options.date_to)
        if all(dates) and dates[0] > dates[1]:
            errors["to"] = [_("from lies after to.")]
    if errors:
        raise BadArguments(errors)
    return read
