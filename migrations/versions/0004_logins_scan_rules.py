"""logins that can be revoked; per-person rules of scan categories

Revision ID: 0004_logins_scan_rules
Revises: 0003_exports
Create Date: 2026-11-27 01:20:00

`logins` holds one row per signed-in browser or phone (only the token's hash), so that
logging out, a password change or "log out everywhere" makes copied cookies useless.
Existing sessions were signed with the user's id and stop working: everyone logs in once.

`codebook_categories.per_person` says how often a scan category applies to one person.
Existing studies get the default codebook's rules for the categories it knows by key.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_logins_scan_rules"
down_revision = "0003_exports"
branch_labels = None
depends_on = None

RULES = {
    "age": "exactly_one",
    "gender": "exactly_one",
    "company": "at_most_one",
    "role": "at_most_one",
    "regular": "at_most_one",
    "posture": "at_most_one",
    "activity": "at_most_one",
}


def upgrade():
    op.create_table(
        "logins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("device", sa.String(length=80), nullable=False),
        sa.Column("remember", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_logins_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_logins")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_logins_token_hash")),
    )
    with op.batch_alter_table("logins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_logins_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("codebook_categories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("per_person", sa.String(length=12), nullable=True))
        batch_op.create_check_constraint(
            "per_person_known",
            "per_person IS NULL OR per_person IN ('exactly_one', 'at_most_one')",
        )
    categories = sa.table(
        "codebook_categories",
        sa.column("key", sa.String),
        sa.column("applies_to", sa.String),
        sa.column("per_person", sa.String),
    )
    for key, rule in RULES.items():
        op.execute(
            categories.update()
            .where(categories.c.key == key, categories.c.applies_to == "scan")
            .values(per_person=rule)
        )


def downgrade():
    with op.batch_alter_table("codebook_categories", schema=None) as batch_op:
        batch_op.drop_constraint("per_person_known", type_="check")
        batch_op.drop_column("per_person")
    with op.batch_alter_table("logins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_logins_user_id"))
    op.drop_table("logins")
