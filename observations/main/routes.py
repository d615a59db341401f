"""Home: send each user to the first page of their role."""

from flask import current_app, make_response, redirect, render_template, url_for
from flask_login import current_user, login_required

from .. import offline
from ..access import active_memberships, landing_url
from . import bp


@bp.route("/")
@login_required
def home():
    """Admins go to the installation overview; members to their study, or choose one."""
    if current_user.is_admin:
        return redirect(url_for("admin.index"))
    memberships = active_memberships(current_user)
    if len(memberships) == 1:
        return redirect(landing_url(memberships[0]))
    return redirect(url_for("main.studies"))


@bp.route("/studies")
@login_required
def studies():
    """List the studies the user takes part in, with their role in each (archived ones too)."""
    memberships = active_memberships(current_user, include_archived=True)
    return render_template(
        "main/studies.html",
        memberships=memberships,
        links={m.id: landing_url(m) for m in memberships},
    )


@bp.route("/sw.js")
def service_worker():
    """The service worker, served from / so that its scope covers the whole app."""
    response = make_response(offline.source(cached=not current_app.debug))
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response
