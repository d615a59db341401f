"""Text of the import page (research/import), for the hostile-strings test: the name of the
uploaded table, kept in the list of imports as far as it can be (never refused). The place
names inside the file go through the same import as `flask import-pldp` (hostile_fields.py:
"command line: import-pldp place name")."""

import io

from sqlalchemy import select

from observations import text
from observations.models import ImportJob
from tests.access.hostile_fields import PLDP_TABLE, Field, Outcome, file_name, judge_page


def _table_name(bench, hostile) -> Outcome:
    """A small PLDP table uploaded under the string as its name."""
    outcome = Outcome()
    client, token = bench.client("lead_a")
    table = PLDP_TABLE.format(location=f"L{hostile.marker}", marker=hostile.marker).encode()
    url = f"/studies/{bench.world['study a']}/research/import"
    answer = client.post(
        url,
        data={"table": (io.BytesIO(table), file_name(hostile.value)), "csrf_token": token},
        content_type="multipart/form-data",
    )
    if answer.status_code != 302:
        outcome.fail(f"the upload answered HTTP {answer.status_code}")
    page = judge_page(outcome, client.get(url), "the list of imports")
    stored = bench.scalar(select(ImportJob.file_name).order_by(ImportJob.id.desc()).limit(1))
    outcome.kind, outcome.stored = "stored", stored
    longest = text.rule_of(ImportJob.file_name).longest
    if stored is None or hostile.marker not in stored:
        outcome.fail(f"the list of imports does not name the file: {stored!r}")
    elif text.character_problem(stored) or len(stored) > longest:
        outcome.fail(f"the job holds what cannot be stored: {stored!r}")
    elif str(hostile.marker) not in page:
        outcome.fail("the file's name is not shown in the list of imports")
    return outcome


def fields(tmp) -> list:
    """This area's text fields (hostile_fields.Field), each with how to set it."""
    return [Field("import page: table's file name", _table_name, always_kept=True, via_form=False)]
