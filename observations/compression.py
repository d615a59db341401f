"""Compressed answers for phones on a weak signal (Flask-Compress), without leaking files."""

from flask import Flask, Response, current_app

from .extensions import compress


def _read_and_close_file(response: Response) -> Response:
    """Hand Flask-Compress a static file's bytes and close the file it came from.

    Flask-Compress reads a streamed file response to compress it but never closes the file;
    the static files it compresses are small, so they are read here and closed at once.
    """
    compressible = response.mimetype in current_app.config["COMPRESS_MIMETYPES"]
    if response.direct_passthrough and compressible:
        stream = response.response
        response.direct_passthrough = False
        response.set_data(b"".join(stream))
        if hasattr(stream, "close"):
            stream.close()
    return response


def init_app(app: Flask) -> None:
    """Install Flask-Compress, then the hook that runs just before it (hooks run in reverse)."""
    compress.init_app(app)
    app.after_request(_read_and_close_file)
