"""The Passers-by sheet: one row per people-moving count, with a column per mode and code.

A row is one count at a counting line: where, by whom (observer code), when (local time),
how long, how many passed (`total`, the sum of the modes) and how many per hour, then the
people per mode, per perceived gender, per age band and per group size. The layout is wide
so that a pivot table or a script sums columns directly. Gender, age and group are optional
in a count: when a count did not note a category, its cells stay empty; when it did, a code
nobody had is 0. Column headers of the codes follow the labels option: `mode_on_foot`,
`gender_man`, … with raw codes, "Mode: on foot", "Leeftijd (geschat): 0–14", … otherwise.

The read API takes the same sheet a page at a time (export/tables.py): given a `Keyset`,
the rows come in the order of `passer_id`, at most the keyset's limit of counts after its key,
below its horizon of counts still settling (keyset.py).
"""

from collections.abc import Iterator
from itertools import groupby

import sqlalchemy as sa

from ..extensions import db
from ..models import PASSER_GROUPS, PASSER_MODES, PasserCount, PasserTally
from .keyset import Keyset, after, settled
from .source import Column, StudyData, columns, raw_time
from .words import words

SHEET = "Passers-by"
PASSERS_COLUMNS = columns(
    ("passer_id", "int", 10),
    ("session_id", "int", 10),
    ("site", "text", 28),
    ("zone", "text", 24),
    ("observer", "text", 9),
    ("start", "datetime", 17),
    ("minutes", "int", 8),
    ("total", "int", 8),
    ("per_hour", "float", 9),
)
# The sheet's last column, after the count columns (the workbook drops it for one version).
VERSION_COLUMN = Column("codebook_version", "int", 10)
# The count's categories, in the sheet's order; gender and age take the codebook's codes.
CATEGORIES = ("mode", "gender", "age", "group")
FIXED = {"mode": PASSER_MODES, "group": PASSER_GROUPS}


def live(data: StudyData):
    """SQL: the counts the export covers (not withdrawn, in a covered session)."""
    return sa.and_(
        PasserCount.session_id.in_(data.session_filter()), PasserCount.retracted.is_(False)
    )


def count_codes(data: StudyData) -> list[tuple[str, str]]:
    """(category, code) of every count column: the modes, the codebook's gender and age
    codes and the group sizes, then any code found in the counts that these lack."""
    listed = {category: list(FIXED.get(category) or []) for category in CATEGORIES}
    for cat in data.categories:
        if cat.key in ("gender", "age"):
            listed[cat.key] = [c.code for c in cat.codes]
    found = db.session.execute(
        sa.select(PasserTally.category, PasserTally.code)
        .distinct()
        .join(PasserCount, PasserCount.id == PasserTally.passer_count_id)
        .where(live(data))
    )
    for category, code in sorted(found):
        if category in listed and code not in listed[category]:
            listed[category].append(code)
    return [(category, code) for category in CATEGORIES for code in listed[category]]


def header(data: StudyData, category: str, code: str) -> str:
    """A count column's header in the export's labels."""
    if data.options.labels == "codes":
        return f"{category}_{code}"
    said = words(data.options.labels)
    if category in FIXED:
        return f"{said['category'][category]}: {said[category].get(code, code)}"
    name = next(
        (
            cat.label_en if data.options.labels == "en" else cat.label_nl
            for cat in data.categories
            if cat.key == category
        ),
        category,
    )
    return f"{name}: {data.label(category, code)}"


def page_of(data: StudyData, page: Keyset):
    """SQL: the ids of the counts on a page: after its key, below its horizon, in id order,
    at most its limit (the limit counts counts, not their tallies' rows)."""
    query = sa.select(PasserCount.id).where(live(data), settled(PasserCount.id, page))
    if page.after:
        query = query.where(after([PasserCount.id], page.after))
    return query.order_by(PasserCount.id).limit(page.limit)


def counted(
    data: StudyData,
    codes: list[tuple[str, str]],
    *head,
    order: tuple,
    page: Keyset | None = None,
) -> Iterator[tuple[tuple, list[int | None], int]]:
    """Per covered count, in the given order: its `head` columns' values, its people per
    code of `codes` (None: a category it did not note), and its total (the modes' sum).

    Given a page, only the page's counts, in the order of their ids, read at once.
    """
    position = {key: index for index, key in enumerate(codes)}
    query = sa.select(*head, PasserTally.category, PasserTally.code, PasserTally.count).outerjoin(
        PasserTally, PasserTally.passer_count_id == PasserCount.id
    )
    if page is None:
        query = query.where(live(data)).order_by(*order, PasserCount.id)
    else:
        query = query.where(PasserCount.id.in_(page_of(data, page))).order_by(PasserCount.id)
    result = data._stream(query, stream=page is None)
    width = len(head)
    for values, tallies in groupby(result, key=lambda row: tuple(row[:width])):
        cells: list[int | None] = [None] * len(codes)
        noted = {"mode"}
        for *_, category, code, number in tallies:
            if category is not None:
                noted.add(category)
                cells[position[(category, code)]] = number
        for index, (category, _code) in enumerate(codes):
            if cells[index] is None and category in noted:
                cells[index] = 0
        total = sum(n for (category, _c), n in zip(codes, cells, strict=True) if category == "mode")
        yield values, cells, total


def passers_sheet(
    data: StudyData, page: Keyset | None = None
) -> tuple[list[Column], Iterator[tuple]]:
    """One row per count, in time order (with a page: its counts in id order); its last
    column is `codebook_version`."""
    codes = count_codes(data)
    headers, seen = [], set()
    for category, code in codes:
        text = header(data, category, code)
        # Two codes with the same label keep apart by their code.
        text = f"{text} ({code})" if text in seen else text
        seen.add(text)
        headers.append(Column(text, "int", 11))
    sheet_columns = [
        *PASSERS_COLUMNS,
        *headers,
        VERSION_COLUMN,
    ]
    found = counted(
        data,
        codes,
        PasserCount.id,
        PasserCount.session_id,
        PasserCount.zone_id,
        raw_time(PasserCount.started_at),
        PasserCount.minutes,
        PasserCount.codebook_version,
        order=(PasserCount.started_at,),
        page=page,
    )

    def rows():
        where, stamp = data.where(), data.stamp
        zone_name = {zid: zone.name for zid, zone in data.zones.items()}
        for (count_id, session_id, zone_id, at, minutes, version), cells, total in found:
            if page is not None:
                page.last = (count_id,)
            site, observer = where[session_id]
            yield (
                count_id,
                session_id,
                site,
                zone_name.get(zone_id),
                observer,
                stamp(at),
                minutes,
                total,
                round(total * 60 / minutes, 1),
                *cells,
                version,
            )

    return sheet_columns, rows()


def estimated_rows(data: StudyData) -> int:
    """How many rows the sheet has (for the progress bar)."""
    return db.session.scalar(sa.select(sa.func.count(PasserCount.id)).where(live(data))) or 0
