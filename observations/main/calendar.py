"""The public calendar feed: an observer's slots at a private address (no login)."""

from flask import abort

from ..schedule import calendar as ical
from . import bp


@bp.route("/calendar/<token>.ics")
def calendar_feed(token: str):
    """The slots of the member whose private calendar token this is; unknown or revoked: 404."""
    membership = ical.membership_for_token(token)
    if membership is None:
        abort(404)
    return ical.ics_response(membership.study, membership.user)
