"""Generated fieldwork for the demo: a schedule, and sessions with scans, encounters, notes."""

import math
import uuid
from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from ..codebook import default_codebook
from ..extensions import db
from ..models import (
    Encounter,
    FieldNote,
    Review,
    Scan,
    ScanCount,
    Session,
    Site,
    Slot,
    Study,
    User,
    utcnow,
)
from .places import (
    DEFAULT_WEIGHTS,
    ENCOUNTER_NOTES,
    ENCOUNTER_TYPES,
    FIELD_NOTES,
    PARTIES,
)

PAST_DAYS = 21
FUTURE_DAYS = 14
SCAN_CATEGORIES = ("age", "gender", "company", "role", "regular", "posture", "activity")
# (weather codes, how much it draws people outdoors, relative weight)
WEATHER = [
    (("sun_exposed", "wind_weak"), 1.25, 3),
    (("clouds_light",), 1.0, 4),
    (("clouds_heavy", "wind_strong"), 0.8, 3),
    (("rain_light", "clouds_heavy"), 0.5, 3),
    (("rain_heavy", "wind_strong"), 0.25, 1),
    (("fog",), 0.6, 1),
]
HOUR_FACTOR = {10: 0.8, 13: 1.15, 14: 1.1, 15: 1.05, 18: 0.8, 19: 0.7}
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


def _uuid(rng) -> str:
    """A random version-4 UUID drawn from the seeded generator."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _poisson(rng, lam: float) -> int:
    """Draw from a Poisson distribution (Knuth for small means, normal beyond)."""
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while p > limit:
        k += 1
        p *= rng.random()
    return k - 1


def _pick(rng, weights: dict, k: int = 1) -> list:
    """Draw k keys with the given relative weights."""
    return rng.choices(list(weights), weights=list(weights.values()), k=k)


def _category_weights(category: str, zone: dict) -> dict:
    """Weights over every code of a category: the zone's profile plus a small share for the rest."""
    codes = next(c for c in default_codebook()["categories"] if c["key"] == category)["codes"]
    profile = zone.get(category) or DEFAULT_WEIGHTS.get(category, {})
    return {c["code"]: profile.get(c["code"], 0.3) for c in codes}


class FieldworkGenerator:
    """Generates one study's schedule and sessions from a seeded random generator."""

    def __init__(self, rng, study: Study, places, observers: list[User], reviewer: User):
        self.rng, self.study, self.places = rng, study, places
        self.observers, self.reviewer = observers, reviewer
        self.zone = ZoneInfo(study.timezone)
        self.now = utcnow()
        self.scan_counts: list[tuple[Scan, str, str, int]] = []
        self.reviews: list[Review] = []
        self.sessions: list[Session] = []

    def local(self, day: date, hour: int, minute: int = 0) -> datetime:
        """An aware datetime at a local hour of a day."""
        return datetime.combine(day, time(hour, minute), tzinfo=self.zone)

    def weather_by_day(self, days: list[date]) -> dict[date, tuple]:
        """One weather picture and temperature per day, shared by all sites."""
        weights = {entry: entry[2] for entry in WEATHER}
        result = {}
        for day in days:
            codes, factor, _ = _pick(self.rng, weights)[0]
            seasonal = 10.5 - 7.5 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 15) / 365)
            result[day] = (codes, factor, round(seasonal + self.rng.uniform(-3, 3), 1))
        return result

    def schedule(self, today: date) -> list[Slot]:
        """Slots for the past three weeks and the coming two, balanced over times of day."""
        slots, turn = [], 0
        for offset in range(-PAST_DAYS, FUTURE_DAYS):
            day = today + timedelta(days=offset)
            busy: dict[int, list[Slot]] = {}  # the day's slots per observer
            for spec, site in self.places:
                if day.weekday() not in spec["open_days"]:
                    continue
                wanted = 2 if spec["kind"] == "market" else self._slots_wanted()
                for hour in self.rng.sample(spec["hours"], wanted):
                    turn += 1
                    slot = self._slot(site, self.local(day, hour), None)
                    if not (offset > 0 and self.rng.random() < 0.1):
                        slot.fieldworker = self._free_observer(turn, slot, busy)
                    slots.append(slot)
        mine_today = [
            s for s in slots if s.fieldworker is self.observers[0] and s.starts_at.date() == today
        ]
        if not mine_today:
            spec, site = self.places[0]
            slots.append(self._slot(site, self.local(today, 14), self.observers[0]))
        db.session.add_all(slots)
        return slots

    def _free_observer(self, turn: int, slot: Slot, busy: dict) -> User | None:
        """The next observer in turn who is not observing elsewhere then (or nobody).

        Half an hour between two slots of one observer: sessions start a little late and run
        their full length, and the observer has to get to the next site.
        """
        gap = timedelta(minutes=30)
        for step in range(len(self.observers)):
            observer = self.observers[(turn + step) % len(self.observers)]
            theirs = busy.setdefault(id(observer), [])
            if all(
                slot.ends_at + gap <= s.starts_at or s.ends_at + gap <= slot.starts_at
                for s in theirs
            ):
                theirs.append(slot)
                return observer
        return None

    def _slots_wanted(self) -> int:
        """How many slots a site gets on an open day: mostly one, sometimes two or none."""
        draw = self.rng.random()
        return 0 if draw < 0.3 else 2 if draw > 0.85 else 1

    def _slot(self, site: Site, start: datetime, observer: User | None) -> Slot:
        """One planned slot covering all zones of the site."""
        return Slot(
            study_id=self.study.id,
            site=site,
            starts_at=start,
            fieldworker=observer,
            duration_minutes=self.rng.choice((60, 90, 90, 120)),
            zones=list(site.zones),
        )

    def fieldwork(self, slots: list[Slot], weather: dict) -> None:
        """Sessions for most past slots, with their scans, encounters, notes and reviews."""
        specs = {site.id: spec for spec, site in self.places}
        for slot in slots:
            if slot.fieldworker is None or slot.ends_at > self.now or self.rng.random() < 0.08:
                continue
            start = slot.starts_at + timedelta(minutes=self.rng.randint(0, 10))
            session = self.session(
                specs[slot.site.id],
                slot.site,
                slot.fieldworker,
                start,
                slot.duration_minutes,
                weather,
                slot,
            )
            db.session.add(session)
            self.sessions.append(session)

    def store(self) -> None:
        """Write the sessions and, in one statement, every scan's counts."""
        db.session.flush()
        db.session.execute(
            insert(ScanCount),
            [
                {"scan_id": scan.id, "category": category, "code": code, "count": count}
                for scan, category, code, count in self.scan_counts
            ],
        )

    def session(self, spec, site, observer, start, minutes, weather, slot=None) -> Session:
        """One ended session with everything observed in it."""
        rng = self.rng
        day = start.astimezone(self.zone).date()
        codes, outdoor_factor, temperature = weather[day]
        end = start + timedelta(minutes=minutes + rng.randint(-5, 5))
        programme = self._programme(spec["kind"])
        factor = HOUR_FACTOR.get(start.astimezone(self.zone).hour, 1.0)
        factor *= (1.15 if outdoor_factor < 0.7 else 1.0) if spec["indoors"] else outdoor_factor
        if day.weekday() >= 5 and spec["kind"] == "park":
            factor *= 1.4
        session = Session(
            uuid=_uuid(rng),
            study_id=self.study.id,
            site=site,
            fieldworker=observer,
            slot=slot,
            started_at=start,
            ended_at=end,
            device_time=start,
            received_at=end + timedelta(minutes=rng.choice((1, 2, 5, 40, 180))),
            temperature_c=None if spec["indoors"] else temperature,
            programme=programme,
            zones=list(site.zones),
        )
        session.weather = ["indoors"] if spec["indoors"] else list(codes)
        present = self._scans(session, spec, site, factor, programme)
        expected = sum(zone["people"] for zone in spec["zones"])
        session.crowding = self._crowding(present / max(expected, 1))
        self._encounters(session, spec, site, factor)
        self._notes(session, spec, site)
        self._review(session, end)
        return session

    def _programme(self, kind: str) -> str:
        """What was on at the site during the session."""
        options = {
            "library": {"none": 7, "regular_programme": 2, "cultural_event": 1},
            "community_centre": {
                "none": 5,
                "regular_programme": 4,
                "cultural_event": 1,
            },
            "market": {"none": 18, "commercial_event": 1},
            "park": {"none": 18, "cultural_event": 1},
        }
        return _pick(self.rng, options[kind])[0]

    @staticmethod
    def _crowding(ratio: float) -> str:
        """Crowding as the fieldworker would judge it from how full the place is."""
        for limit, code in (
            (0.05, "empty"),
            (0.6, "quiet"),
            (0.95, "moderate"),
            (1.3, "busy"),
        ):
            if ratio < limit:
                return code
        return "crowded"

    def _scans(self, session, spec, site, factor, programme) -> int:
        """A scan of every zone every half hour; returns the people seen in the first round."""
        rng, first_round = self.rng, 0
        minutes = (session.ended_at - session.started_at).total_seconds() / 60
        for position, (zone_spec, zone) in enumerate(zip(spec["zones"], site.zones, strict=False)):
            for round_no in range(max(1, int(minutes // 30))):
                at = session.started_at + timedelta(minutes=5 + 30 * round_no + 3 * position)
                people = _poisson(rng, zone_spec["people"] * factor * rng.uniform(0.7, 1.3))
                first_round += people if round_no == 0 else 0
                scan = Scan(
                    uuid=_uuid(rng),
                    study_id=self.study.id,
                    zone=zone,
                    observed_at=at,
                    device_time=at,
                    received_at=session.received_at,
                )
                scan.conditions = self._conditions(zone_spec, people, programme)
                session.scans.append(scan)
                for category in SCAN_CATEGORIES:
                    drawn = Counter(_pick(rng, _category_weights(category, zone_spec), people))
                    self.scan_counts.extend((scan, category, c, n) for c, n in drawn.items())
        return first_round

    def _conditions(self, zone_spec, people: int, programme: str) -> list[str]:
        """The zone's conditions at the moment of the scan."""
        conditions = [c for c in zone_spec["conditions"] if self.rng.random() < 0.9]
        if programme != "none" and "organised_activity" not in conditions:
            conditions.append("organised_activity")
        if people == 0:
            conditions.append("empty")
        return conditions

    def _encounters(self, session, spec, site, factor) -> None:
        """Encounters spread over the session, most of them light: a nod, a greeting."""
        rng = self.rng
        seconds = (session.ended_at - session.started_at).total_seconds()
        zone_weights = {
            zone: zs["people"] for zs, zone in zip(spec["zones"], site.zones, strict=False)
        }
        for _ in range(_poisson(rng, spec["encounters_per_hour"] * seconds / 3600 * factor)):
            at = session.started_at + timedelta(seconds=rng.uniform(0, seconds))
            kind = _pick(rng, ENCOUNTER_TYPES)[0]
            parties = _pick(rng, PARTIES[spec["kind"]])[0]
            relation = _pick(rng, self._relation_weights(kind, parties))[0]
            encounter = Encounter(
                uuid=_uuid(rng),
                study_id=self.study.id,
                zone=_pick(rng, zone_weights)[0],
                occurred_at=at,
                device_time=at,
                received_at=session.received_at,
                encounter_type=kind,
                parties=parties,
                relation=relation,
                note=rng.choice(ENCOUNTER_NOTES) if rng.random() < 0.15 else "",
            )
            flags = {
                "across_ages": 0.25,
                "via_object": 0.25 if spec["kind"] == "park" else 0.1,
                "different_company": 0.45 if relation == "strangers" else 0.2,
            }
            encounter.flags = [flag for flag, p in flags.items() if rng.random() < p]
            session.encounters.append(encounter)

    @staticmethod
    def _relation_weights(kind: str, parties: str) -> dict:
        """Strangers nod; acquaintances talk; traders know their regulars."""
        if kind in ("conversation", "joint_activity"):
            weights = {"strangers": 2, "recognised": 3, "acquaintances": 5}
        elif kind in ("eye_contact", "friction", "help"):
            weights = {"strangers": 6, "recognised": 3, "acquaintances": 1}
        else:
            weights = {"strangers": 4, "recognised": 4, "acquaintances": 2}
        if parties == "visitor_trader":
            weights["recognised"] += 3
        return weights

    def _notes(self, session, spec, site) -> None:
        """One or two field notes about the place."""
        rng = self.rng
        for text in rng.sample(FIELD_NOTES[spec["kind"]], rng.choice((1, 1, 2))):
            at = session.started_at + (session.ended_at - session.started_at) * rng.random()
            session.notes.append(
                FieldNote(
                    uuid=_uuid(rng),
                    study_id=self.study.id,
                    text=text,
                    written_at=at,
                    device_time=at,
                    received_at=session.received_at,
                    zone=rng.choice(site.zones) if rng.random() < 0.6 else None,
                )
            )

    def _review(self, session, end: datetime) -> None:
        """Sessions older than a week have been reviewed by the research lead."""
        if self.now - end < timedelta(days=PENDING_DAYS):
            return
        state = _pick(self.rng, {"approved": 85, "has_issues": 12, "rejected": 3})[0]
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
            s
            for s in self.sessions
            if s.fieldworker is observer and not s.reviews and s.slot is not None
        ]
        if not waiting:
            return
        session = max(waiting, key=lambda s: s.started_at)
        times = [
            *(scan.observed_at for scan in session.scans),
            *(encounter.occurred_at for encounter in session.encounters),
            *(note.written_at for note in session.notes),
        ]
        session.ended_at = max(times, default=session.started_at)
        session.auto_closed_at = session.slot.ends_at + timedelta(hours=2)

    def running(self, observer: User, weather: dict) -> None:
        """A session started half an hour ago at the second site that is still running."""
        start = (self.now - timedelta(minutes=35)).replace(microsecond=0)
        if start.astimezone(self.zone).date() not in weather:
            return
        spec, site = self.places[1]
        session = self.session(spec, site, observer, start, 30, weather)
        session.ended_at = None
        session.received_at = self.now
        for record in (*session.scans, *session.encounters, *session.notes):
            record.received_at = self.now
        db.session.add(session)


def generate_fieldwork(
    rng, study, places, observers, reviewer, today: date, running_by: User | None = None
) -> None:
    """Create the schedule and the fieldwork of the demo study, and a running session."""
    generator = FieldworkGenerator(rng, study, places, observers, reviewer)
    days = [today + timedelta(days=d) for d in range(-PAST_DAYS, FUTURE_DAYS)]
    weather = generator.weather_by_day(days)
    generator.fieldwork(generator.schedule(today), weather)
    if running_by is not None:
        generator.running(running_by, weather)
    generator.reply_once(observers[0])
    generator.forgotten(observers[-1])
    generator.store()
