"""Secrets, proxies, security headers and the login manager's user loading."""

from flask import Flask, Response, current_app
from flask_babel import lazy_gettext as _l
from werkzeug.middleware.proxy_fix import ProxyFix

from .extensions import db, login_manager
from .models import User

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

MISSING_SECRET = (
    "Terloops is not configured: SECRET_KEY is not set. Set the SECRET_KEY environment "
    "variable, or run `flask --app app demo`, which writes a random one into the "
    "instance folder."
)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Load the logged-in user; a deactivated account is logged out at once."""
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


def _require_secret_key() -> Response | None:
    """Refuse to serve with no secret key rather than sign sessions with a weak one."""
    if not current_app.secret_key:
        current_app.logger.error(MISSING_SECRET)
        return Response(MISSING_SECRET, status=500, mimetype="text/plain")
    return None


def _add_headers(response: Response) -> Response:
    """Send the headers that keep pages from being framed, sniffed or scripted."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    return response


def init_app(app: Flask) -> None:
    """Wire the secret-key guard, proxy handling, headers and login settings."""
    if not app.secret_key and not (app.testing or app.debug):
        app.before_request(_require_secret_key)
    hops = int(app.config.get("PROXY_FIX_X_FOR") or 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.after_request(_add_headers)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
