"""received_at: an index per record table, for the read API's settling horizon

Revision ID: 0008_received_at
Revises: 0007_indicators
Create Date: 2026-11-30 10:00:00

The read API's paged tables stop short of the records received within a few seconds of now
(observations/export/keyset.py), so that a sync still committing never ends up behind a
client's cursor. Each page asks for the smallest id received in that span; these indexes
answer it from the few newest entries instead of a pass over the table.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0008_received_at"
down_revision = "0007_indicators"
branch_labels = None
depends_on = None

TABLES = ("sessions", "scans", "encounters", "field_notes")


def upgrade():
    for table in TABLES:
        op.create_index(f"ix_{table}_received_at", table, ["received_at"], unique=False)


def downgrade():
    for table in reversed(TABLES):
        op.drop_index(f"ix_{table}_received_at", table_name=table)
