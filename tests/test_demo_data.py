"""What the demo's generated data promises the indicator and reliability pages (issue 11).

Built once for the module, on the day the tests run: the promises must hold whatever the
day (the data is seeded, but the calendar moves).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import combinations, pairwise
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from observations import codebook, scan_rules
from observations.extensions import db, limiter
from observations.models import (
    Encounter,
    EncounterFlag,
    Scan,
    ScanCondition,
    ScanCount,
    Session,
    Site,
    SiteProfile,
    Slot,
    Study,
    User,
)
from observations.reliability import stats
from observations.review import quality
from tests import snapshots
from tests.conftest import empty_database, make_app

TREND_SITES = ("Nieuwe Bibliotheek Almere", "VerHalenHuis Tilburg", "Krachtstation Kanaleneiland")
FLAT_SITES = ("Wijkpark Cromvliet", "Markt Rotterdam-Zuid")
TOLERANCE = timedelta(seconds=60)
CODINGS = ("encounter_type", "parties", "relation")
FLAGS = ("across_ages", "different_company", "via_object")


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    """The demo study, built once for the module's tests (they only read it)."""
    app = make_app(tmp_path_factory.mktemp("demo-data"))
    with app.app_context():
        db.create_all()
    snapshots.demo(app)
    yield app
    empty_database(app)


@pytest.fixture
def study(demo_app):
    """The demo study, with a request context held for the test."""
    limiter.reset()
    with demo_app.test_request_context():
        yield db.session.scalar(sa.select(Study).filter_by(slug="demo"))
        db.session.rollback()


@dataclass
class Seen:
    """One encounter, as plain values."""

    id: int
    zone_id: int
    at: datetime
    encounter_type: str
    parties: str
    relation: str
    flags: frozenset = frozenset()


@dataclass
class Counted:
    """One scan, as plain values."""

    id: int
    zone_id: int
    at: datetime
    conditions: set = field(default_factory=set)
    counts: Counter = field(default_factory=Counter)  # (category, code) -> count


@dataclass
class Observed:
    """One ended session with its records, as plain values."""

    id: int
    site: str
    observer: str
    slot_id: int | None
    started_at: datetime
    ended_at: datetime
    programme: str
    zones: set = field(default_factory=set)
    encounters: list[Seen] = field(default_factory=list)
    scans: list[Counted] = field(default_factory=list)

    @property
    def hours(self) -> float:
        """Observed hours."""
        return (self.ended_at - self.started_at).total_seconds() / 3600


@pytest.fixture(scope="module")
def sessions(demo_app) -> list[Observed]:
    """Every ended session of the demo with its records, read once for the module."""
    with demo_app.app_context():
        return read_sessions()


def read_sessions() -> list[Observed]:
    """Read the ended sessions and their records with a few queries."""
    rows = db.session.execute(
        sa.select(Session, Site.name, User.username)
        .join(Site, Session.site_id == Site.id)
        .join(User, Session.fieldworker_id == User.id)
        .where(Session.ended_at.is_not(None))
        .options(selectinload(Session.zones))
    )
    found = {
        s.id: Observed(
            s.id,
            site,
            username,
            s.slot_id,
            s.started_at,
            s.ended_at,
            s.programme,
            {z.id for z in s.zones},
        )
        for s, site, username in rows
    }
    flags = defaultdict(set)
    flag_rows = sa.select(EncounterFlag.encounter_id, EncounterFlag.code)
    for encounter_id, code in db.session.execute(flag_rows):
        flags[encounter_id].add(code)
    for e in db.session.execute(sa.select(Encounter).order_by(Encounter.occurred_at)).scalars():
        if e.session_id in found:
            found[e.session_id].encounters.append(
                Seen(
                    e.id,
                    e.zone_id,
                    e.occurred_at,
                    e.encounter_type,
                    e.parties,
                    e.relation,
                    frozenset(flags[e.id]),
                )
            )
    scans = {}
    for scan in db.session.execute(sa.select(Scan).order_by(Scan.observed_at)).scalars():
        if scan.session_id in found:
            scans[scan.id] = Counted(scan.id, scan.zone_id, scan.observed_at)
            found[scan.session_id].scans.append(scans[scan.id])
    for scan_id, code in db.session.execute(sa.select(ScanCondition.scan_id, ScanCondition.code)):
        if scan_id in scans:
            scans[scan_id].conditions.add(code)
    counts = sa.select(ScanCount.scan_id, ScanCount.category, ScanCount.code, ScanCount.count)
    for scan_id, category, code, count in db.session.execute(counts):
        if scan_id in scans:
            scans[scan_id].counts[(category, code)] += count
    return list(found.values())


def paired(sessions) -> list[tuple[Observed, Observed, set[int]]]:
    """Pairs of sessions as the reliability check defines them: two observers, one site,
    overlapping time, at least one zone in common."""
    found = []
    for a, b in combinations(sessions, 2):
        common = a.zones & b.zones
        if (
            a.site == b.site
            and a.observer != b.observer
            and a.started_at < b.ended_at
            and b.started_at < a.ended_at
            and common
        ):
            first, second = sorted((a, b), key=lambda s: s.observer)
            found.append((first, second, common))
    return found


def match(first: list[Seen], second: list[Seen]) -> list[tuple[Seen, Seen]]:
    """Encounters matched one to one: same zone, nearest in time within the tolerance."""
    matched, taken = [], set()
    for a in first:
        candidates = [
            (abs(b.at - a.at), b.id, b)
            for b in second
            if b.id not in taken and b.zone_id == a.zone_id and abs(b.at - a.at) <= TOLERANCE
        ]
        if candidates:
            _, _, b = min(candidates, key=lambda c: c[:2])
            taken.add(b.id)
            matched.append((a, b))
    return matched


def overlap_records(a: Observed, b: Observed, common: set[int], records: str):
    """Each session's records of one kind in the common zones during the common time."""
    start, end = max(a.started_at, b.started_at), min(a.ended_at, b.ended_at)

    def inside(session):
        rows = getattr(session, records)
        return [r for r in rows if r.zone_id in common and start <= r.at <= end]

    return inside(a), inside(b)


def rate(sessions) -> float:
    """Encounters per observed hour over the sessions."""
    return sum(len(s.encounters) for s in sessions) / sum(s.hours for s in sessions)


def test_the_demo_covers_six_weeks_of_fieldwork(study, sessions):
    zone = ZoneInfo(study.timezone)
    weeks = {s.started_at.astimezone(zone).isocalendar()[:2] for s in sessions}
    assert datetime.now(UTC) - min(s.started_at for s in sessions) > timedelta(days=38)
    assert len(weeks) >= 6


def test_paired_sessions_at_every_site(study, sessions):
    pairs = paired(sessions)
    per_site = Counter(a.site for a, _, _ in pairs)
    sites = db.session.scalars(sa.select(Site.name).filter_by(study_id=study.id)).all()
    assert {name: per_site[name] >= 3 for name in sites} == dict.fromkeys(sites, True)
    assert {(a.observer, b.observer) for a, b, _ in pairs} == {
        ("fieldworker", "fieldworker2"),
        ("fieldworker", "fieldworker3"),
        ("fieldworker2", "fieldworker3"),
    }
    for a, b, common in pairs:
        # Planned as a pair: one slot, its fieldworker and its partner; no chance overlaps.
        assert a.slot_id == b.slot_id
        slot = db.session.get(Slot, a.slot_id)
        assert {slot.fieldworker.username, slot.partner.username} == {a.observer, b.observer}
        overlap = min(a.ended_at, b.ended_at) - max(a.started_at, b.started_at)
        assert overlap > timedelta(minutes=30)
        assert common
    assert any(a.zones != b.zones for a, b, _ in pairs), "now and then a partner takes a part"


def test_no_observer_overlaps_with_themselves(study):
    every = db.session.scalars(sa.select(Session).filter_by(study_id=study.id)).all()
    by_observer = defaultdict(list)
    for session in every:
        by_observer[session.fieldworker_id].append(session)
    for own in by_observer.values():
        own.sort(key=lambda s: s.started_at)
        for earlier, later in pairwise(own):
            assert earlier.ended_at is not None and earlier.ended_at <= later.started_at
    flags = quality.session_flags(study)
    assert not [sid for sid, found in flags.items() if any(f.code == "overlap" for f in found)]


def test_paired_encounters_are_largely_the_same_events(sessions):
    shared, only_one, differently, close = 0, 0, 0, 0
    for a, b, common in paired(sessions):
        first, second = overlap_records(a, b, common, "encounters")
        matched = match(first, second)
        shared += len(matched)
        only_one += len(first) + len(second) - 2 * len(matched)
        differently += sum(
            any(getattr(x, c) != getattr(y, c) for c in CODINGS) or x.flags != y.flags
            for x, y in matched
        )
        close += sum(abs(x.at - y.at) <= timedelta(seconds=30) for x, y in matched)
    assert shared > 200
    assert close / shared > 0.9, "noted within tens of seconds of each other"
    # Realistic disagreement: some seen by one observer only, some coded differently.
    assert 0.03 < only_one / (shared + only_one) < 0.25
    assert 0.05 < differently / shared < 0.4


def test_agreement_differs_between_observer_pairs(sessions):
    codings = defaultdict(lambda: defaultdict(list))
    for a, b, common in paired(sessions):
        for x, y in match(*overlap_records(a, b, common, "encounters")):
            for coding in CODINGS:
                codings[(a.observer, b.observer)][coding].append(
                    (getattr(x, coding), getattr(y, coding))
                )
            for flag in FLAGS:
                codings[(a.observer, b.observer)][flag].append(
                    (str(flag in x.flags), str(flag in y.flags))
                )
    kappas = {
        (pair, coding): stats.cohen_kappa(values).kappa
        for pair, by_coding in codings.items()
        for coding, values in by_coding.items()
    }
    low = {key for key, kappa in kappas.items() if kappa < stats.LOW_AGREEMENT}
    # One pair tells recognised faces from acquaintances differently; all else agrees well.
    assert low == {(("fieldworker2", "fieldworker3"), "relation")}, kappas
    assert kappas[(("fieldworker", "fieldworker2"), "relation")] >= 0.8, kappas


def test_paired_scans_count_mostly_alike(sessions):
    differences = []
    for a, b, common in paired(sessions):
        first, second = overlap_records(a, b, common, "scans")
        for scan in first:
            near = [s for s in second if s.zone_id == scan.zone_id]
            if not near:
                continue
            other = min(near, key=lambda s: abs(s.at - scan.at))
            assert abs(other.at - scan.at) <= timedelta(minutes=5)
            keys = scan.counts.keys() | other.counts.keys()
            differences += [abs(scan.counts[k] - other.counts[k]) for k in keys]
    assert len(differences) > 500
    spread = Counter(min(d, 3) for d in differences)
    assert (spread[0] + spread[1] + spread[2]) / len(differences) > 0.95
    assert spread[0] / len(differences) > 0.5
    assert spread[3], "occasionally more than two apart"


def test_every_scan_passes_the_scan_rules(study, sessions):
    rules = scan_rules.rules_for(codebook.categories(study), 1)
    scans = [scan for session in sessions for scan in session.scans]
    assert len(scans) > 1000
    failing = []
    for scan in scans:
        counts = defaultdict(dict)
        for (category, code), count in scan.counts.items():
            counts[category][code] = count
        if scan_rules.problems(dict(counts), sorted(scan.conditions), rules, "en"):
            failing.append(scan.id)
    assert failing == []


def test_every_code_is_a_valid_code_of_the_codebook(study, sessions):
    by_category = codebook.codes_by_category(study)
    valid = {key: {c.code for c in codes} for key, codes in by_category.items()}
    for session in db.session.scalars(sa.select(Session).filter_by(study_id=study.id)):
        assert session.crowding in valid["crowding"]
        assert session.programme in valid["programme"]
        assert set(session.weather) <= valid["weather"]
    for session in sessions:
        for encounter in session.encounters:
            assert encounter.encounter_type in valid["encounter_type"]
            assert encounter.parties in valid["parties"]
            assert encounter.relation in valid["relation"]
            assert encounter.flags <= valid["flags"]
            assert session.started_at <= encounter.at <= session.ended_at
        for scan in session.scans:
            assert scan.conditions <= valid["conditions"]
            assert all(code in valid[category] for category, code in scan.counts)
            assert session.started_at <= scan.at <= session.ended_at


def familiar_share(encounters) -> float:
    """The share of encounters between recognised faces or acquaintances."""
    return sum(e.relation != "strangers" for e in encounters) / len(encounters)


def test_recognition_grows_week_by_week_at_the_trend_sites(sessions):
    first_weeks = min(s.started_at for s in sessions) + timedelta(days=14)
    last_weeks = max(s.ended_at for s in sessions) - timedelta(days=14)
    change = {}
    for name in (*TREND_SITES, *FLAT_SITES):
        encounters = [e for s in sessions if s.site == name for e in s.encounters]
        early = [e for e in encounters if e.at < first_weeks]
        late = [e for e in encounters if e.at > last_weeks]
        assert len(early) > 30 and len(late) > 30, name
        change[name] = familiar_share(late) - familiar_share(early)
    for name in TREND_SITES:
        assert change[name] > 0.05, change
    for name in FLAT_SITES:
        assert abs(change[name]) < 0.2, change


def test_a_programme_raises_the_encounter_rate(sessions):
    running = [s for s in sessions if s.programme != "none"]
    none = [s for s in sessions if s.programme == "none"]
    assert len(running) >= 20
    assert rate(running) > 1.1 * rate(none)


def test_times_of_the_week_and_day_differ(study, sessions):
    zone = ZoneInfo(study.timezone)

    def weekend_against_weekdays(names) -> float:
        """The encounter rate at weekends over that on weekdays, at these sites together."""
        chosen = [s for s in sessions if s.site in names]
        weekend = [s for s in chosen if s.started_at.astimezone(zone).weekday() >= 5]
        return rate(weekend) / rate([s for s in chosen if s not in weekend])

    # Families fill the park, the library and the Saturday market; the centres are quieter.
    busier = weekend_against_weekdays(
        ("Wijkpark Cromvliet", "Nieuwe Bibliotheek Almere", "Markt Rotterdam-Zuid")
    )
    quieter = weekend_against_weekdays(("VerHalenHuis Tilburg", "Krachtstation Kanaleneiland"))
    assert busier > 1 > quieter and busier > 1.3 * quieter, (busier, quieter)
    windows = defaultdict(list)
    for session in sessions:
        hour = session.started_at.astimezone(zone).hour
        windows["morning" if hour < 12 else "afternoon" if hour < 17 else "evening"].append(session)
    rates = {window: rate(group) for window, group in windows.items()}
    assert rates["afternoon"] > 1.1 * max(rates["morning"], rates["evening"]), rates


def test_zone_conditions_go_with_more_encounters(sessions):
    for condition in ("staff_hosting", "movable_seats", "organised_activity"):
        # Zones that sometimes have the condition: with it against without it.
        able = {c.zone_id for s in sessions for c in s.scans if condition in c.conditions}
        seen = {"yes": [0, 0.0], "no": [0, 0.0]}
        for session in sessions:
            zones = defaultdict(set)
            for scan in session.scans:
                zones[scan.zone_id] |= scan.conditions
            for zone_id, conditions in zones.items():
                if zone_id not in able:
                    continue
                level = seen["yes" if condition in conditions else "no"]
                level[0] += sum(e.zone_id == zone_id for e in session.encounters)
                level[1] += session.hours
        per_hour = {level: n / h for level, (n, h) in seen.items()}
        assert per_hour["yes"] > 1.1 * per_hour["no"], (condition, per_hour)


def test_sites_differ_in_mixing_regulars_and_profile(study, sessions):
    across, regulars = {}, {}
    for name in {s.site for s in sessions}:
        encounters = [e for s in sessions if s.site == name for e in s.encounters]
        across[name] = sum("across_ages" in e.flags for e in encounters) / len(encounters)
        counts = Counter()
        for scan in (scan for s in sessions if s.site == name for scan in s.scans):
            for (category, code), count in scan.counts.items():
                if category == "regular":
                    counts[code] += count
        regulars[name] = counts["regular"] / sum(counts.values())
    assert across["VerHalenHuis Tilburg"] > 2 * across["Markt Rotterdam-Zuid"], across
    assert regulars["Markt Rotterdam-Zuid"] > regulars["Krachtstation Kanaleneiland"] + 0.2
    sites = db.session.scalars(sa.select(Site).filter_by(study_id=study.id)).all()
    assert {s.city for s in sites} == {"Almere", "Den Haag", "Rotterdam", "Tilburg", "Utrecht"}
    assert len({s.neighbourhood for s in sites}) == 5
    profiles = {p.site_id: p.data for p in db.session.scalars(sa.select(SiteProfile))}
    assert set(profiles) == {s.id for s in sites}
    assert len({p["hosting"] for p in profiles.values()}) == 3
    assert len({p["seating_movable"] for p in profiles.values()}) == 5


def test_the_demo_facts_are_current_and_count_as_the_records_do(demo_app, study):
    """The facts the demo leaves equal a recomputation, and the pages read from them show
    what counting the demo's records shows (tests/indicators/test_facts.py)."""
    from tests.indicators.test_facts import assert_current, figures

    assert_current()
    from_facts = figures(demo_app, study, True)
    assert from_facts == figures(demo_app, study, False)
    assert from_facts[0].totals.encounters > 100


def test_each_site_counts_passers_at_one_counting_line(study):
    """Every site has one counting line, and its sessions hold people-moving counts there:
    within the session, ten minutes each, a breakdown never larger than the modes."""
    from observations.indicators import staying_ratios
    from observations.models import PasserCount, PasserTally, Zone

    lines = db.session.execute(
        sa.select(Zone.site_id, Zone.id).where(Zone.counting_line.is_(True))
    ).all()
    assert len(lines) == 5 and len({site for site, _zone in lines}) == 5
    counts = db.session.scalars(
        sa.select(PasserCount).options(selectinload(PasserCount.tallies))
    ).all()
    assert {count.zone_id for count in counts} == {zone for _site, zone in lines}
    for count in counts:
        session = db.session.get(Session, count.session_id)
        assert count.zone_id in {z.id for z in session.zones}
        assert session.started_at <= count.started_at
        assert session.ended_at is None or count.started_at + timedelta(minutes=10) <= (
            session.ended_at
        )
        per = Counter()
        for tally in count.tallies:
            per[tally.category] += tally.count
        assert all(per[c] <= per["mode"] for c in ("gender", "age", "group"))
    people = db.session.scalar(
        sa.select(sa.func.sum(PasserTally.count)).where(PasserTally.category == "mode")
    )
    assert people > 5000
    ratios = staying_ratios(study, sa.select(Session.id).where(Session.study_id == study.id))
    by_line = {r.zone_id: r.ratio for r in ratios if r.zone_id is not None}
    assert len(by_line) == 5 and all(0 < ratio < 1 for ratio in by_line.values())
    assert len({round(ratio, 2) for ratio in by_line.values()}) >= 4, "the sites differ"
