"""An observer's own slots as iCalendar, and the private address a calendar app subscribes to.

One VEVENT per planned slot where the observer is the fieldworker or the second observer
of a pair. Cancelled slots are left out: a subscribed calendar then drops them at its next
refresh, and a downloaded file is a snapshot of what still stands. UIDs depend only on the
slot, so calendar apps update an event (a reassigned or moved slot) instead of adding one.
Times carry TZID of the study's zone with its VTIMEZONE. Nothing about the people observed.

The private address holds a random token; only its SHA-256 is stored on the membership,
and making a new address revokes the old one.
"""

import hashlib
import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Response, current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event, Timezone
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from .. import audit
from ..extensions import db
from ..models import Membership, Slot, Study, User, utcnow

PRODID = "-//Terloops//Observation schedule//EN"
# Slots further back than this are of no use in a calendar app and only slow it down.
HISTORY = timedelta(days=90)


def _digest(token: str) -> str:
    """The SHA-256 of a calendar token (long and random, so a fast hash is enough)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_address(membership: Membership, actor: User) -> str:
    """Give the member a new private calendar token (the old one stops working); return it."""
    plain = secrets.token_urlsafe(32)
    had_one = membership.calendar_token_hash is not None
    membership.calendar_token_hash = _digest(plain)
    audit.record(
        "renew" if had_one else "create",
        "calendar_address",
        membership.id,
        actor=actor,
        study_id=membership.study_id,
    )
    db.session.flush()
    return plain


def membership_for_token(plain: str) -> Membership | None:
    """The active membership (of an active account) whose calendar token this is."""
    membership = db.session.scalar(
        select(Membership).filter_by(calendar_token_hash=_digest(plain), active=True)
    )
    if membership is None or not membership.user.active:
        return None
    return membership


def observer_slots(study: Study, user: User, now: datetime | None = None) -> list[Slot]:
    """The user's planned slots in the study, as observer or second observer, recent on."""
    since = (now or utcnow()) - HISTORY
    return list(
        db.session.scalars(
            select(Slot)
            .where(
                Slot.study_id == study.id,
                Slot.status == "planned",
                Slot.starts_at >= since,
                or_(Slot.fieldworker_id == user.id, Slot.partner_id == user.id),
            )
            .options(selectinload(Slot.zones), selectinload(Slot.site))
            .order_by(Slot.starts_at, Slot.id)
        )
    )


def uid(study: Study, slot: Slot) -> str:
    """A slot's event UID: the same at every export, so calendar apps update the event."""
    return f"slot-{slot.id}.{study.slug}@terloops"


def _event(study: Study, slot: Slot, user: User, codes: dict[int, str], stamp) -> Event:
    """One slot as a VEVENT, in the study's time zone."""
    zone = ZoneInfo(study.timezone)
    event = Event()
    event.add("uid", uid(study, slot))
    event.add("dtstamp", stamp)
    event.add("dtstart", slot.starts_at.astimezone(zone))
    event.add("dtend", slot.ends_at.astimezone(zone))
    event.add("summary", _("Observation at %(site)s", site=slot.site.name))
    place = ", ".join(part for part in (slot.site.address, slot.site.city) if part)
    if place:
        event.add("location", place)
    lines = [_("Zones: %(zones)s", zones=", ".join(z.name for z in slot.zones) or "–")]
    if slot.paired:
        other = slot.partner_id if slot.fieldworker_id == user.id else slot.fieldworker_id
        lines.append(_("Paired observation with %(code)s", code=codes.get(other, "–")))
    event.add("description", "\n".join(lines))
    event.add("status", "CONFIRMED")
    return event


def feed(study: Study, user: User, now: datetime | None = None) -> bytes:
    """The user's slots in the study as an iCalendar file, in their language."""
    now = now or utcnow()
    codes = dict(
        db.session.execute(
            select(Membership.user_id, Membership.observer_code).filter_by(study_id=study.id)
        ).all()
    )
    slots = observer_slots(study, user, now)
    locale = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        # Not the study's name: whoever holds the address learns no more than the slots.
        name = _("Terloops: observations of %(code)s", code=codes[user.id])
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", study.timezone)
        for slot in slots:
            calendar.add_component(_event(study, slot, user, codes, now))
    # The zone's rules only for the years the slots span, not since 1970.
    first = (slots[0].starts_at if slots else now).date() - timedelta(days=366)
    last = (slots[-1].ends_at if slots else now).date() + timedelta(days=366)
    if not slots:  # no event names the zone, yet calendar apps like to know it
        calendar.add_component(Timezone.from_tzid(study.timezone, first_date=first, last_date=last))
    calendar.add_missing_timezones(first, last)
    return calendar.to_ical()


def ics_response(study: Study, user: User, filename: str | None = None) -> Response:
    """The user's slots as a text/calendar answer no shared cache keeps (a download if named)."""
    response = Response(feed(study, user), mimetype="text/calendar")
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
