"""Sessions, observed hours and encounters per observed hour, by type, intensity and coding."""

from ..models import Study
from .filters import Filters
from .results import Rate, Totals

# Encounter types grouped by intensity (DESIGN.md's range of contact, least to most intense).
INTENSITY = {
    "eye_contact": "fleeting",
    "greeting": "fleeting",
    "short_chat": "brief",
    "help": "brief",
    "conversation": "sustained",
    "joint_activity": "sustained",
    "friction": "friction",
}
INTENSITIES = ("fleeting", "brief", "sustained", "friction")
BY = ("encounter_type", "intensity", "parties", "relation")


def totals(study: Study, f: Filters) -> Totals:
    """Sessions, observed hours and encounters within the filters."""
    return Totals(0, 0.0, 0, Rate(0, 0.0))


def encounter_rates(study: Study, f: Filters, by: str) -> dict[str, Rate]:
    """Encounters per observed hour for every code of `by`, in codebook order.

    `by` is "encounter_type", "intensity", "parties" or "relation". Every rate has all observed
    hours as its denominator, so the rates of a category add up to the overall rate (plus the
    encounters without that coding, under the key "unknown" for parties and relation when any).
    """
    return {}
