"""What the fieldworker's home shows of each recent session's review: outcome, comment, reply."""

from flask_babel import lazy_gettext as _l

from ..forms import Form, text_field
from ..models import Review, User
from ..review import decisions


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
