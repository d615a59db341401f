"""Sessions, hours and encounter rates on the small study (see conftest.py), with filters."""

from datetime import date

import pytest

from observations import indicators
from observations.indicators import Filters, Rate
from tests.indicators.builders import local


def test_totals_count_ended_kept_sessions_and_their_records(small):
    totals = indicators.totals(small.study, Filters())
    # S1 2 h + S2 1.5 h + S3 1 h; e1–e4, e6, e7, e8 (e5 retracted, S4 rejected, S5 open, S6 gone)
    assert (totals.sessions, totals.hours, totals.encounters) == (3, 4.5, 7)
    assert totals.rate.per_hour == pytest.approx(7 / 4.5)


def test_rates_by_type_have_every_code_in_codebook_order(small):
    rates = indicators.encounter_rates(small.study, Filters(), "encounter_type")
    assert {code: r.encounters for code, r in rates.items()} == {
        "eye_contact": 1,
        "greeting": 2,
        "short_chat": 1,
        "conversation": 1,
        "help": 0,
        "joint_activity": 1,
        "friction": 1,
    }
    assert {r.hours for r in rates.values()} == {4.5}


def test_rates_by_intensity(small):
    rates = indicators.encounter_rates(small.study, Filters(), "intensity")
    assert rates == {
        "fleeting": Rate(3, 4.5),
        "brief": Rate(1, 4.5),
        "sustained": Rate(2, 4.5),
        "friction": Rate(1, 4.5),
    }


def test_rates_by_relation_and_parties_count_the_uncoded_as_unknown(small):
    relation = indicators.encounter_rates(small.study, Filters(), "relation")
    assert {k: r.encounters for k, r in relation.items()} == {
        "strangers": 2,
        "recognised": 3,
        "acquaintances": 1,
        "unknown": 1,
    }
    parties = indicators.encounter_rates(small.study, Filters(), "parties")
    assert {k: r.encounters for k, r in parties.items()} == {
        "visitor_visitor": 5,
        "visitor_staff": 1,
        "visitor_trader": 0,
        "staff_staff": 0,
        "unknown": 1,
    }


def test_an_unknown_breakdown_is_refused(small):
    with pytest.raises(ValueError):
        indicators.encounter_rates(small.study, Filters(), "weather")


@pytest.mark.parametrize(
    ("f", "expected"),
    [
        (Filters(days="weekday"), (2, 3.0, 5)),  # S1 Monday, S3 Wednesday
        (Filters(days="weekend"), (1, 1.5, 2)),  # S2 Saturday
        (Filters(hour_from=10, hour_to=11), (1, 1.0, 2)),  # S1's first hour: e1, e2
        # S1 11–12 (e3, e4) and S2 14–15 (e6); S2 15:00–15:30 and e7 fall outside
        (Filters(hour_from=11, hour_to=15), (2, 2.0, 3)),
        (Filters(zones=(0,)), (0, 0.0, 0)),
        (Filters(review=("approved",)), (1, 2.0, 4)),
        (Filters(review=("rejected",)), (1, 1.0, 1)),
        (Filters(date_from=date(2026, 1, 6)), (2, 2.5, 3)),  # S2, S3
        (Filters(date_to=date(2026, 1, 5)), (1, 2.0, 4)),  # S1
        (Filters(date_from=date(2026, 1, 7), date_to=date(2026, 1, 7)), (1, 1.0, 1)),
    ],
)
def test_filters_cut_hours_and_encounters_alike(small, f, expected):
    totals = indicators.totals(small.study, f)
    assert (totals.sessions, totals.hours, totals.encounters) == expected


def test_a_zone_filter_keeps_sessions_covering_it_and_records_in_it(small):
    totals = indicators.totals(small.study, Filters(zones=(small.a2.id,)))
    # S1 covers A2 (all its 2 hours count); of its encounters e3 and e4 lie in A2.
    assert (totals.sessions, totals.hours, totals.encounters) == (1, 2.0, 2)


def test_a_site_filter(small):
    totals = indicators.totals(small.study, Filters(sites=(small.park.id,)))
    assert (totals.sessions, totals.hours, totals.encounters) == (1, 1.0, 1)


def test_kinds_follow_the_time_window(small):
    rates = indicators.encounter_rates(small.study, Filters(hour_from=11, hour_to=15), "intensity")
    # e3 eye contact, e4 short chat, e6 joint activity
    assert {k: r.encounters for k, r in rates.items()} == {
        "fleeting": 1,
        "brief": 1,
        "sustained": 1,
        "friction": 0,
    }
    assert {r.hours for r in rates.values()} == {2.0}


def test_a_study_without_fieldwork_has_zero_everything(builder):
    totals = indicators.totals(builder.study, Filters())
    assert (totals.sessions, totals.hours, totals.encounters) == (0, 0.0, 0)
    assert totals.rate.per_hour is None
    assert indicators.heat_map(builder.study, Filters()) == {}
    assert indicators.weekly(builder.study, Filters()) == []
    assert indicators.conditions(builder.study, Filters()) == []


def test_a_record_stamped_outside_its_session_counts_at_its_own_time(builder):
    """A phone clock off by minutes puts an encounter after its session's end, past
    midnight: a filter on the next day counts it there, with no observed hours."""
    site = builder.site("Plein", ["Z"])
    (zone,) = site.zones
    session = builder.session(site, local("2026-01-31", 23), local("2026-01-31", 23, 50))
    builder.encounter(session, local("2026-02-01", 0, 5), zone, "greeting", "strangers")
    builder.scan(session, local("2026-02-01", 0, 6), zone, {"age": {"25-64": 2}})
    february = Filters(date_from=date(2026, 2, 1), date_to=date(2026, 2, 28))
    totals = indicators.totals(builder.study, february)
    assert (totals.sessions, totals.hours, totals.encounters) == (0, 0, 1)
    assert indicators.visitor_mix(builder.study, february, "age").total == 2
    january = Filters(date_from=date(2026, 1, 1), date_to=date(2026, 1, 31))
    totals = indicators.totals(builder.study, january)
    assert (totals.sessions, totals.encounters) == (1, 0)
    assert totals.hours == pytest.approx(50 / 60)
