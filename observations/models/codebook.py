"""The codebook: versioned categories and codes with Dutch and English labels.

A code that has been used is retired, never deleted: it stays valid for records coded with
an earlier version. A code is valid in version v when introduced_in <= v and it was not yet
retired in v (retired_in is empty or greater than v).
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow

APPLIES_TO = ("session", "scan", "encounter")
# How often a scan category applies to one person counted: every person has exactly one
# perceived age and gender; at most one posture, activity, company, role, regular (see
# scan_rules.py, and static/js/scan_rules.js, which checks the same on the phone).
PER_PERSON = ("exactly_one", "at_most_one")


class Codebook(db.Model):
    """One version of a study's codebook; records keep the version they were coded with."""

    __tablename__ = "codebooks"
    __table_args__ = (sa.UniqueConstraint("study_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(sa.ForeignKey("studies.id"), index=True)
    version: Mapped[int]
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The categories and codes as they stood in this version (labels included), so that
    # history shows what observers saw; the live tables hold the current state.
    snapshot: Mapped[dict | None] = mapped_column(sa.JSON)


class Category(db.Model):
    """A codebook category such as perceived age, activity or encounter type."""

    __tablename__ = "codebook_categories"
    __table_args__ = (
        sa.UniqueConstraint("study_id", "key"),
        sa.CheckConstraint(
            "applies_to IN ('session', 'scan', 'encounter')", name="applies_to_known"
        ),
        sa.CheckConstraint(
            "per_person IS NULL OR per_person IN ('exactly_one', 'at_most_one')",
            name="per_person_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(sa.ForeignKey("studies.id"), index=True)
    key: Mapped[str] = mapped_column(sa.String(40), info={"required": True})
    label_nl: Mapped[str] = mapped_column(sa.String(120), info={"required": True})
    label_en: Mapped[str] = mapped_column(sa.String(120), info={"required": True})
    applies_to: Mapped[str] = mapped_column(sa.String(20))
    # Several codes may apply at once (weather, zone conditions, encounter flags).
    multiple: Mapped[bool] = mapped_column(default=False)
    # Scan categories counted per person: "exactly_one" or "at_most_one" (None: not per person).
    per_person: Mapped[str | None] = mapped_column(sa.String(12))
    position: Mapped[int] = mapped_column(default=0)

    codes: Mapped[list["Code"]] = relationship(
        back_populates="category", order_by="(Code.position, Code.id)"
    )

    def label(self, locale: str) -> str:
        """Return the label in the given language (Dutch unless English is asked)."""
        return self.label_en if locale == "en" else self.label_nl


class Code(db.Model):
    """One code in a category, with its labels and the versions it is valid in."""

    __tablename__ = "codebook_codes"
    __table_args__ = (
        sa.UniqueConstraint("category_id", "code"),
        sa.CheckConstraint(
            "retired_in IS NULL OR retired_in > introduced_in",
            name="retired_after_introduced",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("codebook_categories.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(40), info={"required": True})
    label_nl: Mapped[str] = mapped_column(sa.String(120), info={"required": True})
    label_en: Mapped[str] = mapped_column(sa.String(120), info={"required": True})
    description_nl: Mapped[str] = mapped_column(
        sa.Text, default="", info={"max_length": 500, "multiline": True}
    )
    description_en: Mapped[str] = mapped_column(
        sa.Text, default="", info={"max_length": 500, "multiline": True}
    )
    position: Mapped[int] = mapped_column(default=0)
    introduced_in: Mapped[int] = mapped_column(default=1)
    retired_in: Mapped[int | None]

    category: Mapped[Category] = relationship(back_populates="codes")

    @property
    def retired(self) -> bool:
        """True once the code may no longer be chosen for new records."""
        return self.retired_in is not None

    def valid_in(self, version: int) -> bool:
        """Tell whether a record coded with this codebook version may use the code."""
        return self.introduced_in <= version and (
            self.retired_in is None or version < self.retired_in
        )

    def label(self, locale: str) -> str:
        """Return the label in the given language (Dutch unless English is asked)."""
        return self.label_en if locale == "en" else self.label_nl
