"""room for the export format pldp-moving

Revision ID: 0013_export_format_length
Revises: 0012_passer_counts
Create Date: 2026-12-13 10:00:00

`export_jobs.format` held at most 10 characters; `pldp-moving` (the PLDP people-moving table)
has 11. The column becomes 20 characters long. Going down fails only while an export of that
format is recorded (PostgreSQL refuses to cut it): delete those exports first.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013_export_format_length"
down_revision = "0012_passer_counts"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("export_jobs") as batch:
        batch.alter_column("format", type_=sa.String(20), existing_type=sa.String(10))


def downgrade():
    with op.batch_alter_table("export_jobs") as batch:
        batch.alter_column("format", type_=sa.String(10), existing_type=sa.String(20))
