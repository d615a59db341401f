"""an index on sessions (fieldworker_id, auto_closed_at), for every sync's closed-sessions check

Revision ID: 0015_sessions_closed_index
Revises: 0014_session_uuid_index
Create Date: 2026-11-28 10:10:00

Every sync answer lists the sessions the server ended for its fieldworker lately
(review/forgotten.py). The check read every session of the fieldworker through
ix_sessions_fieldworker_started: 60 µs with a few sessions, 340 µs with 800 (SQLite,
measured), growing with every day of fieldwork. With this index it seeks the few sessions
the server ended since the notice period began: 90 µs with 800.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0015_sessions_closed_index"
down_revision = "0014_session_uuid_index"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_sessions_fieldworker_auto_closed", "sessions", ["fieldworker_id", "auto_closed_at"]
    )


def downgrade():
    op.drop_index("ix_sessions_fieldworker_auto_closed", table_name="sessions")
