"""The two kinds of PLDP table: people staying (stationary activity) and people moving.

A people-moving table counts the people crossing a line by mode (PLDP survey_mode:
`mode_pedestrian`, `mode_bicyclist`, … or camelCase `modePedestrian`); a people-staying
table counts the people present in an area by posture and activity. The kind is told from
the columns: mode columns and no posture column make a moving table; anything else is a
staying one (as every PLDP table read before people-moving counts existed).

Terloops' modes and the protocol's columns (appendix E), both ways:
on_foot ↔ mode_pedestrian (walking or running), wheelchair ↔ mode_pedestrian_supported
(with a wheelchair or another aid), pushchair ↔ mode_pedestrian_carried_wheels (in a
pushchair or pram), bicycle ↔ mode_bicyclist, other ↔ mode_other. PLDP counts the first
three as pedestrians: add them for its `mode_pedestrian` of a table without subcategories.
"""

from .columns import normalise

STAYING, MOVING = "staying", "moving"
KINDS = (STAYING, MOVING)
NAMES = {STAYING: "people staying", MOVING: "people moving"}

# Terloops mode → the PLDP column the export writes.
MODE_COLUMNS = {
    "on_foot": "mode_pedestrian",
    "bicycle": "mode_bicyclist",
    "wheelchair": "mode_pedestrian_supported",
    "pushchair": "mode_pedestrian_carried_wheels",
    "other": "mode_other",
}
# The protocol's group sizes (survey_group) are the codes of the passers' `group`.
GROUP_COLUMNS = {
    "alone": "group_1",
    "pair": "group_2",
    "group": "group_3-7",
    "large_group": "group_8+",
}

# Flattened column names (lower case, no separators) that begin like these are mode
# columns; the longest beginning that fits decides the mode. The protocol's other modes
# (animal, snow, water, vehicles) and rolling (skateboard, scooter) count as `other`.
MODE_PREFIXES = {
    "modepedestrian": "on_foot",
    "modewalking": "on_foot",
    "modepedestriansupported": "wheelchair",
    "modewheelchair": "wheelchair",
    "modepedestriancarried": "pushchair",
    "modestroller": "pushchair",
    "modepushchair": "pushchair",
    "modepram": "pushchair",
    "modebicyclist": "bicycle",
    "modebicycle": "bicycle",
    "modebike": "bicycle",
    "modecyclist": "bicycle",
    "modepedestrianrolling": "other",
    "moderolling": "other",
    "modescooter": "other",
    "modeskateboard": "other",
    "modeanimal": "other",
    "modesnow": "other",
    "modewater": "other",
    "modevehicle": "other",
    "modeother": "other",
}


def flat(key: str) -> str:
    """A normalised column name without separators: mode_pedestrian → modepedestrian."""
    return key.replace("_", "").replace("-", "")


def mode_of(key: str) -> str | None:
    """The Terloops mode a (normalised) PLDP column counts, or None if it is no mode column."""
    name = flat(key)
    fitting = [prefix for prefix in MODE_PREFIXES if name.startswith(prefix)]
    return MODE_PREFIXES[max(fitting, key=len)] if fitting else None


def _listed(names: list[str]) -> str:
    """A few column names for the report."""
    return ", ".join(names[:3]) + (", …" if len(names) > 3 else "")


def detect(headers: list[str]) -> tuple[str, str]:
    """(kind, why) of a table with these column names."""
    modes = [h.strip() for h in headers if mode_of(normalise(h))]
    postures = [h.strip() for h in headers if flat(normalise(h)).startswith("posture")]
    if modes and not postures:
        return MOVING, f"mode columns ({_listed(modes)}) and no posture column"
    if modes:
        return STAYING, f"posture columns ({_listed(postures)}); mode columns not used"
    return STAYING, "no mode columns"
