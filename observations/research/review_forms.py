"""The review queue's filters, bulk approval and the decision form of the session page."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
)
from wtforms.validators import NumberRange, Optional, ValidationError

from ..extensions import db
from ..forms import DayField, Form, text_field
from ..models import Membership, Review, Site, Study
from ..review import queue
from ..review.decisions import DECISIONS, NEEDS_COMMENT
from ..review.quality import FLAGS


def state_names() -> dict:
    """Review states as the queue's tabs name them."""
    return {
        "pending": _l("awaiting review"),
        "approved": _l("approved"),
        "has_issues": _l("has issues"),
        "rejected": _l("rejected"),
    }


class QueueFilterForm(Form):
    """The queue's filters, read from the query string (a GET form needs no CSRF token)."""

    class Meta:
        csrf = False

    state = SelectField(_l("Review state"), default="pending")
    site = SelectField(_l("Site"), default="")
    observer = SelectField(_l("Observer"), default="")
    date_from = DayField(_l("From"), validators=[Optional()])
    date_to = DayField(_l("To"), validators=[Optional()])
    flag = SelectField(_l("Flag"), default="")
    page = IntegerField(_l("Page"), default=1, validators=[Optional(), NumberRange(1, 100000)])

    def validate_date_to(self, field) -> None:
        """The period must not end before it starts."""
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date lies before the start date."))


def filter_form(study: Study, args) -> QueueFilterForm:
    """The filter form filled from the query string, its menus from the study."""
    # An empty field of a sent filter form means "any", not a value that failed to parse.
    form = QueueFilterForm(MultiDict([(k, v) for k, v in args.items(multi=True) if v]))
    everything = [SelectChoice("", _l("All"))]
    form.state.choices = [SelectChoice(k, v) for k, v in state_names().items()]
    sites = db.session.scalars(select(Site).filter_by(study_id=study.id).order_by(Site.name))
    form.site.choices = everything + [SelectChoice(str(s.id), s.name) for s in sites]
    members = db.session.scalars(
        select(Membership).filter_by(study_id=study.id).order_by(Membership.observer_code)
    )
    form.observer.choices = everything + [
        SelectChoice(str(m.user_id), m.observer_code) for m in members
    ]
    form.flag.choices = everything + [SelectChoice(k, v) for k, v in FLAGS.items()]
    return form


def filters_of(form: QueueFilterForm) -> queue.Filters:
    """The filters the form asks for; a field with an error narrows nothing."""

    def valid(field):
        return None if field.errors or field.data in (None, "") else field.data

    return queue.Filters(
        state=valid(form.state) or "pending",
        site=int(valid(form.site)) if valid(form.site) else None,
        observer=int(valid(form.observer)) if valid(form.observer) else None,
        date_from=valid(form.date_from),
        date_to=valid(form.date_to),
        flag=valid(form.flag) or "",
    )


class BulkApproveForm(Form):
    """Approve the ticked sessions; ticking flagged ones needs the extra confirmation."""

    sessions = SelectMultipleField(_l("Sessions"), coerce=int, validate_choice=False)
    confirm_flagged = BooleanField(_l("I have looked at the flagged sessions"))

    def validate_sessions(self, field) -> None:
        """At least one session must be ticked."""
        if not field.data:
            raise ValidationError(_l("Tick the sessions to approve."))


class DecisionForm(Form):
    """Approve, has issues or reject, with a comment (required for the last two)."""

    state = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("approved", _l("Approve")),
            SelectChoice("has_issues", _l("Has issues")),
            SelectChoice("rejected", _l("Reject")),
        ],
        validate_choice=False,
    )
    comment = text_field(
        Review.comment,
        _l("Comment for the fieldworker"),
        description=_l("Required for has issues and reject; the fieldworker sees it."),
    )

    def validate_state(self, field) -> None:
        """A decision must be chosen."""
        if field.data not in DECISIONS:
            raise ValidationError(_l("Choose approve, has issues or reject."))

    def validate_comment(self, field) -> None:
        """Has issues and reject say what is wrong."""
        if self.state.data in NEEDS_COMMENT and not (field.data or "").strip():
            raise ValidationError(
                _l(
                    "Say what is wrong: a comment is required when a session has issues or "
                    "is rejected."
                )
            )
