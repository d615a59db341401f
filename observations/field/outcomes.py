"""What the fieldworker's home shows of each recent session's review: outcome, comment, reply."""

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..forms import Form, text_field
from ..models import Encounter, Review, Session, Study, User, utcnow
from ..review import decisions

# Decisions on older sessions are listed apart on the home page for this long.
REVIEWED_DAYS = 30
REVIEWED_MAX = 10


class ReplyForm(Form):
    """The fieldworker's one reply to a decision on their session."""

    text = text_field(
        Review.reply,
        _l("Your reply"),
        required_message=_l("Write your reply before sending it."),
        render_kw={"required": True},
    )


def reply_form(review: Review, formdata=None) -> ReplyForm:
    """A reply form whose field ids are the review's own (a page holds several)."""
    form = ReplyForm(formdata=formdata) if formdata is not None else ReplyForm(formdata=None)
    form.text.id = f"reply-{review.id}"
    form.text.label.field_id = form.text.id
    return form


def with_outcomes(rows: list[dict], user: User, forms: dict | None = None) -> list[dict]:
    """Add each session's newest decision and, while it may be answered, a reply form."""
    forms = forms or {}
    newest = decisions.latest_reviews(row["session"].id for row in rows)
    for row in rows:
        review = newest.get(row["session"].id)
        row["review"] = review
        answerable = review is not None and decisions.may_reply(review, user)
        if answerable and (review.comment or review.state != "approved"):
            row["reply_form"] = forms.get(review.id) or reply_form(review)
    return rows


def recently_reviewed(study: Study, user: User) -> list[dict]:
    """The user's sessions with feedback from the last REVIEWED_DAYS, newest decision first.

    Feedback: the newest decision has a comment or is not a plain approval. Rows as
    indicators.recent_sessions gives them ({"session", "encounters"}), so that a decision
    on a session older than the recent ones still reaches its fieldworker.
    """
    decided = sa.func.max(Review.created_at).label("decided")
    n_encounters = (
        sa.select(sa.func.count(Encounter.id))
        .where(Encounter.session_id == Session.id, Encounter.retracted.is_(False))
        .correlate(Session)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Session, n_encounters, decided)
        .join(Review, Review.session_id == Session.id)
        .where(
            Session.study_id == study.id,
            Session.fieldworker_id == user.id,
            Session.retracted.is_(False),
        )
        .group_by(Session.id)
        .having(decided >= utcnow() - timedelta(days=REVIEWED_DAYS))
        .order_by(decided.desc(), Session.id.desc())
        .limit(5 * REVIEWED_MAX)
    ).all()
    newest = decisions.latest_reviews(s.id for s, _n, _decided in rows)
    found = [
        {"session": s, "encounters": n}
        for s, n, _decided in rows
        if newest[s.id].comment or newest[s.id].state != "approved"
    ]
    return found[:REVIEWED_MAX]
