"""A scan's arithmetic, written down once: every person counted has one age, one gender, …

`rules_for(categories, version)` turns a codebook's `Category.per_person` ("exactly_one",
"at_most_one") and its zone condition `empty` into a small JSON-able dict. `problems(counts,
conditions, rules)` checks a scan against it. The server checks every synced scan with it
(sync/parse.py); the phone gets the same dict (capture.py) and checks the draft with the
same algorithm and the same translated messages (static/js/scan_rules.js) before saving.
"""

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

# The zone condition that means "nobody here".
EMPTY = ("conditions", "empty")

# The messages of both checkers; a key ending in `_one` is the form for n == 1.
MESSAGES = {
    "scan_empty": _l("Count at least one person, or mark the zone as empty."),
    "scan_marked_empty": _l(
        "Marked as empty, but %(n)s people counted. Remove the mark or the counts."
    ),
    "scan_marked_empty_one": _l(
        "Marked as empty, but %(n)s person counted. Remove the mark or the counts."
    ),
    "scan_totals_differ": _l(
        "%(first)s: %(a)s counted, %(second)s: %(b)s counted. Each person has exactly one of "
        "each, so the totals must be equal."
    ),
    "scan_no_people": _l(
        "%(category)s: %(count)s counted, but no people. Count the people first (%(exactly)s)."
    ),
    "scan_over": _l(
        "%(category)s: %(count)s counted, but %(n)s people. Each person counts at most once here."
    ),
    "scan_over_one": _l(
        "%(category)s: %(count)s counted, but %(n)s person. Each person counts at most once here."
    ),
}


def messages() -> dict[str, str]:
    """The messages in the current language, for the phone."""
    return {key: str(text) for key, text in MESSAGES.items()}


def rules_for(categories, version: int) -> dict:
    """The scan rules of a codebook version: who counts once, at most once, and "empty"."""
    rules: dict = {"exactly_one": [], "at_most_one": [], "empty": None, "labels": {}}
    for category in categories:
        if category.applies_to != "scan":
            continue
        if category.per_person in ("exactly_one", "at_most_one"):
            rules[category.per_person].append(category.key)
            rules["labels"][category.key] = {"nl": category.label_nl, "en": category.label_en}
        if category.key == EMPTY[0] and any(
            c.code == EMPTY[1] and c.valid_in(version) for c in category.codes
        ):
            rules["empty"] = EMPTY[1]
    return rules


def _say(key: str, **values) -> str:
    """A message in the current language; with n == 1 its `_one` form."""
    text = MESSAGES.get(f"{key}_one") if values.get("n") == 1 else None
    return str(text or MESSAGES[key]) % values


def problems(counts: dict, conditions: list, rules: dict, locale: str | None = None) -> list[str]:
    """What breaks the scan's arithmetic, in the user's language (empty list: fine)."""
    locale = locale or str(get_locale())
    label = {key: names.get(locale) or names["nl"] for key, names in rules["labels"].items()}
    total = {key: sum(per.values()) for key, per in counts.items()}
    empty = rules["empty"] is not None and rules["empty"] in conditions
    found = []
    if rules["empty"] is not None and not empty and not any(total.values()):
        found.append(_say("scan_empty"))
    if empty and any(total.values()):
        found.append(_say("scan_marked_empty", n=max(total.values())))
    exactly = rules["exactly_one"]
    first = exactly[0] if exactly else None
    for other in exactly[1:]:
        if total.get(other, 0) != total.get(first, 0):
            found.append(
                _say(
                    "scan_totals_differ",
                    first=label[first],
                    a=total.get(first, 0),
                    second=label[other],
                    b=total.get(other, 0),
                )
            )
    if not exactly:
        return found
    people = max(total.get(key, 0) for key in exactly)
    for key in rules["at_most_one"]:
        count = total.get(key, 0)
        if count > people == 0:
            names = ", ".join(label[k] for k in exactly)
            found.append(_say("scan_no_people", category=label[key], count=count, exactly=names))
        elif count > people:
            found.append(_say("scan_over", category=label[key], count=count, n=people))
    return found
