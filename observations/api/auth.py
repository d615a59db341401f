"""Who is calling the API: a personal bearer token, or the browser session plus a CSRF token."""

from functools import wraps

from flask import g, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from .. import tokens
from ..extensions import csrf, db

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _unauthorized(message: str):
    """A 401 answer that tells a client how to authenticate."""
    response = jsonify(error=_("Not logged in"), message=message)
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="terloops"'
    return response


def api_user():
    """The user of this API request (set by `authenticated`)."""
    return g.api_user


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
            if db.session.dirty:
                db.session.commit()  # keeps the token's last-used time (once a minute)
            g.api_user = user
        elif current_user.is_authenticated:
            if request.method not in SAFE_METHODS:
                csrf.protect()
            g.api_user = current_user._get_current_object()
        else:
            return _unauthorized(
                _("Log in again, or send a personal API token as 'Authorization: Bearer …'.")
            )
        return view(*args, **kwargs)

    return wrapped
