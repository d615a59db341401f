"""retention: when a study's observation records were last deleted

Revision ID: 0010_retention
Revises: 0009_indicator_facts
Create Date: 2026-12-04 10:00:00

A study's retention period (studies.retention_months) exists since 0001; a purge
(observations/purge.py) deletes its records once they are exported, and notes the moment in
studies.purged_at, so that the admin's overview and the coordinator's page can say so. The
column is added in place (no table copy on SQLite: every record table refers to studies).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010_retention"
down_revision = "0009_indicator_facts"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("studies", sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    op.drop_column("studies", "purged_at")
