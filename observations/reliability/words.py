"""The report's names and cases in words, in the user's language (for the page and the CLI)."""

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from .. import codebook
from ..models import Study
from .records import TOTAL
from .report import FLAG_PREFIX
from .stats import BANDS, landis_koch

# The edge cases of stats.Agreement and stats.Icc, said plainly.
CASES = {
    "no_pairs": _l("No matched pairs: nothing to compare."),
    "single_category": _l(
        "Both observers used one and the same category throughout: they agree fully, but κ is "
        "undefined."
    ),
    "perfect": _l("Perfect agreement."),
    "too_few": _l("Only one matched pair: the ICC needs at least two."),
    "no_variance": _l(
        "Every count is the same: the observers agree fully, but the ICC is undefined."
    ),
    "undefined": _l(
        "The ICC is undefined for these counts (its formula divides by zero): read the mean "
        "difference instead."
    ),
    "ok": "",
}


def labels(study: Study) -> dict[str, str]:
    """{name in the report: label} for every coding and count the study's codebook knows."""
    locale = str(get_locale())
    found = {TOTAL: str(_l("People counted (total)"))}
    for category in codebook.categories(study):
        if category.applies_to == "encounter" and not category.multiple:
            found[category.key] = category.label(locale)
        if category.applies_to == "scan" or f"{category.key}:" == FLAG_PREFIX:
            for code in category.codes:
                found[f"{category.key}:{code.code}"] = (
                    f"{category.label(locale)}: {code.label(locale)}"
                )
    return found


def band(value: float | None) -> str:
    """The Landis & Koch band of a kappa or ICC in words ("" when undefined)."""
    key = landis_koch(value)
    return str(BANDS[key]) if key else ""
