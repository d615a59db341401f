"""Conditions against the encounter rate: programme, crowding, zone conditions, site profile."""

from observations import indicators
from observations.indicators import ConditionRow, Filters, Rate
from tests.indicators.builders import local

ZONE_CODES = [
    "accessible",
    "usable",
    "equipped",
    "staff_present",
    "organised_activity",
    "staff_hosting",
    "well_lit",
    "movable_seats",
    "empty",
]


def rows_of(study, f=None, prefix=""):
    """{(factor, level): (encounters, hours)} of the rows whose factor starts with prefix."""
    return {
        (row.factor, row.level): (row.rate.encounters, row.rate.hours)
        for row in indicators.conditions(study, f or Filters())
        if row.factor.startswith(prefix)
    }


def test_programme_running_or_not(small):
    assert rows_of(small.study, prefix="programme") == {
        ("programme", "running"): (2, 1.5),  # S2
        ("programme", "none"): (5, 3.0),  # S1, S3
    }


def test_crowding_levels_in_codebook_order_with_unknown_last(small):
    rows = [r for r in indicators.conditions(small.study, Filters()) if r.factor == "crowding"]
    assert rows == [
        ConditionRow("crowding", "quiet", Rate(4, 2.0)),
        ConditionRow("crowding", "busy", Rate(2, 1.5)),
        ConditionRow("crowding", "unknown", Rate(1, 1.0)),
    ]


def test_zone_conditions_yes_and_no_in_zone_hours(small):
    rows = rows_of(small.study, prefix="zone:")
    # Judged: S1-A1 (movable seats in 1 of 2 scans: yes), S1-A2 (nothing), S2-A1 (movable
    # seats, staff hosting). Zone-hours 2 + 2 + 1.5; encounters 2 + 2 + 2.
    assert rows[("zone:movable_seats", "yes")] == (4, 3.5)
    assert rows[("zone:movable_seats", "no")] == (2, 2.0)
    assert rows[("zone:staff_hosting", "yes")] == (2, 1.5)
    assert rows[("zone:staff_hosting", "no")] == (4, 4.0)
    assert rows[("zone:well_lit", "no")] == (6, 5.5)
    assert ("zone:well_lit", "yes") not in rows
    factors = list(dict.fromkeys(factor for factor, _ in rows))
    assert factors == [f"zone:{code}" for code in ZONE_CODES]


def test_a_zone_condition_needs_half_of_the_scans(builder):
    site = builder.site("Plein", ["Z"])
    (zone,) = site.zones
    session = builder.session(site, local("2026-02-02", 10), local("2026-02-02", 11))
    for minute, conditions in ((0, ["well_lit"]), (20, []), (40, [])):
        builder.scan(session, local("2026-02-02", 10, minute), zone, {}, conditions)
    builder.encounter(session, local("2026-02-02", 10, 30), zone, "greeting")
    rows = rows_of(builder.study, prefix="zone:")
    assert rows == {("zone:well_lit", "no"): (1, 1.0)} | {
        (f"zone:{code}", "no"): (1, 1.0) for code in ZONE_CODES
    }


def test_zone_conditions_follow_the_zone_filter(small):
    rows = rows_of(small.study, Filters(zones=(small.a2.id,)), prefix="zone:movable")
    assert rows == {("zone:movable_seats", "no"): (2, 2.0)}


def test_the_site_profile_that_held_on_the_day(small):
    rows = rows_of(small.study, prefix="profile:")
    # S1 (5 Jan) under the first Bieb profile, S2 (17 Jan) under the second, Park has none.
    assert rows[("profile:hosting", "always")] == (4, 2.0)
    assert rows[("profile:hosting", "none")] == (2, 1.5)
    assert rows[("profile:hosting", "unknown")] == (1, 1.0)
    assert [level for factor, level in rows if factor == "profile:seating_movable"] == [
        "4",
        "12",
        "unknown",
    ]
    assert rows[("profile:functions", "library")] == (6, 3.5)
    assert rows[("profile:functions", "cafe")] == (4, 2.0)
    assert rows[("profile:activity_groups", "none")] == (6, 3.5)
    assert rows[("profile:light", "unknown")] == (7, 4.5)


def test_conditions_follow_the_filters(small):
    rows = rows_of(small.study, Filters(days="weekday"), prefix="programme")
    assert rows == {("programme", "none"): (5, 3.0)}


def test_the_factors_come_in_order(small):
    rows = indicators.conditions(small.study, Filters())
    factors = list(dict.fromkeys(row.factor for row in rows))
    assert factors[:2] == ["programme", "crowding"]
    assert factors[2:11] == [f"zone:{code}" for code in ZONE_CODES]
    assert factors[11:] == [
        "profile:functions",
        "profile:activities_per_week",
        "profile:activity_groups",
        "profile:seating_fixed",
        "profile:seating_movable",
        "profile:light",
        "profile:air",
        "profile:space",
        "profile:hosting",
    ]


def test_a_session_across_midnight_is_judged_on_the_days_kept(builder):
    """Plein: a session 22:00–02:00 recorded movable seats in its two scans before midnight
    and not in its three after; another, 10:00–11:00 on the first day, in its one scan."""
    from datetime import date

    site = builder.site("Plein", ["Z"])
    (zone,) = site.zones
    night = builder.session(site, local("2026-03-06", 22), local("2026-03-07", 2))
    for day, hour in (("2026-03-06", 22), ("2026-03-06", 23)):
        builder.scan(night, local(day, hour, 10), zone, {}, ["movable_seats"])
    for hour in (0, 1, 1):
        builder.scan(night, local("2026-03-07", hour, 20), zone, {}, [])
    builder.encounter(night, local("2026-03-06", 23, 30), zone, "greeting")
    builder.encounter(night, local("2026-03-07", 0, 30), zone, "greeting")
    day = builder.session(site, local("2026-03-06", 10), local("2026-03-06", 11))
    builder.scan(day, local("2026-03-06", 10, 5), zone, {}, ["movable_seats"])
    builder.encounter(day, local("2026-03-06", 10, 30), zone, "help")

    # Both days: the night session had seats in 2 of 5 scans, so not (4 hours, 2 encounters).
    both = rows_of(builder.study, prefix="zone:movable")
    assert both == {("zone:movable_seats", "yes"): (1, 1.0), ("zone:movable_seats", "no"): (2, 4.0)}
    # The first day only: 2 of its 2 scans that day had them (2 hours, 1 encounter).
    first = Filters(date_from=date(2026, 3, 6), date_to=date(2026, 3, 6))
    # (A level without observed hours has no row.)
    assert rows_of(builder.study, first, prefix="zone:movable") == {
        ("zone:movable_seats", "yes"): (2, 3.0)
    }
    # Friday and Saturday are a weekday and a weekend day: Saturday keeps the night's after-
    # midnight part, without seats.
    weekend = Filters(days="weekend")
    assert rows_of(builder.study, weekend, prefix="zone:movable") == {
        ("zone:movable_seats", "no"): (1, 2.0)
    }
