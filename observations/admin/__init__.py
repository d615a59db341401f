"""The installation admin's pages: studies and accounts."""

from flask import Blueprint, abort
from flask_login import current_user

from ..extensions import login_manager

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def require_admin():
    """Only the installation admin may see these pages."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_admin:
        abort(403)
    return None


from . import accounts, audit, routes  # noqa: F401
