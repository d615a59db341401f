"""Properties of the schedule generator on randomised studies (hypothesis).

Every example builds a new study with sites (random opening hours) and observers (random
availability and dates away) inside a transaction that is rolled back afterwards, generates a
plan and checks it against the raw inputs, not against the generator's own helpers.
"""

import itertools
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from observations import accounts, studies
from observations.extensions import db
from observations.models import Absence, Availability, OpeningHours, Site, Zone
from observations.schedule import generator
from observations.schedule.plan import PlanRequest, parse_windows

SITE_NAMES = ("Alpha", "Beta", "Gamma")
WINDOW_SETS = ("09:00-12:00", "13:00-17:00", "18:00-21:00", "07:00-08:30")
counter = itertools.count()


def periods(draw_hours):
    """Weekday periods (weekday, from hour, to hour): none means always."""
    return st.lists(
        st.tuples(st.integers(0, 6), st.integers(6, 15), st.integers(2, 10)).map(
            lambda p: (p[0], p[1], min(23, p[1] + p[2]))
        ),
        max_size=draw_hours,
    )


@st.composite
def scenarios(draw):
    """A random study layout and a request over it."""
    first = date(2026, 3, 2) + timedelta(days=draw(st.integers(0, 40)))
    last = first + timedelta(days=draw(st.integers(0, 24)))
    windows = draw(st.lists(st.sampled_from(WINDOW_SETS), min_size=1, max_size=3, unique=True))
    shortest = min(
        (w.ends.hour * 60 + w.ends.minute) - (w.starts.hour * 60 + w.starts.minute)
        for w in parse_windows(",".join(windows))
    )
    return {
        "sites": draw(st.lists(periods(8), min_size=1, max_size=3)),
        "observers": draw(
            st.lists(
                st.tuples(periods(10), st.lists(st.tuples(st.integers(0, 24), st.integers(0, 5)))),
                min_size=1,
                max_size=5,
            )
        ),
        "request": PlanRequest(
            first_day=first,
            last_day=last,
            weekdays=tuple(sorted(draw(st.sets(st.integers(0, 6), min_size=1)))),
            windows=parse_windows(",".join(windows)),
            per_window=draw(st.integers(1, 3)),
            duration_minutes=draw(st.sampled_from([d for d in (30, 45, 60, 90) if d <= shortest])),
            paired_share=draw(st.sampled_from([0, 0.1, 0.15, 0.3, 0.5])),
            seed=draw(st.integers(0, 2**32)),
        ),
    }


def build(scenario) -> tuple:
    """Create the scenario's study, sites and observers (flushed, not committed)."""
    n = next(counter)
    study = studies.create_study(f"Study {n}", f"prop-{n}")
    for name, hours in zip(SITE_NAMES, scenario["sites"], strict=False):
        site = Site(study_id=study.id, name=name, zones=[Zone(name="Zone")])
        site.opening_hours = [
            OpeningHours(weekday=d, opens=time(a), closes=time(b)) for d, a, b in hours
        ]
        db.session.add(site)
    first = scenario["request"].first_day
    for index, (hours, away) in enumerate(scenario["observers"]):
        user = accounts.create_user(f"obs-{n}-{index}", "correct-horse-battery", "O")
        member = accounts.add_member(study, user, "fieldworker")
        member.availability = [
            Availability(weekday=d, starts=time(a), ends=time(b)) for d, a, b in hours
        ]
        member.absences = [
            Absence(first_day=first + timedelta(days=s), last_day=first + timedelta(days=s + k))
            for s, k in away
        ]
    db.session.flush()
    return study, scenario


def within(starts: datetime, ends: datetime, rows) -> bool:
    """Inside one (weekday, from hour, to hour) period; no rows: always."""
    if not rows:
        return True
    return any(
        d == starts.weekday()
        and time(a) <= starts.time()
        and ends.time() <= time(b)
        and ends.date() == starts.date()
        for d, a, b in rows
    )


def overlap(a, b, gap=timedelta(0)) -> bool:
    """Whether two slots come closer than gap."""
    return a.starts_at < b.ends_at + gap and b.starts_at < a.ends_at + gap


def check_plan(study, scenario, plan) -> None:
    """Every property the generator promises."""
    request = scenario["request"]
    codes = [m.observer_code for m in sorted(study.memberships, key=lambda m: m.id)]
    observer = dict(zip(codes, scenario["observers"], strict=True))
    site_hours = dict(zip(SITE_NAMES, scenario["sites"], strict=False))
    slots = plan.slots
    for slot in slots:
        assert request.first_day <= slot.starts_at.date() <= request.last_day
        assert slot.starts_at.weekday() in request.weekdays
        assert within(slot.starts_at, slot.ends_at, site_hours[slot.site_name])
        assert len(set(slot.observer_codes)) == len(slot.observer_codes) in (1, 2)
        for code in slot.observer_codes:
            hours, away = observer[code]
            assert within(slot.starts_at, slot.ends_at, hours)
            for start, length in away:
                first = request.first_day + timedelta(days=start)
                assert not first <= slot.starts_at.date() <= first + timedelta(days=length)
    for a, b in itertools.combinations(slots, 2):
        assert not (a.site_name == b.site_name and overlap(a, b)), "site double-booked"
        if set(a.observer_codes) & set(b.observer_codes):
            assert not overlap(a, b, generator.GAP), "observer double-booked"
    check_balance(scenario, plan)
    check_fairness(observer, plan)
    target = request.paired_share * len(slots)
    paired = sum(slot.paired for slot in slots)
    if not any("paired" in p or "gekoppeld" in p or "tweede" in p for p in plan.problems):
        assert abs(paired - target) <= 1


def check_balance(scenario, plan) -> None:
    """Per site, cells nobody reported got their full count; reported ones no more."""
    request = scenario["request"]
    for name, row in plan.balance["sites"].items():
        full = []
        for kind in ("weekday", "weekend"):
            days = [
                request.first_day + timedelta(days=n)
                for n in range((request.last_day - request.first_day).days + 1)
            ]
            days = [
                d for d in days if d.weekday() in request.weekdays and generator.kind_of(d) == kind
            ]
            for window, count in row.get(kind, {}).items():
                target = generator.slot_count(request, len(days))
                assert count <= target
                reported = any(name in p and window in p for p in plan.problems)
                if not reported:
                    assert count == target, (name, kind, window, plan.problems)
                    full.append(count)
        assert not full or max(full) - min(full) <= 1


def check_fairness(observer, plan) -> None:
    """Nobody who could have taken one of your slots has two slots fewer than you."""
    load = dict.fromkeys(observer, 0)
    for slot in plan.slots:
        for code in slot.observer_codes:
            load[code] += 1
    for slot in plan.slots:
        for code in slot.observer_codes:
            for other, (hours, away) in observer.items():
                if other in slot.observer_codes or load[other] >= load[code] - 1:
                    continue
                busy = [s for s in plan.slots if other in s.observer_codes and s is not slot]
                free = within(slot.starts_at, slot.ends_at, hours) and not any(
                    overlap(slot, s, generator.GAP) for s in busy
                )
                gone = any(
                    plan.request.first_day + timedelta(days=s)
                    <= slot.starts_at.date()
                    <= plan.request.first_day + timedelta(days=s + k)
                    for s, k in away
                )
                assert not free or gone, (
                    f"{other} ({load[other]}) could relieve {code} ({load[code]})"
                )
    if all(not hours and not away for hours, away in observer.values()) and load:
        mean = sum(load.values()) / len(load)
        assert all(abs(n - mean) <= 1 for n in load.values()), load


@pytest.fixture
def context(app):
    """An app context whose work is rolled back after the test."""
    with app.app_context():
        yield
        db.session.rollback()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(scenario=scenarios())
def test_plans_keep_every_promise(context, scenario):
    study, scenario = build(scenario)
    try:
        plan = generator.generate(study, scenario["request"])
        check_plan(study, scenario, plan)
        again = generator.generate(study, scenario["request"])
        assert again.to_json() == plan.to_json() and again.problems == plan.problems
    finally:
        db.session.rollback()


def test_a_plain_month_is_planned_in_full(context):
    scenario = {
        "sites": [[], []],
        "observers": [([], []), ([], []), ([], [])],
        "request": PlanRequest(
            first_day=date(2026, 6, 1),
            last_day=date(2026, 6, 28),
            windows=parse_windows("09:00-12:00, 13:00-17:00"),
            per_window=2,
            paired_share=0.15,
            seed=7,
        ),
    }
    study, scenario = build(scenario)
    plan = generator.generate(study, scenario["request"])
    assert plan.problems == []
    assert plan.balance["totals"]["slots"] == 2 * 2 * 2 * 8
    assert plan.balance["totals"]["load_spread"] <= 1
    assert {row["spread"] for row in plan.balance["sites"].values()} == {0}
    weekdays = {s.starts_at.weekday() for s in plan.slots if s.site_name == "Alpha"}
    assert len(weekdays) >= 5, "slots rotate over the days of the week"
    starts = {s.starts_at.time() for s in plan.slots if s.window == "13:00-17:00"}
    assert len(starts) > 2, "start times vary within the window"
    check_plan(study, scenario, plan)
    other = generator.generate(study, PlanRequest(**{**vars(scenario["request"]), "seed": 8}))
    assert other.to_json() != plan.to_json()


def test_a_closed_site_and_a_missing_observer_are_reported(context):
    scenario = {
        "sites": [[(d, 10, 16) for d in range(7)]],  # never open in the evening
        "observers": [([(d, 8, 12) for d in range(7)], [])],  # mornings only
        "request": PlanRequest(
            first_day=date(2026, 6, 1),
            last_day=date(2026, 6, 7),
            windows=parse_windows("09:00-12:00, 13:00-16:00, 18:00-21:00"),
            seed=1,
        ),
    }
    study, scenario = build(scenario)
    plan = generator.generate(study, scenario["request"])
    assert sum("18:00-21:00" in p for p in plan.problems) == 2  # weekdays and weekend days
    assert sum("13:00-16:00" in p for p in plan.problems) == 2
    assert {s.window for s in plan.slots} == {"09:00-12:00"}
    check_plan(study, scenario, plan)


def test_the_repair_pass_evens_out_what_greedy_left(context):
    # B is away in the second half: greedy alone gives A all of it on top of half the first.
    scenario = {
        "sites": [[]],
        "observers": [([], []), ([], [(14, 20)])],
        "request": PlanRequest(
            first_day=date(2026, 6, 1),
            last_day=date(2026, 6, 28),
            windows=parse_windows("09:00-12:00, 13:00-17:00"),
            per_window=2,
            paired_share=0,
            seed=3,
        ),
    }
    study, scenario = build(scenario)
    plan = generator.generate(study, scenario["request"])
    loads = plan.balance["observers"]
    first_half = [s for s in plan.slots if s.starts_at.date() < date(2026, 6, 15)]
    assert loads["W02"]["slots"] == len(first_half), loads
    check_plan(study, scenario, plan)
