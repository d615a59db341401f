"""JSON that clients send (sync requests, queue files): parsed in one place, nesting bounded.

Python's parser recurses once per level, so about a thousand levels of `[` raise
RecursionError; and a value nested a few hundred levels deep would still make `str()` or
`jsonify` recurse later. Both become one clear refusal here, before anything else sees it.
"""

import json

from flask_babel import gettext as _

# The deepest record the phone sends is {"records": [{"counts": {category: {code: n}}}]}.
MAX_DEPTH = 32


class NotJSON(ValueError):
    """The bytes are not JSON text."""


class TooDeep(ValueError):
    """The JSON nests lists and objects deeper than MAX_DEPTH."""

    def __init__(self):
        super().__init__(
            _(
                "The JSON is nested too deeply (more than %(n)d levels of lists and objects).",
                n=MAX_DEPTH,
            )
        )


def _refuse_constant(name: str):
    """NaN and Infinity are not JSON, whatever Python's parser allows."""
    raise NotJSON(name)


def _deeper_than(value, limit: int) -> bool:
    """Whether lists and objects nest deeper than `limit`, checked without recursion."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def loads(raw: bytes | str):
    """The value of a JSON text (UTF-8, a BOM allowed), or NotJSON / TooDeep."""
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        value = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise TooDeep() from None
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError among them
        raise NotJSON(str(error)) from None
    if isinstance(value, dict | list) and _deeper_than(value, MAX_DEPTH):
        raise TooDeep()
    return value
