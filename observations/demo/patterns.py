"""How life at each demo site varies, so that every chart of the indicators has a story to tell.

Per site (by name): when it is busy (hour of the slot, weekend), how often a programme runs
and in which zone, how fast recognition grows over the weeks (the *publieke familiariteit*
trend: rising where staff host, flat in the park and at the market), how often encounters
cross age groups and company, and how regular the visitors look. The rates and multipliers
are plausible, not measured; the site profiles of conditions.py are written to fit them.
"""

from dataclasses import dataclass, field

# What a zone condition does to the encounter rate in that zone while it holds.
CONDITION_EFFECT = {
    "staff_hosting": 1.8,
    "organised_activity": 1.8,
    "movable_seats": 1.5,
}
# A programme draws more people to the whole site, beyond the zone it runs in.
PROGRAMME_PEOPLE = 1.25
# How likely a toggling zone condition is to hold during a session, when the zone has it.
MOVABLE_SEATS_OUT = 0.7
# The share of the time of day in the visitor mix: who comes in the morning, after school,
# in the evening (multipliers on the zone's age weights, by the window the scan falls in).
AGE_BY_WINDOW = {
    "morning": {"65+": 1.8, "0-14": 0.5},
    "afternoon": {"0-14": 1.5},
    "evening": {"15-24": 1.7, "65+": 0.5, "0-14": 0.4},
}


@dataclass(frozen=True)
class Pattern:
    """The rhythm of one site."""

    # Encounters per observed hour at an ordinary moment, before zone conditions.
    rate: float
    # Multiplier on people and encounters by the local hour the slot starts at.
    hours: dict[int, float]
    # Multiplier on Saturdays and Sundays.
    weekend: float
    # What is on, with relative weights; and the zone a programme is held in.
    programmes: dict[str, int]
    programme_zone: str
    # The chance that a zone able to host (staff_hosting in its conditions) is hosted.
    hosting: float
    # The share of encounters between familiar faces (recognised or acquainted) on the
    # first and on the last past day, for an average mix of encounter types.
    familiarity: tuple[float, float]
    # Chances of the encounter flags.
    across_ages: float
    different_company: tuple[float, float]  # (between strangers, otherwise)
    via_object: float
    # Weights of the 'regular' scan category (the weight of "regular" grows with familiarity).
    regulars: dict[str, float] = field(default_factory=dict)

    def familiar(self, progress: float) -> float:
        """The familiar share a share `progress` (0..1) through the past weeks."""
        first, last = self.familiarity
        return first + (last - first) * progress

    def regular_weight(self, progress: float) -> float:
        """The weight of "regular" in scans: it grows as faces grow familiar."""
        middle = self.familiar(0.5)
        return self.regulars.get("regular", 1) * self.familiar(progress) / middle


PATTERNS = {
    "Nieuwe Bibliotheek Almere": Pattern(
        rate=11,
        hours={10: 0.7, 14: 1.25, 19: 0.75},
        weekend=1.3,
        programmes={"none": 7, "regular_programme": 2, "cultural_event": 1},
        programme_zone="Kinderhoek",
        hosting=0.65,
        familiarity=(0.3, 0.72),
        across_ages=0.24,
        different_company=(0.45, 0.2),
        via_object=0.1,
        regulars={"regular": 3, "new": 3, "unknown": 3},
    ),
    "Wijkpark Cromvliet": Pattern(
        rate=8,
        hours={10: 0.65, 15: 1.35, 18: 0.85},
        weekend=1.6,
        programmes={"none": 18, "cultural_event": 1},
        programme_zone="Grasveld",
        hosting=0.0,
        familiarity=(0.42, 0.42),
        across_ages=0.34,
        different_company=(0.5, 0.25),
        via_object=0.3,
        regulars={"regular": 3, "new": 2, "unknown": 4},
    ),
    "Markt Rotterdam-Zuid": Pattern(
        rate=15,
        hours={10: 1.15, 13: 1.05, 15: 0.8},
        weekend=1.35,
        programmes={"none": 18, "commercial_event": 1},
        programme_zone="Eetkramen en plein",
        hosting=0.0,
        familiarity=(0.55, 0.55),
        across_ages=0.16,
        different_company=(0.35, 0.15),
        via_object=0.08,
        regulars={"regular": 5, "new": 1, "unknown": 2},
    ),
    "VerHalenHuis Tilburg": Pattern(
        rate=10,
        hours={10: 0.9, 14: 1.2, 19: 0.75},
        weekend=0.7,
        programmes={"none": 5, "regular_programme": 3, "cultural_event": 1},
        programme_zone="Verhalenzaal",
        hosting=0.8,
        familiarity=(0.35, 0.8),
        across_ages=0.45,
        different_company=(0.55, 0.3),
        via_object=0.06,
        regulars={"regular": 3, "new": 3, "unknown": 2},
    ),
    "Krachtstation Kanaleneiland": Pattern(
        rate=9,
        hours={10: 0.75, 15: 1.25, 19: 0.85},
        weekend=0.7,
        programmes={"none": 6, "regular_programme": 3, "cultural_event": 1},
        programme_zone="Werkplaats",
        hosting=0.45,
        familiarity=(0.28, 0.72),
        across_ages=0.27,
        different_company=(0.4, 0.15),
        via_object=0.12,
        regulars={"regular": 2, "new": 3, "unknown": 3},
    ),
}


def window_of_hour(hour: int) -> str:
    """The time window of a local hour, as the indicators cut the day."""
    return "morning" if hour < 12 else "afternoon" if hour < 17 else "evening"
