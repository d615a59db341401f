"""Per-route limits on the size of a request body, enforced on the bytes actually read.

A `Content-Length` can be checked up front, but a chunked upload has none. Flask lets a view
set `request.max_content_length`; Werkzeug then counts every byte it reads, whatever the
transfer encoding. The limit must be set before anything reads the body, so `body_limit`
goes outermost, above the authentication decorator; and the view reads with `read_body`,
because Werkzeug's one-go `read()` stops quietly at the limit where reading on raises 413.
"""

from collections.abc import Callable
from functools import wraps

from flask import current_app, request
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from .errors import render_error


def _default_message(limit: int) -> str:
    """What a client is told when its body is past the limit."""
    return _("Send at most %(n)d kB per request.", n=limit // 1024)


def read_body() -> bytes:
    """The whole request body; RequestEntityTooLarge if it goes past the route's limit."""
    stream, pieces, total = request.stream, [], 0
    try:
        while piece := stream.read(64 * 1024):
            pieces.append(piece)
            total += len(piece)
    except RequestEntityTooLarge:
        # Reading at the limit raises even when the body ends there; one raw byte tells.
        if total != request.max_content_length or request.input_stream.read(1):
            raise
    return b"".join(pieces)


def body_limit(config_key: str, message: Callable[[int], str] = _default_message):
    """Limit the route's request body to `app.config[config_key]` bytes; beyond it, 413."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            limit = current_app.config[config_key]
            request.max_content_length = limit
            try:
                return view(*args, **kwargs)
            except RequestEntityTooLarge:
                return render_error(413, message(limit))

        return wrapped

    return decorator
