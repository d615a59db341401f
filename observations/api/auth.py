"""Who is calling the API: a personal bearer token, or the browser session plus a CSRF token."""

from functools import wraps

from flask import g, jsonify, request, session
from flask_babel import gettext as _
from flask_login import current_user

from .. import logins, tokens
from ..extensions import csrf, db
from ..models import User

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _unauthorized(message: str):
    """A 401 answer that tells a client how to authenticate."""
    response = jsonify(error=_("Not logged in"), message=message)
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="terloops"'
    return response


def api_user() -> User:
    """The user of this API request (`authenticated` found who it is; loaded when first
    asked for)."""
    if "api_user" not in g:
        g.api_user = db.session.get(User, g.api_user_id)
    return g.api_user


def api_user_id() -> int:
    """The id of this API request's user, without loading the user (a phone's sync needs
    no more)."""
    return g.api_user_id


def authenticated(view):
    """Require a valid bearer token, or a logged-in browser that sends its CSRF token."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        if header:
            scheme, _sep, value = header.partition(" ")
            user = tokens.user_for_token(value.strip()) if scheme.lower() == "bearer" else None
            if user is None:
                return _unauthorized(_("The API token is unknown, revoked or malformed."))
            g.api_user_id, g.api_locale, g.api_closed_lately = user
        elif user := logins.user_of_login(session.get("_user_id")):
            # A logged-in browser or phone: its login is checked without loading the user
            # (security.py leaves the API's requests to this).
            if request.method not in SAFE_METHODS:
                csrf.protect()
            g.api_user_id, g.api_locale, g.api_closed_lately = user
        elif current_user.is_authenticated:  # e.g. back through the "stay logged in" cookie
            if request.method not in SAFE_METHODS:
                csrf.protect()
            g.api_user = current_user._get_current_object()
            g.api_user_id = g.api_user.id
        else:
            return _unauthorized(
                _("Log in again, or send a personal API token as 'Authorization: Bearer …'.")
            )
        return view(*args, **kwargs)

    return wrapped
