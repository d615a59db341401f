"""Who may see what: a user's role in the study being accessed.

Study pages live under /studies/<slug>/…; a blueprint made by `study_blueprint` loads the
study into `g.study` and refuses users without one of its roles. A study the user is not
a member of answers 404, so that its existence is not revealed.
"""

from flask import Blueprint, abort, g, url_for
from flask_login import current_user
from sqlalchemy import select

from .extensions import db, login_manager
from .models import Membership, Role, Study, User

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


def active_memberships(user: User) -> list[Membership]:
    """Return the user's active memberships of studies that are not archived."""
    return list(
        db.session.scalars(
            select(Membership)
            .join(Study)
            .where(
                Membership.user_id == user.id,
                Membership.active.is_(True),
                Study.archived_at.is_(None),
            )
            .order_by(Study.name)
        )
    )


def may_access(user: User, study: Study, roles: tuple[str, ...], admin: bool) -> bool:
    """Tell whether the user holds one of the roles in the study (or is an allowed admin)."""
    if admin and user.is_admin:
        return True
    membership = membership_in(user, study)
    return membership is not None and membership.role in roles


def landing_url(membership: Membership) -> str:
    """Return the first page of a member's role in their study."""
    return url_for(LANDING_ENDPOINT[Role(membership.role)], slug=membership.study.slug)


def study_blueprint(name: str, roles: tuple[str, ...], admin: bool = True) -> Blueprint:
    """Create a blueprint whose every page needs one of `roles` in the study of the URL."""
    bp = Blueprint(name, __name__, url_prefix=f"/studies/<slug>/{name}")

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
        if study is None:
            abort(404)
        if may_access(current_user, study, roles, admin):
            g.membership = membership_in(current_user, study)
            return None
        if membership_in(current_user, study) is None and not current_user.is_admin:
            g.study = None  # the error page must not show the study's name either
            abort(404)
        abort(403)

    return bp
