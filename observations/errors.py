"""Error pages in the user's language, for people and for API clients."""

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


def _messages() -> dict[int, tuple[str, str]]:
    """Title and explanation for each error status, translated at request time."""
    return {
        400: (_("Bad request"), _("The request could not be understood.")),
        403: (_("No access"), _("Your role in this study does not allow this page.")),
        404: (
            _("Page not found"),
            _("This page does not exist, or you have no access to it."),
        ),
        405: (_("Not allowed"), _("This action is not allowed here.")),
        413: (_("Too large"), _("What you sent is too large.")),
        429: (
            _("Too many attempts"),
            _("Too many attempts in a short time. Wait a minute and try again."),
        ),
        500: (
            _("Something went wrong"),
            _("An unexpected error occurred. Please try again."),
        ),
    }


def _wants_json() -> bool:
    """API clients get JSON errors; browsers get a page."""
    return request.path.startswith("/api/")


def render_error(status: int, detail: str | None = None):
    """Render the error page (or JSON) for an HTTP status."""
    title, message = _messages().get(status, _messages()[500])
    if _wants_json():
        return jsonify(error=title, message=detail or message), status
    return render_template(
        "errors/error.html", status=status, title=title, message=detail or message
    ), status


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        """A missing or stale form token: explain, and keep the user's input via Back."""
        return render_error(
            400,
            _(
                "This form had expired or was not sent from Terloops. Go back, reload the "
                "page and send it again."
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        """Every other HTTP error; one that carries its own response (a rate limit) keeps it."""
        if error.response is not None:
            return error.response
        return render_error(error.code or 500)
