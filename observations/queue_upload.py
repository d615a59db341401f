"""A queue file downloaded on a phone, uploaded by a coordinator into the same sync path."""

import json
from collections import Counter
from dataclasses import dataclass, field

from flask_babel import gettext as _

from . import audit
from .extensions import db
from .models import Study, User
from .sync import MAX_BATCH, sync_records
from .validation import Invalid


@dataclass
class UploadReport:
    """What happened to the records of an uploaded queue file."""

    total: int = 0
    statuses: Counter = field(default_factory=Counter)
    problems: list[dict] = field(default_factory=list)


def read_queue(raw: bytes) -> dict:
    """Parse a queue file, or raise Invalid explaining why it is not one."""
    try:
        queue = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise Invalid.single("file", _("This file is not a Terloops queue (not JSON).")) from None
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
                kind = record.get("kind") if isinstance(record, dict) else None
                report.problems.append({**result, "kind": kind})
    audit.record(
        "upload",
        "queue",
        filename[:64] or "queue",
        {"fieldworker": [None, fieldworker.username], "statuses": [None, dict(report.statuses)]},
        actor=coordinator,
        study_id=study.id,
    )
    db.session.commit()
    return report
