"""The review queue: ended sessions by review state, filtered and paged; bulk approval."""

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..extensions import db
from ..review import decisions, queue
from . import bp
from .review_forms import BulkApproveForm, filter_form, filters_of, state_names


def _queue_page(bulk: BulkApproveForm, status: int = 200, error: str | None = None):
    """Render the queue from the filters in the query string (also when a bulk form failed)."""
    form = filter_form(g.study, request.args)
    valid = form.validate()
    filters = filters_of(form)
    number = form.page.data if form.page.data and not form.page.errors else 1
    found = queue.page(g.study, filters, number)
    if request.method == "GET":
        # Unflagged sessions start ticked; flagged ones are looked at first.
        bulk.sessions.data = [c.session.id for c in found.cards if not c.flags]
    return render_template(
        "research/queue.html",
        form=form,
        filters=filters,
        queue=found,
        bulk=bulk,
        picked=set(bulk.sessions.data or []),
        states=state_names(),
        codes=queue.observer_codes(g.study),
        error=error,
    ), (422 if not valid else status)


@bp.get("/review")
def review_queue():
    """Sessions awaiting review (or of another state), newest first, with their flags."""
    return _queue_page(BulkApproveForm(formdata=None))


@bp.post("/review/approve")
def bulk_approve():
    """Approve the ticked sessions; flagged ones only with the extra confirmation."""
    bulk = BulkApproveForm()
    if not bulk.validate():
        return _queue_page(bulk, 422)
    flagged = queue.flagged_ids(g.study, bulk.sessions.data)
    if flagged and not bulk.confirm_flagged.data:
        message = ngettext(
            "%(num)d ticked session is flagged. Look at it, or tick “I have looked at the "
            "flagged sessions”, then approve again.",
            "%(num)d ticked sessions are flagged. Look at them, or tick “I have looked at the "
            "flagged sessions”, then approve again.",
            len(flagged),
        )
        bulk.confirm_flagged.errors = [message]
        return _queue_page(bulk, 422, message)
    result = decisions.bulk_approve(g.study, bulk.sessions.data, current_user)
    db.session.commit()
    if result.approved:
        flash(
            ngettext(
                "%(num)d session approved.", "%(num)d sessions approved.", len(result.approved)
            ),
            "success",
        )
    for session_id, reason in result.skipped:
        flash(_("Session %(id)d not approved: %(reason)s.", id=session_id, reason=reason), "error")
    return redirect(url_for("research.review_queue", **request.args.to_dict()))
