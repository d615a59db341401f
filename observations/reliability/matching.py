"""One-to-one matching of two observers' records by zone and time.

Two records can match when they are in the same zone (two records without a zone count as
the same place) and their times differ by at most the tolerance (inclusive). Each record
matches at most one of the other observer's. Of all such matchings the one chosen has

1. the most pairs, then
2. the least total time difference, then
3. (ties) pairs with the earlier records.

Within a zone, sorted by time, a best matching never crosses: if a1 < a2 and b1 < b2, pairing
a1-b2 and a2-b1 is never better than a1-b1 and a2-b2 (no larger total, no larger single
difference, so still within the tolerance). So it is found exactly by dynamic programming over
the two time-ordered lists, as in an alignment, deterministic for equal input (records at the
same moment are ordered by id). The lists are first cut where neither observer recorded
anything for longer than the tolerance (no pair can span such a gap), so the O(n × m) work
is done per short stretch. A greedy "closest pair first" rule
would match fewer: with a tolerance of 60 s, 0 s and 50 s against 40 s and 100 s, it pairs
50-40 and leaves both others alone, where 0-40 and 50-100 are two pairs.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class Timed:
    """A record to match: its zone (None: none recorded), its time and its id."""

    zone: int | None
    at: datetime
    id: int


@dataclass
class Matching:
    """The matched pairs (first observer's record, second's) and what is left on each side."""

    pairs: list[tuple] = field(default_factory=list)
    unmatched_first: list = field(default_factory=list)
    unmatched_second: list = field(default_factory=list)


def _order(record: Timed) -> tuple:
    return (record.at, record.id)


def _align(first: list[Timed], second: list[Timed], limit: int) -> list[tuple[int, int]]:
    """Indices (i, j) of the best non-crossing matching of two time-ordered lists."""
    n, m = len(first), len(second)
    # best[i][j]: (pairs, -total difference in microseconds) over first[:i] and second[:j].
    best = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        at = first[i - 1].at
        row, above = best[i], best[i - 1]
        for j in range(1, m + 1):
            value = max(above[j], row[j - 1])
            gap = abs(at - second[j - 1].at) // MICROSECOND
            if gap <= limit:
                count, cost = above[j - 1]
                value = max(value, (count + 1, cost - gap))
            row[j] = value
    matched = []
    i, j = n, m
    while i > 0 and j > 0:
        # Leaving the later record unmatched first gives ties to the earlier records.
        if best[i][j] == best[i][j - 1]:
            j -= 1
        elif best[i][j] == best[i - 1][j]:
            i -= 1
        else:
            matched.append((i - 1, j - 1))
            i, j = i - 1, j - 1
    matched.reverse()
    return matched


def match(first: Sequence, second: Sequence, tolerance: timedelta, key=lambda r: r) -> Matching:
    """Match two observers' records one-to-one (see the module's rule).

    `key` turns a record into a Timed (zone, time, id); the records themselves are returned.
    Pairs come in time order of the first observer's record within each zone, zones by id
    (records without a zone last).
    """
    limit = tolerance // MICROSECOND
    by_zone: dict = defaultdict(lambda: ([], []))
    for side, records in ((0, first), (1, second)):
        for record in records:
            timed = key(record)
            by_zone[timed.zone][side].append((timed, record))
    result = Matching()
    for zone in sorted(by_zone, key=lambda z: (z is None, z or 0)):
        ours, theirs = (sorted(side, key=lambda item: _order(item[0])) for side in by_zone[zone])
        taken_first, taken_second = set(), set()
        for first_part, second_part in _stretches(ours, theirs, limit):
            pairs = _align(
                [ours[i][0] for i in first_part], [theirs[j][0] for j in second_part], limit
            )
            for i, j in pairs:
                taken_first.add(first_part[i])
                taken_second.add(second_part[j])
                result.pairs.append((ours[first_part[i]][1], theirs[second_part[j]][1]))
        result.unmatched_first.extend(r for i, (_, r) in enumerate(ours) if i not in taken_first)
        result.unmatched_second.extend(
            r for j, (_, r) in enumerate(theirs) if j not in taken_second
        )
    return result


def _stretches(ours: list, theirs: list, limit: int) -> list[tuple[list[int], list[int]]]:
    """Split two time-ordered lists where nothing happens for longer than the tolerance.

    No pair can span such a gap, so each stretch is matched on its own: the same result as
    one alignment of the whole lists, at a fraction of its O(n × m) cost.
    """
    merged = sorted(
        [(_order(t), 0, i) for i, (t, _) in enumerate(ours)]
        + [(_order(t), 1, j) for j, (t, _) in enumerate(theirs)]
    )
    stretches: list[tuple[list[int], list[int]]] = []
    previous = None
    for (at, _id), side, index in merged:
        if previous is None or (at - previous) // MICROSECOND > limit:
            stretches.append(([], []))
        stretches[-1][side].append(index)
        previous = at
    return stretches
