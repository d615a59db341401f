"""Who may see what: a user's role in the study being accessed.

Study pages live under /studies/<slug>/…; a blueprint made by `study_blueprint` loads the
study into `g.study` and refuses users without one of its roles. A study the user is not
a member of answers 404, so that its existence is not revealed.

An archived study is read-only: its members still read it and export from it, but every
request that would change something in it is refused with 403 and a clear message, except
the views marked `open_when_archived` (what an export needs).
"""

from flask import Blueprint, abort, current_app, g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .errors import render_error
from .extensions import db, login_manager
from .models import Membership, Role, Study, User

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

LANDING_ENDPOINT = {
    Role.COORDINATOR: "manage.index",
    Role.LEAD: "research.index",
    Role.FIELDWORKER: "field.index",
}


def membership_in(user: User, study: Study) -> Membership | None:
    """Return the user's active membership of the study, if any."""
    return db.session.scalar(
        select(Membership).filter_by(user_id=user.id, study_id=study.id, active=True)
    )


def active_memberships(user: User, include_archived: bool = False) -> list[Membership]:
    """Return the user's active memberships, of studies not archived unless asked for."""
    query = (
        select(Membership)
        .join(Study)
        .where(Membership.user_id == user.id, Membership.active.is_(True))
        .order_by(Study.name)
    )
    if not include_archived:
        query = query.where(Study.archived_at.is_(None))
    return list(db.session.scalars(query))


def open_when_archived(view):
    """Mark a view that may change things even in an archived study (exports, presets)."""
    view.open_when_archived = True
    return view


def archived_message(study: Study) -> str:
    """Why nothing can be changed in an archived study, in the user's language."""
    return _(
        "Study %(name)s is archived: you can still read and export it, but nothing in it "
        "can be changed.",
        name=study.name,
    )


def _changes_archived_study(study: Study) -> bool:
    """Whether this request would change something in an archived study."""
    if study.archived_at is None or request.method in SAFE_METHODS:
        return False
    view = current_app.view_functions.get(request.endpoint)
    return not getattr(view, "open_when_archived", False)


def may_access(user: User, study: Study, roles: tuple[str, ...], admin: bool) -> bool:
    """Tell whether the user holds one of the roles in the study (or is an allowed admin)."""
    if admin and user.is_admin:
        return True
    membership = membership_in(user, study)
    return membership is not None and membership.role in roles


def refusal(user: User, study: Study | None, roles: tuple[str, ...], admin: bool) -> int | None:
    """Why the user may not use a study's route: 404, 403, or None when allowed.

    404: there is no such study, or the user is no member of it (its existence stays
    hidden); 403: a member without one of the roles.
    """
    if study is None:
        return 404
    if may_access(user, study, roles, admin):
        return None
    if membership_in(user, study) is None and not user.is_admin:
        return 404
    return 403


def landing_url(membership: Membership) -> str:
    """Return the first page of a member's role in their study."""
    return url_for(LANDING_ENDPOINT[Role(membership.role)], slug=membership.study.slug)


def study_blueprint(name: str, roles: tuple[str, ...], admin: bool = True) -> Blueprint:
    """Create a blueprint whose every page needs one of `roles` in the study of the URL."""
    bp = Blueprint(name, __name__, url_prefix=f"/studies/<slug:slug>/{name}")

    @bp.url_value_preprocessor
    def load_study(_endpoint, values):
        """Turn the slug in the URL into g.study."""
        slug = values.pop("slug")
        g.study = db.session.scalar(select(Study).filter_by(slug=slug))

    @bp.url_defaults
    def add_slug(_endpoint, values):
        """Let url_for within the blueprint omit the slug of the current study."""
        if "slug" not in values and g.get("study") is not None:
            values["slug"] = g.study.slug

    @bp.before_request
    def check_role():
        """Refuse anonymous users, unknown studies and users without the role."""
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        study = g.study
        refused = refusal(current_user, study, roles, admin)
        if refused is None:
            g.membership = membership_in(current_user, study)
            if _changes_archived_study(study):
                return render_error(403, archived_message(study))
            return None
        if refused == 404:
            g.study = None  # the error page must not show the study's name either
        abort(refused)

    return bp
