"""indicator facts: each session's records summed per local hour, for the dashboards

Revision ID: 0009_indicator_facts
Revises: 0008_received_at
Create Date: 2026-11-27 16:00:00

At a million encounters the dashboards took seconds reading every encounter, flag and scan
count. These tables hold each ended session's records summed per local hour
(observations/models/facts.py); the app rewrites a session's rows whenever it or one of its
records changes (observations/indicators/facts/). The upgrade computes them for the
sessions already stored.
"""

import sqlalchemy as sa
from alembic import op

# The indexes as this revision made them (observations/models/facts.py).
HOUR_SUMS = (
    "seconds",
    "encounters",
    "strangers",
    "recognised",
    "acquaintances",
    "across_ages",
    "different_company",
)
HOUR_INDEXES = {
    "ix_fact_hours_day": ("site_id", "day", "review_state", "hour", "session_id", *HOUR_SUMS),
    "ix_fact_hours_week": ("site_id", "week_hour", "review_state", "hour", *HOUR_SUMS),
    "ix_fact_hours_conditions": (
        "programme",
        "crowding",
        "site_id",
        "review_state",
        "hour",
        *HOUR_SUMS,
    ),
}

# revision identifiers, used by Alembic.
revision = "0009_indicator_facts"
down_revision = "0008_received_at"
branch_labels = None
depends_on = None



def _site_and_review():
    return [
        sa.Column("site_id", sa.Integer(), sa.ForeignKey("sites.id"), nullable=False),
        sa.Column("review_state", sa.String(length=20), nullable=False),
    ]


def upgrade():
    counts = [sa.Column(name, sa.Integer(), nullable=False) for name in HOUR_SUMS]
    op.create_table(
        "fact_hours",
        sa.Column("session_id", sa.Integer(), sa.ForeignKey("sessions.id", ondelete="CASCADE"),
                  nullable=False),  # fmt: skip
        sa.Column("hour", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("week_hour", sa.Integer(), nullable=False),
        *_site_and_review(),
        sa.Column("programme", sa.String(length=40), nullable=False),
        sa.Column("crowding", sa.String(length=40), nullable=False),
        *counts,
        sa.PrimaryKeyConstraint("session_id", "hour"),
    )
    for name, columns in HOUR_INDEXES.items():
        op.create_index(name, "fact_hours", list(columns))
    op.create_table(
        "fact_codes",
        sa.Column("session_id", sa.Integer(), sa.ForeignKey("sessions.id", ondelete="CASCADE"),
                  nullable=False),  # fmt: skip
        sa.Column("hour", sa.BigInteger(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        *_site_and_review(),
        sa.Column("daypart", sa.String(length=10), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("session_id", "hour", "category", "code"),
    )
    op.create_index(
        "ix_fact_codes_site",
        "fact_codes",
        ["site_id", "category", "code", "daypart", "review_state", "hour", "n"],
    )
    op.create_table(
        "fact_session_codes",
        sa.Column("session_id", sa.Integer(), sa.ForeignKey("sessions.id", ondelete="CASCADE"),
                  nullable=False),  # fmt: skip
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("daypart", sa.String(length=10), nullable=False),
        *_site_and_review(),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("session_id", "day", "category", "code", "daypart"),
    )
    op.create_index(
        "ix_fact_session_codes_site",
        "fact_session_codes",
        ["site_id", "category", "code", "daypart", "review_state", "day", "n"],
    )
    op.create_table(
        "fact_zones",
        sa.Column("session_id", sa.Integer(), sa.ForeignKey("sessions.id", ondelete="CASCADE"),
                  nullable=False),  # fmt: skip
        sa.Column("zone_id", sa.Integer(), sa.ForeignKey("zones.id"), nullable=False),
        sa.Column("hour", sa.BigInteger(), nullable=False),
        sa.Column("condition", sa.String(length=40), nullable=False),
        *_site_and_review(),
        sa.Column("scans", sa.Integer(), nullable=False),
        sa.Column("encounters", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("session_id", "zone_id", "hour", "condition"),
    )
    op.create_index(
        "ix_fact_zones_session",
        "fact_zones",
        [
            "session_id",
            "zone_id",
            "condition",
            "site_id",
            "review_state",
            "hour",
            "scans",
            "encounters",
        ],
    )
    op.create_table(
        "fact_conditions",
        sa.Column("session_id", sa.Integer(), sa.ForeignKey("sessions.id", ondelete="CASCADE"),
                  nullable=False),  # fmt: skip
        sa.Column("condition", sa.String(length=40), nullable=False),
        *_site_and_review(),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.BigInteger(), nullable=False),
        sa.Column("encounters", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("session_id", "condition"),
    )
    op.create_index(
        "ix_fact_conditions_code",
        "fact_conditions",
        ["condition", "site_id", "review_state", "day", "seconds", "encounters"],
    )

    from observations.indicators.facts import rebuild

    rebuild(connection=op.get_bind())


def downgrade():
    op.drop_index("ix_fact_conditions_code", table_name="fact_conditions")
    op.drop_table("fact_conditions")
    op.drop_index("ix_fact_session_codes_site", table_name="fact_session_codes")
    op.drop_table("fact_session_codes")
    op.drop_index("ix_fact_zones_session", table_name="fact_zones")
    op.drop_table("fact_zones")
    op.drop_index("ix_fact_codes_site", table_name="fact_codes")
    op.drop_table("fact_codes")
    for name in reversed(HOUR_INDEXES):
        op.drop_index(name, table_name="fact_hours")
    op.drop_table("fact_hours")
