"""The weekday × hour heat map in local time, also across both DST changes."""

import pytest

from observations import indicators
from observations.indicators import Filters, Rate
from tests.indicators.builders import local


def test_the_heat_map_of_the_small_study(small):
    assert indicators.heat_map(small.study, Filters()) == {
        (1, 10): Rate(2, 1.0),  # S1 Monday: e1, e2
        (1, 11): Rate(2, 1.0),  # e3, e4
        (3, 9): Rate(1, 1.0),  # S3 Wednesday: e8
        (6, 14): Rate(1, 1.0),  # S2 Saturday: e6
        (6, 15): Rate(1, 0.5),  # e7 in the last half hour
    }


def test_the_heat_map_follows_days_and_window(small):
    assert indicators.heat_map(small.study, Filters(days="weekend", hour_to=15)) == {
        (6, 14): Rate(1, 1.0)
    }


@pytest.fixture
def dst(builder):
    """Sessions on both sides of and across the changes of 2026 (29 March, 25 October)."""
    site = builder.site("Plein", ["Z"])
    (zone,) = site.zones
    b = builder
    # The same local hour, 10:00, on the Saturday before (UTC+1) and the Sunday of (UTC+2).
    saturday = b.session(site, local("2026-03-28", 10), local("2026-03-28", 11))
    b.encounter(saturday, local("2026-03-28", 10, 30), zone, "greeting")
    sunday = b.session(site, local("2026-03-29", 10), local("2026-03-29", 11))
    b.encounter(sunday, local("2026-03-29", 10, 30), zone, "greeting")
    b.encounter(sunday, local("2026-03-29", 10, 45), zone, "greeting")
    # 1:30–3:30 local on 29 March is one real hour: 2:00–3:00 does not exist.
    spring = b.session(site, local("2026-03-29", 1, 30), local("2026-03-29", 3, 30))
    b.encounter(spring, local("2026-03-29", 1, 45), zone, "greeting")
    b.encounter(spring, local("2026-03-29", 3, 15), zone, "greeting")
    # 1:30 CEST to 2:30 CET on 25 October is two real hours, 1.5 of them at 2 o'clock.
    autumn = b.session(site, local("2026-10-25", 1, 30), local("2026-10-25", 2, 30, fold=1))
    b.encounter(autumn, local("2026-10-25", 2, 10), zone, "greeting")
    b.encounter(autumn, local("2026-10-25", 2, 10, fold=1), zone, "greeting")
    b.encounter(autumn, local("2026-10-25", 1, 50), zone, "greeting")
    from observations.extensions import db

    db.session.commit()
    return builder.study


def test_heat_map_cells_across_the_dst_changes(dst):
    assert indicators.heat_map(dst, Filters()) == {
        (6, 10): Rate(1, 1.0),
        (7, 10): Rate(2, 1.0),
        (7, 1): Rate(2, 0.5 + 0.5),  # 1:30–2:00 in March and in October
        (7, 3): Rate(1, 0.5),
        (7, 2): Rate(2, 1.5),
    }
    assert indicators.totals(dst, Filters()).hours == 1 + 1 + 1 + 2


def test_the_time_window_cuts_at_local_hours_across_dst(dst):
    totals = indicators.totals(dst, Filters(hour_from=10, hour_to=11))
    assert (totals.hours, totals.encounters) == (2.0, 3)
    totals = indicators.totals(dst, Filters(hour_from=2, hour_to=3))
    assert (totals.hours, totals.encounters) == (1.5, 2)


def test_dates_are_local_days(dst):
    from datetime import date

    day = date(2026, 3, 29)
    totals = indicators.totals(dst, Filters(date_from=day, date_to=day))
    assert (totals.sessions, totals.hours, totals.encounters) == (2, 2.0, 4)
