"""The shapes PLDP tables come in, told apart by their header.

- `snake`: the protocol's single table and Seattle's layout (location_id, survey_id or
  survey_time_start or Date, gender_male or Male, Age_0-4, …).
- `camel`: the camelCase dialect of the Stae transform that San Francisco and others used
  (id, name, startedAt like `09/22/17 10:00 PM`, genderMale, age0To14,
  postureSittingPublic, activityConsuming, location as a point, headers with trailing
  spaces). A row is one person or group; a survey is a location (its name) at a start time.

Either way a point location per row (the camel `location`, latitude/longitude columns) is
never stored: Terloops keeps no person-level locations. Rows map to zones by location.
"""

from .columns import EXTENSION_CODES, normalise

SNAKE, CAMEL = "snake", "camel"
DESCRIPTION = {
    SNAKE: "PLDP single table (snake_case, as the protocol and Seattle write it)",
    CAMEL: "camelCase (Stae transform: genderMale, age0To14, startedAt)",
}
POINT = "point"

# Columns holding a point per row, in any dialect (normalised names).
POINT_COLUMNS = {
    "latitude",
    "longitude",
    "lat",
    "lon",
    "lng",
    "long",
    "point",
    "coordinates",
    "row_latitude",
    "row_longitude",
}

# camelCase context columns (normalised: lower case) → the snake name the reader knows.
CAMEL_CONTEXT = {
    "id": "row_id",
    "name": "location_id",
    "startedat": "started_at",
    "endedat": "ended_at",
    "surveyor": "surveyor",
    "climate": "weather",
    "temperature": "temperature",
    "notes": "notes",
    "unitaddress": "location_name_secondary",
    "location": POINT,
}

# camelCase count columns → (category, code) of the default codebook.
CAMEL_COUNTS = {
    "gendermale": ("gender", "man"),
    "genderfemale": ("gender", "woman"),
    "genderunknown": ("gender", "unknown"),
    "age0to14": ("age", "0-14"),
    "age15to24": ("age", "15-24"),
    "age25to64": ("age", "25-64"),
    "age65plus": ("age", "65+"),
    "ageunknown": ("age", "unknown"),
    "posturestanding": ("posture", "standing"),
    "posturesittingpublic": ("posture", "sitting_fixed"),
    "posturesittingprivate": ("posture", "sitting_movable"),
    "posturesittinginformal": ("posture", "sitting_informal"),
    "posturelying": ("posture", "lying"),
    "activityconsuming": ("activity", "eating_drinking"),
    "activityconversing": ("activity", "conversing"),
    "activityplaying": ("activity", "active_play"),
    "activityrunning": ("activity", "active_play"),
    "activityrollerbladingskateboarding": ("activity", "active_play"),
    "activityculturallyengaged": ("activity", "cultural"),
    "activitywaitingtransport": ("activity", "waiting"),
    "activitycommercial": ("activity", "buying_selling"),
    "activityelectronics": ("activity", "phone"),
    "activityworking": ("activity", "working"),
}

# camelCase columns the default codebook has no code for: added to the study's codebook,
# where they are the same activity as a Seattle column, as the same code.
CAMEL_EXTENSION = {
    "activityhomelesscamping": EXTENSION_CODES["livingactivities"],
    "activitypanhandling": EXTENSION_CODES["soliciting"],
    "activitysmoking": EXTENSION_CODES["smoking"],
    "posturesitting": (
        "posture",
        "sitting_unspecified",
        "zittend (niet nader bepaald)",
        "sitting (unspecified)",
    ),
    "activitysleep": ("activity", "sleeping", "slapen", "sleeping"),
    "activitypet": ("activity", "pet", "met een huisdier", "with a pet"),
    "activitysubstanceuse": ("activity", "substance_use", "middelengebruik", "substance use"),
}

# The categories of which each person has exactly one: a camel row that counts fewer in
# one of them than its people is completed with the category's "unknown".
COMPLETED = ("gender", "age")


def detect(headers: list[str]) -> str | None:
    """The dialect of a table with these column names, or None if it is not PLDP."""
    keys = {normalise(h) for h in headers}
    if "location_id" in keys:
        return SNAKE
    if "name" in keys and "startedat" in keys:
        return CAMEL
    return None


def camel_column(key: str):
    """How the camel dialect reads a (normalised) column: (kind, target) or None."""
    flat = key.replace("_", "")
    if flat in CAMEL_CONTEXT:
        target = CAMEL_CONTEXT[flat]
        return (POINT, None) if target == POINT else ("context", target)
    if flat in CAMEL_COUNTS:
        return "count", CAMEL_COUNTS[flat]
    if flat in CAMEL_EXTENSION:
        return "extension", CAMEL_EXTENSION[flat]
    return None
