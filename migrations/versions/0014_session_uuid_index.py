"""an index on sessions.uuid, for the sync's look-up of a record's session

Revision ID: 0014_session_uuid_index
Revises: 0013_export_format_length
Create Date: 2026-12-14 10:00:00

A phone's scan, encounter, note or count names its session by UUID alone (the study is
optional). The unique index on (study_id, uuid) cannot serve that, so every sync batch read
the whole sessions table: a few microseconds in a fresh database, milliseconds in one with
years of fieldwork. Sessions get an index of their own on uuid.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0014_session_uuid_index"
down_revision = "0013_export_format_length"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_sessions_uuid", "sessions", ["uuid"])


def downgrade():
    op.drop_index("ix_sessions_uuid", table_name="sessions")
