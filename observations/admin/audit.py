"""The admin's audit log: account events (no study) and every study's events."""

from zoneinfo import ZoneInfo

from flask import current_app, render_template
from sqlalchemy import select

from .. import audit_log
from ..extensions import db
from ..manage.audit_forms import filter_form, filters_of, page_number
from ..models import Study
from . import bp


@bp.route("/audit")
def audit():
    """Every audit event of the installation, newest first, filtered and paged."""
    studies = db.session.scalars(select(Study).order_by(Study.name)).all()
    form = filter_form(None, studies)
    filters = filters_of(form)
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    events = audit_log.page(None, filters, zone, page_number())
    return render_template(
        "manage/audit.html",
        form=form,
        filters=filters,
        events=events,
        **audit_log.template_helpers(),
        admin=True,
        study_names={s.id: s.name for s in studies},
    )
