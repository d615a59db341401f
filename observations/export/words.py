"""Words an export writes that are not codebook codes, in the export's own language."""

from functools import cache

from flask_babel import force_locale
from flask_babel import gettext as _

from ..models import REVIEW_STATES, SITE_KINDS


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
    }


@cache
def _codes() -> dict:
    """Raw codes for the 'codes' labels setting."""
    return {"review": {s: s for s in REVIEW_STATES}, "kind": {k: k for k in SITE_KINDS}}


def words(labels: str) -> dict:
    """Review states and site kinds in Dutch, English or as raw codes."""
    if labels == "codes":
        return _codes()
    with force_locale(labels):
        return _texts()
