"""The audit log: every change of study data, accounts and codebook, filtered and paged."""

from zoneinfo import ZoneInfo

from flask import g, render_template

from .. import audit_log
from . import bp
from .audit_forms import filter_form, filters_of, page_number


@bp.route("/audit")
def audit():
    """The study's audit events, newest first, filtered and paged."""
    form = filter_form(g.study.id)
    filters = filters_of(form)
    events = audit_log.page(g.study.id, filters, ZoneInfo(g.study.timezone), page_number())
    return render_template(
        "manage/audit.html",
        form=form,
        filters=filters,
        events=events,
        admin=False,
        **audit_log.template_helpers(),
    )
