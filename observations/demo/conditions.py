"""What the demo's coordinator would have entered: opening hours, site profiles and when the
observers can observe, so that the schedule generator and the profile pages have something
real to work with. Hours and profiles are plausible, not taken from the real places."""

from datetime import date, time, timedelta

from ..extensions import db
from ..models import Availability, Membership, OpeningHours, SiteProfile

WEEK, WEEKDAYS, MON_SAT = range(7), range(5), range(6)

# Per site (by name): (weekdays, opens, closes); a site not listed is open all day (a park).
OPENING = {
    "Nieuwe Bibliotheek Almere": [(WEEKDAYS, "09:30", "21:00"), ((5, 6), "10:00", "21:00")],
    "Markt Rotterdam-Zuid": [((2, 5), "08:00", "17:00")],
    "VerHalenHuis Tilburg": [(MON_SAT, "09:00", "21:30")],
    "Krachtstation Kanaleneiland": [(MON_SAT, "09:00", "21:30")],
}

# The profiles fit what the generated data shows (patterns.py): hosting staff and movable seats
# where encounters are frequent and recognition grows (the library, the two community centres),
# none of either in the park, where the rate is lowest and recognition stays flat.
PROFILES = {
    "Nieuwe Bibliotheek Almere": {
        "functions": ["library", "cafe", "workshop_room", "exhibition", "counter", "toilets"],
        "activities_per_week": 18,
        "activity_groups": ["children", "young_people", "older_people", "newcomers"],
        "seating_fixed": 220,
        "seating_movable": 90,
        "light": "good",
        "air": "adequate",
        "space": "spacious",
        "hosting": "always",
    },
    "Wijkpark Cromvliet": {
        "functions": ["playground", "garden", "sports"],
        "activities_per_week": 2,
        "activity_groups": ["children", "families"],
        "seating_fixed": 24,
        "seating_movable": 0,
        "light": "adequate",
        "air": "good",
        "space": "spacious",
        "hosting": "none",
    },
    "Markt Rotterdam-Zuid": {
        "functions": ["market_stalls", "cafe"],
        "activities_per_week": 0,
        "activity_groups": ["everyone"],
        "seating_fixed": 12,
        "seating_movable": 20,
        "light": "good",
        "air": "good",
        "space": "cramped",
        "hosting": "sometimes",
    },
    "VerHalenHuis Tilburg": {
        "functions": ["cafe", "meeting_room", "workshop_room", "exhibition", "toilets"],
        "activities_per_week": 12,
        "activity_groups": ["older_people", "adults", "newcomers"],
        "seating_fixed": 40,
        "seating_movable": 60,
        "light": "adequate",
        "air": "adequate",
        "space": "adequate",
        "hosting": "always",
    },
    "Krachtstation Kanaleneiland": {
        "functions": ["cafe", "workshop_room", "meeting_room", "sports", "counter", "toilets"],
        "activities_per_week": 15,
        "activity_groups": ["young_people", "adults", "families"],
        "seating_fixed": 30,
        "seating_movable": 80,
        "light": "good",
        "air": "poor",
        "space": "adequate",
        "hosting": "sometimes",
    },
}


def _clock(text: str) -> time:
    """ "09:30" as a time."""
    return time.fromisoformat(text)


def add_conditions(places, memberships: list[Membership], today: date) -> None:
    """Opening hours, setting and a profile (valid from eight weeks ago) for each demo site,
    and weekly availability for the second observer (the first can observe any time)."""
    for position, (spec, site) in enumerate(places):
        site.setting = "indoor" if spec["indoors"] else "outdoor"
        site.position = position
        for days, opens, closes in OPENING.get(site.name, []):
            for weekday in days:
                site.opening_hours.append(
                    OpeningHours(weekday=weekday, opens=_clock(opens), closes=_clock(closes))
                )
        db.session.add(
            SiteProfile(
                site_id=site.id,
                valid_from=today - timedelta(weeks=8),
                data=PROFILES[site.name],
                note="Vastgelegd bij de start van de demostudie.",
            )
        )
    second = memberships[1]
    for weekday in MON_SAT:
        second.availability.append(
            Availability(weekday=weekday, starts=_clock("09:00"), ends=_clock("21:30"))
        )
