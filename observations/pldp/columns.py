"""How PLDP columns and Terloops codes correspond, in both directions.

Export writes the protocol's own column names where they exist (gender_male, age_0-14,
posture_standing, group_1, activity_consuming, …) and `<category>_<code>` for the rest,
which a PLDP study may add. Import reads those, Seattle's older names (Male, Age_0-4,
SittingFormal_Public, …), and refuses race and ethnicity columns: Terloops records no
ethnicity (AVG art. 9).
"""

import re

# (category, code) → PLDP column, where the protocol names one.
EXPORT_NAMES = {
    ("gender", "man"): "gender_male",
    ("gender", "woman"): "gender_female",
    ("gender", "unknown"): "gender_unknown",
    ("age", "0-14"): "age_0-14",
    ("age", "15-24"): "age_15-24",
    ("age", "25-64"): "age_25-64",
    ("age", "65+"): "age_65+",
    ("posture", "standing"): "posture_standing",
    ("posture", "sitting_fixed"): "posture_sitting_formal_public_fixed",
    ("posture", "sitting_movable"): "posture_sitting_formal_public_movable",
    ("posture", "sitting_informal"): "posture_sitting_informal",
    ("posture", "lying"): "posture_lying",
    ("company", "alone"): "group_1",
    ("company", "pair"): "group_2",
    ("company", "group"): "group_3-7",
    ("company", "large_group"): "group_8+",
    ("activity", "conversing"): "activity_conversing",
    ("activity", "eating_drinking"): "activity_consuming",
    ("activity", "buying_selling"): "activity_commercial",
    ("activity", "cultural"): "activity_cultural",
    ("activity", "active_play"): "activity_recreation_active",
}

# Other spellings found in PLDP data sets (Seattle 2018, the protocol's subcategories).
IMPORT_NAMES = {
    "male": ("gender", "man"),
    "female": ("gender", "woman"),
    "age_0_4": ("age", "0-14"),
    "age_5_14": ("age", "0-14"),
    "age_5_9": ("age", "0-14"),
    "age_10_14": ("age", "0-14"),
    "age_15_17": ("age", "15-24"),
    "age_18_24": ("age", "15-24"),
    "age_25_44": ("age", "25-64"),
    "age_45_64": ("age", "25-64"),
    "age_25_34": ("age", "25-64"),
    "age_35_44": ("age", "25-64"),
    "age_45_54": ("age", "25-64"),
    "age_55_64": ("age", "25-64"),
    "age_65_74": ("age", "65+"),
    "age_75": ("age", "65+"),
    "standing": ("posture", "standing"),
    "leaning": ("posture", "standing"),
    "posture_leaning": ("posture", "standing"),
    "sittingformal_public": ("posture", "sitting_fixed"),
    "sittingformal_commercial": ("posture", "sitting_movable"),
    "sittingformal_private": ("posture", "sitting_movable"),
    "posture_sitting_formal": ("posture", "sitting_fixed"),
    "sittinginformal": ("posture", "sitting_informal"),
    "lying": ("posture", "lying"),
    "commercialactivity_providing": ("activity", "buying_selling"),
    "commercialactivity_buying": ("activity", "buying_selling"),
    "commercialactivity_observing": ("activity", "buying_selling"),
    "eating_drinking": ("activity", "eating_drinking"),
    "talking": ("activity", "conversing"),
    "culturalactivity": ("activity", "cultural"),
    "usingelectronics": ("activity", "phone"),
    "activity_electronic_engagement": ("activity", "phone"),
    "activerecreation": ("activity", "active_play"),
    "passiverecreation": ("activity", "resting"),
    "activity_recreation_passive": ("activity", "resting"),
    "waitingtransportation": ("activity", "waiting"),
    "activity_waiting_transfer": ("activity", "waiting"),
    "civicwork": ("activity", "working"),
    "activity_working_civic": ("activity", "working"),
}

# Columns the default codebook has no code for: the import adds these codes to the study's
# codebook (in a new version), so no person's count is dropped.
EXTENSION_CODES = {
    "smoking": ("activity", "smoking", "roken", "smoking"),
    "activity_smoking": ("activity", "smoking", "roken", "smoking"),
    "disruptiveactivity_aggressive": (
        "activity",
        "disruptive_aggressive",
        "storend: agressief",
        "disruptive: aggressive",
    ),
    "disruptiveactivity_intoxicated": (
        "activity",
        "disruptive_intoxicated",
        "storend: onder invloed",
        "disruptive: intoxicated",
    ),
    "livingactivities": (
        "activity",
        "living_public",
        "wonen in de openbare ruimte",
        "living in public",
    ),
    "activity_living_public": (
        "activity",
        "living_public",
        "wonen in de openbare ruimte",
        "living in public",
    ),
    "soliciting": ("activity", "soliciting", "werven of bedelen", "soliciting"),
    "activity_soliciting": ("activity", "soliciting", "werven of bedelen", "soliciting"),
}

# An extension code also answers to its exported name, `<category>_<code>`.
EXTENSION_CODES.update(
    {
        f"{category}_{code}": (category, code, nl, en)
        for category, code, nl, en in list(EXTENSION_CODES.values())
    }
)

# Race and ethnicity: never imported.
REFUSED = {
    "white",
    "blackafricanamerican",
    "americanindian_alaskannative",
    "asian",
    "nativehawaiian_pacificislander",
    "latino",
    "multiple_races",
    "race_unknown",
}

# The protocol's context columns of a single table, in its order (export writes these).
CONTEXT_COLUMNS = [
    "agency_name",
    "agency_email",
    "study_manager_name",
    "study_protocol_version",
    "study_id",
    "location_id",
    "location_country",
    "location_city",
    "location_geometry",
    "location_name_primary",
    "location_name_secondary",
    "location_subdivision",
    "survey_id",
    "survey_time_start",
    "survey_time_stop",
    "survey_representation",
    "survey_method",
    "survey_microclimate",
    "survey_temperature_c",
    "survey_time_character",
    "survey_surveyor_name",
    "row_id",
    "row_total",
]

# Columns that describe the survey, not counts of people: the protocol's, and older names.
CONTEXT = set(CONTEXT_COLUMNS) | {
    "unique_id",
    "day_of_week",
    "time_of_day",
    "date",
    "start_time",
    "end_time",
    "conditions",
    "weather",
    "temperature",
    "surveyor",
    "group_size",
    "notes",
    "survey_notes",
}

WEATHER = {
    "heavy_clouds": "clouds_heavy",
    "light_clouds": "clouds_light",
    "light_rain": "rain_light",
    "heavy_rain": "rain_heavy",
    "light_snow": "snow_light",
    "heavy_snow": "snow_heavy",
    "weak_wind": "wind_weak",
    "strong_wind": "wind_strong",
    "light_wind": "wind_weak",
    "heavy_wind": "wind_strong",
    "wind_light": "wind_weak",
    "wind_heavy": "wind_strong",
}

PROGRAMME = {
    "cultural_communal": "cultural_event",
    "cultural_communal_event": "cultural_event",
    "commercial_event": "commercial_event",
    "commercial": "commercial_event",
    "political_religious": "political_religious",
    "political_religious_activity": "political_religious",
    "national_local_holiday": "holiday",
    "holiday": "holiday",
    "accidents_emergency": "emergency",
    "accident_emergency": "emergency",
    "roadwork_construction": "construction",
}

# Terloops weather code → PLDP survey_microclimate value.
MICROCLIMATE = {
    "sun_exposed": "sun - exposed",
    "sun_shaded": "sun - shaded",
    "clouds_light": "clouds - light",
    "clouds_heavy": "clouds - heavy",
    "rain_light": "rain - light",
    "rain_heavy": "rain - heavy",
    "fog": "fog",
    "wind_weak": "wind - weak",
    "wind_strong": "wind - strong",
    "snow_light": "snow - light",
    "snow_heavy": "snow - heavy",
}

# Terloops programme code → PLDP survey_time_character value.
TIME_CHARACTER = {
    "cultural_event": "cultural/communal event",
    "commercial_event": "commercial event",
    "political_religious": "political/religious activity",
    "holiday": "national/local holiday",
    "emergency": "accident/emergency",
    "construction": "roadwork/construction",
}


def normalise(name: str) -> str:
    """A column name or value in one comparable form: lower case, words joined by _."""
    return re.sub(r"[^a-z0-9]+", "_", (name or "").strip().lower()).strip("_")


def export_name(category: str, code: str) -> str:
    """The PLDP column for a Terloops code."""
    return EXPORT_NAMES.get((category, code), f"{category}_{code}")


def weather_code(value: str, valid: set[str]) -> str | None:
    """A Terloops weather code for a PLDP microclimate value, if there is one."""
    key = normalise(value)
    code = WEATHER.get(key, key)
    return code if code in valid else None


def programme_code(value: str) -> str | None:
    """A Terloops programme code for PLDP time_character or Seattle conditions."""
    key = normalise(value).removeprefix("event_")
    return PROGRAMME.get(key)
