"""Generated fieldwork for the demo: a schedule, and sessions with scans, encounters, notes.

Six weeks of past fieldwork and two weeks ahead. Each site gets one paired slot a week (two
fieldworkers at once, for the reliability check); otherwise one observer per slot, with half
an hour between two slots of one observer, so that no observer's sessions overlap. What is
recorded comes from observing.py (one observer) and pairs.py (the second of a pair); the
records are written with a few bulk inserts, the sessions through the ORM.
"""

import itertools
import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..extensions import db
from ..models import (
    Review,
    Session,
    Site,
    Slot,
    Study,
    User,
    utcnow,
)
from . import observing, pairs, storing
from .observing import Records, Visit, pick
from .patterns import PATTERNS

PAST_DAYS = 42
FUTURE_DAYS = 14
# Paired slots this many days ahead or later (today's and the next days' plans stay simple).
PAIRED_FROM_DAY = 3
# Half an hour between two slots of one observer: sessions start a little late and run
# their full length, and the observer has to get to the next site.
GAP = timedelta(minutes=30)
# (weather codes, how much it draws people outdoors, relative weight)
WEATHER = [
    (("sun_exposed", "wind_weak"), 1.25, 3),
    (("clouds_light",), 1.0, 4),
    (("clouds_heavy", "wind_strong"), 0.8, 3),
    (("rain_light", "clouds_heavy"), 0.5, 3),
    (("rain_heavy", "wind_strong"), 0.25, 1),
    (("fog",), 0.6, 1),
]
# Comments of the research lead (Dutch, like the demo's team), and the one reply.
REVIEW_COMMENTS = {
    "has_issues": [
        "Scans van één zone ontbreken; graag aanvullen of toelichten.",
        "Veel ontmoetingen zonder relatie gecodeerd; kun je dit nagaan?",
        "De drukte staat op 'leeg', maar er zijn wel mensen geteld. Klopt dat?",
    ],
    "rejected": [
        "Sessie op de verkeerde locatie gestart; niet meenemen in de analyse.",
        "Sessie duurde maar een paar minuten; niet bruikbaar.",
    ],
}
REPLY = "Klopt, mijn telefoon was leeg halverwege. De scans van de leestafels heb ik op papier."
# Sessions that ended in the last week are still waiting for the lead.
PENDING_DAYS = 7


@dataclass
class Observed:
    """A session and what was recorded in it, until both are written."""

    session: Session
    records: Records
    paired: bool = False


class FieldworkGenerator:
    """Generates one study's schedule and sessions from a seeded random generator."""

    def __init__(self, rng, study: Study, places, observers: list[User], reviewer: User):
        self.rng, self.study, self.places = rng, study, places
        self.observers, self.reviewer = observers, reviewer
        self.zone = ZoneInfo(study.timezone)
        self.now = utcnow()
        self.reviews: list[Review] = []
        self.observed: list[Observed] = []
        self.first_day: date | None = None
        self.weather: dict[date, tuple] = {}
        self.pairs_made = 0

    def local(self, day: date, hour: int, minute: int = 0) -> datetime:
        """An aware datetime at a local hour of a day."""
        return datetime.combine(day, time(hour, minute), tzinfo=self.zone)

    def weather_by_day(self, days: list[date]) -> None:
        """One weather picture and temperature per day, shared by all sites."""
        weights = {entry: entry[2] for entry in WEATHER}
        for day in days:
            codes, factor, _ = pick(self.rng, weights)[0]
            seasonal = 10.5 - 7.5 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 15) / 365)
            self.weather[day] = (codes, factor, round(seasonal + self.rng.uniform(-3, 3), 1))

    def schedule(self, today: date) -> list[Slot]:
        """Slots for the past six weeks and the coming two, with a paired slot per site a week."""
        self.first_day = today - timedelta(days=PAST_DAYS)
        slots, turn = [], 0
        busy: dict[int, list[Slot]] = {id(o): [] for o in self.observers}
        paired_weeks: set[tuple[int, int]] = set()
        for offset in range(-PAST_DAYS, FUTURE_DAYS):
            day = today + timedelta(days=offset)
            for position, (spec, site) in enumerate(self.places):
                if day.weekday() not in spec["open_days"]:
                    continue
                wanted = 2 if spec["kind"] == "market" else self._slots_wanted()
                hours = sorted(self.rng.sample(spec["hours"], wanted))
                for hour, later in itertools.pairwise([*hours, 24]):
                    turn += 1
                    # Ends well before the site's next slot: only a pair observes together.
                    slot = self._slot(site, self.local(day, hour), None, (later - hour) * 60 - 20)
                    week = (position, (offset + PAST_DAYS) // 7)
                    pairable = offset < 0 or offset >= PAIRED_FROM_DAY
                    if pairable and week not in paired_weeks and self._pair(slot, busy):
                        paired_weeks.add(week)
                    elif not (offset > 0 and self.rng.random() < 0.1):
                        slot.fieldworker = self._free_observer(turn, slot, busy)
                    slots.append(slot)
        mine_today = [
            s for s in slots if s.fieldworker is self.observers[0] and s.starts_at.date() == today
        ]
        if not mine_today:
            slots.append(self._slot_today(today, slots))
        db.session.add_all(slots)
        return slots

    def _slot_today(self, today: date, slots: list[Slot]) -> Slot:
        """A slot today for the first observer (the demo's phone screens show one), at a
        site with nothing else planned then: only a pair observes a site together."""
        for spec, site in self.places:
            for hour in (14, *spec["hours"]):
                slot = self._slot(site, self.local(today, hour), self.observers[0])
                if all(
                    s.site is not site
                    or s.ends_at + GAP <= slot.starts_at
                    or slot.ends_at + GAP <= s.starts_at
                    for s in slots
                ):
                    return slot
        return slot

    @staticmethod
    def _free(observer: User, slot: Slot, busy: dict) -> bool:
        """Whether the observer has no slot within half an hour of this one."""
        return all(
            slot.ends_at + GAP <= s.starts_at or s.ends_at + GAP <= slot.starts_at
            for s in busy[id(observer)]
        )

    def _free_observer(self, turn: int, slot: Slot, busy: dict) -> User | None:
        """The next observer in turn who is not observing elsewhere then (or nobody)."""
        for step in range(len(self.observers)):
            observer = self.observers[(turn + step) % len(self.observers)]
            if self._free(observer, slot, busy):
                busy[id(observer)].append(slot)
                return observer
        return None

    def _pair(self, slot: Slot, busy: dict) -> bool:
        """Give the slot two observers, the next pair in turn that is free then."""
        for step in range(len(pairs.PAIRS)):
            first, second = pairs.PAIRS[(self.pairs_made + step) % len(pairs.PAIRS)]
            chosen = [self.observers[first], self.observers[second]]
            if all(self._free(o, slot, busy) for o in chosen):
                if self.pairs_made % 2:
                    chosen.reverse()
                slot.fieldworker, slot.partner = chosen
                for observer in chosen:
                    busy[id(observer)].append(slot)
                self.pairs_made += 1
                return True
        return False

    def _slots_wanted(self) -> int:
        """How many slots a site gets on an open day: mostly one, sometimes two or none."""
        draw = self.rng.random()
        return 0 if draw < 0.4 else 2 if draw > 0.9 else 1

    def _slot(self, site: Site, start: datetime, observer: User | None, longest=120) -> Slot:
        """One planned slot covering all zones of the site."""
        return Slot(
            study_id=self.study.id,
            site=site,
            starts_at=start,
            fieldworker=observer,
            duration_minutes=self.rng.choice([d for d in (60, 90, 90, 120) if d <= longest]),
            zones=list(site.zones),
        )

    def fieldwork(self, slots: list[Slot]) -> None:
        """Sessions for most past slots (both of a pair), with their records and reviews."""
        specs = {site.id: spec for spec, site in self.places}
        for slot in slots:
            if slot.fieldworker is None or slot.ends_at > self.now:
                continue
            if slot.partner is None and self.rng.random() < 0.08:
                continue  # not every planned slot is observed
            start = slot.starts_at + timedelta(minutes=self.rng.randint(0, 10))
            end = start + timedelta(minutes=slot.duration_minutes + self.rng.randint(-5, 5))
            visit = self.visit(specs[slot.site.id], slot.site, start, end)
            first = self.session(visit, slot.fieldworker, slot)
            if slot.partner is not None:
                self.partner(visit, first, slot)

    def visit(self, spec, site: Site, start: datetime, end: datetime) -> Visit:
        """What holds at the site during a session: how busy, what is on, which conditions."""
        rng, pattern = self.rng, PATTERNS[site.name]
        local = start.astimezone(self.zone)
        outdoor = self.weather[local.date()][1]
        # Rain empties a park, yet never wholly: its regulars come anyway.
        outdoor = (1.15 if outdoor < 0.7 else 1.0) if spec["indoors"] else outdoor**0.6
        programme = pick(rng, pattern.programmes)[0]
        factor = observing.visit_factor(
            rng, pattern, local.hour, local.weekday() >= 5, outdoor, programme
        )
        progress = (local.date() - self.first_day).days / PAST_DAYS
        zones = list(site.zones)
        held = observing.zone_conditions(rng, spec, pattern, zones, programme)
        return Visit(
            spec, pattern, site, zones, start, end, local.hour, factor, programme, progress, held
        )

    def session(self, visit: Visit, observer: User, slot=None) -> Observed:
        """One ended session of the whole site with everything observed in it."""
        records = observing.observe(self.rng, visit, visit.zones, visit.start, visit.end)
        return self._session(visit, observer, visit.start, visit.end, visit.zones, records, slot)

    def partner(self, visit: Visit, first: Observed, slot: Slot) -> Observed:
        """The second observer of a pair: about the same time, all zones or some of them."""
        rng = self.rng
        start = slot.starts_at + timedelta(minutes=rng.randint(0, 10))
        end = start + timedelta(minutes=slot.duration_minutes + rng.randint(-10, 5))
        zones = list(visit.zones)
        if len(zones) > 2 and rng.random() < 0.35:  # now and then the partner takes a part
            zones = sorted(rng.sample(zones, len(zones) - 1), key=lambda z: z.position)
        pair = sorted(self.observers.index(o) for o in (slot.fieldworker, slot.partner))
        habits = pairs.AGREEMENT[tuple(pair)]
        records = pairs.partner_records(rng, first.records, visit, zones, start, end, habits)
        observed = self._session(visit, slot.partner, start, end, zones, records, slot)
        observed.paired = first.paired = True
        return observed

    def _session(self, visit: Visit, observer, start, end, zones, records, slot) -> Observed:
        """The session row of one observer's visit, its review, and its records kept for later."""
        rng, indoors = self.rng, visit.spec["indoors"]
        codes, _, temperature = self.weather[start.astimezone(self.zone).date()]
        session = Session(
            uuid=storing.new_uuid(rng),
            study_id=self.study.id,
            site=visit.site,
            fieldworker=observer,
            slot=slot,
            started_at=start,
            ended_at=end,
            device_time=start,
            received_at=end + timedelta(minutes=rng.choice((1, 2, 5, 40, 180))),
            temperature_c=None if indoors else round(temperature + rng.uniform(-0.5, 0.5), 1),
            programme=visit.programme,
            review_state="pending",
            crowding=observing.crowding(records, visit),
            zones=zones,
        )
        session.weather = ["indoors"] if indoors else list(codes)
        db.session.add(session)
        self._review(session, end)
        observed = Observed(session, records)
        self.observed.append(observed)
        return observed

    def _review(self, session, end: datetime) -> None:
        """Sessions older than a week have been reviewed by the research lead."""
        if self.now - end < timedelta(days=PENDING_DAYS):
            return
        state = pick(self.rng, {"approved": 85, "has_issues": 12, "rejected": 3})[0]
        comment = self.rng.choice(REVIEW_COMMENTS[state]) if state in REVIEW_COMMENTS else ""
        review = Review(
            session=session,
            reviewer_id=self.reviewer.id,
            state=state,
            comment=comment,
            created_at=end + timedelta(days=self.rng.randint(1, 3), hours=self.rng.randint(0, 8)),
        )
        db.session.add(review)
        self.reviews.append(review)
        session.review_state = state

    def reply_once(self, observer: User) -> None:
        """The observer answers the newest 'has issues' on one of their sessions."""
        reviews = [
            r for r in self.reviews if r.state == "has_issues" and r.session.fieldworker is observer
        ]
        if reviews:
            review = max(reviews, key=lambda r: r.created_at)
            review.reply = REPLY
            review.replied_at = review.created_at + timedelta(hours=5)

    def forgotten(self, observer: User) -> None:
        """The observer's latest planned session awaiting review was never ended on the phone:
        the server closed it at its last record's time, two hours after its slot ended."""
        waiting = [
            o
            for o in self.observed
            if o.session.fieldworker is observer
            and o.session.review_state == "pending"
            and o.session.slot is not None
            and not o.paired
            and o.session.slot.ends_at + timedelta(hours=2) <= self.now
        ]
        if not waiting:
            return
        latest = max(waiting, key=lambda o: o.session.started_at)
        session = latest.session
        session.ended_at = max(latest.records.times(), default=session.started_at)
        session.auto_closed_at = session.slot.ends_at + timedelta(hours=2)

    def running(self, observer: User) -> None:
        """A session started half an hour ago at the second site that is still running."""
        start = (self.now - timedelta(minutes=35)).replace(microsecond=0)
        if start.astimezone(self.zone).date() not in self.weather:
            return
        spec, site = self.places[1]
        end = start + timedelta(minutes=30 + self.rng.randint(-5, 5))
        observed = self.session(self.visit(spec, site, start, end), observer)
        observed.session.ended_at = None
        observed.session.received_at = self.now

    def store(self) -> None:
        """Write the sessions through the ORM, then their records with a few bulk inserts."""
        db.session.flush()
        storing.store_records(
            self.rng, self.study.id, [(o.session, o.records) for o in self.observed]
        )


def generate_fieldwork(
    rng, study, places, observers, reviewer, today: date, running_by: User | None = None
) -> list[Observed]:
    """Create the schedule and the fieldwork of the demo study, and a running session;
    return the sessions with what was recorded in them."""
    generator = FieldworkGenerator(rng, study, places, observers, reviewer)
    generator.weather_by_day([today + timedelta(days=d) for d in range(-PAST_DAYS, FUTURE_DAYS)])
    generator.fieldwork(generator.schedule(today))
    if running_by is not None:
        generator.running(running_by)
    generator.reply_once(observers[0])
    generator.forgotten(observers[1])
    generator.store()
    return generator.observed
