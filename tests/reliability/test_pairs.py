"""Which sessions pair up: two observers, same site, overlapping time, a common zone."""

from datetime import UTC, date

from observations.extensions import db
from observations.reliability.pairs import session_pairs


def ids(pairs) -> list[tuple[int, int]]:
    return [(p.first.session_id, p.second.session_id) for p in pairs]


def test_overlapping_sessions_of_two_observers_pair(built):
    a = built.session(built.ann, 0, 60)
    b = built.session(built.bob, 30, 90, zones=[built.tables])
    (pair,) = session_pairs(built.study)
    assert (pair.first.session_id, pair.second.session_id) == (a.id, b.id)
    assert (pair.first.observer, pair.second.observer) == ("W01", "W02")
    assert pair.start == b.started_at and pair.end == a.ended_at
    assert pair.zones == {built.tables.id}


def test_the_lower_observer_code_comes_first(built):
    b = built.session(built.bob, 0, 60)
    a = built.session(built.ann, 10, 60)
    assert ids(session_pairs(built.study)) == [(a.id, b.id)]


def test_sessions_that_only_touch_do_not_pair(built):
    built.session(built.ann, 0, 60)
    built.session(built.bob, 60, 120)
    assert session_pairs(built.study) == []


def test_a_long_session_pairs_with_every_session_inside_it(built):
    long = built.session(built.ann, 0, 120)
    first = built.session(built.bob, 10, 20)
    second = built.session(built.cas, 30, 40)
    later = built.session(built.bob, 50, 60)
    assert ids(session_pairs(built.study)) == [
        (long.id, first.id),
        (long.id, second.id),
        (long.id, later.id),
    ]


def test_three_observers_at_once_make_three_pairs(built):
    a = built.session(built.ann, 0, 60)
    b = built.session(built.bob, 0, 60)
    c = built.session(built.cas, 0, 60)
    assert sorted(ids(session_pairs(built.study))) == sorted(
        [(a.id, b.id), (a.id, c.id), (b.id, c.id)]
    )


def test_a_common_zone_is_needed(built):
    built.session(built.ann, 0, 60, zones=[built.entrance])
    built.session(built.bob, 0, 60, zones=[built.tables, built.corner])
    assert session_pairs(built.study) == []


def test_the_same_observer_does_not_pair_with_themselves(built):
    built.session(built.ann, 0, 60)
    built.session(built.ann, 30, 90)
    assert session_pairs(built.study) == []


def test_different_sites_do_not_pair(built):
    built.session(built.ann, 0, 60)
    built.session(built.bob, 0, 60, site=built.park, zones=[built.playground])
    assert session_pairs(built.study) == []


def test_open_withdrawn_and_rejected_sessions_are_left_out(built):
    built.session(built.ann, 0, 60)
    built.session(built.bob, 0, None)
    built.session(built.cas, 0, 60, retracted=True)
    assert session_pairs(built.study) == []
    built.session(built.cas, 10, 50, review_state="rejected")
    assert session_pairs(built.study) == []
    kept = built.session(built.cas, 10, 50, review_state="has_issues")
    assert [p.second.session_id for p in session_pairs(built.study)] == [kept.id]


def test_other_studies_sessions_are_not_seen(built):
    built.session(built.ann, 0, 60)
    mine = built.session(built.bob, 0, 60)
    mine.study_id = built.other.id
    db.session.flush()
    assert session_pairs(built.study) == []
    assert session_pairs(built.other) == []


def test_filter_by_site_and_local_days(built):
    library = built.session(built.ann, 0, 60)
    built.session(built.bob, 0, 60)
    built.session(built.ann, 0, 60, site=built.park, zones=[built.playground])
    park = built.session(built.bob, 0, 60, site=built.park, zones=[built.playground])
    assert len(session_pairs(built.study)) == 2
    assert [p.second.session_id for p in session_pairs(built.study, site_id=built.park.id)] == [
        park.id
    ]
    day = date(2026, 5, 4)
    assert len(session_pairs(built.study, date_from=day, date_to=day)) == 2
    assert session_pairs(built.study, date_from=date(2026, 5, 5)) == []
    assert session_pairs(built.study, date_to=date(2026, 5, 3)) == []
    # 01:00 in Amsterdam on the 4th is 23:00 UTC on the 3rd: it counts on the local day.
    early = built.session(built.ann, -540, -480)
    built.session(built.bob, -540, -480)
    assert early.started_at.astimezone(UTC).date() == date(2026, 5, 3)
    on_the_4th = session_pairs(built.study, built.library.id, day, day)
    assert {p.first.session_id for p in on_the_4th} == {library.id, early.id}
    assert session_pairs(built.study, date_to=date(2026, 5, 3)) == []
