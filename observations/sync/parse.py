"""Turning a raw synced record into checked, canonical values, or messages per field."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import format_datetime
from flask_babel import gettext as _

from .. import scan_rules
from ..models import Encounter, FieldNote, Study, utcnow
from ..text import TextRule, rule_of
from . import fields as f
from . import passers
from .context import BatchContext, SessionInfo, StudyInfo

KINDS = ("session", "scan", "encounter", "note", "passers")
# The texts a record carries follow their model columns' rules (text.py).
STUDY_RULE = rule_of(Study.slug)
OPTIONAL_STUDY_RULE = TextRule(STUDY_RULE.longest)
NOTE_RULE = rule_of(Encounter.note)
TEXT_RULE = rule_of(FieldNote.text)
# The other fields a record can carry (codes, ids, times, …): none of their strings may hold
# what cannot be stored. The texts (study, note, text) are checked by their rules instead;
# fields of no kind are ignored, never echoed.
# The time each kind of record within a session carries.
TIME_FIELDS = {
    "scan": "observed_at",
    "encounter": "occurred_at",
    "note": "written_at",
    "passers": "started_at",
}
CODED_FIELDS = {
    "uuid", "kind", "revision", "device_time", "codebook_version", "retracted",
    "site", "zones", "slot", "started_at", "ended_at", "weather", "temperature_c",
    "crowding", "programme", "session", "zone", "observed_at", "counts", "conditions",
    "occurred_at", "encounter_type", "parties", "relation", "flags", "written_at",
    "minutes",
}  # fmt: skip
MAX_COUNT = 9999
# A phone whose clock runs a day ahead is misconfigured; its times cannot be trusted.
FUTURE_TOLERANCE = timedelta(days=1)


class RecordInvalid(Exception):
    """A record that cannot be stored, with a message per field."""

    def __init__(self, errors: dict[str, list[str]], unknown_session: bool = False):
        super().__init__(errors)
        self.errors = errors
        self.unknown_session = unknown_session


@dataclass
class Parsed:
    """A checked record: who it belongs to and its content in canonical form."""

    kind: str
    uuid: str
    revision: int
    study: StudyInfo
    content: dict
    session: SessionInfo | None = None
    # Why the study takes nothing new from the owner now (archived, membership ended): the
    # record is refused unless it is a copy of one already stored (store.py).
    refusal: str | None = None
    # What the phone should know besides the status (a session the server closed, late.py).
    notice: str | None = None


class Reader:
    """Reads fields of one record, collecting a message per bad field."""

    def __init__(self, record: dict):
        self.record = record
        self.errors: dict[str, list[str]] = {}

    def get(self, name: str, read, *args, required: bool = False, default=None):
        """Read one field with `read`; missing optional fields give the default."""
        raw = self.record.get(name)
        try:
            value = default if raw is None else read(raw, *args)
        except f.FieldError as error:
            self.fail(name, str(error))
            return None
        if required and value in (None, ""):
            self.fail(name, _("This field is required."))
        return value

    def fail(self, name: str, message: str) -> None:
        """Note what is wrong with a field."""
        self.errors.setdefault(name, []).append(message)

    def check(self, unknown_session: bool = False) -> None:
        """Raise if any field was wrong."""
        if self.errors:
            raise RecordInvalid(self.errors, unknown_session)


def parse(record, ctx: BatchContext) -> Parsed:
    """Check a raw record and return it in canonical form, or raise RecordInvalid."""
    if not isinstance(record, dict):
        raise RecordInvalid({"record": [_("A record is an object with fields.")]})
    reader = Reader(record)
    for name in CODED_FIELDS.intersection(record):
        problem = f.unstorable(record[name])
        if problem:
            reader.fail(name, problem)
    reader.check()
    uuid = reader.get("uuid", f.a_uuid, required=True)
    kind = record.get("kind")
    if kind not in KINDS:
        reader.fail("kind", _("Unknown kind: use session, scan, encounter, note or passers."))
    revision = reader.get("revision", f.whole, 1, default=1)
    reader.check()
    common = {
        "device_time": reader.get("device_time", f.moment),
        "retracted": reader.get("retracted", f.boolean, default=False),
    }
    if kind == "session":
        return _session(reader, ctx, uuid, revision, common)
    return _child(reader, ctx, kind, uuid, revision, common)


def _rules(reader: Reader, ctx: BatchContext, study: StudyInfo):
    """The codebook version the record was coded with (the current one if not given)."""
    version = reader.get("codebook_version", f.whole, 1, default=ctx.current_version(study))
    rules = ctx.rules(study, version) if version else None
    if version and rules is None:
        reader.fail("codebook_version", _("This study has no codebook version %(v)s.", v=version))
    return rules


def _session(reader, ctx, uuid, revision, common) -> Parsed:
    """A session: study, site, zones, times and the conditions it started under."""
    slug = reader.get("study", f.text, STUDY_RULE, required=True)
    study = ctx.study(slug) if slug else None
    refusal = ctx.refusal(study) if study is not None else None
    if slug and study is None:
        reader.fail("study", _("Unknown study %(slug)s, or you are not a member of it.", slug=slug))
    reader.check()
    rules = _rules(reader, ctx, study)
    sites = ctx.zones_of_sites(study)
    site = reader.get("site", f.ident, required=True)
    if site is not None and site not in sites:
        reader.fail("site", _("This site does not belong to the study."))
    elif site in ctx.archived_sites(study) and ctx.session(uuid, slug) is None:
        reader.fail("site", _("This site has been archived: start the session at another site."))
    zones = reader.get("zones", f.id_list, required=True)
    if zones == []:
        reader.fail("zones", _("Choose at least one zone."))
    elif zones and site in sites and not set(zones) <= sites[site]:
        reader.fail("zones", _("A zone does not belong to this site."))
    slot = reader.get("slot", f.ident)
    slot_row = ctx.slot(slot) if slot else None
    if slot and (slot_row is None or slot_row.study_id != study.id or slot_row.site_id != site):
        reader.fail("slot", _("This slot does not belong to this study and site."))
    started = reader.get("started_at", f.moment, required=True)
    ended = reader.get("ended_at", f.moment)
    if started and started > utcnow() + FUTURE_TOLERANCE:
        reader.fail("started_at", _("The start lies in the future; check the phone's clock."))
    if started and ended and ended < started:
        reader.fail("ended_at", _("The session ends before it starts."))
    codes = rules.codes if rules else {}
    content = {
        "study": slug,
        "site": site,
        "zones": zones,
        "slot": slot,
        "started_at": started,
        "ended_at": ended,
        "weather": reader.get(
            "weather", f.code_list, codes.get("weather", set()), "weather", default=[]
        ),
        "temperature_c": reader.get("temperature_c", f.number, -50, 60),
        "crowding": reader.get("crowding", f.code, codes.get("crowding", set()), "crowding"),
        "programme": reader.get("programme", f.code, codes.get("programme", set()), "programme"),
        "codebook_version": rules.version if rules else None,
        **common,
    }
    if refusal and reader.errors:
        reader.fail("study", refusal)
    reader.check()
    return Parsed("session", uuid, revision, study, content, refusal=refusal)


def _child(reader, ctx, kind, uuid, revision, common) -> Parsed:
    """A scan, encounter, note or people-moving count: checked against its session."""
    session_uuid = reader.get("session", f.a_uuid, required=True)
    slug = reader.get("study", f.text, OPTIONAL_STUDY_RULE)
    reader.check()
    session = ctx.session(session_uuid, slug or None)
    if session is None:
        reader.fail("session", _("Unknown session: send the session record first."))
        reader.check(unknown_session=True)
    if session.fieldworker_id != ctx.owner.id:
        reader.fail("session", _("This session belongs to another fieldworker."))
    reader.check()
    rules = _rules(reader, ctx, session.study)
    codes = rules.codes if rules else {}
    site_zones, counting_lines = ctx.zones_of_session_site(session)
    zone = reader.get("zone", f.ident, required=kind in ("scan", "passers"))
    if zone is not None and zone not in site_zones:
        reader.fail("zone", _("This zone does not belong to the session's site."))
    elif zone is not None and kind == "passers":
        problem = passers.zone_problem(zone, uuid, session, counting_lines)
        if problem:
            reader.fail("zone", problem)
    time_field = TIME_FIELDS[kind]
    at = reader.get(time_field, f.moment, required=True)
    if at is not None and not _within(at, session):
        reader.fail(time_field, _outside_message(session))
    content = {
        "session": session.uuid,
        "zone": zone,
        time_field: at,
        "codebook_version": rules.version if rules else None,
        **common,
    }
    if kind == "scan":
        content["counts"] = reader.get("counts", _counts, rules, required=True)
        content["conditions"] = reader.get(
            "conditions", f.code_list, codes.get("conditions", set()), "conditions", default=[]
        )
        _arithmetic(reader, content, rules)
    elif kind == "encounter":
        content.update(
            encounter_type=reader.get(
                "encounter_type",
                f.code,
                codes.get("encounter_type", set()),
                "encounter_type",
                required=True,
            ),
            parties=reader.get("parties", f.code, codes.get("parties", set()), "parties"),
            relation=reader.get("relation", f.code, codes.get("relation", set()), "relation"),
            flags=reader.get("flags", f.code_list, codes.get("flags", set()), "flags", default=[]),
            note=reader.get("note", f.text, NOTE_RULE, default=""),
        )
    elif kind == "passers":
        content["minutes"] = reader.get("minutes", f.whole, 1, 60, default=10)
        content["counts"] = reader.get("counts", passers.counts, rules, required=True)
    else:
        content["text"] = reader.get("text", f.text, TEXT_RULE, required=True)
    refusal = ctx.refusal(session.study)
    if refusal and reader.errors:
        reader.fail("study", refusal)
    reader.check()
    return Parsed(kind, uuid, revision, session.study, content, session, refusal)


def _within(at: datetime, session: SessionInfo) -> bool:
    """Whether a moment lies within the session (an open session has no end yet, and the
    end the server gave a forgotten one moves to its late records: sync/late.py)."""
    if at < session.started_at:
        return False
    return session.ended_at is None or session.auto_closed_at is not None or at <= session.ended_at


def _outside_message(session: SessionInfo) -> str:
    """Explain the session's time span."""
    start = format_datetime(session.started_at, "short")
    if session.ended_at is None:
        return _("The time lies before the session started (%(start)s).", start=start)
    end = format_datetime(session.ended_at, "short")
    return _("The time lies outside the session (%(start)s – %(end)s).", start=start, end=end)


def _counts(value, rules) -> dict[str, dict[str, int]]:
    """Scan counts {category: {code: count}}; zero counts are dropped."""
    if not isinstance(value, dict):
        raise f.FieldError(_("Give counts as {category: {code: number}}."))
    if rules is None:
        return {}
    counts: dict[str, dict[str, int]] = {}
    for category, per_code in value.items():
        if rules.applies_to.get(category) != "scan" or rules.multiple.get(category):
            raise f.FieldError(_("Unknown scan category %(category)s.", category=str(category)))
        if not isinstance(per_code, dict):
            raise f.FieldError(_("Give counts as {category: {code: number}}."))
        for code, count in per_code.items():
            f.code(code, rules.codes[category], category)
            count = f.whole(count, 0, MAX_COUNT)
            if count:
                counts.setdefault(category, {})[code] = count
    return {category: dict(sorted(per.items())) for category, per in sorted(counts.items())}


def _arithmetic(reader: Reader, content: dict, rules) -> None:
    """A scan obeys its codebook's per-person rules (scan_rules.py), as the phone checks too.

    A withdrawn scan is not checked: withdrawing one stored before a rule existed must work.
    """
    if content["retracted"] or rules is None or not rules.scan:
        return
    if None in (content["counts"], content["conditions"]):
        return
    for message in scan_rules.problems(content["counts"], content["conditions"], rules.scan):
        reader.fail("counts", message)
