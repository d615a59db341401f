"""Names for the codes indicators return, in the language in force.

Codebook codes get their codebook label (as the session page and the review sheet show
them); the indicators' own codes (intensity, time window, mixing dimension, condition factors
and levels) get names here. A code no list knows is shown as it is.
"""

from dataclasses import dataclass

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from .. import codebook
from ..models import Study
from ..sites.profile import BY_KEY as PROFILE_FIELDS

INTENSITY_NAMES = {
    "fleeting": _l("fleeting (eye contact, greeting)"),
    "brief": _l("brief (short chat, help)"),
    "sustained": _l("sustained (conversation, joint activity)"),
    "friction": _l("friction"),
}
WINDOW_NAMES = {
    "all": _l("whole day"),
    "morning": _l("morning (before 12:00)"),
    "afternoon": _l("afternoon (12:00–17:00)"),
    "evening": _l("evening (from 17:00)"),
}
DIMENSION_NAMES = {"age": _l("age groups"), "company": _l("company")}
RELATION_NAMES = {"unknown": _l("not coded")}
FACTOR_NAMES = {"programme": _l("Programme or event"), "crowding": _l("Crowding")}
LEVEL_NAMES = {
    "running": _l("programme running"),
    "none": _l("nothing running"),
    "yes": _l("yes"),
    "no": _l("no"),
    "unknown": _l("not recorded"),
}
PLACE_LEVELS = {"site": _l("site"), "neighbourhood": _l("neighbourhood"), "city": _l("city")}


@dataclass
class Labels:
    """The study's codebook labels and category names in one language."""

    codes: dict[tuple[str, str], str]
    categories: dict[str, str]

    def code(self, category: str, code: str) -> str:
        """A code's label (the code itself when the codebook does not know it)."""
        if category == "relation" and code in RELATION_NAMES:
            return str(RELATION_NAMES[code])
        return self.codes.get((category, code), code)

    def category(self, key: str) -> str:
        """A category's name."""
        return self.categories.get(key, key)

    def factor(self, factor: str) -> str:
        """A condition factor's name: programme, crowding, a zone condition, a profile item."""
        kind, _sep, key = factor.partition(":")
        if kind == "zone":
            return str(_l("Zone: %(condition)s", condition=self.code("conditions", key)))
        if kind == "profile":
            found = PROFILE_FIELDS.get(key)
            return str(_l("Site profile: %(item)s", item=found.label if found else key))
        return str(FACTOR_NAMES.get(factor, factor))

    def level(self, factor: str, level: str) -> str:
        """A level of a condition factor, e.g. a crowding code or a profile answer."""
        if factor == "crowding" and level != "unknown":
            return self.code("crowding", level)
        if factor.startswith("profile:"):
            found = PROFILE_FIELDS.get(factor.partition(":")[2])
            names = dict(found.choices) if found else {}
            if level in names:
                return str(names[level])
        return str(LEVEL_NAMES.get(level, level))


def labels_of(study: Study) -> Labels:
    """The study's labels in the language in force."""
    locale = str(get_locale())
    codes, categories = {}, {}
    for category in codebook.categories(study):
        categories[category.key] = category.label(locale)
        for code in category.codes:
            codes[(category.key, code.code)] = code.label(locale)
    return Labels(codes, categories)
