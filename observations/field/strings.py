"""Texts the capture scripts show, translated on the server and handed to the page as JSON."""

from flask_babel import gettext as _

from .. import scan_rules


def client_strings() -> dict[str, str]:
    """Every text the field scripts need, in the user's language."""
    return {
        "saved": _("All saved"),
        "waiting": _("%(n)s records waiting to be sent"),
        "waiting_one": _("%(n)s record waiting to be sent"),
        "offline": _("Offline: %(n)s waiting, sent when there is a connection"),
        "failed": _("%(n)s waiting; sending failed, next try at %(time)s"),
        "auth": _("Log in again to send %(n)s records"),
        "last_sync": _("last sent %(time)s"),
        "rejected": _("%(n)s refused by the server"),
        "choose_site": _("Choose the site."),
        "choose_zone": _("Choose at least one zone."),
        "bad_time": _("Give the start time as hours and minutes, e.g. 14:30."),
        "future_time": _("The start time lies in the future."),
        "bad_temperature": _("Give the temperature in degrees Celsius, from -50 to 60."),
        "fix_fields": _("Please correct the marked fields."),
        "encounter_saved": _("Encounter saved: %(label)s"),
        "encounter_changed": _("Encounter changed: %(label)s"),
        "scan_saved": _("Scan of %(zone)s saved: %(n)s people"),
        "note_saved": _("Note saved"),
        "note_empty": _("Write a note first."),
        "undone": _("Undone: %(label)s"),
        "nothing_to_undo": _("Nothing to undo"),
        "undo_tap": _("tap %(label)s"),
        "removed": _("Removed: %(label)s"),
        "people": _("%(n)s people"),
        "people_one": _("%(n)s person"),
        "encounters": _("%(n)s encounters"),
        "encounters_one": _("%(n)s encounter"),
        "scans": _("%(n)s scans"),
        "scans_one": _("%(n)s scan"),
        "notes": _("%(n)s notes"),
        "notes_one": _("%(n)s note"),
        "ended": _("This session has ended. It can no longer be changed."),
        "closed_by_server": _(
            "Your session at %(site)s was closed automatically (%(time)s) because it was not ended."
        ),
        "closed_here": _(
            "This session was closed automatically at %(time)s because it was not ended. "
            "What you recorded is kept; it can no longer be changed."
        ),
        "unknown_session": _(
            "This session is not on this phone. Connect to the internet to load it."
        ),
        "no_session": _("No session chosen: start one or continue one from Fieldwork."),
        "not_yours": _("This session does not exist or is not yours."),
        "login_to_load": _("Log in again to load this session."),
        "whole_site": _("whole site"),
        "change": _("Change"),
        "remove": _("Remove"),
        "encounter": _("Encounter"),
        "scan": _("Scan"),
        "note": _("Note"),
        "started": _("started %(time)s"),
        "continue": _("Continue"),
        "logout_waiting": _(
            "%(n)s records have not been sent yet. They stay on this phone and "
            "are sent when you log in again. Log out anyway?"
        ),
        "kinds": {
            "session": _("Session"),
            "scan": _("Scan"),
            "encounter": _("Encounter"),
            "note": _("Note"),
            "passers": _("Passers-by count"),
        },
        "conflict": _("another version was stored already"),
        "dismiss": _("Remove"),
        "confirm_dismiss": _("Remove this refused record from the phone? It is then lost."),
        "minus_on": _("Correcting: taps subtract one"),
        "minus_off": _("Taps add one"),
        "not_saved": _("%(n)s not saved: the server refused them (listed below)."),
        "not_saved_one": _("%(n)s not saved: the server refused %(what)s – %(why)s"),
        "refused_now": _("Not saved: the server refused %(what)s."),
        "fix": _("Fix"),
        "fixing": _("Back in its editor: %(what)s. Correct it and save it again."),
        "replace_draft": _(
            "This zone has counts you have not saved. Replace them with the refused scan?"
        ),
        "group_total": _("%(count)s of %(n)s"),
        "too_long": _("At most %(longest)d characters; this has %(length)d."),
        **passer_strings(),
        "fields": field_names(),
        **scan_rules.messages(),
    }


def passer_strings() -> dict[str, str]:
    """Texts of the passers-by screen (static/js/passers.js)."""
    return {
        "counting_line": _("Counting line"),
        "passer_counts": _("%(n)s passer counts"),
        "passer_counts_one": _("%(n)s passer count"),
        "passers_total": _("%(n)s people passed"),
        "passers_total_one": _("%(n)s person passed"),
        "passers_record": _("Passers-by at %(zone)s: %(n)s people in %(minutes)s min"),
        "passers_record_one": _("Passers-by at %(zone)s: %(n)s person in %(minutes)s min"),
        "passers_running": _("%(zone)s · started %(time)s · period %(minutes)s min"),
        "passers_started": _("Count started at %(zone)s: tap once per person passing."),
        "passers_saved": _("Count saved: %(what)s"),
        "passers_time_up": _("Time is up: finish the count."),
        "passers_early": _(
            "The period is not over yet (%(left)s left). Finish now? The count is saved as "
            "%(minutes)s min."
        ),
        "passers_over": _(
            "%(category)s: %(counted)s people, more than the %(everyone)s counted by mode. "
            "Every person passing has a mode: tap it, or correct with −1."
        ),
        "passers_minutes": _("Give the period in whole minutes, from 1 to 60."),
    }


def field_names() -> dict[str, str]:
    """The sync API's field names in the user's words, for the server's reasons of refusal."""
    time = _("Time")
    return {
        "uuid": _("Record"),
        "kind": _("Kind of record"),
        "revision": _("Version"),
        "device_time": _("Phone's clock"),
        "codebook_version": _("Codebook version"),
        "retracted": _("Removed"),
        "study": _("Study"),
        "session": _("Session"),
        "site": _("Site"),
        "zone": _("Zone"),
        "zones": _("Zones"),
        "slot": _("Planned session"),
        "started_at": _("Start time"),
        "ended_at": _("End time"),
        "weather": _("Weather"),
        "temperature_c": _("Temperature"),
        "crowding": _("Crowding"),
        "programme": _("Programme"),
        "observed_at": time,
        "occurred_at": time,
        "written_at": time,
        "counts": _("Counts"),
        "conditions": _("Zone conditions"),
        "encounter_type": _("Type of encounter"),
        "parties": _("Who with whom"),
        "relation": _("Relation"),
        "flags": _("Details"),
        "note": _("Short note"),
        "text": _("Text"),
        "minutes": _("Period"),
    }
