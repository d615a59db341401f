"""Every text field a person can set, each sent a hostile string by the route its user takes.

A Field plants one string (hostile.py) as its user would: a form with its CSRF token through
the test client, the sync API with the phone's cookie and X-CSRFToken, a queue file upload,
or the admin's command line. It returns the Outcome: "stored" (and where it shows), or
"refused" (with a message); what else was typed must survive a refusal.
"""

import io
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import unescape
from urllib.parse import urlencode

from sqlalchemy import func, select

from observations import text
from observations.extensions import db
from observations.models import (
    ApiToken,
    AuditEvent,
    Encounter,
    ExportPreset,
    FieldNote,
    Site,
    Study,
    User,
    Zone,
)
from tests.access import areas
from tests.access import world as worlds
from tests.access.hostile import Hostile, field_errors, html_problems, is_dutch, shown
from tests.conftest import AuthActions
from tests.factories import PASSWORD

# The lone surrogate reaches a form as the bytes a non-browser client would send (a browser
# sends U+FFFD instead); it must never be stored as a surrogate.
AS_RECEIVED = "stored as received"


@dataclass
class Outcome:
    """What became of one hostile string in one field."""

    kind: str = ""  # "stored", "refused" or AS_RECEIVED
    problems: list[str] = field(default_factory=list)
    stored: str | None = None

    def fail(self, problem: str) -> None:
        """Note something wrong."""
        self.problems.append(problem)


class Bench:
    """The app, its world, and a logged-in test client per actor."""

    def __init__(self, app, world):
        self.app, self.world = app, world
        self._clients: dict[str, tuple] = {}
        self.counter = 0
        self.results: dict[tuple[str, str], Outcome] = {}  # (field, marker) -> outcome
        self.names: dict[str, str] = {}  # actor -> the hostile display name they took
        self.planting_seconds = 0.0

    def client(self, actor: str):
        """(test client, CSRF token) of the actor, logged in through the real form."""
        if actor not in self._clients:
            self._clients[actor] = worlds.logged_in(self.app, self.world, actor)
        return self._clients[actor]

    def next_number(self) -> int:
        """A number no earlier call got (for unique short names and UUIDs)."""
        self.counter += 1
        return self.counter

    def get(self, actor: str, url: str):
        """GET as the actor; the answer is read in full."""
        client, _token = self.client(actor)
        answer = client.get(url)
        answer.get_data()
        answer.close()
        return answer

    def post(self, actor: str, url: str, fields: dict):
        """POST a form as the actor, as URL-encoded bytes (a lone surrogate as WTF-8 bytes)."""
        client, token = self.client(actor)
        pairs = [(k, v.encode("utf-8", "surrogatepass")) for k, v in fields.items()]
        return client.post(
            url,
            data=urlencode([*pairs, ("csrf_token", token)]),
            content_type="application/x-www-form-urlencoded",
        )

    def upload(self, actor: str, url: str, fields: dict, file: bytes, name: str):
        """POST a multipart form with one file, as a browser sends it."""
        client, token = self.client(actor)
        return client.post(
            url,
            data={**fields, "file": (io.BytesIO(file), name), "csrf_token": token},
            content_type="multipart/form-data",
        )

    def sync(self, actor: str, records: list[dict]):
        """POST records to the sync API as the phone does: cookie and X-CSRFToken."""
        client, token = self.client(actor)
        return client.post(
            "/api/v1/sync",
            data=json.dumps({"records": records}),  # a lone surrogate as the escape \ud800
            content_type="application/json",
            headers={"X-CSRFToken": token},
        )

    def cli(self, *args: str):
        """Run a flask command of the app."""
        return self.app.test_cli_runner().invoke(args=list(args))

    def scalar(self, statement):
        """One value from the database."""
        with self.app.app_context():
            return db.session.scalar(statement)

    def user_id(self, actor: str) -> int:
        """The actor's account id."""
        return self.scalar(select(User.id).filter_by(username=self.world.usernames[actor]))

    def study_id(self, key: str = "a") -> int:
        """The id of study a or b."""
        return self.world[f"id of study {key}"]


# -- judging an answer ------------------------------------------------------------------------


def judge_page(outcome: Outcome, answer, what: str = "the answer") -> str:
    """Check an HTML answer: no server error, nothing executable; return its text."""
    if answer.status_code >= 500:
        outcome.fail(f"{what}: HTTP {answer.status_code}")
        return ""
    page = answer.get_data(as_text=True)
    if "text/html" in answer.content_type:
        outcome.problems += [f"{what}: {p}" for p in html_problems(page)]
    return page


def judge_refusal(outcome: Outcome, answer, hostile: Hostile, kept: tuple[str, ...] = ()) -> None:
    """A refused form: 422, a message in Dutch per bad field, and everything typed still there."""
    page = judge_page(outcome, answer, "the refusal")
    outcome.kind = "refused"
    if answer.status_code not in (400, 422):
        outcome.fail(f"refused with HTTP {answer.status_code}, not 422")
    messages = field_errors(page)
    if not messages:
        outcome.fail("refused without a message under the field")
    outcome.problems += [f"a message not in Dutch: {m!r}" for m in messages if not is_dutch(m)]
    if hostile.marker not in page:
        outcome.fail("the refused text is gone from the form (what was typed is lost)")
    lost = [value for value in kept if shown(value) not in page]
    outcome.problems += [f"{value!r}, typed in another field, is lost" for value in lost]


def judge_stored(outcome: Outcome, stored: str | None, hostile: Hostile, form: bool) -> None:
    """Compare what the database holds with what was sent."""
    outcome.stored = stored
    if stored is None:
        outcome.fail("accepted, but nothing stored")
    elif stored == hostile.stored:
        outcome.kind = "stored"
    elif form and hostile.marker == "hz15" and hostile.marker in stored:
        outcome.kind = AS_RECEIVED
        if any("\ud800" <= c <= "\udfff" for c in stored):
            outcome.fail("a lone surrogate was stored")
    else:
        outcome.kind = "stored"
        outcome.fail(f"stored differently: {stored[:80]!r} (length {len(stored)})")


def judge_shown(outcome: Outcome, page: str, where: str) -> None:
    """The stored text appears on the page that shows it, escaped and whole."""
    if outcome.stored is not None and shown(outcome.stored) not in page:
        outcome.fail(f"not shown back exactly on {where}")


def judge_sync(outcome: Outcome, answer, records: int) -> list[dict]:
    """A sync answer: 200, one result per record, an invalid one with Dutch messages."""
    if answer.status_code != 200:
        outcome.fail(f"sync answered HTTP {answer.status_code}")
        return []
    results = answer.get_json()["results"]
    if len(results) != records:
        outcome.fail(f"{len(results)} results for {records} records")
    for result in results:
        if result["status"] == "invalid":
            messages = [m for ms in result.get("errors", {}).values() for m in ms]
            if not messages:
                outcome.fail("an invalid record without a message")
            outcome.problems += [f"not in Dutch: {m!r}" for m in messages if not is_dutch(m)]
    return results


# -- the records a phone sends ----------------------------------------------------------------


def now_iso() -> str:
    """The current time as a phone writes it."""
    return datetime.now(UTC).isoformat()


def note(session: str, value: str) -> dict:
    """A field note for a session."""
    return {
        "uuid": str(uuid.uuid4()),
        "kind": "note",
        "session": session,
        "written_at": now_iso(),
        "text": value,
    }


def encounter(session: str, **fields) -> dict:
    """An encounter in a session."""
    return {
        "uuid": str(uuid.uuid4()),
        "kind": "encounter",
        "session": session,
        "occurred_at": now_iso(),
        "encounter_type": "greeting",
        "parties": "visitor_visitor",
        "relation": "recognised",
        **fields,
    }


# -- the fields -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """A text field a person can set, and how its user sets it."""

    name: str
    plant: Callable[[Bench, Hostile], Outcome]
    longest: int = 0  # the text's limit (text.rule_of); a longer string must be refused
    multiline: bool = False
    always_refused: bool = False  # a short name, a date, a choice: no hostile string fits
    always_kept: bool = False  # a file's name: kept as far as it can be, never refused
    via_form: bool = True  # a form (the lone surrogate arrives as bytes) or JSON / a file

    def allowed(self, hostile: Hostile) -> set[str]:
        """The outcomes that are right for this string in this field."""
        if self.always_refused:
            return {"refused"}
        if self.always_kept:
            return {"stored"}
        if hostile.marker == "hz15" and self.via_form:
            return {"refused", AS_RECEIVED}
        too_long = self.longest and len(hostile.stored) > self.longest
        if hostile.refused or too_long or (hostile.multiline and not self.multiline):
            return {"refused"}
        if hostile.leading_control:
            return {"stored", "refused"}  # stripped first, or refused as a control character
        return {"stored"}


def _login_username(bench: Bench, hostile: Hostile) -> Outcome:
    outcome = Outcome("refused")
    client = bench.app.test_client()
    token = AuthActions(client).token()
    fields = {"username": hostile.value, "password": "geen-wachtwoord", "remember": "y"}
    pairs = [(k, v.encode("utf-8", "surrogatepass")) for k, v in fields.items()]
    answer = client.post(
        "/login",
        data=urlencode([*pairs, ("csrf_token", token)]),
        content_type="application/x-www-form-urlencoded",
    )
    page = judge_page(outcome, answer)
    if answer.status_code != 200:
        outcome.fail(f"HTTP {answer.status_code}, expected the login form again (200)")
    messages = field_errors(page) or _summary(page)
    if not messages:
        outcome.fail("no message")
    outcome.problems += [f"not in Dutch: {m!r}" for m in messages if not is_dutch(m)]
    if hostile.marker not in page:
        outcome.fail("the username typed is gone from the form")
    return outcome


def _summary(page: str) -> list[str]:
    """The message in the error summary above a form."""
    found = re.search(r'<div class="error-summary"[^>]*>\s*<p>(.*?)</p>', page, re.S)
    return [unescape(found.group(1)).strip()] if found else []


def _login_password(bench: Bench, hostile: Hostile) -> Outcome:
    outcome = Outcome("refused")
    client = bench.app.test_client()
    token = AuthActions(client).token()
    value = hostile.value.encode("utf-8", "surrogatepass")
    answer = client.post(
        "/login",
        data=urlencode([("username", "niemand"), ("password", value), ("csrf_token", token)]),
        content_type="application/x-www-form-urlencoded",
    )
    page = judge_page(outcome, answer)
    if answer.status_code != 200:
        outcome.fail(f"HTTP {answer.status_code}, expected the login form again (200)")
    messages = field_errors(page) or _summary(page)
    outcome.problems += [f"not in Dutch: {m!r}" for m in messages if not is_dutch(m)]
    if not messages:
        outcome.fail("no message")
    if hostile.marker in page:
        outcome.fail("the password is shown back")
    return outcome


def _display_name(bench: Bench, hostile: Hostile, actor: str = "lead_a") -> Outcome:
    outcome = Outcome()
    answer = bench.post(actor, "/account", {"display_name": hostile.value, "locale": "nl"})
    if answer.status_code != 302:
        judge_refusal(outcome, answer, hostile)
        return outcome
    stored = bench.scalar(select(User.display_name).filter_by(id=bench.user_id(actor)))
    judge_stored(outcome, stored, hostile, form=True)
    judge_shown(outcome, judge_page(outcome, bench.get(actor, "/account")), "the account page")
    judge_shown(outcome, judge_page(outcome, bench.get("admin", "/admin/")), "the admin page")
    return outcome


def _token_name(bench: Bench, hostile: Hostile) -> Outcome:
    outcome = Outcome()
    answer = bench.post("lead_a", "/account/tokens", {"name": hostile.value})
    if answer.status_code != 200:
        judge_refusal(outcome, answer, hostile)
        return outcome
    judge_page(outcome, answer, "the new token's page")
    stored = bench.scalar(
        select(ApiToken.name)
        .filter_by(user_id=bench.user_id("lead_a"))
        .order_by(ApiToken.id.desc())
        .limit(1)
    )
    judge_stored(outcome, stored, hostile, form=True)
    judge_shown(outcome, judge_page(outcome, bench.get("lead_a", "/account")), "the account page")
    return outcome


def export_url(bench: Bench) -> str:
    """The export page of study A."""
    return f"/studies/{bench.world['study a']}/research/export"


def _preset_name(bench: Bench, hostile: Hostile) -> Outcome:
    outcome = Outcome()
    fields = {"format": "csv", "labels": "en", "date_from": "2026-01-02"}
    answer = bench.post(
        "lead_a", export_url(bench), {**fields, "preset_name": hostile.value, "save_preset": "1"}
    )
    if answer.status_code != 302:
        judge_refusal(outcome, answer, hostile, kept=("2026-01-02",))
        return outcome
    stored = bench.scalar(
        select(ExportPreset.name)
        .filter_by(user_id=bench.user_id("lead_a"))
        .order_by(ExportPreset.id.desc())
        .limit(1)
    )
    judge_stored(outcome, stored, hostile, form=True)
    page = judge_page(outcome, bench.get("lead_a", answer.location), "the preset's page")
    judge_shown(outcome, page, "the preset's export page")
    return outcome


def _new_study(bench: Bench, hostile: Hostile, target: str) -> Outcome:
    """The admin's new-study form with the hostile string in one of its three fields."""
    outcome = Outcome()
    number = bench.next_number()
    fields = {
        "name": f"Studie {number} {hostile.marker}",
        "slug": f"hz-studie-{number}",
        "description": f"Beschrijving blijft staan {number}",
        target: hostile.value,
    }
    before = bench.scalar(select(func.count()).select_from(Study))
    answer = bench.post("admin", "/admin/studies", fields)
    kept = tuple(v for k, v in fields.items() if k != target)
    if answer.status_code != 302:
        judge_refusal(outcome, answer, hostile, kept=kept)
        if bench.scalar(select(func.count()).select_from(Study)) != before:
            outcome.fail("refused, yet a study was created")
        return outcome
    stored = bench.scalar(select(getattr(Study, target)).order_by(Study.id.desc()).limit(1))
    judge_stored(outcome, stored, hostile, form=True)
    if target == "name":
        judge_shown(outcome, judge_page(outcome, bench.get("admin", "/admin/")), "the admin page")
    return outcome


def queue_url(bench: Bench) -> str:
    """The queue upload page of study A."""
    return f"/studies/{bench.world['study a']}/manage/queue"


def queue_file(records: list) -> bytes:
    """A queue file as the phone's download button writes it."""
    queue = {"format": "terloops-queue", "version": 1, "user": 1, "records": records}
    return json.dumps(queue).encode()


def file_name(value: str) -> str:
    """A file's name as a browser sends it (HTML's multipart/form-data encoding algorithm).

    A lone surrogate becomes U+FFFD; LF, CR and " are sent as %0A, %0D and %22.
    """
    value = re.sub("[\ud800-\udfff]", "\ufffd", value)
    return value.replace("\n", "%0A").replace("\r", "%0D").replace('"', "%22")


def _queue_file_name(bench: Bench, hostile: Hostile) -> Outcome:
    """The name of an uploaded queue file, kept in the audit trail as far as it can be."""
    outcome = Outcome()
    session = bench.world["session of fieldworker_a"]
    good = note(session, f"Wachtrijbestand {hostile.marker}")
    name = file_name(hostile.value)
    answer = bench.upload(
        "coordinator_a",
        queue_url(bench),
        {"fieldworker": str(bench.user_id("fieldworker_a"))},
        queue_file([good]),
        name,
    )
    judge_page(outcome, answer, "the report")
    if answer.status_code != 200:
        outcome.fail(f"the upload answered HTTP {answer.status_code}")
    if bench.scalar(select(FieldNote.id).filter_by(uuid=good["uuid"])) is None:
        outcome.fail("the file's record was not stored")
    stored = bench.scalar(
        select(AuditEvent.entity_key)
        .filter_by(action="upload", entity="queue")
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    outcome.kind, outcome.stored = "stored", stored
    longest = text.rule_of(AuditEvent.entity_key).longest
    if stored is None or hostile.marker not in stored:
        outcome.fail(f"the audit trail does not name the file: {stored!r}")
    elif text.character_problem(stored) or len(stored) > longest:
        outcome.fail(f"the audit trail holds what cannot be stored: {stored!r}")
    return outcome


def _queue_file_records(bench: Bench, hostile: Hostile) -> Outcome:
    """A queue file whose note holds the string and whose encounter has it as a code."""
    outcome = Outcome()
    session = bench.world["session of fieldworker_a"]
    hostile_note = note(session, hostile.value)
    coded = encounter(session, encounter_type=hostile.value)
    good = note(session, f"Goed in de wachtrij {hostile.marker}")
    body = json.dumps(
        {"format": "terloops-queue", "version": 1, "records": [hostile_note, coded, good]}
    ).encode()
    answer = bench.upload(
        "coordinator_a",
        queue_url(bench),
        {"fieldworker": str(bench.user_id("fieldworker_a"))},
        body,
        "wachtrij.json",
    )
    page = judge_page(outcome, answer, "the report")
    if answer.status_code != 200:
        outcome.fail(f"the upload answered HTTP {answer.status_code}")
        return outcome
    if bench.scalar(select(FieldNote.id).filter_by(uuid=good["uuid"])) is None:
        outcome.fail("the good record of the file was lost")
    if bench.scalar(select(Encounter.id).filter_by(uuid=coded["uuid"])) is not None:
        outcome.fail("an encounter with a hostile code was stored")
    if coded["uuid"] not in page:
        outcome.fail("the report does not list the refused encounter")
    stored = bench.scalar(select(FieldNote.text).filter_by(uuid=hostile_note["uuid"]))
    if stored is None:
        outcome.kind = "refused"
        if hostile_note["uuid"] not in page:
            outcome.fail("the report does not list the refused note")
    else:
        judge_stored(outcome, stored, hostile, form=False)
    return outcome


def _synced(bench: Bench, hostile: Hostile, record: dict, column, kind: str) -> Outcome:
    """Send a record holding the string next to a good note; judge both results."""
    outcome = Outcome()
    session = bench.world["session of fieldworker_a"]
    good = note(session, f"Goede notitie {hostile.marker}")
    answer = bench.sync("fieldworker_a", [record, good])
    results = judge_sync(outcome, answer, 2)
    if len(results) != 2:
        return outcome
    if results[1]["status"] != "created":
        outcome.fail(f"the good note next to it was {results[1]['status']}: nothing else lost")
    if results[0]["status"] == "invalid":
        outcome.kind = "refused"
        if bench.scalar(select(column).filter_by(uuid=record["uuid"])) is not None:
            outcome.fail("invalid, yet stored")
        return outcome
    if results[0]["status"] != "created":
        outcome.fail(f"{kind}: {results[0]}")
    stored = bench.scalar(select(column).filter_by(uuid=record["uuid"]))
    judge_stored(outcome, stored, hostile, form=False)
    # The phone shows it again from GET /api/v1/sessions/<uuid> (another device).
    answer = bench.get("fieldworker_a", f"/api/v1/sessions/{session}")
    texts = [r.get("text", r.get("note")) for r in answer.get_json()["records"]]
    if outcome.stored is not None and outcome.stored not in texts:
        outcome.fail("not given back exactly by GET /api/v1/sessions/<uuid>")
    return outcome


def _note_text(bench: Bench, hostile: Hostile) -> Outcome:
    record = note(bench.world["session of fieldworker_a"], hostile.value)
    return _synced(bench, hostile, record, FieldNote.text, "note")


def _encounter_note(bench: Bench, hostile: Hostile) -> Outcome:
    record = encounter(bench.world["session of fieldworker_a"], note=hostile.value)
    return _synced(bench, hostile, record, Encounter.note, "encounter")


def _encounter_code(bench: Bench, hostile: Hostile) -> Outcome:
    record = encounter(bench.world["session of fieldworker_a"], relation=hostile.value)
    return _synced(bench, hostile, record, Encounter.relation, "encounter")


def _session_study(bench: Bench, hostile: Hostile) -> Outcome:
    outcome = Outcome()
    site = bench.world["site of study a"]
    session = {
        "uuid": str(uuid.uuid4()),
        "kind": "session",
        "study": hostile.value,
        "site": site,
        "zones": bench.world["zones of study a"],
        "started_at": now_iso(),
    }
    answer = bench.sync("fieldworker_a", [session])
    results = judge_sync(outcome, answer, 1)
    outcome.kind = "refused" if results and results[0]["status"] == "invalid" else "stored"
    return outcome


def _export_date(bench: Bench, hostile: Hostile) -> Outcome:
    outcome = Outcome()
    fields = {"format": "xlsx", "labels": "nl", "preset_name": "Blijft staan"}
    answer = bench.post("lead_a", export_url(bench), {**fields, "date_from": hostile.value})
    judge_refusal(outcome, answer, hostile, kept=("Blijft staan",))
    return outcome


def _choice(bench: Bench, hostile: Hostile, actor: str, url: str, fields: dict) -> Outcome:
    """A select or checkbox sent a value it never offered."""
    outcome = Outcome()
    answer = bench.post(actor, url, fields)
    if answer.status_code == 302:
        outcome.kind = "stored"
        outcome.fail("a value the form never offered was accepted")
        return outcome
    judge_page(outcome, answer, "the refusal")
    outcome.kind = "refused"
    if answer.status_code not in (400, 422):
        outcome.fail(f"refused with HTTP {answer.status_code}, not 422")
    page = answer.get_data(as_text=True)
    messages = field_errors(page)
    if not messages:
        outcome.fail("refused without a message")
    outcome.problems += [f"not in Dutch: {m!r}" for m in messages if not is_dutch(m)]
    return outcome


def _language_choice(bench: Bench, hostile: Hostile) -> Outcome:
    fields = {"display_name": "Lead Anjer", "locale": hostile.value}
    return _choice(bench, hostile, "lead_a", "/account", fields)


def _export_site_choice(bench: Bench, hostile: Hostile) -> Outcome:
    fields = {"format": "csv", "labels": "nl", "sites": hostile.value, "export": "1"}
    return _choice(bench, hostile, "lead_a", export_url(bench), fields)


def _export_format_choice(bench: Bench, hostile: Hostile) -> Outcome:
    fields = {"format": hostile.value, "labels": "nl", "export": "1"}
    return _choice(bench, hostile, "lead_a", export_url(bench), fields)


def _cli_display_name(bench: Bench, hostile: Hostile) -> Outcome:
    """`flask create-user NAME --name …`, the admin's way to make an account."""
    outcome = Outcome()
    username = f"hz-cli-{bench.next_number()}"
    result = bench.cli("create-user", username, "--name", hostile.value, "--password", PASSWORD)
    if result.exception and not isinstance(result.exception, SystemExit):
        outcome.fail(f"the command crashed: {result.exception!r}")
        return outcome
    return judge_new_account_command(bench, outcome, result, username, hostile)


def judge_new_account_command(bench, outcome: Outcome, result, username: str, hostile) -> Outcome:
    """A command that makes an account with a hostile display name: stored, or refused in
    Dutch with no account made."""
    stored = bench.scalar(select(User.display_name).filter_by(username=username))
    if result.exit_code == 0:
        judge_stored(outcome, stored, hostile, form=False)
        return outcome
    outcome.kind = "refused"
    if stored is not None:
        outcome.fail("refused, yet the account was created")
    messages = [line.removeprefix("Fout: ") for line in result.output.splitlines() if line]
    if not messages:
        outcome.fail("refused without a message")
    outcome.problems += [f"not in Dutch: {m!r}" for m in messages if not is_dutch(m)]
    return outcome


PLDP_TABLE = (
    "Location_ID,Survey_ID,Date,Start_time,End_time,Surveyor,Male,Age_25-44,Standing\n"
    "{location},S1,20260105,1000,1010,W-{marker},1,1,1\n"
)


def _pldp_location(bench: Bench, hostile: Hostile, tmp) -> Outcome:
    """`flask import-pldp` with a locations file naming a place with the string."""
    import csv

    outcome = Outcome()
    location = f"L{hostile.marker}"
    places = io.StringIO()
    writer = csv.writer(places)
    writer.writerow(["Location_ID", "Location_City", "Location_Name_Primary"])
    writer.writerow([location, f"Stad {hostile.marker}", hostile.value])
    table, locations = tmp / f"{location}.csv", tmp / f"{location}-locations.csv"
    table.write_text(PLDP_TABLE.format(location=location, marker=hostile.marker))
    locations.write_bytes(places.getvalue().encode("utf-8", "surrogatepass"))
    study = bench.world["study a"]
    result = bench.cli("import-pldp", str(table), "--locations", str(locations), "--study", study)
    if result.exception and not isinstance(result.exception, SystemExit):
        outcome.fail(f"the command crashed: {result.exception!r}")
        return outcome
    site = bench.scalar(
        select(Site.name)
        .join(Zone, Zone.site_id == Site.id)
        .filter(Site.study_id == bench.study_id(), Zone.name.startswith(location))
    )
    if result.exit_code == 0:
        judge_stored(outcome, site, hostile, form=False)
        return outcome
    outcome.kind = "refused"
    if site is not None:
        outcome.fail("refused, yet the place was imported")
    messages = [line.removeprefix("Fout: ") for line in result.output.splitlines() if line]
    if not messages:
        outcome.fail("refused without a message")
    outcome.problems += [f"not in Dutch: {m!r}" for m in messages if not is_dutch(m)]
    return outcome


def _longest(column) -> int:
    """A model column's length limit (text.py)."""
    return text.rule_of(column).longest


def fields(tmp) -> list[Field]:
    """Every text field a person can set (tmp: a folder for the files a command reads)."""
    return [
        Field("login username (anonymous)", _login_username, always_refused=True),
        Field("login password (anonymous)", _login_password, always_refused=True),
        Field("account: display name", _display_name, _longest(User.display_name)),
        Field("account: language choice", _language_choice, always_refused=True),
        Field("account: API token name", _token_name, _longest(ApiToken.name)),
        Field("export: preset name", _preset_name, _longest(ExportPreset.name)),
        Field("export: date", _export_date, always_refused=True),
        Field("export: site choice", _export_site_choice, always_refused=True),
        Field("export: format choice", _export_format_choice, always_refused=True),
        Field(
            "admin: new study's name", lambda b, h: _new_study(b, h, "name"), _longest(Study.name)
        ),
        Field(
            "admin: new study's short name",
            lambda b, h: _new_study(b, h, "slug"),
            always_refused=True,
        ),
        Field(
            "admin: new study's description",
            lambda b, h: _new_study(b, h, "description"),
            _longest(Study.description),
            multiline=True,
        ),
        Field("queue upload: file name", _queue_file_name, always_kept=True, via_form=False),
        Field(
            "queue upload: records of the file",
            _queue_file_records,
            _longest(FieldNote.text),
            multiline=True,
            via_form=False,
        ),
        Field(
            "sync: note text",
            _note_text,
            _longest(FieldNote.text),
            multiline=True,
            via_form=False,
        ),
        Field(
            "sync: encounter's short note",
            _encounter_note,
            _longest(Encounter.note),
            via_form=False,
        ),
        Field("sync: an encounter's code", _encounter_code, always_refused=True, via_form=False),
        Field("sync: a session's study", _session_study, always_refused=True, via_form=False),
        Field(
            "command line: create-user --name",
            _cli_display_name,
            _longest(User.display_name),
            via_form=False,
        ),
        Field(
            "command line: import-pldp place name",
            lambda b, h: _pldp_location(b, h, tmp),
            _longest(Site.name),
            via_form=False,
        ),
    ] + [area_field for module in areas.modules("hostile") for area_field in module.fields(tmp)]
