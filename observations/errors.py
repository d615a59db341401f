"""Error pages in the user's language, for people and for API clients."""

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .extensions import db
from .validation import Invalid

# Headers an HTTP error carries that its answer must keep (405 Allow, 401 WWW-Authenticate,
# 429 Retry-After, …); the body and its type are ours.
_OWN_HEADERS = {"content-type", "content-length"}


def _messages() -> dict[int, tuple[str, str]]:
    """Title and explanation for each error status, translated at request time."""
    return {
        400: (_("Bad request"), _("The request could not be understood.")),
        401: (_("Not logged in"), _("Log in to continue.")),
        403: (_("No access"), _("Your role in this study does not allow this page.")),
        404: (
            _("Page not found"),
            _("This page does not exist, or you have no access to it."),
        ),
        405: (_("Not allowed"), _("This action is not allowed here.")),
        413: (_("Too large"), _("What you sent is too large.")),
        415: (_("Bad request"), _("The request could not be understood.")),
        422: (_("Not stored"), _("What you sent could not be stored.")),
        429: (
            _("Too many attempts"),
            _("Too many attempts in a short time. Wait a minute and try again."),
        ),
        500: (
            _("Something went wrong"),
            _("An unexpected error occurred. Please try again."),
        ),
        503: (_("Busy"), _("The server is busy. Try again shortly.")),
    }


def _wants_json() -> bool:
    """API clients get JSON errors; browsers get a page."""
    return request.path.startswith("/api/")


def render_error(status: int, detail: str | None = None, details: dict | None = None):
    """Render the error page (or JSON) for an HTTP status; `details` are messages per field."""
    title, message = _messages().get(status, _messages()[500 if status >= 500 else 400])
    if _wants_json():
        body = {"error": title, "message": detail or message}
        if details:
            body["errors"] = details
        return jsonify(body), status
    lines = [line for messages in (details or {}).values() for line in messages]
    return render_template(
        "errors/error.html", status=status, title=title, message=detail or message, details=lines
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
        """Every other HTTP error, with its headers; one with its own response keeps it."""
        if error.response is not None:
            return error.response
        body, status = render_error(error.code or 500)
        response = app.make_response((body, status))
        for name, value in error.get_headers():
            if name.lower() not in _OWN_HEADERS:
                response.headers[name] = value
        return response

    @app.errorhandler(Invalid)
    def invalid(error: Invalid):
        """The last line of defence: text a form or service let through, refused at flush."""
        db.session.rollback()
        return render_error(422, details={k: [str(m) for m in v] for k, v in error.errors.items()})
