"""Secrets, proxies, security headers and the login manager's user loading."""

from datetime import timedelta

from flask import Flask, Response, current_app, flash, g, redirect, request, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_url
from werkzeug.middleware.proxy_fix import ProxyFix

from . import logins
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


# Two years, as the HSTS preload list asks; sent only when cookies are HTTPS-only.
HSTS = "max-age=63072000"


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """Load the user of a login token; revoked, expired and deactivated logins are refused."""
    return logins.user_for_login_token(token)


@login_manager.unauthorized_handler
def unauthorized():
    """Send a person to the login page; answer a script or service worker with a bare 401.

    Only a page the person asked for gets the "please log in" message and the way back:
    a background request (the service worker refreshing its offline pages) that touched the
    session would overwrite, in a race, the cookie of the logout that just happened.
    """
    if request.headers.get("Sec-Fetch-Mode", "navigate") != "navigate":
        # Plain text: a rendered page would put a form token into the session.
        return Response(_("Log in to continue."), status=401, mimetype="text/plain")
    flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(login_url(login_manager.login_view, next_url=request.url))


def _uses_login() -> bool:
    """Tell whether this request may carry a login: all but static files, sw.js, /healthz."""
    return request.endpoint not in ("static", "main.service_worker", "main.health")


def _keep_login_alive() -> None:
    """Push a login in use forward, so it does not expire in the middle of fieldwork.

    The API does so itself when it checks the login (api/auth.py, logins.user_of_login):
    a phone's sync then loads neither the login nor the user."""
    if not _uses_login() or request.blueprint == "api" or not current_user.is_authenticated:
        return
    login = current_user.current_login
    if logins.touch(login):
        db.session.commit()
        if login.remember:
            # Flask-Login sends the remember cookie again with its full duration.
            session["_remember"] = "set"


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
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if _uses_login() and (g.get("api_user_id") or current_user.is_authenticated):
        # A logged-in page or answer is nobody else's: no shared or back-button cache keeps it.
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Wire the secret-key guard, proxy handling, headers and login settings."""
    if not app.secret_key and not (app.testing or app.debug):
        app.before_request(_require_secret_key)
    hops = int(app.config.get("PROXY_FIX_X_FOR") or 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    days = app.config["REMEMBER_DAYS"]
    try:
        app.config["REMEMBER_COOKIE_DURATION"] = timedelta(days=float(days))
    except (TypeError, ValueError):
        raise RuntimeError(f"REMEMBER_DAYS must be a number of days, not {days!r}.") from None
    app.before_request(_keep_login_alive)
    app.after_request(_add_headers)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
