"""Words an export writes that are not codebook codes, in the export's own language."""

from functools import cache

from flask_babel import force_locale
from flask_babel import gettext as _

from ..models import PASSER_GROUPS, PASSER_MODES, REVIEW_STATES, SITE_KINDS


def _texts() -> dict:
    """The words, in whatever language is in force."""
    return {
        "review": {
            "pending": _("awaiting review"),
            "approved": _("approved"),
            "has_issues": _("has issues"),
            "rejected": _("rejected"),
        },
        "kind": {
            "library": _("library"),
            "park": _("park"),
            "market": _("market"),
            "community_centre": _("community centre"),
            "square": _("square"),
            "street": _("street"),
            "other": _("other"),
        },
        # The people-moving count's own categories (sync/passers.py), with their names.
        "category": {"mode": _("Mode"), "group": _("Group size")},
        "mode": {
            "on_foot": _("on foot"),
            "bicycle": _("bicycle"),
            "wheelchair": _("wheelchair or mobility aid"),
            "pushchair": _("in a pushchair or pram"),
            "other": _("other"),
        },
        "group": {
            "alone": _("alone"),
            "pair": _("pair"),
            "group": _("group (3–7)"),
            "large_group": _("large group (8+)"),
        },
    }


@cache
def _codes() -> dict:
    """Raw codes for the 'codes' labels setting."""
    return {
        "review": {s: s for s in REVIEW_STATES},
        "kind": {k: k for k in SITE_KINDS},
        "category": {"mode": "mode", "group": "group"},
        "mode": {m: m for m in PASSER_MODES},
        "group": {g: g for g in PASSER_GROUPS},
    }


def words(labels: str) -> dict:
    """Review states, site kinds and the passers-by codes in Dutch, English or as raw codes."""
    if labels == "codes":
        return _codes()
    with force_locale(labels):
        return _texts()
