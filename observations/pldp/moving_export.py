"""PLDP 1.0 people-moving export: one row per people-moving count, in the single table.

Each count is a survey of its counting line (`survey_id` is the count's UUID, its start
and stop the counted period), with `row_total` the people who passed (the sum of the
modes), then the protocol's columns: mode (kinds.py), `gender_male`/`_female`/`_unknown`,
`age_0-14` … and `group_1` … `group_8+`. A category the count did not note stays empty; a
code nobody had in a category it noted is 0.
"""

from collections.abc import Callable
from datetime import timedelta

from ..export.passers import count_codes, counted
from ..export.source import StudyData
from ..models import PasserCount, SessionWeather
from .columns import CONTEXT_COLUMNS, export_name
from .export import context_cells, write_rows
from .kinds import GROUP_COLUMNS, MODE_COLUMNS


def column_name(category: str, code: str) -> str:
    """The PLDP column of one code of a people-moving count."""
    if category == "mode":
        return MODE_COLUMNS.get(code, f"mode_{code}")
    if category == "group":
        return GROUP_COLUMNS.get(code, f"group_{code}")
    return export_name(category, code)


def write_pldp_moving(data: StudyData, path: str, advance: Callable[[int], None]) -> dict[str, int]:
    """Write the covered people-moving counts as a PLDP single-table CSV; return the rows."""
    codes = count_codes(data)
    weather = data._many(SessionWeather.__table__, "session_id", "code")
    found = counted(
        data,
        codes,
        PasserCount.uuid,
        PasserCount.session_id,
        PasserCount.zone_id,
        PasserCount.started_at,
        PasserCount.minutes,
        order=(PasserCount.session_id, PasserCount.started_at),
    )

    def rows():
        for (uuid, session_id, zone_id, start, minutes), cells, total in found:
            session = data.sessions[session_id]
            survey = (uuid, start, start + timedelta(minutes=minutes))
            context = context_cells(data, weather, session, zone_id, survey, 1, total)
            yield context + ["" if n is None else n for n in cells]

    header = CONTEXT_COLUMNS + [column_name(*key) for key in codes]
    return write_rows(path, header, rows(), advance)
