"""A queue file downloaded on a phone, uploaded by a coordinator into the same sync path."""

from collections import Counter
from dataclasses import dataclass, field

from flask_babel import gettext as _

from . import audit, json_input, text
from .access import archived_message
from .extensions import db
from .models import AuditEvent, Study, User
from .sync import KINDS, MAX_BATCH, sync_records
from .validation import Invalid

# The longest UUID a report shows; anything longer is cut (a real one has 36 characters).
SHOWN_UUID = 40


@dataclass
class UploadReport:
    """What happened to the records of an uploaded queue file."""

    total: int = 0
    statuses: Counter = field(default_factory=Counter)
    problems: list[dict] = field(default_factory=list)


def read_queue(raw: bytes) -> dict:
    """Parse a queue file, or raise Invalid explaining why it is not one."""
    try:
        queue = json_input.loads(raw)
    except json_input.NotJSON:
        raise Invalid.single("file", _("This file is not a Terloops queue (not JSON).")) from None
    except json_input.TooDeep as error:
        raise Invalid.single("file", str(error)) from None
    if (
        not isinstance(queue, dict)
        or queue.get("format") != "terloops-queue"
        or not isinstance(queue.get("records"), list)
    ):
        raise Invalid.single(
            "file",
            _("This file is not a Terloops queue: download it from the phone's status line."),
        )
    return queue


def upload_queue(
    queue: dict, study: Study, fieldworker: User, coordinator: User, filename: str
) -> UploadReport:
    """Sync the queue's records as the fieldworker's, within the study; audit the upload."""
    if study.archived_at is not None:
        raise Invalid.single("file", archived_message(study))
    report = UploadReport()
    records = queue["records"]
    for start in range(0, len(records), MAX_BATCH):
        batch = records[start : start + MAX_BATCH]
        for record, result in zip(
            batch,
            sync_records(fieldworker, batch, actor=coordinator, study=study.slug),
            strict=True,
        ):
            report.total += 1
            report.statuses[result["status"]] += 1
            if result["status"] in ("invalid", "conflict"):
                report.problems.append({**result, **_shown(record, result)})
    audit.record(
        "upload",
        "queue",
        _storable_name(filename),
        {"fieldworker": [None, fieldworker.username], "statuses": [None, dict(report.statuses)]},
        actor=coordinator,
        study_id=study.id,
    )
    db.session.commit()
    return report


def _shown(record, result: dict) -> dict:
    """A refused record's UUID and kind as a page can show them, whatever the file held."""
    kind = record.get("kind") if isinstance(record, dict) else None
    uuid = result["uuid"]
    return {
        "kind": kind if kind in KINDS else None,
        "uuid": text.visible(uuid[:SHOWN_UUID]) if isinstance(uuid, str) else None,
    }


def _storable_name(filename: str | None) -> str:
    """The uploaded file's name as the audit trail can keep it."""
    longest = text.rule_of(AuditEvent.entity_key).longest
    return text.visible((filename or "").strip())[:longest] or "queue"
