"""The review state machine: approve, has issues, reject; bulk approval; the fieldworker's reply.

Every decision is a new Review row (the session's history, never overwritten) and sets the
session's `review_state`; each decision and reply is in the audit trail. Only ended sessions
are reviewed, only by a lead or coordinator of the session's study (or the admin); has issues
and reject need a comment. The fieldworker whose session it is may answer each decision once.
The caller commits.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit, text
from ..access import membership_in
from ..extensions import db
from ..models import Review, Role, Session, Study, User, utcnow

DECISIONS = ("approved", "has_issues", "rejected")
NEEDS_COMMENT = ("has_issues", "rejected")
REVIEWER_ROLES = (Role.LEAD, Role.COORDINATOR)


class ReviewRefused(Exception):
    """A decision or reply that cannot be taken; `message` says why in the user's language."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(ReviewRefused):
    """The user may not do this (a fieldworker reviewing, someone else's session)."""


def may_review(user: User, study: Study) -> bool:
    """Whether the user reviews sessions of this study: its lead or coordinator, or the admin."""
    if user.is_admin:
        return True
    membership = membership_in(user, study)
    return membership is not None and membership.role in REVIEWER_ROLES


def reviewable(session: Session) -> bool:
    """Only sessions that have ended (and were not withdrawn) can be reviewed."""
    return session.ended_at is not None and not session.retracted


def _checked_text(value: str | None, column, field_name: str) -> str:
    """The text stripped, or ReviewRefused with the column's text rule's message."""
    rule = text.rule_of(column)
    found = text.problems(value, text.TextRule(rule.longest, False, rule.multiline))
    if found:
        raise ReviewRefused(found[0], field_name)
    return (value or "").strip()


def decide(session: Session, state: str, comment: str | None, reviewer: User) -> Review:
    """Record a decision on an ended session; the newest decision sets its review state."""
    if not may_review(reviewer, session.study):
        raise NotAllowed(_("Only a research lead or coordinator of this study reviews sessions."))
    if state not in DECISIONS:
        raise ReviewRefused(_("Choose approve, has issues or reject."), "state")
    if not reviewable(session):
        raise ReviewRefused(_("This session is still running; it can be reviewed once it ended."))
    comment = _checked_text(comment, Review.comment, "comment")
    if state in NEEDS_COMMENT and not comment:
        raise ReviewRefused(
            _("Say what is wrong: a comment is required when a session has issues or is rejected."),
            "comment",
        )
    old = session.review_state
    review = Review(session=session, reviewer_id=reviewer.id, state=state, comment=comment)
    db.session.add(review)
    session.review_state = state
    audit.record(
        "review",
        "session",
        session.uuid,
        {"review_state": [old, state], "comment": [None, comment or None]},
        actor=reviewer,
        study_id=session.study_id,
    )
    db.session.flush()
    return review


@dataclass
class BulkResult:
    """What a bulk approval did: the sessions approved and the ids skipped, with the reason."""

    approved: list[Session] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)


def bulk_approve(study: Study, session_ids: Iterable[int], reviewer: User) -> BulkResult:
    """Approve the ended, pending sessions of the study among those given; report the rest."""
    if not may_review(reviewer, study):
        raise NotAllowed(_("Only a research lead or coordinator of this study reviews sessions."))
    ids = list(dict.fromkeys(session_ids))
    found = {
        s.id: s
        for s in db.session.scalars(
            select(Session).where(Session.id.in_(ids), Session.study_id == study.id)
        )
    }
    result = BulkResult()
    for session_id in ids:
        session = found.get(session_id)
        if session is None or session.retracted:
            result.skipped.append((session_id, _("not a session of this study")))
        elif session.ended_at is None:
            result.skipped.append((session_id, _("still running")))
        elif session.review_state != "pending":
            result.skipped.append((session_id, _("already reviewed")))
        else:
            decide(session, "approved", "", reviewer)
            result.approved.append(session)
    return result


def latest(session: Session) -> Review | None:
    """The session's newest decision, if any."""
    return session.reviews[-1] if session.reviews else None


def latest_reviews(session_ids: Iterable[int]) -> dict[int, Review]:
    """The newest decision of each of the sessions that has one, by session id."""
    ids = list(session_ids)
    if not ids:
        return {}
    newest: dict[int, Review] = {}
    for review in db.session.scalars(
        select(Review).where(Review.session_id.in_(ids)).order_by(Review.created_at, Review.id)
    ):
        newest[review.session_id] = review
    return newest


def may_reply(review: Review, user: User) -> bool:
    """Whether the user may still answer this decision: their own session, not answered yet."""
    return review.session.fieldworker_id == user.id and review.reply is None


def reply(review: Review, fieldworker: User, reply_text: str | None) -> Review:
    """The session's fieldworker answers a decision, once."""
    if review.session.fieldworker_id != fieldworker.id:
        raise NotAllowed(_("Only the fieldworker of this session can reply."))
    if review.reply is not None:
        raise ReviewRefused(_("You have already replied to this decision."))
    value = _checked_text(reply_text, Review.reply, "text")
    if not value:
        raise ReviewRefused(_("Write your reply before sending it."), "text")
    review.reply, review.replied_at = value, utcnow()
    audit.record(
        "reply",
        "review",
        review.id,
        {"reply": [None, value]},
        actor=fieldworker,
        study_id=review.session.study_id,
    )
    db.session.flush()
    return review
