"""indicators: covering indexes for the dashboards' grouped passes

Revision ID: 0007_indicators
Revises: 0006_review
Create Date: 2026-11-27 13:00:00

The site dashboard and the cross-site comparison read every encounter, scan, scan count and
flag of a study once per page (observations/indicators/tallies.py). These indexes hold every
column those passes read, so that the databases read the indexes alone, not the tables.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0007_indicators"
down_revision = "0006_review"
branch_labels = None
depends_on = None

INDEXES = (
    (
        "ix_encounters_tally",
        "encounters",
        [
            "session_id",
            "occurred_at",
            "retracted",
            "zone_id",
            "encounter_type",
            "relation",
            "parties",
        ],
    ),
    ("ix_encounter_flags_code", "encounter_flags", ["code", "encounter_id"]),
    ("ix_scans_tally", "scans", ["session_id", "observed_at", "zone_id", "retracted"]),
    ("ix_scan_counts_tally", "scan_counts", ["scan_id", "category", "code", "count"]),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
