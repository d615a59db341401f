"""One-to-one matching of two observers' records by zone and time (reliability/matching.py).

Checked on small hand-made cases: the tolerance boundary, one-to-one, the zone, ties, and the
case where matching the closest pair first would match fewer; and against every matching of
small random cases found by brute force.
"""

import itertools
import random
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from observations.reliability.matching import Timed, match

T0 = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
MINUTE = timedelta(seconds=60)


def records(*seconds, zone=1, first_id=1) -> list[Timed]:
    """Records at these seconds after T0 in one zone, numbered from first_id."""
    return [Timed(zone, T0 + timedelta(seconds=s), first_id + n) for n, s in enumerate(seconds)]


def ids(pairs) -> list[tuple[int, int]]:
    return [(a.id, b.id) for a, b in pairs]


def test_the_tolerance_is_inclusive():
    found = match(records(0, 200), records(60, 261, first_id=10), MINUTE)
    assert ids(found.pairs) == [(1, 10)]  # 60 s apart: a match; 61 s apart: none
    assert [r.id for r in found.unmatched_first] == [2]
    assert [r.id for r in found.unmatched_second] == [11]


def test_microseconds_count_at_the_boundary():
    late = [Timed(1, T0 + timedelta(seconds=60, microseconds=1), 10)]
    found = match(records(0), late, MINUTE)
    assert found.pairs == []
    assert len(found.unmatched_first) == len(found.unmatched_second) == 1


def test_each_record_matches_at_most_once():
    # Three records of the first observer around one of the second: one pair, the closest.
    found = match(records(-20, 5, 30), records(0, first_id=10), MINUTE)
    assert ids(found.pairs) == [(2, 10)]
    assert sorted(r.id for r in found.unmatched_first) == [1, 3]
    assert found.unmatched_second == []


def test_the_zone_must_match():
    found = match(records(0, zone=1), records(0, zone=2, first_id=10), MINUTE)
    assert found.pairs == []
    assert len(found.unmatched_first) == len(found.unmatched_second) == 1


def test_records_without_a_zone_match_only_each_other():
    first = records(0, zone=None) + records(0, zone=1, first_id=2)
    second = records(10, zone=None, first_id=10)
    found = match(first, second, MINUTE)
    assert ids(found.pairs) == [(1, 10)]
    assert [r.id for r in found.unmatched_first] == [2]


def test_most_pairs_beat_the_closest_pair():
    # Closest pair first would take 50-40 (10 s) and leave 0 and 100 unmatched (100 s apart);
    # the rule takes 0-40 and 50-100: two pairs.
    found = match(records(0, 50), records(40, 100, first_id=10), MINUTE)
    assert ids(found.pairs) == [(1, 10), (2, 11)]
    assert found.unmatched_first == found.unmatched_second == []


def test_among_most_pairs_the_least_total_difference():
    # 0-30 and 40-70 (60 s in all) beats 0-70 is out of reach; 40-30 alone is one pair only.
    found = match(records(0, 40), records(30, 70, first_id=10), MINUTE)
    assert ids(found.pairs) == [(1, 10), (2, 11)]
    # One pair possible: the closer partner wins.
    found = match(records(0), records(-50, 20, first_id=10), MINUTE)
    assert ids(found.pairs) == [(1, 11)]


def test_ties_go_to_the_earlier_record_and_the_result_is_stable():
    found = match(records(0), records(-30, 30, first_id=10), MINUTE)
    assert ids(found.pairs) == [(1, 10)]
    found = match(records(-30, 30), records(0, first_id=10), MINUTE)
    assert ids(found.pairs) == [(1, 10)]
    # The order the records come in does not matter.
    first, second = records(0, 0, 20, 45), records(10, 10, 30, first_id=10)
    expected = ids(match(first, second, MINUTE).pairs)
    for _ in range(5):
        random.shuffle(first)
        random.shuffle(second)
        assert ids(match(first, second, MINUTE).pairs) == expected


def test_key_turns_records_into_timed_and_the_records_come_back():
    first = [{"t": 0, "name": "a"}]
    second = [{"t": 30, "name": "b"}]

    def key(record):
        return Timed(None, T0 + timedelta(seconds=record["t"]), 0)

    found = match(first, second, MINUTE, key=key)
    assert found.pairs == [(first[0], second[0])]


def _best_by_brute_force(first, second, limit) -> tuple[int, int]:
    """(most pairs, least total difference) over every one-to-one matching."""
    best = (0, 0)
    for size in range(1, min(len(first), len(second)) + 1):
        for chosen in itertools.combinations(range(len(first)), size):
            for partners in itertools.permutations(range(len(second)), size):
                gaps = [
                    abs(first[i].at - second[j].at).total_seconds()
                    for i, j in zip(chosen, partners, strict=True)
                    if first[i].zone == second[j].zone
                ]
                if len(gaps) == size and max(gaps) <= limit:
                    best = max(best, (size, -sum(gaps)))
    return best[0], -best[1]


side = st.lists(st.tuples(st.sampled_from([1, 2]), st.integers(0, 300)), max_size=5)


@settings(max_examples=150, deadline=None)
@given(side, side, st.integers(0, 90))
def test_the_matching_is_optimal(first_raw, second_raw, limit):
    first = [Timed(z, T0 + timedelta(seconds=s), n) for n, (z, s) in enumerate(first_raw)]
    second = [Timed(z, T0 + timedelta(seconds=s), 100 + n) for n, (z, s) in enumerate(second_raw)]
    found = match(first, second, timedelta(seconds=limit))
    gaps = [abs(a.at - b.at).total_seconds() for a, b in found.pairs]
    assert all(a.zone == b.zone for a, b in found.pairs)
    assert all(gap <= limit for gap in gaps)
    assert len({a.id for a, _ in found.pairs}) == len(found.pairs)
    assert len({b.id for _, b in found.pairs}) == len(found.pairs)
    assert len(found.pairs) + len(found.unmatched_first) == len(first)
    assert len(found.pairs) + len(found.unmatched_second) == len(second)
    assert (len(found.pairs), sum(gaps)) == _best_by_brute_force(first, second, limit)
