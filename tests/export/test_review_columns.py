"""The Sessions sheet's review_comment and flags columns (issue 10, item 7), xlsx and CSV."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from observations.extensions import db
from observations.models import Review, Session, Site, User
from observations.review.quality import FLAGS
from tests.export.test_csv import members
from tests.export.test_workbook import records, workbook

START = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
COMMENT = '=HYPERLINK("http://x") telling ontbreekt'
# The day of the short sessions, before the demo's fieldwork: an export of it is small.
ONE_DAY = {"date_from": START.date(), "date_to": START.date()}


def short_session(study, state: str = "has_issues") -> Session:
    """A five-minute session without records, reviewed twice: the newest says COMMENT."""
    lead = db.session.scalar(sa.select(User).filter_by(username="lead"))
    owner = db.session.scalar(sa.select(User).filter_by(username="fieldworker"))
    site = db.session.scalar(sa.select(Site).filter_by(name="Nieuwe Bibliotheek Almere"))
    session = Session(
        uuid=str(uuid.uuid4()),
        study_id=study.id,
        site_id=site.id,
        fieldworker_id=owner.id,
        started_at=START,
        ended_at=START + timedelta(minutes=5),
        review_state=state,
    )
    db.session.add(session)
    db.session.flush()
    db.session.add_all(
        [
            Review(
                session_id=session.id,
                reviewer_id=lead.id,
                state="rejected",
                comment="oud commentaar",
                created_at=START + timedelta(days=1),
            ),
            Review(
                session_id=session.id,
                reviewer_id=lead.id,
                state=state,
                comment=COMMENT,
                created_at=START + timedelta(days=2),
            ),
        ]
    )
    db.session.flush()
    return session


def row_of(rows: list[dict], session: Session) -> dict:
    """The Sessions row of one session."""
    return next(r for r in rows if int(r["session_id"]) == session.id)


def test_columns_follow_review_and_keep_their_widths(study, tmp_path):
    short_session(study)
    book, _ = workbook(study, tmp_path, full=True, **ONE_DAY)
    header = [cell.value for cell in book["Sessions"][1]]
    at = header.index("review")
    assert header[at : at + 4] == ["review", "review_comment", "flags", "scans"]
    letters = [book["Sessions"].cell(1, at + n).column_letter for n in (2, 3)]
    assert [round(book["Sessions"].column_dimensions[c].width) for c in letters] == [41, 31]


@pytest.mark.parametrize("labels", ["nl", "en", "codes"])
def test_workbook_shows_the_newest_comment_and_the_flags(study, tmp_path, labels):
    session = short_session(study)
    book, _ = workbook(study, tmp_path, labels=labels, full=True, **ONE_DAY)
    row = row_of(records(book, "Sessions"), session)
    assert row["review_comment"] == COMMENT
    if labels == "codes":
        assert row["flags"] == "no_records; too_short"
    else:
        with force_locale(labels):
            assert row["flags"] == f"{FLAGS['no_records']}; {FLAGS['too_short']}"
    if labels == "en":
        assert row["flags"] == "no records; very short"
    # The formula-like comment is a text cell, never a formula.
    cells = [c for r in book["Sessions"].iter_rows() for c in r if c.value == COMMENT]
    assert cells and all(c.data_type == "s" for c in cells)


def test_sessions_without_review_or_flags_leave_the_cells_empty(study, tmp_path):
    book, _ = workbook(study, tmp_path, labels="codes")
    rows = records(book, "Sessions")
    unreviewed = [r for r in rows if r["review"] == "pending"]
    assert unreviewed and all(r["review_comment"] is None for r in unreviewed)
    assert any(r["flags"] is None for r in rows)
    flagged = {code for r in rows if r["flags"] for code in r["flags"].split("; ")}
    assert flagged <= set(FLAGS)


def test_the_review_filter_still_selects_and_the_columns_come_along(study, tmp_path):
    session = short_session(study, state="has_issues")
    book, counts = workbook(study, tmp_path, review_states=["has_issues"], labels="codes")
    rows = records(book, "Sessions")
    assert {r["review"] for r in rows} == {"has_issues"}
    assert row_of(rows, session)["flags"] == "no_records; too_short"
    assert counts["Sessions"] == db.session.scalar(
        sa.select(sa.func.count()).where(
            Session.review_state == "has_issues", Session.retracted.is_(False)
        )
    )
    book, _ = workbook(study, tmp_path, review_states=["approved"], labels="codes")
    ids = {r["session_id"] for r in records(book, "Sessions")}
    assert ids and session.id not in ids


def test_csv_has_the_same_columns_with_the_formula_defused(study, tmp_path):
    session = short_session(study)
    rows, _, counts = members(study, tmp_path, labels="en")
    header, *lines = rows["Sessions.csv"]
    table = [dict(zip(header, line, strict=True)) for line in lines]
    row = row_of(table, session)
    assert row["review_comment"] == "'" + COMMENT
    assert row["flags"] == "no records; very short"
    assert header.index("review_comment") == header.index("review") + 1
    assert counts["Sessions"] == len(lines)
    about = [line[0] for line in rows["About.csv"] if line]
    assert any("flags" in line for line in about)
